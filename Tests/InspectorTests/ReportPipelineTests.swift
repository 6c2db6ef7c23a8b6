import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import StackCross

/// The whole pipeline on real processes: `trace -o` / `attach --json`, then `report` in every format,
/// checked against what the fixture is known to do.
final class ReportPipelineTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "report-pipe" }

    /// Runs `stackcross trace FLAG -o NAME -- FIXTURE COUNT` and checks that the fast decoder reads
    /// every line of the engine's own output (JSONDecoder knows only schema 1's fields: it is the
    /// fallback that words errors, not a reader of schema 2).
    func traceToFile(_ name: String, flag: String, fixture fixtureName: String, count: Int,
                     file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let bin = try fixture(fixtureName)
        let trace = dir.appendingPathComponent(name)
        let t = try stackcross(["trace", flag, "-o", trace.path, "--", bin.path, String(count)], timeout: 60)
        XCTAssertEqual(t.status, 0, t.stderr, file: file, line: line)
        for l in try String(contentsOf: trace, encoding: .utf8).split(separator: "\n") {
            XCTAssertNotNil(FastRecordDecoder.decodeLine(Array(l.utf8)), String(l.prefix(200)), file: file, line: line)
        }
        return trace
    }

    func report(_ input: URL, _ format: ReportFormat, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let out = dir.appendingPathComponent("out.\(format.rawValue)")
        let r = try stackcross(["report", input.path, "--format", format.rawValue, "-o", out.path])
        XCTAssertEqual(r.status, 0, "\(format): \(r.stderr)", file: file, line: line)
        return try String(contentsOf: out, encoding: .utf8)
    }

    /// trace_threads: 3 threads, 20 write(2) calls each.
    func testTraceOfAThreadedFixtureInEveryFormat() throws {
        let bin = try fixture("trace_threads")
        let trace = dir.appendingPathComponent("t.jsonl")
        let t = try stackcross(["trace", "-f", "-o", trace.path, "--", bin.path], timeout: 60)
        XCTAssertEqual(t.status, 0, t.stderr)
        let records = try TraceFile.records(String(contentsOf: trace, encoding: .utf8))
        var syscalls: [SyscallRecord] = []
        for case .syscall(let s) in records { syscalls.append(s) }
        let finished = syscalls.filter { $0.ret != nil }
        let tids = Set(records.map { r -> Int32 in
            switch r {
            case .syscall(let x): x.tid
            case .signal(let x): x.tid
            case .exec(let x): x.tid
            case .clone(let x): x.tid
            case .exit(let x): x.tid
            case .attach(let x), .detach(let x): x.tid
            }
        })
        XCTAssertEqual(syscalls.filter { $0.name == "write" }.count, 60)

        let text = try report(trace, .text)
        let writeLines = text.split(separator: "\n").filter { $0.hasPrefix("[pid ") && $0.contains("] write(") }
        XCTAssertEqual(writeLines.count, 60, text)
        XCTAssertTrue(writeLines.allSatisfy { $0.contains("= 2") }, "every write returned 2")

        let summary = try report(trace, .summary)
        let writeRow = try XCTUnwrap(summary.split(separator: "\n").first { $0.hasSuffix(" write") })
        XCTAssertEqual(writeRow.split(separator: " ").dropLast().last, "60", String(writeRow))
        let total = try XCTUnwrap(summary.split(separator: "\n").first { $0.hasSuffix(" total") && $0.contains(".") })
        XCTAssertTrue(total.split(separator: " ").contains(Substring(String(finished.count))), "\(total) vs \(finished.count) finished calls")
        XCTAssertTrue(summary.contains("records: syscall \(syscalls.count)"), summary)
        XCTAssertTrue(summary.contains("check "), "the model's checks are totalled: \(summary)")

        let folded = try report(trace, .folded)
        let counts = folded.split(separator: "\n").map { Int($0.split(separator: " ").last!)! }
        XCTAssertEqual(counts.reduce(0, +), syscalls.count)
        XCTAssertTrue(folded.contains("write_[k] 60\n"), folded)

        let chrome = try report(trace, .chrome)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(chrome.utf8)) as? [String: Any])
        let events = try XCTUnwrap(obj["traceEvents"] as? [[String: Any]])
        XCTAssertEqual(events.filter { $0["ph"] as? String == "X" && $0["name"] as? String == "write" }.count, 60)
        XCTAssertEqual(Set(events.filter { $0["name"] as? String == "thread_name" }.compactMap { $0["tid"] as? Int }),
                       Set(tids.map(Int.init)))
        XCTAssertEqual(tids.count, 4, "main and three workers")
        XCTAssertEqual(events.filter { ($0["name"] as? String)?.hasPrefix("clone thread") ?? false }.count, 3)

        let svg = try report(trace, .flamegraph)
        XCTAssertTrue(svg.contains("<title>write_[k] (60 samples"), svg)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "the SVG parses")

        let html = try report(trace, .html)
        let d = try ReportHTMLIsland.parse(html)
        XCTAssertEqual((d["crossings"] as? [Any])?.count, syscalls.count)
        XCTAssertEqual((d["threads"] as? [Any])?.count, 4)
    }

    /// The views judge each crossing at the detail they show (html and summary: names and verdicts, html's
    /// kept crossings in full; text: failures in words): on real traces (threads, signals with handlers),
    /// `report` writes the very bytes it wrote when every crossing was judged in full.
    func testViewsOfARealTraceAreThoseOfTheFullJudge() throws {
        for name in ["trace_threads", "model_signals"] {
            let trace = dir.appendingPathComponent("\(name).jsonl")
            let t = try stackcross(["trace", "-f", "-o", trace.path, "--", try fixture(name).path], timeout: 60)
            XCTAssertTrue(t.status == 0 || name == "model_signals", "\(name): \(t.stderr)")
            let bytes = Array(try Data(contentsOf: trace))
            var limits = ReportOptions()
            limits.htmlCrossingsPerThread = 3
            limits.htmlCrossingsTotal = 10
            for format in [ReportFormat.html, .text, .summary] {
                let out = dir.appendingPathComponent("\(name).\(format.rawValue)")
                let r = try stackcross(["report", trace.path, "--format", format.rawValue, "-o", out.path,
                                        "--crossings-per-thread", "3", "--crossings-total", "10"])
                XCTAssertEqual(r.status, 0, "\(name) \(format): \(r.stderr)")
                let (w, text) = ReportWriter.memory()
                let reader = ReportReader(file: trace.path, exporter: JudgedInFull(
                    format.makeExporter(writer: w, title: trace.lastPathComponent, options: limits)))
                try reader.feed(bytes)
                try reader.finish()
                let view = try String(contentsOf: out, encoding: .utf8)
                XCTAssertEqual(view, String(decoding: text(), as: UTF8.self), "\(name) \(format)")
                if format != .text { XCTAssertTrue(view.contains("entry.kind"), "\(name) \(format): the checks are shown") }
            }
        }
    }

    /// trace --kernel-stack: the kernel frames read at each stop fold under the syscall, outermost first.
    func testKernelStacksFromTraceFoldAndPrint() throws {
        let trace = try traceToFile("k.jsonl", flag: "--kernel-stack", fixture: "trace_writes", count: 5)
        let folded = try report(trace, .folded)
        // The syscall marks the crossing; the /proc frames at the entry stop follow, outermost first.
        let writes = folded.split(separator: "\n").filter { $0.hasPrefix("write_[k];") }
        XCTAssertEqual(writes.map { Int($0.split(separator: " ").last!)! }.reduce(0, +), 5, folded)
        for w in writes {
            XCTAssertTrue(w.hasPrefix("write_[k];entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];syscall_trace_enter_[k];"), w.description)
            XCTAssertTrue(w.hasSuffix(";ptrace_stop_[k] 5"), "innermost last: \(w)")
        }
        let text = try report(trace, .text)
        XCTAssertTrue(text.contains("\n    [k] ptrace_stop+0x"), text)
        XCTAssertTrue(text.contains("── write entered via SYSCALL"), text)
    }

    /// trace --stack on stack_chain (main → level1 → level2 → level3 → leaf → write, 25 times):
    /// the user chain folds root first, the flame graph and the html carry it.
    func testUserStacksFromTraceStackFoldIntoTheFixturesChain() throws {
        let trace = try traceToFile("s.jsonl", flag: "--stack", fixture: "stack_chain", count: 25)
        let folded = try report(trace, .folded)
        let chain = folded.split(separator: "\n").filter { $0.contains("main;level1;level2;level3;leaf;") }
        XCTAssertEqual(chain.map { Int($0.split(separator: " ").last!)! }.reduce(0, +), 25, folded)
        XCTAssertTrue(chain.allSatisfy { $0.split(separator: " ").first!.hasSuffix(";write_[k]") }, "\(chain)")
        let svg = try report(trace, .flamegraph)
        XCTAssertTrue(svg.contains("<title>level3 (25 samples"), svg)
        let d = try ReportHTMLIsland.parse(try report(trace, .html))
        let frames = try XCTUnwrap(d["frames"] as? [[String]])
        XCTAssertTrue(frames.contains { $0[0].hasPrefix("level2+0x") && $0[2].contains("stack_chain.c:") }, "frames carry symbol+offset and file:line")
    }

    /// attach --json of the `threads` fixture: report renders attach's own text, one stack per thread.
    func testSnapshotFromAttachInEveryFormat() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        let snapURL = dir.appendingPathComponent("snap.json")
        let a = try stackcross(["attach", String(fx.pid), "--json", "-o", snapURL.path], timeout: 60)
        XCTAssertEqual(a.status, 0, a.stderr)
        fx.stop()
        let snap = try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: snapURL))
        XCTAssertGreaterThanOrEqual(snap.threads.count, 6)

        XCTAssertEqual(try report(snapURL, .text), SnapshotText.render(snap))

        let folded = try report(snapURL, .folded)
        XCTAssertEqual(folded.split(separator: "\n").map { Int($0.split(separator: " ").last!)! }.reduce(0, +), snap.threads.count)
        XCTAssertTrue(folded.contains("reader_main;reader_wait;"), folded)
        XCTAssertTrue(folded.contains("sleeper_main;sleeper_nap;"), folded)

        let summary = try report(snapURL, .summary)
        XCTAssertTrue(summary.contains("records: snapshot 1, thread \(snap.threads.count)"), summary)

        let chrome = try report(snapURL, .chrome)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(chrome.utf8)) as? [String: Any])
        XCTAssertEqual((obj["traceEvents"] as? [[String: Any]])?.filter { $0["name"] as? String == "snapshot" }.count, snap.threads.count)

        let svg = try report(snapURL, .flamegraph)
        XCTAssertTrue(svg.contains("recurse_bottom"), "the recurser's frames are in the flame graph")

        let d = try ReportHTMLIsland.parse(try report(snapURL, .html))
        XCTAssertEqual(d["kind"] as? String, "snapshot")
        XCTAssertEqual((d["crossings"] as? [[String: Any]])?.compactMap { $0["tid"] as? Int }.sorted(),
                       snap.threads.map { Int($0.tid) }.sorted())
    }
}

enum ReportHTMLIsland {
    /// The JSON data island of an html report, parsed.
    static func parse(_ html: String) throws -> [String: Any] {
        let open = try XCTUnwrap(html.range(of: "<script type=\"application/json\" id=\"data\">"))
        let close = try XCTUnwrap(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(html[open.upperBound..<close.lowerBound].utf8)) as? [String: Any])
    }
}

/// A view as it was before judge levels: every crossing judged again in full, whatever the view shows.
final class JudgedInFull: ReportExporter {
    let view: ReportExporter
    init(_ view: ReportExporter) { self.view = view }
    var wantsJudgedCrossings: Bool { view.wantsJudgedCrossings }
    var judgedDetail: CrossingDetail { .all }
    func consume(header: TraceHeader) throws { try view.consume(header: header) }
    func consume(_ record: TraceRecord) throws { try view.consume(record) }
    func consume(_ snapshot: Snapshot) throws { try view.consume(snapshot) }
    func finish() throws { try view.finish() }
}
