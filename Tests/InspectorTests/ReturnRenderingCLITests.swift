import Foundation
import XCTest
import StackCross

/// One rendering of return values (#14 item 5): a real trace of Fixtures/return_values.c shows the same
/// return text in the live trace, the text, HTML (rendered in Chromium), chrome and summary views, and
/// the same text strace prints for the same run.
final class ReturnRenderingCLITests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "return-rendering" }

    /// The return text after ` = ` of the first line that contains `marker`.
    func returnText(_ lines: [Substring], _ marker: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let l = try XCTUnwrap(lines.first { $0.contains(marker) }, "no line with \(marker) in\n\(lines.joined(separator: "\n"))",
                              file: file, line: line)
        let r = try XCTUnwrap(l.range(of: ") = ", options: .backwards), String(l), file: file, line: line)
        var t = String(l[r.upperBound...])
        if let d = t.range(of: " <", options: .backwards), t.hasSuffix(">"), t[d.upperBound...].first?.isNumber == true {
            t = String(t[..<d.lowerBound])  // the text report's ` <0.000012>` duration
        }
        return t
    }

    func testEveryViewAndStraceShowTheSameReturnValues() throws {
        let bin = try fixture("return_values")
        // A control byte in the path: every view must escape it the same way (strace's `\1`).
        let target = dir.appendingPathComponent("tgt\u{1}.txt")
        try Data("x".utf8).write(to: target)
        let shownPath = dir.path + "/tgt\\1.txt"
        let missing = "\"/nonexistent-stackcross/missing\""
        let expected = [
            missing: "-1 ENOENT (No such file or directory)",
            "tgt\\1.txt\", O_RDONLY|O_CLOEXEC)": "3<\(shownPath)>",
            "F_DUPFD, 10)": "10<\(shownPath)>",
            "F_GETFD)": "0x1 (flags FD_CLOEXEC)",
        ]
        let mmapMarker = "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"

        func check(_ view: String, _ lines: [Substring], file: StaticString = #filePath, line: UInt = #line) throws {
            for (marker, text) in expected {
                XCTAssertEqual(try returnText(lines, marker, file: file, line: line), text, "\(view): \(marker)", file: file, line: line)
            }
            let addr = try returnText(lines, mmapMarker, file: file, line: line)
            XCTAssertTrue(addr.range(of: "^0x[0-9a-f]{6,}$", options: .regularExpression) != nil, "\(view): mmap = \(addr)", file: file, line: line)
        }

        let live = try stackcross(["trace", "--", bin.path, target.path], timeout: 60)
        XCTAssertEqual(live.status, 0, live.stderr)
        try check("live trace", live.stderr.split(separator: "\n"))

        let strace = try InspectorTests.run("/usr/bin/strace", ["-y", "--", bin.path, target.path], timeout: 60)
        XCTAssertEqual(strace.status, 0, strace.stderr)
        try check("strace -y", strace.stderr.split(separator: "\n"))

        let trace = dir.appendingPathComponent("t.jsonl")
        let t = try stackcross(["trace", "-o", trace.path, "--", bin.path, target.path], timeout: 60)
        XCTAssertEqual(t.status, 0, t.stderr)

        let text = try stackcross(["report", trace.path, "--format", "text"])
        XCTAssertEqual(text.status, 0, text.stderr)
        try check("text report", text.stdout.split(separator: "\n"))

        // chrome: each call's args carry the same text (and the number).
        let chrome = try stackcross(["report", trace.path, "--format", "chrome"])
        XCTAssertEqual(chrome.status, 0, chrome.stderr)
        let events = try XCTUnwrap((try JSONSerialization.jsonObject(with: chrome.stdoutData) as? [String: Any])?["traceEvents"] as? [[String: Any]])
        let chromeLines: [Substring] = events.compactMap { e in
            guard let a = e["args"] as? [String: Any], let args = a["args"] as? [String], let ret = a["return"] as? String,
                  let name = e["name"] as? String else { return nil }
            if ret != "?" { XCTAssertNotNil(a["ret"] as? Int, "the numeric ret stays: \(a)") }
            return Substring(name + "(" + args.joined(separator: ", ") + ") = " + ret)
        }
        try check("chrome", chromeLines)

        // html: the list as Chromium renders it (text nodes come back HTML-escaped in the DOM).
        let page = dir.appendingPathComponent("r.html")
        let h = try stackcross(["report", trace.path, "--format", "html", "-o", page.path])
        XCTAssertEqual(h.status, 0, h.stderr)
        let dom = try renderedHTML(page: page, workDir: dir)
        let unescaped = dom.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let cells: [Substring] = unescaped.components(separatedBy: "<td").compactMap { cell in
            guard cell.hasPrefix(" class=\"mono call\"") else { return nil }
            return cell.split(separator: ">", maxSplits: 1).last.map { $0.components(separatedBy: "</td")[0][...] }
        }
        XCTAssertFalse(cells.isEmpty, "no call cells in the rendered list")
        try check("html", cells)

        // summary: the failed call, in the same words.
        let summary = try stackcross(["report", trace.path, "--format", "summary"])
        XCTAssertEqual(summary.status, 0, summary.stderr)
        XCTAssertTrue(summary.stdout.contains("  openat = -1 ENOENT (No such file or directory)\n"), summary.stdout)
    }
}
