import Foundation
import XCTest
import StackCross

/// #15's command-line friction: --version, EXAMPLES that work, `--` in trace's usage, report's default format.
final class CLIFrictionTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "cli-friction" }

    func testVersionPrintsTheOneVersionConstant() throws {
        let r = try stackcross(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "stackcross \(StackCrossVersion.string)\n")
        XCTAssertFalse(StackCrossVersion.string.isEmpty)
    }

    /// The example lines of a command's --help (after `EXAMPLES:`, up to the blank line).
    func examples(_ command: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let r = try stackcross(command + ["--help"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let after = try XCTUnwrap(r.stdout.components(separatedBy: "\nEXAMPLES:\n").dropFirst().first,
                                  "no EXAMPLES in \(command) --help:\n\(r.stdout)", file: file, line: line)
        let lines = after.components(separatedBy: "\n\n")[0].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for l in lines { XCTAssertTrue(l.hasPrefix("stackcross "), "not an example: \(l)", file: file, line: line) }
        XCTAssertGreaterThanOrEqual(lines.count, 3, "\(command)", file: file, line: line)
        return lines
    }

    func testEveryHelpHasExamples() throws {
        for c in [[], ["attach"], ["trace"], ["report"], ["model"]] { _ = try examples(c) }
    }

    /// Every `-e` expression the trace examples show is one trace accepts, and traces what it says.
    func testTraceExampleExpressionsWork() throws {
        let lines = try examples(["trace"])
        var exprs: [String] = []
        for l in lines {
            let words = l.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            for (i, w) in words.enumerated() where w == "-e" && i + 1 < words.count { exprs.append(words[i + 1]) }
        }
        XCTAssertTrue(exprs.contains("trace=openat,read"), "\(exprs)")
        XCTAssertTrue(exprs.contains("trace=%file"), "\(exprs)")
        for e in exprs {
            let r = try stackcross(["trace", "-e", e, "--", "/bin/true"])
            XCTAssertEqual(r.status, 0, "-e \(e): \(r.stderr)")
        }
        let r = try stackcross(["trace", "-e", "trace=openat,read", "--", "/bin/cat", "/proc/self/comm"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = Set(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("+++") }.map { $0.prefix { $0 != "(" } })
        XCTAssertEqual(names, ["openat", "read"], r.stderr)
    }

    func testModelAndReportExamplesRun() throws {
        let trace = try writeReportSampleTrace(to: dir.appendingPathComponent("trace.jsonl"), calls: 30)
        for l in try examples(["model"]) + examples(["report"]) where !l.contains("|") {
            let args = l.split(separator: " ").dropFirst().map { w -> String in
                let s = String(w)
                return s.hasSuffix(".jsonl") || s.hasSuffix(".html") || s.hasSuffix(".json") || s.hasSuffix(".svg") || s.hasSuffix(".pftrace")
                    ? (s == "trace.jsonl" ? trace.path : dir.appendingPathComponent(s).path) : s
            }
            let r = try stackcross(args)
            XCTAssertEqual(r.status, 0, "\(l): \(r.stderr)")
        }
    }

    func testTraceUsageShowsTheDoubleDash() throws {
        let r = try stackcross(["trace"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("Usage: stackcross trace [<options>] -- <program> [<arg> ...]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("stackcross trace [<options>] -p <pid>"), r.stderr)
        let help = try stackcross(["trace", "--help"])
        XCTAssertTrue(help.stdout.contains("USAGE: stackcross trace [<options>] -- <program> [<arg> ...]"), help.stdout)
    }

    func testReportWithoutFormatIsText() throws {
        let trace = try writeReportSampleTrace(to: dir.appendingPathComponent("t.jsonl"), calls: 20)
        let plain = try stackcross(["report", trace.path])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let text = try stackcross(["report", trace.path, "--format", "text"])
        XCTAssertEqual(plain.stdout, text.stdout)
        XCTAssertTrue(plain.stdout.contains("[pid  4000] write(1, "), plain.stdout)
    }

    /// `-o -` is stdout (the records, ready for `report -`), never a file named "-".
    func testDashOutputIsStandardOutput() throws {
        let dash = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("-")
        try? FileManager.default.removeItem(at: dash)
        let t = try stackcross(["trace", "-o", "-", "--", "/bin/true"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.hasPrefix(#"{"type":"header","schema":"stackcross.trace/2""#), String(t.stdout.prefix(200)))
        XCTAssertTrue(t.stdout.contains(#""name":"exit_group""#))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dash.path), "trace -o - wrote a file named -")
        let ff = try stackcross(["trace", "-ff", "-o", "-", "--", "/bin/true"])
        XCTAssertEqual(ff.status, 64, ff.stderr)
        XCTAssertTrue(ff.stderr.contains("-ff needs -o PREFIX"), ff.stderr)
    }
}
