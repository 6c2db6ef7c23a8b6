import Foundation
import XCTest
import StackCross

/// `stackcross report` as a user runs it: files in, views out, errors and exit codes.
final class ReportCLITests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "report-cli" }

    static let hostile = "</script><img src=x onerror=alert(1)>"

    static func sampleRecord(tid: Int32, at ns: UInt64, fail: Bool = false) -> TraceRecord {
        var v = (0..<27).map { 0x1000 + UInt64($0) }
        v[17] = 0x33; v[20] = 0x2b
        let regs = Registers(values: v)
        return .syscall(SyscallRecord(
            pid: 4000, tid: tid, abi: .x86_64, nr: 1, name: tid % 2 == 0 ? "write" : "read",
            args: ["1", "\"" + hostile + "\\n\"", "40"], rawArgs: [1, 0x4000, 40],
            strings: ["1": TraceeString(bytes: [0xff, 0x3c, 0x2f])], ret: fail ? -9 : 40, error: fail ? "EBADF" : nil,
            entryNs: ns, exitNs: ns + 20_000, entryRegs: regs, exitRegs: regs,
            userStack: [Frame(pc: 0x401136, symbol: "leaf;" + hostile, offset: 4, module: "/tmp/fix"),
                        Frame(pc: 0x401176, symbol: "main", offset: 8, module: "/tmp/fix", file: "fix.c", line: 3)],
            kernelStack: [Frame(pc: 0, symbol: "ksys_write", offset: 0x10, length: 0x100),
                          Frame(pc: 0, symbol: "entry_SYSCALL_64_after_hwframe", offset: 0x76, length: 0x80)],
            crossing: Crossing(entry: .syscall, phase: .syscallEntry, userRsp: 0x7ffd_0000_1000, userStackMapping: "[stack]", checks: [
                Check(name: "pt_regs.cs", ok: !fail, expected: "0x33", actual: fail ? "0x23" : "0x33"),
                Check(name: "pt_regs.rcx", ok: true, expected: "0x1000", actual: "0x1000"),
                Check(name: "rax==-ENOSYS", ok: true, expected: "-38", actual: "-38"),
            ])))
    }

    func writeSampleTrace(_ name: String = "t.jsonl", calls: Int = 300) throws -> URL {
        try writeReportSampleTrace(to: dir.appendingPathComponent(name), calls: calls)
    }
}

/// A small trace of a few threads with signals and failed checks, as `trace -o` would write it.
func writeReportSampleTrace(to url: URL, calls: Int) throws -> URL {
    let enc = JSONEncoder()
        var text = Data()
        func add(_ r: TraceRecord) throws { text.append(try enc.encode(r)); text.append(0x0a) }
        try add(.exec(ExecRecord(pid: 4000, tid: 4000, path: TraceeString(bytes: Array("/tmp/fix".utf8) + [0xff]), timeNs: 1_000_000)))
        var t: UInt64 = 1_000_000
        for i in 0..<calls {
            t += 50_000 + UInt64(i % 7) * 10_000
            try add(ReportCLITests.sampleRecord(tid: 4000 + Int32(i % 3), at: t, fail: i % 41 == 5))
            if i % 60 == 0 {
                try add(.signal(SignalRecord(pid: 4000, tid: 4000 + Int32(i % 3), signo: 10, name: "SIGUSR1", code: "SI_USER", timeNs: t + 30_000)))
            }
        }
        try add(.exit(ExitRecord(pid: 4000, tid: 4000, code: 0, timeNs: t + 100_000)))
        try text.write(to: url)
        return url
}

extension ReportCLITests {

    func testEveryFormatWritesItsFileAndExitsZero() throws {
        let input = try writeSampleTrace()
        for format in ReportFormat.allCases where !format.isProfileOnly {
            let out = dir.appendingPathComponent("out.\(format.rawValue)")
            let r = try stackcross(["report", input.path, "--format", format.rawValue, "-o", out.path], timeout: 60)
            XCTAssertEqual(r.status, 0, "\(format): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(format) with -o writes nothing to stdout")
            let bytes = try Data(contentsOf: out)
            XCTAssertGreaterThan(bytes.count, 100, "\(format)")
            let text = String(decoding: bytes, as: UTF8.self)
            switch format {
            case .chrome:
                let obj = try JSONSerialization.jsonObject(with: bytes) as? [String: Any]
                XCTAssertEqual((obj?["traceEvents"] as? [Any])?.isEmpty, false)
            case .folded:
                XCTAssertTrue(text.contains("main;leaf_</script><img src=x onerror=alert(1)>;write_[k];entry_SYSCALL_64_after_hwframe_[k];ksys_write_[k] 200\n"), text)
                XCTAssertTrue(text.contains("main;leaf_</script><img src=x onerror=alert(1)>;read_[k];entry_SYSCALL_64_after_hwframe_[k];ksys_write_[k] 100\n"), text)
            case .summary:
                XCTAssertTrue(text.contains("total"), text)
                XCTAssertTrue(text.contains("records: syscall 300, signal 5, exec 1, exit 1"), text)
            case .html, .flamegraph:
                XCTAssertFalse(text.contains("<img"), "\(format) let tracee markup through")
            case .otlp, .perfetto:
                break  // protobuf, decoded by the official definitions in ExportTests
            case .text:
                XCTAssertTrue(text.contains("[pid  4000] write(1, \"" + Self.hostile + "\\n\", 40) = 40"), text)
            case .pprof, .speedscope:
                XCTFail("\(format) is a view of profiles only")
            }
        }
        // Without -o the view goes to stdout; "-" reads stdin.
        let r = try stackcross(["report", input.path, "--format", "summary"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("% time"), r.stdout)
        let piped = try InspectorTests.run(stackcrossBinary.path, ["report", "-", "--format", "summary"], stdin: try FileHandle(forReadingFrom: input))
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, r.stdout)
    }

    func testCorruptLineIsAnErrorNamingFileAndLine() throws {
        let input = try writeSampleTrace(calls: 10)
        var lines = try String(contentsOf: input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[6] = String(lines[6].prefix(40))
        try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        for format in ["summary", "html", "chrome"] {
            let r = try stackcross(["report", input.path, "--format", format, "-o", dir.appendingPathComponent("x").path])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(input.path):7: corrupt record"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path), "no half-written view is left")
        }
    }

    func testMissingInputAndBadFormat() throws {
        let missing = try stackcross(["report", dir.appendingPathComponent("nope.jsonl").path, "--format", "text"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no such file"), missing.stderr)
        let input = try writeSampleTrace(calls: 3)
        let bad = try stackcross(["report", input.path, "--format", "pdf"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        let before = try Data(contentsOf: input)
        let same = try stackcross(["report", input.path, "--format", "text", "-o", input.path])
        XCTAssertEqual(same.status, 64, same.stderr)
        XCTAssertEqual(try Data(contentsOf: input), before, "the input was not truncated")
        let empty = dir.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        let e = try stackcross(["report", empty.path, "--format", "summary"])
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.contains("empty"), e.stderr)
    }

    /// Peak RSS (KiB) of one CLI run, from a python3 parent's RUSAGE_CHILDREN (its only child).
    func peakRSS(_ args: [String]) throws -> (RunResult, Int) {
        let script = """
        import resource, subprocess, sys
        r = subprocess.run(sys.argv[1:])
        sys.stderr.write("PEAK_RSS_KB=%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.exit(r.returncode)
        """
        let r = try InspectorTests.run("/usr/bin/python3", ["-c", script, stackcrossBinary.path] + args, timeout: 120)
        let line = try XCTUnwrap(r.stderr.split(separator: "\n").last { $0.hasPrefix("PEAK_RSS_KB=") })
        return (r, Int(line.dropFirst("PEAK_RSS_KB=".count))!)
    }

    /// Writes `lines` syscall records fast: one encoded template, its sentinel numbers replaced per line.
    func writeLargeTrace(lines: Int, name: String) throws -> URL {
        let template = String(decoding: try JSONEncoder().encode(TraceRecord.syscall(SyscallRecord(
            pid: 5000, tid: 777_777, abi: .x86_64, nr: 1, name: "write", args: ["1", "\"abc\"", "3"], rawArgs: [1, 0x4000, 3],
            ret: 3, entryNs: 111_111_111_111, exitNs: 222_222_222_222,
            crossing: Crossing(entry: .syscall, checks: [Check(name: "rax==-ENOSYS", ok: true, expected: "-38", actual: "-38")])))), as: UTF8.self)
        // Split once at the sentinels (JSONEncoder's key order is not fixed); each line is then a few appends.
        let sentinels = ["777777", "111111111111", "222222222222"]
        let at = sentinels.enumerated().map { ($0.offset, template.range(of: $0.element)!) }.sorted { $0.1.lowerBound < $1.1.lowerBound }
        var parts: [[UInt8]] = [], order: [Int] = [], cursor = template.startIndex
        for (which, r) in at {
            parts.append(Array(template[cursor..<r.lowerBound].utf8))
            order.append(which)
            cursor = r.upperBound
        }
        parts.append(Array(template[cursor...].utf8))
        let url = dir.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        var buf: [UInt8] = []
        buf.reserveCapacity(1 << 21)
        for i in 0..<lines {
            let t = 1_000_000_000 + UInt64(i) * 1000
            let values = [String(5000 + i % 8), String(t), String(t + 400)]
            for (k, which) in order.enumerated() { buf += parts[k]; buf += Array(values[which].utf8) }
            buf += parts[3]; buf.append(0x0a)
            if buf.count > 1 << 20 { h.write(Data(buf)); buf.removeAll(keepingCapacity: true) }
        }
        h.write(Data(buf))
        return url
    }

    func testLargeTraceStreamsInBoundedMemoryAndBoundedHTML() throws {
        let small = try writeLargeTrace(lines: 20_000, name: "small.jsonl")
        let big = try writeLargeTrace(lines: 200_000, name: "big.jsonl")
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: big.path)[.size] as? Int)
        let html = dir.appendingPathComponent("big.html")
        let (r0, peakSmall) = try peakRSS(["report", small.path, "--format", "html", "-o", dir.appendingPathComponent("small.html").path])
        XCTAssertEqual(r0.status, 0, r0.stderr)
        let (r, peak) = try peakRSS(["report", big.path, "--format", "html", "-o", html.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let htmlSize = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: html.path)[.size] as? Int)
        print("report: 200k-line trace of \(size >> 20) MiB → html \(htmlSize >> 10) KiB, peak RSS \(peak >> 10) MiB (20k lines: \(peakSmall >> 10) MiB)")
        // Detail is capped at 5000 crossings (well under 1 KiB each here), so the page stays a few MiB.
        XCTAssertLessThan(htmlSize, 6 << 20)
        // Ten times the records may not cost more memory: 16 MiB over 180k extra records would be < 100 bytes each.
        XCTAssertLessThan(peak, peakSmall + (16 << 10), "peak RSS \(peak) KiB against \(peakSmall) KiB for 20k lines")
        XCTAssertLessThan(peak, size >> 10, "peak RSS \(peak) KiB is not below the trace's size")
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("\"omittedCrossings\":195000"))
        XCTAssertTrue(page.contains("[\"write\",200000,0,80000000]"), "the summary saw every call")
        // And the page of a 200k-record trace is still light work for a browser.
        let started = Date()
        _ = try renderedHTML(page: html, workDir: dir)
        print("report: chromium rendered the 200k-record page in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
