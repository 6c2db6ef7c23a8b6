import CStackCross
import Foundation
@testable import Inspector
import StackCross
import XCTest

/// The per-stop path's shortcuts: each must give what the general path gives.
final class TraceHotPathTests: XCTestCase {
    /// Without a second CPU the tracer writes the records itself (no output thread). The trace must be
    /// the one the output thread writes: the same records, byte for byte once times and ids are set aside.
    /// Both runs have address-space randomisation off (setarch -R), so registers and addresses agree.
    func testTheTracerWritesTheSameTraceWithoutTheOutputThread() throws {
        let bin = try fixture("trace_writes")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sc-hot-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var traces: [String] = []
        for (mode, pin) in [("0", true), ("1", false)] {
            let out = dir.appendingPathComponent("trace-\(mode).jsonl").path
            var cmd = ["/usr/bin/env", "SC_OUTPUT_THREAD=\(mode)"]
            if pin { cmd += ["taskset", "-c", "0"] }
            cmd += ["setarch", "x86_64", "-R", stackcrossBinary.path, "trace", "-f", "-o", out, "--", bin.path, "300"]
            let r = try InspectorTests.run(cmd[0], Array(cmd.dropFirst()))
            XCTAssertEqual(r.status, 0, r.stderr)
            traces.append(try String(contentsOfFile: out, encoding: .utf8))
            let check = try stackcross(["check", out])
            XCTAssertEqual(check.status, 0, "check of the SC_OUTPUT_THREAD=\(mode) trace: \(check.stdout) \(check.stderr)")
        }
        let (inline, threaded) = (try normalized(traces[0]), try normalized(traces[1]))
        XCTAssertGreaterThan(inline.filter { $0.contains("\"name\":\"write\"") }.count, 299)
        XCTAssertEqual(inline.count, threaded.count)
        for (i, (a, b)) in zip(inline, threaded).enumerated() where a != b {
            XCTFail("record \(i + 2) differs:\n  without the thread: \(a)\n  with it:            \(b)")
            break
        }
    }

    /// Records without the header, with what differs from run to run set aside: process ids (also where a
    /// call returns one), clock readings, and every hex value (registers and pointers: the execve's come
    /// from stackcross's own heap, and ld.so keeps a TSC reading in rbx). Which registers a stop lists, the
    /// records, their order, arguments, return values and verdicts stay.
    func normalized(_ trace: String) throws -> [String] {
        let pid = trace.split(separator: "\n").dropFirst().first.flatMap { line -> String? in
            guard let r = line.range(of: "\"pid\":") else { return nil }
            return String(line[r.upperBound...].prefix { $0.isNumber })
        } ?? "-"
        let patterns = [("\"(pid|tid|child)\":[0-9]+", "\"$1\":N"), ("\"([A-Za-z]*Ns)\":[0-9]+", "\"$1\":N"),
                        ("\"0x[0-9a-f]+\"", "\"0x\""), ("\\b\(pid)\\b", "PID")]
        let res = try patterns.map { (try NSRegularExpression(pattern: $0.0), $0.1) }
        return trace.split(separator: "\n").dropFirst().map { line in
            var s = String(line)
            for (re, template) in res {
                s = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
            }
            return s
        }
    }

    /// GETREGS's struct becomes a `Registers` by taking its bytes: every field must land where its name says.
    func testRegistersTakeUserRegsFieldByField() throws {
        var r = sc_user_regs()
        withUnsafeMutableBytes(of: &r) { b in
            for i in 0..<27 { b.storeBytes(of: UInt64(0x1000 + i), toByteOffset: i * 8, as: UInt64.self) }
        }
        let g = Registers(r)
        XCTAssertEqual(g, withUnsafeBytes(of: &r) { Registers(userRegsStruct: $0.baseAddress!) })
        XCTAssertEqual(g.values, (0..<27).map { UInt64(0x1000 + $0) })
        XCTAssertEqual([g.r15, g.rax, g.origRax, g.rip, g.rsp, g.gs].map(\.rawValue), [r.r15, r.rax, r.orig_rax, r.rip, r.rsp, r.gs])
    }

    /// The decoder is handed the stopped tracee's memory as an existential at every stop; at 24 bytes
    /// or less it is stored inline, not boxed on the heap.
    func testStoppedTraceeMemoryFitsAnExistentialInline() {
        XCTAssertLessThanOrEqual(MemoryLayout<StoppedTraceeMemory>.size, 3 * MemoryLayout<Int>.size)
    }
}
