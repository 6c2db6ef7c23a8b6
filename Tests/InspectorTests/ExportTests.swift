import Foundation
import XCTest
import StackCross

/// `report --format otlp|perfetto` and `report --otlp-endpoint`: real fixture traces, decoded by the
/// OFFICIAL definitions (PyPI opentelemetry-proto and perfetto, Tools/setup.sh installs them) in the
/// helpers of Tests/ExportHelpers, and checked record by record against the trace.
final class ExportTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "export" }

    static let helpers = packageRoot.appendingPathComponent("Tests/ExportHelpers")

    func python(_ args: [String], timeout: TimeInterval = 120) throws -> RunResult {
        try InspectorTests.run("/usr/bin/env", ["python3"] + args, timeout: timeout)
    }

    /// A real trace: fork+exec and vfork+exec of /bin/true, SIGCHLDs, loader ENOENTs, user stacks.
    func fixtureTrace() throws -> (URL, [TraceRecord]) {
        let out = dir.appendingPathComponent("t.jsonl")
        let r = try stackcross(["trace", "-f", "--stack", "-o", out.path, "--", try fixture("trace_forkexec").path], timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        traceClockOffset = try headerOffset(out)
        return (out, try records(out))
    }

    /// The fixture trace's wall-clock offset from its header.
    var traceClockOffset: Int64?

    /// Whole records (stacks and registers resolved), as the exporters see them.
    func records(_ url: URL) throws -> [TraceRecord] {
        try TraceFile.records(Array(try Data(contentsOf: url)), file: url.path, judged: false)
    }

    /// The header's clock pair: wall-clock ns = monotonic ns + this.
    func headerOffset(_ url: URL) throws -> Int64 {
        let first = try XCTUnwrap(String(contentsOf: url, encoding: .utf8).split(separator: "\n").first)
        let h = try JSONDecoder().decode(TraceHeader.self, from: Data(first.utf8))
        return Int64(bitPattern: h.startWallNs &- h.startMonoNs)
    }

    /// The complete lines of a JSON Lines file: one the receiver is still writing may end mid-line
    /// (the tests poll it), and that piece is not a record yet.
    func jsonLines(_ url: URL) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n")
        if !text.isEmpty, !text.hasSuffix("\n") { lines.removeLast() }
        return try lines.map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func syscalls(_ rs: [TraceRecord]) -> [SyscallRecord] {
        rs.compactMap { if case .syscall(let s) = $0 { s } else { nil } }
    }

    static func wallClockOffsetNow() -> Int64 {
        var rt = timespec(), mono = timespec()
        clock_gettime(CLOCK_MONOTONIC, &mono)
        clock_gettime(CLOCK_REALTIME, &rt)
        return (Int64(rt.tv_sec) - Int64(mono.tv_sec)) * 1_000_000_000 + Int64(rt.tv_nsec) - Int64(mono.tv_nsec)
    }

    // MARK: OTLP

    /// Every syscall is one span with the record's name, times, status, attributes; process spans,
    /// resources, signal events and fork links are all there.
    func checkSpans(_ spans: [[String: Any]], against rs: [TraceRecord], file: StaticString = #filePath, line: UInt = #line) throws {
        let calls = Self.syscalls(rs)
        let syscallSpans = spans.filter { ($0["attributes"] as? [String: Any])?["stackcross.syscall.nr"] != nil }
        let processSpans = spans.filter { ($0["name"] as? String ?? "").hasPrefix("process ") }
        XCTAssertEqual(syscallSpans.count, calls.count, "one span per syscall", file: file, line: line)
        XCTAssertEqual(syscallSpans.count + processSpans.count, spans.count, "only syscall and process spans", file: file, line: line)
        XCTAssertEqual(Set(spans.map { $0["trace_id"] as! String }).count, 1, "one trace", file: file, line: line)
        let processIDs = Dictionary(processSpans.map { ($0["span_id"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(processIDs.count, processSpans.count, "process span ids are unique", file: file, line: line)

        func attrs(_ s: [String: Any]) -> [String: Any] { s["attributes"] as? [String: Any] ?? [:] }
        let sortedSpans = syscallSpans.sorted {
            (attrs($0)["thread.id"] as! Int, $0["start"] as! Int) < (attrs($1)["thread.id"] as! Int, $1["start"] as! Int)
        }
        let sortedCalls = calls.sorted { ($0.tid, $0.entryNs) < ($1.tid, $1.entryNs) }
        var offset: Int64?
        for (s, c) in zip(sortedSpans, sortedCalls) {
            let a = attrs(s)
            XCTAssertEqual(s["name"] as? String, c.name, file: file, line: line)
            XCTAssertEqual(a["thread.id"] as? Int, Int(c.tid), file: file, line: line)
            let start = Int64(s["start"] as! Int), end = Int64(s["end"] as! Int)
            let o = start - Int64(c.entryNs)
            if offset == nil { offset = o }
            XCTAssertEqual(o, offset, "every span start is entryNs on one wall clock", file: file, line: line)
            XCTAssertEqual(end - start, Int64((c.exitNs ?? c.entryNs) - c.entryNs), "\(c.name) duration", file: file, line: line)
            XCTAssertEqual(a["stackcross.syscall.args"] as? [String], c.args, file: file, line: line)
            XCTAssertEqual(a["stackcross.syscall.nr"] as? Int, Int(c.nr), file: file, line: line)
            if let ret = c.ret { XCTAssertEqual(a["stackcross.syscall.ret"] as? Int, Int(ret), file: file, line: line) }
            if let e = c.error {
                XCTAssertEqual(s["status_code"] as? Int, 2, "\(c.name) failed: error status", file: file, line: line)
                XCTAssertEqual(s["status_message"] as? String, e, file: file, line: line)
                XCTAssertEqual(a["error.type"] as? String, e, file: file, line: line)
            } else {
                XCTAssertEqual(s["status_code"] as? Int, 0, "\(c.name) succeeded: unset status", file: file, line: line)
            }
            if let cr = c.crossing {
                XCTAssertEqual(a["stackcross.crossing.verdict"] as? String, cr.failedChecks.isEmpty ? "ok" : "failed", file: file, line: line)
            }
            if let top = c.userStack?.first?.symbol {
                XCTAssertTrue((a["code.stacktrace"] as? String ?? "").hasPrefix("at " + top), "\(a["code.stacktrace"] ?? "none")", file: file, line: line)
            }
            let parent = try XCTUnwrap(processIDs[s["parent"] as! String], "a syscall span's parent is its process span", file: file, line: line)
            XCTAssertEqual(attrs(parent)["process.pid"] as? Int, Int(c.pid), file: file, line: line)
            XCTAssertEqual((s["resource"] as? [String: Any])?["process.pid"] as? Int, Int(c.pid), file: file, line: line)
            XCTAssertEqual((s["resource"] as? [String: Any])?["os.type"] as? String, "linux", file: file, line: line)
            XCTAssertNotNil((s["resource"] as? [String: Any])?["host.name"] as? String, file: file, line: line)
        }
        // Dates come from the header's clock pair (and so are near this machine's wall clock).
        XCTAssertEqual(offset, traceClockOffset, "span times are the header's startWallNs + (entryNs - startMonoNs)", file: file, line: line)
        XCTAssertLessThan(abs((offset ?? 0) - Self.wallClockOffsetNow()), 2_000_000_000, file: file, line: line)

        // Signals are events of the process spans; forks link the child's process span to the parent's.
        let signals = rs.filter { if case .signal = $0 { true } else { false } }.count
        let events = processSpans.flatMap { $0["events"] as? [[String: Any]] ?? [] }
        XCTAssertEqual(events.filter { ($0["name"] as? String ?? "").hasPrefix("SIG") }.count
                       + processSpans.reduce(0) { $0 + ($1["dropped_events"] as? Int ?? 0) }, signals, file: file, line: line)
        let forks = rs.filter { if case .clone(let c) = $0 { c.kind != .thread } else { false } }.count
        let links = spans.flatMap { $0["links"] as? [[String: Any]] ?? [] }
        for l in links {
            XCTAssertNotNil(processIDs[l["span_id"] as! String], "links point at process spans that were sent", file: file, line: line)
        }
        let forkLinks = links.filter { ["fork", "vfork"].contains(($0["attributes"] as? [String: Any])?["stackcross.link"] as? String) }
        XCTAssertEqual(forkLinks.count, 2 * forks, "each fork: child process span -> parent, clone syscall span -> child", file: file, line: line)
        for rec in rs {
            if case .exec(let e) = rec {
                XCTAssertTrue(processSpans.contains { ($0["resource"] as? [String: Any])?["process.executable.path"] as? String == e.path.utf8 },
                              "a resource names \(e.path)", file: file, line: line)
            }
        }
    }

    func testOTLPFileHoldsOneSpanPerSyscallWithTheRecordsTimesErrorsAndAttributes() throws {
        let (trace, rs) = try fixtureTrace()
        let pb = dir.appendingPathComponent("t.pb")
        let r = try stackcross(["report", trace.path, "--format", "otlp", "-o", pb.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let decoded = dir.appendingPathComponent("spans.jsonl")
        let d = try python([Self.helpers.appendingPathComponent("otlp_tool.py").path, "decode", pb.path, decoded.path])
        XCTAssertEqual(d.status, 0, d.stderr)
        let spans = try jsonLines(decoded)
        XCTAssertTrue(Self.syscalls(rs).contains { $0.error != nil }, "the fixture trace has failed calls")
        try checkSpans(spans, against: rs)
    }

    /// A receiver started here; returns its URL and the process.
    func startReceiver(_ mode: String, out: URL) throws -> (String, Process) {
        let portFile = dir.appendingPathComponent("port-\(UUID().uuidString)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.helpers.appendingPathComponent("otlp_tool.py").path, "serve", portFile.path, mode, out.path]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        addTeardownBlock { if p.isRunning { kill(p.processIdentifier, SIGKILL) }; p.waitUntilExit() }
        XCTAssertTrue(eventually(timeout: 20) { FileManager.default.fileExists(atPath: portFile.path) }, "receiver did not start")
        let port = try String(contentsOf: portFile, encoding: .utf8)
        return ("http://127.0.0.1:\(port)", p)
    }

    func testOTLPEndpointReceivesEverySpanInBoundedBatches() throws {
        let (trace, rs) = try fixtureTrace()
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("ok", out: got)
        let r = try stackcross(["report", trace.path, "--otlp-endpoint", url])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("spans in"), r.stderr)
        try checkSpans(try jsonLines(got), against: rs)
        let requests = try jsonLines(URL(fileURLWithPath: got.path + ".requests"))
        XCTAssertFalse(requests.isEmpty)
        for q in requests {
            XCTAssertEqual(q["path"] as? String, "/v1/traces")
            XCTAssertEqual(q["content_type"] as? String, "application/x-protobuf")
        }

        // A longer trace goes out in several requests of at most 1024 spans each.
        let big = dir.appendingPathComponent("big.jsonl")
        let g = try InspectorTests.run("/bin/sh", ["-c", "python3 '\(Self.helpers.path)/gen_trace.py' 3000 > '\(big.path)'"])
        XCTAssertEqual(g.status, 0, g.stderr)
        let got2 = dir.appendingPathComponent("got2.jsonl")
        let (url2, _) = try startReceiver("ok", out: got2)
        let r2 = try stackcross(["report", big.path, "--otlp-endpoint", url2 + "/v1/traces"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let req2 = try jsonLines(URL(fileURLWithPath: got2.path + ".requests"))
        XCTAssertGreaterThanOrEqual(req2.count, 3)
        let spans2 = try jsonLines(got2)
        XCTAssertEqual(spans2.count, 3001, "3000 syscall spans and the process span")
        XCTAssertEqual(spans2.filter { $0["name"] as? String == "process synthetic" }.count, 1)
    }

    func testOTLPEndpointDownIsAnErrorAfterRetriesAndTheTraceIsKept() throws {
        let (trace, _) = try fixtureTrace()
        let before = try Data(contentsOf: trace)
        // A port nobody listens on: bound, then closed.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in(); a.sin_family = sa_family_t(AF_INET); a.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = UInt16(bigEndian: a.sin_port)
        close(fd)
        let started = Date()
        let r = try stackcross(["report", trace.path, "--otlp-endpoint", "http://127.0.0.1:\(port)", "--otlp-attempts", "3"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot connect: Connection refused"), r.stderr)
        XCTAssertTrue(r.stderr.contains("gave up after 3 attempts"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unchanged"), r.stderr)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.7, "backed off between the attempts (0.25 s, 0.5 s)")
        XCTAssertEqual(try Data(contentsOf: trace), before, "the trace file is intact")

        let https = try stackcross(["report", trace.path, "--otlp-endpoint", "https://127.0.0.1:4318"])
        XCTAssertEqual(https.status, 64, https.stderr)
        XCTAssertTrue(https.stderr.contains("https is not supported"), https.stderr)
    }

    func testOTLPEndpointAnswering503ThenOKGetsEverySpanOnRetry() throws {
        let (trace, rs) = try fixtureTrace()
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("503then200", out: got)
        let r = try stackcross(["report", trace.path, "--otlp-endpoint", url])
        XCTAssertEqual(r.status, 0, r.stderr)
        let requests = try jsonLines(URL(fileURLWithPath: got.path + ".requests"))
        XCTAssertEqual(requests.map { $0["answered"] as? Int }, [503, 200])
        XCTAssertEqual(requests.first?["bytes"] as? Int, requests.last?["bytes"] as? Int, "the same batch was sent again")
        try checkSpans(try jsonLines(got), against: rs)
    }

    func testOTLPEndpointTooSlowTimesOutAndFails() throws {
        let (trace, _) = try fixtureTrace()
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("slow:3", out: got)
        let r = try stackcross(["report", trace.path, "--otlp-endpoint", url, "--otlp-timeout", "0.5", "--otlp-attempts", "2"], timeout: 30)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("no answer within 0.5 s"), r.stderr)
        // Slow but within the timeout: fine.
        let got2 = dir.appendingPathComponent("got2.jsonl")
        let (url2, _) = try startReceiver("slow:0.3", out: got2)
        let r2 = try stackcross(["report", trace.path, "--otlp-endpoint", url2, "--otlp-timeout", "5"], timeout: 30)
        XCTAssertEqual(r2.status, 0, r2.stderr)
    }

    func testTraceWithOTLPEndpointSendsEverySpanAndKeepsTheFileWhenTheEndpointIsDown() throws {
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("ok", out: got)
        let out = dir.appendingPathComponent("t.jsonl")
        let r = try stackcross(["trace", "-f", "-o", out.path, "--otlp-endpoint", url, "--", try fixture("trace_forkexec").path], timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("stackcross trace: sent "), r.stderr)
        traceClockOffset = try headerOffset(out)
        try checkSpans(try jsonLines(got), against: try records(out))

        // Endpoint down from the start: the trace is written whole, nothing is sent, exit 1.
        let out2 = dir.appendingPathComponent("t2.jsonl")
        let down = try stackcross(["trace", "-f", "-o", out2.path, "--otlp-endpoint", "http://127.0.0.1:1", "--otlp-attempts", "2",
                                   "--otlp-timeout", "3", "--", try fixture("trace_forkexec").path], timeout: 120)
        XCTAssertEqual(down.status, 1, down.stderr)
        XCTAssertTrue(down.stderr.contains("cannot connect: Connection refused (gave up after 2 attempts"), down.stderr)
        XCTAssertTrue(down.stderr.contains("spans not sent to http://127.0.0.1:1/v1/traces"), down.stderr)
        XCTAssertTrue(down.stderr.contains("the trace \(out2.path) is complete"), down.stderr)
        XCTAssertEqual(Self.syscalls(try records(out2)).count, Self.syscalls(try records(out)).count, "the trace file is complete")
        let noFile = try stackcross(["trace", "--otlp-endpoint", url, "--", "/bin/true"])
        XCTAssertEqual(noFile.status, 64, noFile.stderr)
        for bad in [["--otlp-attempts", "0"], ["--otlp-timeout", "0"]] {
            let r = try stackcross(["trace", "-o", out2.path, "--otlp-endpoint", url] + bad + ["--", "/bin/true"])
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
        }
    }

    /// Runs stackcross as a parent that blocks SIGALRM would (a GCD worker thread does): the tracer's
    /// idle flush tick must still come.
    static let withSIGALRMBlocked = ["python3", "-c",
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}); os.execv(sys.argv[1], sys.argv[1:])",
        stackcrossBinary.path]

    /// `trace --otlp-endpoint … -- otlp_stream` in the background (SIGALRM blocked), its stdin a pipe the
    /// test holds: the fixture makes its getppid calls, then waits for a byte on that pipe.
    final class HeldTrace: @unchecked Sendable {
        let pipe = Pipe()
        let done = DispatchSemaphore(value: 0)
        var result: Result<RunResult, Error>?
        init(_ args: [String]) {
            DispatchQueue.global().async { [self] in
                result = Result { try InspectorTests.run("/usr/bin/env", withSIGALRMBlocked + args, timeout: 120, stdin: pipe.fileHandleForReading) }
                done.signal()
            }
        }
        var finished: Bool { result != nil }
        /// Lets the fixture go on (one byte, then EOF) and waits for the trace's end.
        func release() throws -> RunResult {
            var b: UInt8 = UInt8(ascii: "x")
            _ = write(pipe.fileHandleForWriting.fileDescriptor, &b, 1)
            try pipe.fileHandleForWriting.close()
            XCTAssertEqual(done.wait(timeout: .now() + 130), .success, "the trace ended")
            return try XCTUnwrap(result).get()
        }
    }

    func spans(named name: String, in url: URL) -> Int {
        ((try? jsonLines(url)) ?? []).filter { $0["name"] as? String == name }.count
    }

    /// The spans of the calls made so far reach the receiver while the traced program still runs
    /// (it waits on a pipe that is only written once they are there), and match the file.
    func testTraceStreamsSpansToTheEndpointWhileTheProgramRuns() throws {
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("ok", out: got)
        let out = dir.appendingPathComponent("t.jsonl")
        let held = HeldTrace(["trace", "-o", out.path, "--otlp-endpoint", url, "--", try fixture("otlp_stream").path, "25", "5"])
        let arrived = eventually(timeout: 20) { spans(named: "getppid", in: got) >= 25 }
        XCTAssertTrue(arrived, "the getppid spans arrived while the program waits")
        XCTAssertFalse(held.finished, "the trace was still running when they arrived")
        XCTAssertEqual(spans(named: "getuid", in: got), 0, "nothing after the wait yet")
        let r = try held.release()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("stackcross trace: sent "), r.stderr)
        traceClockOffset = try headerOffset(out)
        let rs = try records(out)
        XCTAssertEqual(Self.syscalls(rs).filter { $0.name == "getppid" }.count, 25)
        XCTAssertEqual(Self.syscalls(rs).filter { $0.name == "getuid" }.count, 5)
        let all = try jsonLines(got)
        try checkSpans(all, against: rs)
        XCTAssertEqual(spans(named: "getuid", in: got), 5)
        XCTAssertGreaterThanOrEqual(try jsonLines(URL(fileURLWithPath: got.path + ".requests")).count, 2, "sent in parts")
    }

    /// The tracer unblocks SIGALRM for its flush tick, but the program runs with the mask it was given.
    func testTracedProgramKeepsTheCallersSignalMask() throws {
        let r = try InspectorTests.run("/usr/bin/env", Self.withSIGALRMBlocked + ["trace", "-o", "/dev/null", "--", "/bin/grep", "SigBlk", "/proc/self/status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "SigBlk:\t0000000000002000", "SIGALRM (14) stays blocked in the program")
    }

    /// The endpoint dies mid-trace: the trace runs to its end, the file is whole, stderr says how many
    /// spans were not sent, exit 1.
    func testTraceStreamingToAnEndpointThatDiesMidTraceKeepsTheFileAndFails() throws {
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, receiver) = try startReceiver("ok", out: got)
        let out = dir.appendingPathComponent("t.jsonl")
        let held = HeldTrace(["trace", "-o", out.path, "--otlp-endpoint", url, "--", try fixture("otlp_stream").path, "25", "5"])
        XCTAssertTrue(eventually(timeout: 20) { spans(named: "getppid", in: got) >= 25 })
        kill(receiver.processIdentifier, SIGKILL)
        receiver.waitUntilExit()
        let r = try held.release()
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot connect: Connection refused"), r.stderr)
        XCTAssertTrue(r.stderr.range(of: #"\d+ of \d+ spans not sent"#, options: .regularExpression) != nil, r.stderr)
        XCTAssertTrue(r.stderr.contains("is complete"), r.stderr)
        let calls = Self.syscalls(try records(out))
        XCTAssertEqual(calls.filter { $0.name == "getuid" }.count, 5, "the file has the calls after the endpoint died")
        XCTAssertEqual(calls.filter { $0.name == "getppid" }.count, 25)
        XCTAssertEqual(spans(named: "getuid", in: got), 0)
    }

    func testTraceStreamingRetriesA503AndThenSendsEverySpan() throws {
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("503then200", out: got)
        let out = dir.appendingPathComponent("t.jsonl")
        let r = try stackcross(["trace", "-f", "--stack", "-o", out.path, "--otlp-endpoint", url, "--", try fixture("trace_forkexec").path], timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        let requests = try jsonLines(URL(fileURLWithPath: got.path + ".requests"))
        XCTAssertEqual(requests.first?["answered"] as? Int, 503)
        XCTAssertEqual(requests.dropFirst().map { $0["answered"] as? Int }, Array(repeating: 200, count: requests.count - 1))
        XCTAssertEqual(requests.first?["bytes"] as? Int, requests.dropFirst().first?["bytes"] as? Int, "the same batch was sent again")
        traceClockOffset = try headerOffset(out)
        try checkSpans(try jsonLines(got), against: try records(out))
    }

    /// An endpoint slower than the trace: batches are dropped (counted, reported, exit 1) rather than
    /// the tracee slowed; the file has every call. Sent one by one, 40 batches would take 40 s here;
    /// this way the trace plus the drain of the 8 queued batches.
    func testTraceStreamingToASlowEndpointDropsBatchesInsteadOfSlowingTheTrace() throws {
        let got = dir.appendingPathComponent("got.jsonl")
        let (url, _) = try startReceiver("slow:1", out: got)
        let out = dir.appendingPathComponent("t.jsonl")
        let started = Date()
        let r = try stackcross(["trace", "-o", out.path, "--no-crossings", "--otlp-endpoint", url, "--",
                                try fixture("otlp_stream").path, "40000", "0"], timeout: 120)
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("because the endpoint was slower than the trace"), r.stderr)
        XCTAssertLessThan(took, 35, "the trace did not wait for the endpoint (40 batches one by one: 40 s or more)")
        XCTAssertEqual(Self.syscalls(try records(out)).filter { $0.name == "getppid" }.count, 40000, "the file has every call")
        // What arrived and what is reported lost add up to every span made.
        let re = try NSRegularExpression(pattern: #"(\d+) of (\d+) spans not sent"#)
        let m = try XCTUnwrap(re.firstMatch(in: r.stderr, range: NSRange(r.stderr.startIndex..., in: r.stderr)), r.stderr)
        let number = { (i: Int) in Int((r.stderr as NSString).substring(with: m.range(at: i)))! }
        XCTAssertEqual(try jsonLines(got).count + number(1), number(2))
        XCTAssertGreaterThan(number(1), 0)
    }

    // MARK: Perfetto

    func testPerfettoSlicesMatchEverySyscallWithInternedCallstacks() throws {
        let (trace, rs) = try fixtureTrace()
        let pf = dir.appendingPathComponent("t.pftrace")
        let r = try stackcross(["report", trace.path, "--format", "perfetto", "-o", pf.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let decoded = dir.appendingPathComponent("pf.jsonl")
        let d = try python([Self.helpers.appendingPathComponent("perfetto_tool.py").path, pf.path, decoded.path])
        XCTAssertEqual(d.status, 0, d.stderr)
        let lines = try jsonLines(decoded)
        let summary = try XCTUnwrap(lines.last)
        XCTAssertEqual(summary["errors"] as? [String], [])
        XCTAssertEqual((summary["first_flags"] as? Int ?? 0) & 1, 1, "the first packet clears the incremental state")

        let slices = lines.filter { $0["kind"] as? String == "slice" }
            .sorted { ($0["tid"] as! Int, $0["ts"] as! Int) < ($1["tid"] as! Int, $1["ts"] as! Int) }
        let calls = Self.syscalls(rs).sorted { ($0.tid, $0.entryNs) < ($1.tid, $1.entryNs) }
        XCTAssertEqual(slices.count, calls.count, "one slice per syscall")
        var stacks = 0
        for (s, c) in zip(slices, calls) {
            XCTAssertEqual(s["name"] as? String, c.name)
            XCTAssertEqual(s["tid"] as? Int, Int(c.tid))
            XCTAssertEqual(s["pid"] as? Int, Int(c.pid))
            XCTAssertEqual(s["ts"] as? Int, Int(c.entryNs))
            XCTAssertEqual(s["dur"] as? Int, Int((c.exitNs ?? c.entryNs) - c.entryNs))
            let a = s["annotations"] as? [String: Any] ?? [:]
            XCTAssertEqual(a["args"] as? [String] ?? [], c.args)
            if let ret = c.ret { XCTAssertEqual(a["ret"] as? Int, Int(ret)) }
            XCTAssertEqual(a["error"] as? String, c.error)
            if let u = c.userStack, !u.isEmpty {
                stacks += 1
                let frames = try XCTUnwrap(s["callstack"] as? [[String: Any]], "\(c.name) has its stack")
                XCTAssertEqual(frames.map { $0["function"] as? String }, u.reversed().map { $0.symbol ?? $0.note ?? $0.pc.description })
                XCTAssertEqual(frames.map { $0["module"] as? String }, u.reversed().map { $0.module })
            } else {
                XCTAssertTrue(s["callstack"] is NSNull || s["callstack"] == nil)
            }
        }
        XCTAssertGreaterThan(stacks, 10, "the fixture trace has user stacks")

        // Signals, exec, clone and exit are instants; each clone starts a flow that ends on the child.
        let instants = lines.filter { $0["kind"] as? String == "instant" }
        for (type, name) in [("exec", "exec"), ("clone", "clone"), ("exit", "exit")] {
            XCTAssertEqual(instants.filter { $0["name"] as? String == name }.count, rs.filter { $0.type == type }.count, name)
        }
        var sigs: [String] = []
        for rec in rs { if case .signal(let s) = rec { sigs.append(s.name) } }
        XCTAssertFalse(sigs.isEmpty)
        XCTAssertEqual(instants.filter { ($0["name"] as? String ?? "").hasPrefix("SIG") }.compactMap { $0["name"] as? String }.sorted(), sigs.sorted())
        let started = Set(instants.flatMap { $0["flow_ids"] as? [Int] ?? [] })
        let ended = Set((instants + slices).flatMap { $0["terminating_flow_ids"] as? [Int] ?? [] })
        XCTAssertEqual(started.count, rs.filter { $0.type == "clone" }.count)
        XCTAssertEqual(started, ended, "every clone flow ends at the new task's first event")
        // Tracks: a process track named after the exec'd file, a thread track per task.
        let processes = lines.filter { $0["kind"] as? String == "process" }
        XCTAssertTrue(processes.contains { $0["name"] as? String == "true" }, "\(processes)")
        let tids = Set(calls.map { Int($0.tid) })
        XCTAssertTrue(tids.isSubset(of: Set(lines.filter { $0["kind"] as? String == "thread" }.compactMap { $0["tid"] as? Int })))
    }

    // MARK: bounds

    /// 1M records through each exporter (piped from a generator, nothing on disk but the output)
    /// with peak RSS measured by /usr/bin/time.
    func testMillionRecordExportStaysUnder64MB() throws {
        for format in ["otlp", "perfetto"] {
            let out = dir.appendingPathComponent("out.\(format)")
            let r = try InspectorTests.run("/bin/sh", ["-c", """
                python3 '\(Self.helpers.path)/gen_trace.py' 1000000 16 | /usr/bin/time -f 'peakKB=%M' \
                '\(stackcrossBinary.path)' report - --format \(format) -o '\(out.path)'
                """], timeout: 900)
            XCTAssertEqual(r.status, 0, r.stderr)
            let kb = try XCTUnwrap(r.stderr.components(separatedBy: "peakKB=").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }, r.stderr)
            print("export \(format): 1M records, peak RSS \(kb) KB, output \((try? FileManager.default.attributesOfItem(atPath: out.path)[.size]) ?? 0) bytes")
            XCTAssertLessThanOrEqual(kb, 64 * 1024, "\(format) peak RSS")
            XCTAssertGreaterThan(try Data(contentsOf: out, options: .alwaysMapped).count, 50_000_000, "\(format) wrote the spans")
            try FileManager.default.removeItem(at: out)
        }
    }

    /// The interning tables are dropped and the state cleared when full: the official decoder still
    /// resolves every callstack, and more than one SEQ_INCREMENTAL_STATE_CLEARED appears.
    func testPerfettoInterningResetsStayDecodable() throws {
        let big = dir.appendingPathComponent("big.jsonl")
        let g = try InspectorTests.run("/bin/sh", ["-c", "python3 '\(Self.helpers.path)/gen_trace.py' 20000 > '\(big.path)'"])
        XCTAssertEqual(g.status, 0, g.stderr)
        let pf = dir.appendingPathComponent("t.pftrace")
        let r = try stackcross(["report", big.path, "--format", "perfetto", "-o", pf.path, "--perfetto-max-interned", "50"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let decoded = dir.appendingPathComponent("pf.jsonl")
        let d = try python([Self.helpers.appendingPathComponent("perfetto_tool.py").path, pf.path, decoded.path])
        XCTAssertEqual(d.status, 0, d.stderr)
        let lines = try jsonLines(decoded)
        let summary = try XCTUnwrap(lines.last)
        XCTAssertEqual(summary["errors"] as? [String], [])
        XCTAssertGreaterThan(summary["cleared"] as? Int ?? 0, 10)
        let slices = lines.filter { $0["kind"] as? String == "slice" }
        XCTAssertEqual(slices.count, 20000)
        XCTAssertTrue(slices.allSatisfy { ($0["callstack"] as? [[String: Any]])?.count == 4 })
    }
}
