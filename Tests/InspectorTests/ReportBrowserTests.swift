import Foundation
import XCTest
import StackCross

/// The html report opened in headless Chromium (Debian's chromium package): it must render
/// without a script error, and a screenshot is kept under .build/artifacts/.
/// Headless Chromium on a local page, with a throwaway profile; killed past 40 s.
func runChromium(_ args: [String], page: URL, workDir: URL) throws -> RunResult {
    let profile = workDir.appendingPathComponent("profile-\(UUID().uuidString)")
    return try run("/usr/bin/chromium", [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
    ] + args + [page.absoluteString], timeout: 40)
}

/// Renders a page and returns the DOM after its scripts ran; fails on any script or console error
/// (the page's JS records errors in body[data-error] and marks success with data-state="rendered").
func renderedHTML(page: URL, workDir: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let r = try runChromium(["--dump-dom"], page: page, workDir: workDir)
    XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    let body = try XCTUnwrap(r.stdout.range(of: "<body[^>]*>", options: .regularExpression).map { String(r.stdout[$0]) },
                             "no body in the dumped DOM", file: file, line: line)
    XCTAssertTrue(body.contains("data-state=\"rendered\""), "page did not finish rendering: \(body)", file: file, line: line)
    XCTAssertFalse(body.contains("data-error"), "script error: \(body)", file: file, line: line)
    let console = r.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") && ($0.contains("Uncaught") || $0.contains("Error")) }
    XCTAssertTrue(console.isEmpty, "console errors: \(console)", file: file, line: line)
    return r.stdout
}

final class ReportBrowserTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "report-browser" }

    func chromium(_ args: [String], page: URL) throws -> RunResult { try runChromium(args, page: page, workDir: dir) }

    func renderedDOM(_ page: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try renderedHTML(page: page, workDir: dir, file: file, line: line)
    }

    func testTraceReportRendersInChromiumWithoutErrors() throws {
        let trace = try writeReportSampleTrace(to: dir.appendingPathComponent("t.jsonl"), calls: 300)
        let page = dir.appendingPathComponent("report.html")
        let r = try stackcross(["report", trace.path, "--format", "html", "-o", page.path])
        XCTAssertEqual(r.status, 0, r.stderr)

        let started = Date()
        let dom = try renderedDOM(page)
        // The page selected the first crossing with a failed check and drew its pt_regs diagram.
        XCTAssertTrue(dom.contains("✗ mismatch"), "no mismatch highlighted")
        let regs = try XCTUnwrap(dom.range(of: "id=\"d-regs\"").map { dom[$0.upperBound...] })
        let regTable = regs[..<(regs.range(of: "</table>")?.lowerBound ?? regs.endIndex)]
        XCTAssertEqual(regTable.components(separatedBy: "<tr").count - 1, 22, "header + 21 pt_regs slots")
        XCTAssertTrue(dom.contains("entry_SYSCALL_64_after_hwframe+0x76/0x80"), "kernel stack shown")
        XCTAssertTrue(dom.contains("main+0x8"), "user stack shown")
        // Tracee markup arrives as text, never as an element.
        XCTAssertTrue(dom.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
        XCTAssertFalse(dom.contains("<img"))
        XCTAssertTrue(dom.contains("Crossings (300)"))

        let artifacts = packageRoot.appendingPathComponent(".build/artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let shot = artifacts.appendingPathComponent("report-html.png")
        try? FileManager.default.removeItem(at: shot)
        let s = try chromium(["--screenshot=\(shot.path)", "--window-size=1400,1900", "--hide-scrollbars"], page: page)
        XCTAssertEqual(s.status, 0, s.stderr)
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4e, 0x47], "not a PNG")
        XCTAssertGreaterThan(png.count, 20_000, "an empty page compresses to almost nothing")
        print("report: html screenshot at \(shot.path) (chromium took \(Int(Date().timeIntervalSince(started))) s for two runs)")
    }

    /// 300 threads: the timeline draws the first 200 rows (a canvas has a height limit) and says so.
    func testManyThreadsRenderWithinTheCanvasLimit() throws {
        var text = Data()
        for i in 0..<300 {
            var line: [UInt8] = []
            TraceRecordJSON.appendLine(ReportCLITests.sampleRecord(tid: Int32(10_000 + i), at: UInt64(1_000_000 + i * 1000)), to: &line)
            text.append(contentsOf: line)
        }
        let trace = dir.appendingPathComponent("many.jsonl")
        try text.write(to: trace)
        let page = dir.appendingPathComponent("many.html")
        let r = try stackcross(["report", trace.path, "--format", "html", "-o", page.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dom = try renderedDOM(page)
        XCTAssertTrue(dom.contains("showing the first 200 of 300 threads"), "no note about the rows left out")
        let height = try XCTUnwrap(dom.range(of: #"id="timeline"[^>]*height: (\d+)px"#, options: .regularExpression).map { String(dom[$0]) })
        XCTAssertTrue(height.hasSuffix("4028px"), "22 + 200 rows × 20 + 6: \(height)")
    }

    func testSnapshotReportRendersInChromium() throws {
        var v = (0..<27).map { 0x2000 + UInt64($0) }
        v[17] = 0x33
        let snap = Snapshot(pid: 4242, exe: "/tmp/fix</script>", timeNs: 1, threads: [
            ThreadSnapshot(tid: 4242, name: "main<b>", state: "S", registers: Registers(values: v),
                           userStack: [Frame(pc: 0x401000, symbol: "main", offset: 4, module: "/tmp/fix")],
                           kernelStack: [Frame(pc: 0, symbol: "anon_pipe_read", offset: 0x10, length: 0x100)],
                           crossing: Crossing(entry: .syscall, phase: .blocked,
                                              syscall: SyscallCall(abi: .x86_64, nr: 0, name: "read", args: [3, 0x1000, 1]),
                                              checks: [Check(name: "pt_regs.cs", ok: true, expected: "0x33", actual: "0x33")])),
            ThreadSnapshot(tid: 4243, name: "spin", state: "R", registers: Registers(values: v)),
        ])
        let input = dir.appendingPathComponent("snap.json")
        let enc = JSONEncoder()
        enc.outputFormatting = .prettyPrinted
        try enc.encode(snap).write(to: input)
        let page = dir.appendingPathComponent("snap.html")
        let r = try stackcross(["report", input.path, "--format", "html", "-o", page.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dom = try renderedDOM(page)
        XCTAssertTrue(dom.contains("Snapshot of pid 4242 /tmp/fix&lt;/script&gt;"))
        XCTAssertTrue(dom.contains("anon_pipe_read+0x10/0x100"))
        XCTAssertTrue(dom.contains("Threads (2)"))
    }
}
