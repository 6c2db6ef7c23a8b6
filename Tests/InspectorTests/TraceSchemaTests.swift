import Foundation
import StackCross
import XCTest

/// Schema 2 end to end: real traces of the fixtures are judged live and again by `stackcross check`
/// with identical verdicts, and every record they hold is valid under schema/trace.schema.json.
final class TraceSchemaTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "trace-schema" }

    static let schema = packageRoot.appendingPathComponent("schema/trace.schema.json")
    static let snapshotSchema = packageRoot.appendingPathComponent("schema/snapshot.schema.json")
    static let validator = packageRoot.appendingPathComponent("Tests/Scripts/validate_trace.py")

    func validate(_ traces: [URL], schema: URL = TraceSchemaTests.schema) throws -> RunResult {
        try InspectorTests.run("/usr/bin/python3", [Self.validator.path, schema.path] + traces.map(\.path), timeout: 120)
    }

    /// The fixtures' traces (threads, signals and their handlers, int $0x80, 32-bit code, exec from a
    /// thread, code remapped in place), in the trace's modes.
    func testCheckAgreesWithTheLiveVerdictsAndEveryRecordFitsTheSchema() throws {
        let runs: [(String, FixtureVariant, [String])] = [
            ("trace_signals", .normal, []), ("trace_threads", .normal, []), ("trace_int80", .normal, ["--kernel-stack"]),
            ("trace_exec_thread", .normal, []), ("trace_remap", .normal, []), ("model_signals", .normal, []),
            ("model_signals", .m32, []), ("model_syscalls", .m32, ["--kernel-stack"]),
            ("trace_forkexec", .normal, ["--stack", "--checks", "all", "--regs", "full"]),
        ]
        var traces: [URL] = []
        for (i, (name, variant, flags)) in runs.enumerated() {
            let out = dir.appendingPathComponent("\(i)-\(name).jsonl")
            let t = try stackcross(["trace", "-f"] + flags + ["-o", out.path, "--", try fixture(name, variant).path], timeout: 120)
            XCTAssertTrue(t.status == 0 || name == "model_signals", "\(name): \(t.stderr)")
            let c = try stackcross(["check", out.path], timeout: 120)
            XCTAssertEqual(c.status, 0, "\(name) \(flags): \(c.stdout.suffix(800)) \(c.stderr)")
            XCTAssertTrue(c.stdout.contains("every verdict agrees with the recorded one"), "\(name): \(c.stdout.suffix(400))")
            let judged = c.stdout.split(separator: "\n").last { $0.contains("crossings judged again") }
            XCTAssertNotNil(judged.flatMap { Int($0.split(separator: ":").last!.split(separator: " ").first!) }.map { $0 > 10 },
                            "\(name): \(judged ?? "")")
            traces.append(out)
        }
        let v = try validate(traces)
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        for type in ["header", "syscall", "signal", "exec", "clone", "exit", "stack", "frame", "module", "mapping"] {
            XCTAssertTrue(v.stdout.contains("\"\(type)\""), "no \(type) record validated: \(v.stdout)")
        }
    }

    func testAnAlteredObservationIsReportedByLine() throws {
        let out = dir.appendingPathComponent("t.jsonl")
        XCTAssertEqual(try stackcross(["trace", "-o", out.path, "--", try fixture("trace_signals").path]).status, 0)
        var lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        // The exit registers of the first getpid: rcx no longer the return address SYSCALL saved.
        let i = try XCTUnwrap(lines.firstIndex { $0.contains(#""name":"getpid""#) && $0.contains(#""exitStop":{"regs":{"#) })
        lines[i] = lines[i].replacingOccurrences(of: #""exitStop":{"regs":{"#, with: #""exitStop":{"regs":{"rcx":"0x1234","#)
        let altered = dir.appendingPathComponent("altered.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: altered, atomically: true, encoding: .utf8)
        let c = try stackcross(["check", altered.path])
        XCTAssertEqual(c.status, 1, c.stdout + c.stderr)
        XCTAssertTrue(c.stdout.contains("1 differ from the recorded verdicts"), c.stdout)
        XCTAssertTrue(c.stdout.contains("line \(i + 1): getpid"), c.stdout)
        XCTAssertTrue(c.stdout.contains("failed: exit.pt_regs"), c.stdout)
    }

    func testCheckRefusesWhatItCannotJudge() throws {
        // Schema 1 (no header, verdicts only).
        let v1 = dir.appendingPathComponent("v1.jsonl")
        var bytes: [UInt8] = []
        TraceRecordJSON.appendLine(.exit(ExitRecord(pid: 1, tid: 1, code: 0, timeNs: 1)), to: &bytes)
        try Data(bytes).write(to: v1)
        let c1 = try stackcross(["check", v1.path])
        XCTAssertEqual(c1.status, 1)
        XCTAssertTrue(c1.stderr.contains("schema 1 trace"), c1.stderr)
        // A schema this version does not know: refused, never misread.
        let v3 = dir.appendingPathComponent("v3.jsonl")
        try (#"{"type":"header","schema":"stackcross.trace/3","tool":"stackcross","version":"9","command":[],"clock":"CLOCK_MONOTONIC","startMonoNs":1,"startWallNs":1,"checks":"failed","regs":"delta","keyInterval":64}"# + "\n")
            .write(to: v3, atomically: true, encoding: .utf8)
        for args in [["check", v3.path], ["report", v3.path]] {
            let r = try stackcross(args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertTrue(r.stderr.contains("stackcross.trace/3") && r.stderr.contains(":1:"), r.stderr)
        }
        // --no-crossings: nothing to judge.
        let nc = dir.appendingPathComponent("nc.jsonl")
        XCTAssertEqual(try stackcross(["trace", "--no-crossings", "-o", nc.path, "--", "/bin/true"]).status, 0)
        let c2 = try stackcross(["check", nc.path])
        XCTAssertEqual(c2.status, 1)
        XCTAssertTrue(c2.stderr.contains("no crossings to judge"), c2.stderr)
        XCTAssertEqual(try stackcross(["check"]).status, 64)
        XCTAssertEqual(try stackcross(["check", dir.appendingPathComponent("missing").path]).status, 1)
    }

    /// The validator is not a rubber stamp: a record with an unknown register, a stop without
    /// registers, or a header without its clock fails.
    func testTheSchemaRejectsBrokenRecords() throws {
        let bad = dir.appendingPathComponent("bad.jsonl")
        try """
        {"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":0,"name":"read","args":[],"entryNs":1,"entryStop":{"regs":{"bogus":"0x1"}}}
        {"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":0,"name":"read","args":[],"entryNs":1,"exitStop":{"insn":"0f05"}}
        {"type":"header","schema":"stackcross.trace/2","tool":"stackcross","version":"1","command":[],"startMonoNs":1,"startWallNs":1,"checks":"failed","regs":"delta","keyInterval":64}

        """.write(to: bad, atomically: true, encoding: .utf8)
        let v = try validate([bad])
        XCTAssertEqual(v.status, 1)
        XCTAssertEqual(v.stdout.split(separator: "\n").filter { $0.contains("bad.jsonl:") }.count, 3, v.stdout)
    }

    /// The model is given GET_SYSCALL_INFO (its checks entry.orig_rax, entry.ip, exit.rval) on a sample of
    /// each thread's calls by default, and on every call with --checks all; `check` agrees with both.
    func testGetSyscallInfoIsSampledByDefaultAndReadAtEveryCallWithChecksAll() throws {
        func totals(_ flags: [String]) throws -> (judged: Int, origRax: Int, rval: Int) {
            let out = dir.appendingPathComponent("info\(flags.count).jsonl")
            let t = try stackcross(["trace", "-f"] + flags + ["-o", out.path, "--", try fixture("trace_writes").path, "320"])
            XCTAssertEqual(t.status, 0, t.stderr)
            let c = try stackcross(["check", out.path])
            XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
            func passed(_ check: String) -> Int {
                c.stdout.split(separator: "\n").first { $0.split(separator: " ").first == Substring(check) }
                    .flatMap { Int($0.split(separator: " ")[1]) } ?? 0
            }
            let judged = c.stdout.split(separator: "\n").last { $0.contains("crossings judged again") }
                .flatMap { Int($0.split(separator: ":").last!.split(separator: " ").first!) } ?? 0
            return (judged, passed("entry.orig_rax"), passed("exit.rval"))
        }
        let sampled = try totals([])
        XCTAssertGreaterThan(sampled.judged, 320)
        let expected = (sampled.judged + 31) / 32
        XCTAssertTrue((expected - 2...expected + 2).contains(sampled.origRax), "\(sampled)")
        XCTAssertTrue((expected - 2...expected + 2).contains(sampled.rval), "\(sampled)")
        let all = try totals(["--checks", "all"])
        XCTAssertEqual(all.origRax, all.judged, "\(all)")
        XCTAssertGreaterThanOrEqual(all.rval, all.judged - 2, "\(all)")
    }

    /// A write record of a long loop is small: the registers that changed, the verdict's counts.
    func testAWriteRecordIsSmall() throws {
        let out = dir.appendingPathComponent("w.jsonl")
        XCTAssertEqual(try stackcross(["trace", "-e", "trace=write", "-o", out.path, "--", try fixture("trace_writes").path, "2000"]).status, 0)
        let sizes = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""name":"write""#) }.map(\.utf8.count).sorted()
        XCTAssertGreaterThan(sizes.count, 1000)
        XCTAssertLessThanOrEqual(sizes[sizes.count / 2], 450, "median write record")
    }

    /// `attach --json` (64- and 32-bit, with and without kernel stacks, grouped) fits
    /// schema/snapshot.schema.json, and the schema rejects a snapshot that breaks it.
    func testAttachSnapshotsFitTheirSchema() throws {
        var files: [URL] = []
        for (variant, flags) in [(FixtureVariant.normal, []), (.m32, []), (.normal, ["--no-kernel"]), (.normal, ["--group"])] as [(FixtureVariant, [String])] {
            let fx = try RunningFixture(try fixture("threads", variant))
            defer { fx.stop() }
            let out = dir.appendingPathComponent("snap-\(files.count).json")
            let r = try stackcross(["attach", String(fx.pid), "--json", "-o", out.path] + flags)
            XCTAssertEqual(r.status, 0, r.stderr)
            files.append(out)
        }
        let v = try validate(files, schema: Self.snapshotSchema)
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        XCTAssertTrue(v.stdout.contains(#"{"snapshot": 3, "snapshotGroups": 1}"#), v.stdout)
        // A thread without its state, and a frame whose module is an id (the trace's spelling): both refused.
        var broken = try String(contentsOf: files[0], encoding: .utf8)
        broken = broken.replacingOccurrences(of: #""state":"#, with: #""stateLetter":"#)
        let bad = dir.appendingPathComponent("bad-snap.json")
        try (broken + #"{"type":"snapshot","pid":1,"exe":"x","threads":[{"tid":1,"name":"x","state":"S","userStack":[{"pc":"0x1","module":3}],"kernelStack":[]}]}"# + "\n")
            .write(to: bad, atomically: true, encoding: .utf8)
        let b = try validate([bad], schema: Self.snapshotSchema)
        XCTAssertEqual(b.status, 1)
        XCTAssertEqual(b.stdout.split(separator: "\n").filter { $0.contains("bad-snap.json:") }.count, 2, b.stdout)
    }
}
