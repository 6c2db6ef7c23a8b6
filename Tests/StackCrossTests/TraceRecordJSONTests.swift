import Foundation
import XCTest
@testable import StackCross

/// The fast JSON Lines writer must produce exactly what JSONDecoder reads back into the same records.
final class TraceRecordJSONTests: XCTestCase {
    static let regs = Registers(values: (0..<27).map { $0 == 10 ? UInt64.max : UInt64($0) &* 0x1111_1111_1111 })

    /// A syscall record with every field set (a new field left nil here fails `testSampleSetsEveryField`).
    static let fullSyscall = { var r = SyscallRecord(
        pid: 100, tid: 101, abi: .x86_64, nr: 1, name: "write",
        args: ["1", "\"he said \\\"hi\\\"\\n\"", "5", "tab\there", "ctl\u{01}\u{1f}", "é✓😀"],
        rawArgs: [1, 0x7FFD_1234, 5, 0, Address(UInt64.max), 0x8000_0000_0000_0000],
        strings: ["1": TraceeString(bytes: [0x68, 0x69, 0x0A]), "2": TraceeString(bytes: [0xFF, 0x00, 0xC3], truncated: true),
                  "3": TraceeString(bytes: Array("ok".utf8), truncated: true)],
        ret: -512, error: "ERESTARTSYS", entryNs: 123_456_789_012_345, exitNs: UInt64.max,
        entryRegs: regs, exitRegs: regs,
        userStack: [Frame(pc: 0x401000, symbol: "main", offset: 0x1F, length: 100, module: "/bin/x", buildId: "abcd",
                          file: "x.c", line: 42, inlined: true, isActivation: false, note: "unwind stopped: \"end\"")],
        kernelStack: [Frame(pc: 0, symbol: "ptrace_stop", offset: 0x2D, length: 0x1E0)],
        crossing: Crossing(entry: .int80, phase: .syscallExit,
                           syscall: SyscallCall(abi: .i386, nr: 4, name: "write", args: [1, 2, 3]),
                           userRsp: 0x7FFC_0000, userStackMapping: "[stack]",
                           checks: [Check(name: "rcx==rip", ok: false, expected: "0x1", actual: "0x2"),
                                    Check(name: "cs", ok: true, expected: "0x33", actual: "0x33")]),
        retPath: TraceeString(bytes: [0x2F, 0x74, 0xFF, 0x0A, 0x3C]), injected: InjectedCall(ret: -13, signal: 10, delayEnterUs: 5, delayExitUs: 7),
        dump: TraceeString(bytes: [0x00, 0xFF, 0x76, 0x0A]))
        r.detached = true
        r.retNote = "in [3 \"4\"], left {tv_sec=0, tv_usec=5}"
        return r
    }()

    static var samples: [TraceRecord] {
        [
            .syscall(fullSyscall),
            .syscall(SyscallRecord(pid: 1, tid: 1, abi: .i386, nr: 252, name: "exit_group", args: [], rawArgs: [], entryNs: 0)),
            .signal(SignalRecord(pid: 5, tid: 6, signo: 10, name: "SIGUSR1", code: "SI_USER", timeNs: 9,
                                 crossing: Crossing(entry: .signal, checks: []), handlerStepped: false)),
            .signal(SignalRecord(pid: 5, tid: 6, signo: 11, name: "SIGSEGV", timeNs: 9)),
            .exec(ExecRecord(pid: 7, tid: 7, formerTid: 8, path: TraceeString(bytes: [0x2F, 0xFE]), timeNs: 1)),
            .exec(ExecRecord(pid: 7, tid: 7, path: "/usr/bin/echo", timeNs: 1)),
            .clone(CloneRecord(pid: 7, tid: 7, child: 9, kind: .vfork, timeNs: 2)),
            .exit(ExitRecord(pid: 7, tid: 9, code: 0, timeNs: 3)),
            .exit(ExitRecord(pid: 7, tid: 9, signal: "SIGKILL", timeNs: 3)),
            .attach(AttachRecord(pid: 1, tid: 2, timeNs: 3)),
            .detach(AttachRecord(pid: 1, tid: 2, timeNs: 4)),
        ]
    }

    func testRoundTripThroughJSONDecoder() throws {
        for rec in Self.samples {
            var buf: [UInt8] = []
            TraceRecordJSON.appendLine(rec, to: &buf)
            XCTAssertEqual(buf.last, UInt8(ascii: "\n"))
            XCTAssertEqual(buf.filter { $0 == UInt8(ascii: "\n") }.count, 1, "one line per record")
            let decoded = try JSONDecoder().decode(TraceRecord.self, from: Data(buf.dropLast()))
            XCTAssertEqual(decoded, rec, String(decoding: buf, as: UTF8.self))
        }
    }

    func testSameJSONObjectAsJSONEncoder() throws {
        for rec in Self.samples {
            var buf: [UInt8] = []
            TraceRecordJSON.appendLine(rec, to: &buf)
            let ours = try JSONSerialization.jsonObject(with: Data(buf)) as! NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(rec)) as! NSDictionary
            XCTAssertEqual(ours, theirs)
        }
    }

    func testSampleSetsEveryField() {
        func nilFields(_ value: Any, path: String) -> [String] {
            Mirror(reflecting: value).children.flatMap { child -> [String] in
                let name = path + "." + (child.label ?? "?")
                let m = Mirror(reflecting: child.value)
                if m.displayStyle == .optional { return m.children.isEmpty ? [name] : [] }
                return []
            }
        }
        let r = Self.fullSyscall
        XCTAssertEqual(nilFields(r, path: "SyscallRecord"), [], "set the new field in the sample and write it in TraceRecordJSON")
        XCTAssertEqual(nilFields(r.userStack![0], path: "Frame"), [])
        // `passed` belongs to schema 2's compact verdict (TraceWriter), never to a full check list.
        XCTAssertEqual(nilFields(r.crossing!, path: "Crossing"), ["Crossing.passed"])
    }

    func testManyRecordsShareOneGrowingBuffer() throws {
        let b = JSONLineBuffer(capacity: 64)
        for rec in Self.samples { TraceRecordJSON.appendLine(rec, to: b) }
        let buf = Array(b.bytes)
        let lines = buf.split(separator: UInt8(ascii: "\n"))
        XCTAssertEqual(lines.count, Self.samples.count)
        XCTAssertEqual(try lines.map { try JSONDecoder().decode(TraceRecord.self, from: Data($0)) }, Self.samples)
    }
}

final class RegistersFromMemoryTests: XCTestCase {
    func testUserRegsStructLayoutMatchesValues() {
        let values = (0..<27).map { UInt64($0) &* 0x0101_0101_0101 &+ 7 }
        let r = values.withUnsafeBytes { Registers(userRegsStruct: $0.baseAddress!) }
        XCTAssertEqual(r, Registers(values: values))
        XCTAssertEqual(r.values, values)
        var m = r
        for i in 0..<27 {
            XCTAssertEqual(r[index: i], values[i], Registers.names[i])
            m[index: i] = ~values[i]
        }
        XCTAssertEqual(m.values, values.map { ~$0 })
    }
}
