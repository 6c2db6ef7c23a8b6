import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import StackCross

/// Records built in the test, hostile strings included, for the exporter tests.
enum ReportSamples {
    static let hostile = "</script><img src=x onerror=alert(1)>"
    static let invalidUTF8: [UInt8] = [0x2f, 0x74, 0xff, 0xfe, 0x3c, 0x00, 0x41]

    static func regs(rip: UInt64 = 0x401136, rcx: UInt64? = nil, cs: UInt64 = 0x33) -> Registers {
        var v = [UInt64](repeating: 0, count: 27)
        for i in 0..<27 { v[i] = 0x1000 + UInt64(i) }
        v[16] = rip; v[11] = rcx ?? rip; v[17] = cs; v[20] = 0x2b; v[19] = 0x7ffd_0000_1000; v[15] = 1; v[10] = UInt64(bitPattern: -38)
        return Registers(values: v)
    }

    static let userStack = [
        Frame(pc: 0x401136, symbol: "leaf", offset: 12, module: "/tmp/fix", file: "fix.c", line: 10),
        Frame(pc: 0x401156, symbol: "mid;dle\nx", offset: 20, module: "/tmp/fix"),
        Frame(pc: 0x401176, symbol: "main", offset: 30, module: "/tmp/fix", file: "fix.c", line: 30),
    ]
    static let kernelStack = [
        Frame(pc: 0, symbol: "ptrace_stop", offset: 0x64, length: 0x12c),
        Frame(pc: 0, symbol: "do_syscall_64", offset: 0x50, length: 0xc8),
        Frame(pc: 0, symbol: "entry_SYSCALL_64_after_hwframe", offset: 0x76, length: 0x80),
    ]

    static func crossing(fail: Bool) -> Crossing {
        Crossing(entry: .syscall, phase: .syscallEntry, userRsp: 0x7ffd_0000_1000, userStackMapping: "[stack]", checks: [
            Check(name: "pt_regs.rcx", ok: true, expected: "0x401136", actual: "0x401136"),
            Check(name: "pt_regs.cs", ok: !fail, expected: "0x33", actual: fail ? "0x23" : "0x33"),
            Check(name: "rax==-ENOSYS", ok: true, expected: "-38", actual: "-38"),
        ])
    }

    static func write(tid: Int32 = 100, at ns: UInt64, dur: UInt64 = 5000, ret: Int64 = 5, error: String? = nil,
                      stacks: Bool = true, fail: Bool = false, name: String = "write") -> TraceRecord {
        .syscall(SyscallRecord(
            pid: 100, tid: tid, abi: .x86_64, nr: 1, name: name, args: ["1", "\"" + hostile + "\\n\"", "5"],
            rawArgs: [1, 0x4000, 5], strings: ["1": TraceeString(bytes: invalidUTF8)], ret: ret, error: error,
            entryNs: ns, exitNs: ns + dur, entryRegs: regs(), exitRegs: regs(),
            userStack: stacks ? userStack : nil, kernelStack: stacks ? kernelStack : nil, crossing: crossing(fail: fail)))
    }

    static var trace: [TraceRecord] {
        [
            .exec(ExecRecord(pid: 100, tid: 100, path: TraceeString(bytes: Array("/tmp/fix".utf8) + invalidUTF8), timeNs: 1_000)),
            write(at: 2_000),
            write(at: 10_000, ret: -9, error: "EBADF", fail: true),
            .clone(CloneRecord(pid: 100, tid: 100, child: 101, kind: .thread, timeNs: 12_000)),
            write(tid: 101, at: 15_000, stacks: false, name: "read"),
            .signal(SignalRecord(pid: 100, tid: 101, signo: 10, name: "SIGUSR1", code: "SI_USER", timeNs: 20_000)),
            .exit(ExitRecord(pid: 100, tid: 101, code: 0, timeNs: 30_000)),
            .exit(ExitRecord(pid: 100, tid: 100, signal: "SIGKILL", timeNs: 40_000)),
        ]
    }

    static var snapshot: Snapshot {
        Snapshot(pid: 100, exe: "/tmp/fix" + hostile, timeNs: 5, threads: [
            ThreadSnapshot(tid: 100, name: "main;" + hostile, state: "S", registers: regs(), userStack: userStack,
                           kernelStack: kernelStack, procSyscall: "0 0x3 0x7ffd 0x1 0 0 0 0x7ffd 0x401136",
                           crossing: Crossing(entry: .syscall, phase: .blocked,
                                              syscall: SyscallCall(abi: .x86_64, nr: 0, name: "read", args: [3, 0x7ffd, 1]),
                                              checks: [Check(name: "pt_regs.ss", ok: false, expected: "0x2b", actual: "0x0")])),
            ThreadSnapshot(tid: 101, name: "spinner", state: "R", registers: regs(), userStack: [userStack[2]]),
        ])
    }

    /// Runs an exporter over records (or a snapshot) through the same reader the CLI uses.
    static func export(_ format: ReportFormat, _ records: [TraceRecord] = trace, snapshot: Snapshot? = nil,
                       options: ReportOptions = ReportOptions()) throws -> [UInt8] {
        let (w, bytes) = ReportWriter.memory()
        let exporter = format.makeExporter(writer: w, title: "test" + hostile, options: options)
        let reader = ReportReader(file: "t.jsonl", exporter: exporter)
        let enc = JSONEncoder()
        if let snapshot {
            try reader.feed(Array(try enc.encode(snapshot)) + [0x0a])
        } else {
            for r in records { try reader.feed(Array(try enc.encode(r)) + [0x0a]) }
        }
        try reader.finish()
        return bytes()
    }

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
}

/// Collects what the reader hands over.
final class CollectingExporter: ReportExporter {
    var records: [TraceRecord] = []
    var snapshots: [Snapshot] = []
    var finished = 0
    func consume(_ record: TraceRecord) throws { records.append(record) }
    func consume(_ snapshot: Snapshot) throws { snapshots.append(snapshot) }
    func finish() throws { finished += 1 }
}

final class ReportReaderTests: XCTestCase {
    func lines(_ records: [TraceRecord]) throws -> [UInt8] {
        var out: [UInt8] = []
        for r in records { out += Array(try JSONEncoder().encode(r)) + [0x0a] }
        return out
    }

    func testTraceSplitAcrossArbitraryChunksDecodesEveryRecord() throws {
        let bytes = try lines(ReportSamples.trace)
        for chunk in [1, 7, 4096] {
            let c = CollectingExporter()
            let r = ReportReader(file: "t", exporter: c)
            var i = 0
            while i < bytes.count {
                try r.feed(Array(bytes[i..<min(bytes.count, i + chunk)]))
                i += chunk
            }
            try r.finish()
            XCTAssertEqual(c.records, ReportSamples.trace, "chunk \(chunk)")
            XCTAssertEqual(c.finished, 1)
        }
    }

    func testBlankLinesCRLFAndMissingFinalNewlineAreAccepted() throws {
        var bytes = Array("\n\r\n".utf8) + (try lines(Array(ReportSamples.trace.prefix(2))))
        bytes.insert(0x0d, at: bytes.count - 1)
        bytes.removeLast()  // no final newline
        let c = CollectingExporter()
        let r = ReportReader(file: "t", exporter: c)
        try r.feed(bytes)
        try r.finish()
        XCTAssertEqual(c.records.count, 2)
    }

    /// An unknown field nested deeper than the fast decoder follows goes to JSONDecoder: a moderate
    /// depth still decodes, a crafted 200k-deep one is a corrupt line, never a crash.
    func testDeeplyNestedUnknownFieldIsDecodedOrRejectedNotACrash() throws {
        func nested(_ depth: Int) throws -> [UInt8] {
            var line = try lines([ReportSamples.trace[1]])
            XCTAssertEqual(line.suffix(2), Array("}\n".utf8))
            line.removeLast(2)
            return line + Array((",\"zz\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}\n").utf8)
        }
        let first = try lines([ReportSamples.trace[0]])
        let c = CollectingExporter()
        let ok = ReportReader(file: "t", exporter: c)
        try ok.feed(first + (try nested(100)))
        try ok.finish()
        XCTAssertEqual(c.records, Array(ReportSamples.trace.prefix(2)))
        let r = ReportReader(file: "t", exporter: CollectingExporter())
        XCTAssertThrowsError(try { try r.feed(first + (try nested(200_000))); try r.finish() }()) { e in
            XCTAssertTrue("\(e)".hasPrefix("t:2: corrupt record"), "\(e)")
        }
    }

    func testCorruptLineNamesFileAndLine() throws {
        var bytes = try lines(Array(ReportSamples.trace.prefix(3)))
        bytes += Array("{\"type\":\"syscall\",\"pid\":1,\n".utf8)
        bytes += try lines([ReportSamples.trace[1]])
        let r = ReportReader(file: "/tmp/x.jsonl", exporter: CollectingExporter())
        XCTAssertThrowsError(try { try r.feed(bytes); try r.finish() }()) { e in
            let err = e as? ReportInputError
            XCTAssertEqual(err?.file, "/tmp/x.jsonl")
            XCTAssertEqual(err?.line, 4)
            XCTAssertTrue("\(e)".hasPrefix("/tmp/x.jsonl:4: corrupt record"), "\(e)")
        }
    }

    func testMissingFieldAndUnknownTypeAreErrorsWithTheLine() throws {
        for (bad, want) in [(#"{"type":"syscall","pid":1}"#, "missing field"), (#"{"type":"bogus"}"#, "unknown record type"),
                            ("[1,2]", "corrupt record"), ("garbage", "not valid JSON")] {
            let text = String(decoding: try lines([ReportSamples.trace[0]]), as: UTF8.self) + bad + "\n"
            let r = ReportReader(file: "f", exporter: CollectingExporter())
            XCTAssertThrowsError(try { try r.feed(Array(text.utf8)); try r.finish() }(), bad) { e in
                XCTAssertTrue("\(e)".hasPrefix("f:2: "), "\(e)")
                XCTAssertTrue("\(e)".contains(want), "\(bad): \(e)")
            }
        }
        // A corrupt first line is reported as line 1, not read as a snapshot.
        let r = ReportReader(file: "f", exporter: CollectingExporter())
        XCTAssertThrowsError(try { try r.feed(Array("{\"type\":\n".utf8)); try r.finish() }()) { e in
            XCTAssertEqual((e as? ReportInputError)?.line, 1)
        }
    }

    func testEmptyInputIsAnError() {
        let r = ReportReader(file: "empty", exporter: CollectingExporter())
        XCTAssertThrowsError(try r.finish()) { XCTAssertTrue("\($0)".contains("empty")) }
    }

    func testSnapshotOnOneLineAndPrettyPrintedIsDetectedByType() throws {
        let enc = JSONEncoder()
        let one = try enc.encode(ReportSamples.snapshot)
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let pretty = try enc.encode(ReportSamples.snapshot)
        for data in [one, pretty] {
            let c = CollectingExporter()
            let r = ReportReader(file: "s", exporter: c)
            try r.feed(Array(data) + [0x0a])
            try r.finish()
            XCTAssertEqual(c.snapshots, [ReportSamples.snapshot])
            XCTAssertTrue(c.records.isEmpty)
        }
        let r = ReportReader(file: "s", exporter: CollectingExporter())
        XCTAssertThrowsError(try { try r.feed(Array(one) + Array("\n{}\n".utf8)); try r.finish() }()) {
            XCTAssertTrue("\($0)".hasPrefix("s:2: unexpected data after the snapshot"), "\($0)")
        }
    }
}

final class ReportExporterTests: XCTestCase {
    func testFoldedPutsUserFramesRootFirstThenKernelAndAggregates() throws {
        let out = ReportSamples.text(try ReportSamples.export(.folded))
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            "main;mid_dle x;leaf;write_[k];entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ptrace_stop_[k] 2",
            "read_[k] 1",
        ])
    }

    func testTextOfASnapshotIsAttachsView() throws {
        let out = ReportSamples.text(try ReportSamples.export(.text, snapshot: ReportSamples.snapshot))
        XCTAssertEqual(out, SnapshotText.render(ReportSamples.snapshot))
    }

    func testFoldedSnapshotGivesOneStackPerThread() throws {
        let out = ReportSamples.text(try ReportSamples.export(.folded, snapshot: ReportSamples.snapshot))
        XCTAssertEqual(out, """
        main 1
        main;mid_dle x;leaf;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ptrace_stop_[k] 1

        """)
        XCTAssertEqual(FoldedStack.frames(of: ThreadSnapshot(tid: 7, name: "a;b", state: "S")), ["[a_b]"])
    }

    func testFlameGraphIsWellFormedSVGWithEscapedNamesAndTitles() throws {
        let hostileFrame = Frame(pc: 1, symbol: ReportSamples.hostile + "&\u{1}")
        let recs = [TraceRecord.syscall(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 0, name: "read", args: [], rawArgs: [],
                                                      entryNs: 0, userStack: [hostileFrame]))] + ReportSamples.trace
        let svg = ReportSamples.text(try ReportSamples.export(.flamegraph, recs))
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        XCTAssertFalse(svg.contains("<img"))
        // One script, the zoom's own, in CDATA; the tracee's "</script>" is text.
        XCTAssertEqual(svg.components(separatedBy: "<script").count - 1, 1)
        XCTAssertEqual(svg.components(separatedBy: "</script>").count - 1, 1)
        XCTAssertTrue(svg.contains("<script type=\"text/ecmascript\"><![CDATA["))
        XCTAssertTrue(svg.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp; "), svg)
        XCTAssertTrue(svg.contains("<title>leaf (2 samples, 50%)</title>"), svg)
        XCTAssertTrue(svg.contains("<title>all (4 samples, 100%)</title>"))
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
    }

    /// Click-to-zoom needs nothing from the network and a tree the script can walk: every box names an
    /// earlier box as its parent (data-p), the root none.
    func testFlameGraphZoomIsInlineAndItsTreeIsConsistent() throws {
        let svg = ReportSamples.text(try ReportSamples.export(.flamegraph, ReportSamples.trace))
        let urls = svg.components(separatedBy: "http").dropFirst().map { "http" + $0.prefix(30) }
        XCTAssertTrue(urls.allSatisfy { $0.hasPrefix("http://www.w3.org/2000/svg") }, "\(urls)")
        XCTAssertFalse(svg.contains("href="))
        XCTAssertFalse(svg.contains("src=\""), "nothing loaded from elsewhere")
        let parents = svg.components(separatedBy: "<g data-p=\"").dropFirst().map { Int($0.prefix { $0 != "\"" })! }
        XCTAssertGreaterThan(parents.count, 3)
        XCTAssertEqual(parents.first, -1, "the root comes first")
        for (i, p) in parents.enumerated().dropFirst() { XCTAssertTrue(p >= 0 && p < i, "box \(i) has parent \(p)") }
        XCTAssertTrue(svg.contains("id=\"reset\""))
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
    }

    /// A crafted trace's very deep stack (200k frames) must not overflow the exporter's own stack.
    func testFlameGraphOfAVeryDeepStackDoesNotOverflow() throws {
        let deep = (0..<200_000).map { Frame(pc: Address(UInt64($0) + 1), symbol: "f\($0)") }
        let recs = [TraceRecord.syscall(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 0, name: "read", args: [], rawArgs: [],
                                                      entryNs: 0, userStack: deep))]
        let svg = ReportSamples.text(try ReportSamples.export(.flamegraph, recs))
        XCTAssertTrue(svg.contains("<title>all (1 samples, 100%)</title>"), String(svg.prefix(2000)))
        XCTAssertTrue(svg.contains("<title>f199999 (1 samples, 100%)</title>"))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    func testChromeTraceHasTracksSlicesInstantsAndExactBytes() throws {
        let data = Data(try ReportSamples.export(.chrome))
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try XCTUnwrap(obj["traceEvents"] as? [[String: Any]])
        let meta = events.filter { $0["ph"] as? String == "M" }
        XCTAssertEqual(Set(meta.compactMap { $0["name"] as? String }), ["process_name", "thread_name"])
        XCTAssertEqual(Set(meta.filter { $0["name"] as? String == "thread_name" }.compactMap { $0["tid"] as? Int }), [100, 101])
        let slices = events.filter { $0["ph"] as? String == "X" }
        XCTAssertEqual(slices.count, 3)
        let bad = try XCTUnwrap(slices.first { ($0["args"] as? [String: Any])?["error"] as? String == "EBADF" })
        XCTAssertEqual(bad["ts"] as? Double, 10.0)
        XCTAssertEqual(bad["dur"] as? Double, 5.0)
        XCTAssertEqual(bad["tid"] as? Int, 100)
        let args = try XCTUnwrap(bad["args"] as? [String: Any])
        XCTAssertEqual(args["ret"] as? Int, -9)
        XCTAssertEqual((args["args"] as? [String])?[1], "\"" + ReportSamples.hostile + "\\n\"")
        XCTAssertEqual((args["failedChecks"] as? [[String: Any]])?.first?["name"] as? String, "pt_regs.cs")
        // The exact bytes of an invalid-UTF-8 string survive: TraceeString's base64 form.
        let strings = try XCTUnwrap(args["strings"] as? [String: Any])
        let raw = try JSONSerialization.data(withJSONObject: strings["1"]!)
        XCTAssertEqual(try JSONDecoder().decode(TraceeString.self, from: raw).bytes, ReportSamples.invalidUTF8)
        let signal = try XCTUnwrap(events.first { $0["name"] as? String == "SIGUSR1" })
        XCTAssertEqual(signal["ph"] as? String, "i")
        XCTAssertEqual(signal["s"] as? String, "t")
        XCTAssertEqual(signal["ts"] as? Double, 20.0)
        let exec = try XCTUnwrap(events.first { $0["name"] as? String == "exec" })
        let path = try JSONSerialization.data(withJSONObject: (exec["args"] as! [String: Any])["path"]!)
        XCTAssertEqual(try JSONDecoder().decode(TraceeString.self, from: path).bytes, Array("/tmp/fix".utf8) + ReportSamples.invalidUTF8)
        XCTAssertNotNil(events.first { $0["name"] as? String == "killed by SIGKILL" && $0["ph"] as? String == "i" })
        XCTAssertNotNil(events.first { $0["name"] as? String == "clone thread 101" })
    }

    func testChromeKeepsAtMostTheLimitPerThreadAndCountsTheRest() throws {
        let recs = (0..<50).map { ReportSamples.write(at: UInt64($0) * 10_000, stacks: false) }
        var o = ReportOptions()
        o.maxChromeEventsPerThread = 10
        let obj = try JSONSerialization.jsonObject(with: Data(try ReportSamples.export(.chrome, recs, options: o))) as! [String: Any]
        let events = obj["traceEvents"] as! [[String: Any]]
        XCTAssertEqual(events.filter { $0["ph"] as? String == "X" }.count, 10)
        let note = try XCTUnwrap(events.first { $0["name"] as? String == "40 more syscalls not shown" })
        XCTAssertEqual((note["args"] as? [String: Any])?["omittedSyscalls"] as? Int, 40)
    }

    func testChromeSnapshotHasAnInstantPerThread() throws {
        let obj = try JSONSerialization.jsonObject(with: Data(try ReportSamples.export(.chrome, snapshot: ReportSamples.snapshot))) as! [String: Any]
        let events = obj["traceEvents"] as! [[String: Any]]
        XCTAssertEqual(events.filter { $0["name"] as? String == "snapshot" }.count, 2)
        let names = events.filter { $0["name"] as? String == "thread_name" }.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        XCTAssertTrue(names.contains("main;" + ReportSamples.hostile + " (100)"))
    }

    func testSummaryCountsCallsErrorsTimeChecksAndRecords() throws {
        let out = ReportSamples.text(try ReportSamples.export(.summary))
        let lines = out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertTrue(lines.contains("66.67 0.000010 5 2 1 write"), out)
        XCTAssertTrue(lines.contains("33.33 0.000005 5 1 read"), out)
        XCTAssertTrue(lines.contains("100.00 0.000015 5 3 1 total"), out)
        XCTAssertTrue(lines.contains("pt_regs.cs 2 1"), out)
        XCTAssertTrue(lines.contains("pt_regs.rcx 3 0"), out)
        XCTAssertTrue(lines.contains("total 8 1"), out)
        XCTAssertTrue(out.contains("records: syscall 3, signal 1, exec 1, clone 1, exit 2"), out)
    }

    func testTextPrintsCallsWithStacksAndFailedChecks() throws {
        let out = ReportSamples.text(try ReportSamples.export(.text))
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("[pid   100] write(1, \"" + ReportSamples.hostile + "\\n\", 5) = -1 EBADF (Bad file descriptor) <0.000005>"), out)
        XCTAssertTrue(lines.contains("    [k] entry_SYSCALL_64_after_hwframe+0x76/0x80"), out)
        XCTAssertTrue(lines.contains("    ── write entered via SYSCALL · user rsp 0x7ffd00001000 in [stack] ──"), out)
        XCTAssertTrue(lines.contains("    #2 0x0000000000401176 main+0x1e (fix) fix.c:30"), out)
        XCTAssertTrue(lines.contains("    ✗ check pt_regs.cs failed: expected 0x33, observed 0x23"), out)
        XCTAssertEqual(lines.filter { $0.contains("✗ check") }.count, 1)
        XCTAssertTrue(lines.contains("[pid   101] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER} ---"), out)
        XCTAssertTrue(lines.contains("[pid   100] --- exec \"/tmp/fix/t\\377\\376<\\0A\" ---"), out)
        XCTAssertTrue(lines.contains("[pid   100] +++ killed by SIGKILL +++"), out)
    }

    /// Values a crafted file can hold: times at the ends of UInt64, unknown ABIs and numbers,
    /// fcntl returning a negative non-errno, broken check texts. Every format must finish.
    func testHostileValuesDoNotCrashAnyExporter() throws {
        let maxNs = UInt64.max
        var recs: [TraceRecord] = []
        for (e, x) in [(UInt64(0), Optional(maxNs)), (maxNs, Optional(UInt64(0))), (maxNs, nil), (5, Optional(UInt64(1) << 63))] {
            recs.append(.syscall(SyscallRecord(
                pid: -1, tid: Int32.max, abi: .i386, nr: Int64.min, name: "x;\n</script>", args: [], rawArgs: [], ret: Int64.min,
                entryNs: e, exitNs: x, entryRegs: ReportSamples.regs(), exitRegs: ReportSamples.regs(),
                userStack: [Frame(pc: Address(maxNs), symbol: "a;b\u{2028}", offset: maxNs, line: -5), Frame(pc: 0), Frame(pc: 1, note: "unwind stopped")],
                kernelStack: [Frame(pc: 0, offset: maxNs)],
                crossing: Crossing(entry: .int80, checks: [Check(name: "pt_regs", ok: false, expected: "ss= sp= ((((", actual: ";;; = ;x="),
                                                           Check(name: "exit.pt_regs", ok: false, expected: ")))) (", actual: "=")]))))
        }
        for (abi, nr) in [(SyscallABI.x86_64, Int64(72)), (.i386, Int64(55))] {
            recs.append(.syscall(SyscallRecord(pid: 1, tid: 1, abi: abi, nr: nr, name: "fcntl", args: ["3", "F_GETFD"], rawArgs: [3, 1],
                                               ret: -(1 << 62), entryNs: 1, exitNs: 2)))
        }
        recs.append(.signal(SignalRecord(pid: 1, tid: 1, signo: -1, name: "", timeNs: maxNs)))
        recs.append(.exec(ExecRecord(pid: 1, tid: 1, path: TraceeString(bytes: [0xff, 0, 0x3c], truncated: true), timeNs: 0)))
        for format in ReportFormat.allCases where format.isBuiltIn {
            let out = try ReportSamples.export(format, recs)
            XCTAssertFalse(out.isEmpty, "\(format)")
            if format == .chrome { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(out)), "chrome output is JSON") }
            if format == .flamegraph { XCTAssertTrue(XMLParser(data: Data(out)).parse(), "SVG parses") }
            if format == .html { XCTAssertNoThrow(try ReportHTMLTests.island(ReportSamples.text(out))) }
        }
    }

    func testPtRegsSlotsComeFromChecksThatNameThem() {
        XCTAssertEqual(PtRegsView.slot(ofCheck: "pt_regs.cx"), .cx)
        XCTAssertEqual(PtRegsView.slot(ofCheck: "ptregs.orig_rax"), .origAx)
        XCTAssertEqual(PtRegsView.slot(ofCheck: "ss"), .ss)
        XCTAssertNil(PtRegsView.slot(ofCheck: "rcx==rip"))
        XCTAssertNil(PtRegsView.slot(ofCheck: "entry.rip"))
        let p = PtRegsView.predictions(ReportSamples.crossing(fail: true))
        XCTAssertEqual(Set(p.keys), [.cx, .cs])
        XCTAssertEqual(p[.cs]?.ok, false)
        XCTAssertEqual(p[.cs]?.predicted, "0x33")
    }

    /// The diagram reads the real model's slot-by-slot check: held against KernelStackModel itself,
    /// so a change in its wording shows up here.
    func testPtRegsPredictionsFromTheModelsCheck() throws {
        let model = KernelStackModel()
        let entry = model.crossing(for: Sample.syscallEntry())
        let p = PtRegsView.predictions(entry)
        XCTAssertEqual(p[.ss]?.predicted, "0x2b")
        XCTAssertEqual(p[.cs]?.predicted, "0x33")
        XCTAssertEqual(p[.ax]?.predicted, "-38")
        XCTAssertEqual(p[.dx]?.predicted, "0x5")
        XCTAssertEqual(p[.ip]?.predicted, "0x401136")
        XCTAssertEqual(p[.flags]?.predicted, "IF|0x2 set, RF clear")
        XCTAssertTrue(p[.r11]?.predicted.hasPrefix("= flags") ?? false, "\(String(describing: p[.r11]))")
        XCTAssertEqual(p.values.filter { !$0.ok }.count, 0)
        XCTAssertEqual(p[.cs]?.check, "pt_regs")

        var o = Sample.syscallEntry()
        o.regs = Sample.regs { $0[Sample.idx("rdx")] = 6 }
        let bad = PtRegsView.predictions(model.crossing(for: o))
        XCTAssertEqual(bad.filter { !$0.value.ok }.map(\.key), [.dx])
        XCTAssertEqual(bad[.dx]?.predicted, "0x5")

        let exit = model.crossing(for: Sample.syscallExit())
        let both = Crossing(entry: .syscall, checks: entry.checks + exit.checks)
        let x = PtRegsView.predictions(both, atExit: true)
        XCTAssertEqual(x[.cs]?.check, "exit.pt_regs")
        XCTAssertEqual(x[.ax]?.predicted, "5 (the return value)")
        XCTAssertEqual(x.values.filter { !$0.ok }.count, 0)
        XCTAssertEqual(PtRegsView.predictions(both)[.ax]?.predicted, "-38")

        // A snapshot's pt_regs check predicts fewer slots; the selector checks fill cs and ss.
        let snap = model.crossing(for: Sample.blockedSnapshot())
        let sp = PtRegsView.predictions(snap)
        XCTAssertEqual(sp[.cs]?.check, "selectors.cs")
        XCTAssertEqual(sp[.ss]?.predicted, "0x2b")
        XCTAssertEqual(sp.values.filter { !$0.ok }.count, 0)
    }
}

final class ReportHTMLTests: XCTestCase {
    /// The JSON island of a page, parsed.
    static func island(_ html: String) throws -> [String: Any] {
        let open = try XCTUnwrap(html.range(of: "<script type=\"application/json\" id=\"data\">"))
        let close = try XCTUnwrap(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(html[open.upperBound..<close.lowerBound].utf8)) as? [String: Any])
    }

    func testPageIsSelfContainedAndTraceeStringsCannotBreakOut() throws {
        let html = ReportSamples.text(try ReportSamples.export(.html))
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("<img"), "tracee markup reached the page")
        XCTAssertFalse(html.lowercased().contains("<script src"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "nothing may be fetched")
        XCTAssertFalse(html.contains("innerHTML"))
        XCTAssertFalse(html.contains("\u{2028}"))
        // Three scripts: the error marker, the data island, the renderer; the island closes exactly once.
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 3)
        XCTAssertEqual(html.components(separatedBy: "</script>").count - 1, 3)
        let d = try Self.island(html)
        XCTAssertEqual(d["kind"] as? String, "trace")
        let crossings = try XCTUnwrap(d["crossings"] as? [[String: Any]])
        XCTAssertEqual(crossings.count, 3)
        XCTAssertEqual((crossings[0]["args"] as? [String])?[1], "\"" + ReportSamples.hostile + "\\n\"")
        // The pt_regs diagram's inputs: 27 observed registers, the slot checks with their verdicts.
        XCTAssertEqual((crossings[1]["regs"] as? [String])?.count, 27)
        let slots = try XCTUnwrap(crossings[1]["slots"] as? [[Any]])
        XCTAssertEqual(slots.map { $0[0] as? Int }, [11, 17])
        XCTAssertEqual(slots[1][1] as? String, "0x33")
        XCTAssertEqual(slots[1][2] as? Int, 0)
        XCTAssertEqual((crossings[1]["xregs"] as? [String])?.count, 27)
        XCTAssertEqual((d["threads"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual((d["events"] as? [[Any]])?.count, 5)
        let summary = try XCTUnwrap(d["summary"] as? [String: Any])
        XCTAssertEqual((summary["checks"] as? [[Any]])?.count, 3)
    }

    func testSnapshotRendersThreadsWithStacks() throws {
        let html = ReportSamples.text(try ReportSamples.export(.html, snapshot: ReportSamples.snapshot))
        XCTAssertFalse(html.contains("<img"))
        let d = try Self.island(html)
        XCTAssertEqual(d["kind"] as? String, "snapshot")
        XCTAssertEqual(d["exe"] as? String, "/tmp/fix" + ReportSamples.hostile)
        let c = try XCTUnwrap(d["crossings"] as? [[String: Any]])
        XCTAssertEqual(c.map { $0["tid"] as? Int }, [100, 101])
        XCTAssertEqual(c[0]["name"] as? String, "read")
        XCTAssertEqual(c[0]["tname"] as? String, "main;" + ReportSamples.hostile)
        let stacks = try XCTUnwrap(d["stacks"] as? [[Int]])
        XCTAssertEqual(stacks[try XCTUnwrap(c[0]["ks"] as? Int)].count, 3)
    }

    func testDetailIsBoundedPerThreadAndInTotalWhileAggregatesSeeEverything() throws {
        // 3 threads × 400 calls; every 50th call fails a check.
        var recs: [TraceRecord] = []
        for i in 0..<1200 {
            recs.append(ReportSamples.write(tid: Int32(100 + i % 3), at: UInt64(i) * 100_000, dur: 10_000, stacks: i % 2 == 0, fail: i % 50 == 0))
        }
        var o = ReportOptions()
        o.htmlCrossingsPerThread = 100
        o.htmlCrossingsTotal = 250
        let html = ReportSamples.text(try ReportSamples.export(.html, recs, options: o))
        let d = try Self.island(html)
        let c = try XCTUnwrap(d["crossings"] as? [[String: Any]])
        XCTAssertEqual(c.count, 250)
        let threads = try XCTUnwrap(d["threads"] as? [[String: Any]])
        XCTAssertEqual(threads.map { $0["calls"] as? Int }, [400, 400, 400])
        XCTAssertEqual(threads.map { $0["kept"] as? Int }, [84, 83, 83])
        // The per-thread buckets hold every call's kernel time.
        for t in threads {
            XCTAssertEqual((t["bn"] as? [Int])?.reduce(0, +), 400)
            XCTAssertEqual((t["bk"] as? [Int])?.reduce(0, +), 400 * 10_000)
            XCTAssertEqual((t["bk"] as? [Int])?.count, HTMLExporter.bucketCount)
        }
        // Interning: two distinct stacks however many calls carry them.
        XCTAssertEqual((d["stacks"] as? [[Int]])?.count, 2)
        let summary = try XCTUnwrap(d["summary"] as? [String: Any])
        XCTAssertEqual(summary["omittedCrossings"] as? Int, 950)
        XCTAssertEqual((summary["syscalls"] as? [[Any]])?.first?[1] as? Int, 1200)
    }

    func testFailedCrossingsAfterThePerThreadLimitAreStillKept() throws {
        var recs: [TraceRecord] = []
        for i in 0..<100 { recs.append(ReportSamples.write(at: UInt64(i) * 100_000, stacks: false, fail: i == 90)) }
        var o = ReportOptions()
        o.htmlCrossingsPerThread = 10
        let c = try XCTUnwrap(try Self.island(ReportSamples.text(try ReportSamples.export(.html, recs, options: o)))["crossings"] as? [[String: Any]])
        XCTAssertEqual(c.count, 11)
        XCTAssertEqual(c.last?["i"] as? Int, 91)
    }

    func testJSONEscapingForScriptIslands() {
        XCTAssertEqual(Escape.json("</script>&\u{2028}\u{2029}\u{1}\"\\", htmlSafe: true),
                       #""\u003c/script\u003e\u0026\u2028\u2029\u0001\"\\""#)
        XCTAssertEqual(Escape.markup("<a href='x'>&\"\u{0}"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\u{FFFD}")
        XCTAssertEqual(Escape.json(TraceeString(bytes: [0xff])), #"{"base64":"/w=="}"#)
        XCTAssertEqual(microseconds(1_234_567), "1234.567")
        XCTAssertEqual(microseconds(5), "0.005")
    }
}

final class ReportFastDecoderTests: XCTestCase {
    static var records: [TraceRecord] {
        var recs = ReportSamples.trace
        recs.append(.syscall(SyscallRecord(
            pid: 7, tid: 8, abi: .i386, nr: -1, name: "é😀\n\"\\/\u{1}\u{2028}", args: [], rawArgs: [0, Address(UInt64.max)],
            strings: ["0": "plain", "2": TraceeString(bytes: [0xff], truncated: true)], ret: Int64.min, error: nil,
            entryNs: UInt64.max, exitNs: nil,
            userStack: [Frame(pc: 1, symbol: nil, offset: 0, length: 9, module: "m", buildId: "ab", file: "f.c", line: -1,
                              inlined: true, isActivation: false, note: "n")],
            kernelStack: [], crossing: Crossing(entry: .sysenter, phase: nil, syscall: SyscallCall(abi: .i386, nr: 4, name: "write", args: [1, 2]),
                                                userRsp: nil, userStackMapping: "sigaltstack", checks: []))))
        recs.append(.attach(AttachRecord(pid: 1, tid: 2, timeNs: 3)))
        recs.append(.detach(AttachRecord(pid: 1, tid: 2, timeNs: 4)))
        recs.append(.exec(ExecRecord(pid: 1, tid: 2, formerTid: 9, path: "/bin/ok", timeNs: 5)))
        recs.append(.exit(ExitRecord(pid: 1, tid: 1, code: -3, timeNs: 6)))
        recs.append(.signal(SignalRecord(pid: 1, tid: 1, signo: 11, name: "SIGSEGV", code: nil, timeNs: 7, crossing: ReportSamples.crossing(fail: true))))
        return recs
    }

    func testFastDecoderAgreesWithJSONDecoderOnBothEncoders() throws {
        let enc = JSONEncoder()
        for r in Self.records {
            var line: [UInt8] = []
            TraceRecordJSON.appendLine(r, to: &line)
            for bytes in [Array(try enc.encode(r)), line] {
                let fast = try XCTUnwrap(FastRecordDecoder.decode(bytes), String(decoding: bytes, as: UTF8.self))
                XCTAssertEqual(fast, try JSONDecoder().decode(TraceRecord.self, from: Data(bytes)))
                XCTAssertEqual(fast, r)
            }
        }
    }

    /// Whatever it does not fully understand it declines, and JSONDecoder decides.
    func testFastDecoderDeclinesWhatItDoesNotUnderstand() {
        let ok = #"{"type":"exit","pid":1,"tid":1,"code":0,"timeNs":5}"#
        XCTAssertNotNil(FastRecordDecoder.decode(Array(ok.utf8)))
        for bad in [
            #"{"type":"syscall","pid":1,"tid":1}"#,
            #"{"type":"exit","pid":1,"tid":1,"timeNs":1.5}"#,
            #"{"type":"exit","pid":1,"tid":1,"timeNs":1e3}"#,
            #"{"type":"exit","pid":1,"tid":1,"timeNs":-1}"#,
            #"{"type":"exit","pid":99999999999,"tid":1,"timeNs":1}"#,
            #"{"type":"exit","pid":1,"tid":1,"timeNs":5} x"#,
            #"{"type":"exit","pid":1,"tid":1,"timeNs":05}"#,
            #"{"type":"bogus","pid":1,"tid":1,"timeNs":5}"#,
            #"{"type":"exit","pid":null,"tid":1,"timeNs":5}"#,
            #"{"type":"signal","pid":1,"tid":1,"signo":1,"name":"\ud800","timeNs":5}"#,
            #"{"type":"signal","pid":1,"tid":1,"signo":1,"name":"a"#,
            #"{"type":"exit","pid":1,"tid":1,"code":"SI_USER","timeNs":5}"#,
            "{\"type\":\"signal\",\"pid\":1,\"tid\":1,\"signo\":1,\"name\":\"a\tb\",\"timeNs\":5}",
            #"[1]"#, "",
            #"{"type":"syscall","pid":1,"tid":1,"abi":"x","nr":1,"name":"n","args":[],"rawArgs":["0x"],"entryNs":1}"#,
            #"{"type":"syscall","pid":1,"tid":1,"abi":"x","nr":1,"name":"n","args":[],"rawArgs":["0xg1"],"entryNs":1}"#,
            #"{"type":"syscall","pid":1,"tid":1,"abi":"x","nr":1,"name":"n","args":[],"rawArgs":["0x11111111111111111"],"entryNs":1}"#,
        ] {
            XCTAssertNil(FastRecordDecoder.decode(Array(bad.utf8)), bad)
        }
        // Address spellings JSONDecoder also takes: upper-case prefix, bare hex, a plain number.
        let odd = #"{"type":"syscall","pid":1,"tid":1,"abi":"x","nr":1,"name":"n","args":[],"rawArgs":["0X1F","ff",16],"entryNs":1}"#
        XCTAssertEqual(FastRecordDecoder.decode(Array(odd.utf8)), try? JSONDecoder().decode(TraceRecord.self, from: Data(odd.utf8)))
        var escaped = Array(#"{"type":"signal","pid":1,"tid":1,"signo":1,"name":"\n?","timeNs":5}"#.utf8)
        escaped[escaped.firstIndex(of: UInt8(ascii: "?"))!] = 0xc3
        XCTAssertNil(FastRecordDecoder.decode(escaped), "a truncated UTF-8 sequence after an escape")
        var invalid = Array(#"{"type":"signal","pid":1,"tid":1,"signo":1,"name":"?","timeNs":5}"#.utf8)
        invalid[invalid.firstIndex(of: UInt8(ascii: "?"))!] = 0xff
        XCTAssertNil(FastRecordDecoder.decode(invalid), "invalid UTF-8 inside a JSON string")
    }
}
