import Foundation
import XCTest

/// strace's daily flags (#15), each held against strace's own output for the same fixture run.
/// Times, addresses and pids differ between runs: `normalized` turns every digit into 9 (so widths
/// and precisions still count) and squeezes runs of spaces (strace aligns ` = ` at column 40).
final class StraceFlagsTests: XCTestCase {
    /// stderr lines of `stackcross trace ARGS -- PROGRAM` and of `strace -y ARGS -- PROGRAM`
    /// (stackcross shows fd paths by default, as strace -y does).
    func both(_ args: [String], _ program: [String], ours extra: [String] = [], status: Int32 = 0,
              file: StaticString = #filePath, line: UInt = #line) throws -> (ours: [String], strace: [String]) {
        let ours = try stackcross(["trace"] + args + extra + ["--"] + program, timeout: 60)
        XCTAssertEqual(ours.status, status, ours.stderr, file: file, line: line)
        // strace warns that -y does nothing with -c.
        let y = args.contains("-c") ? [] : ["-y"]
        let theirs = try InspectorTests.run("/usr/bin/strace", y + args + ["--"] + program, timeout: 60)
        XCTAssertEqual(theirs.status, status, "strace: \(theirs.stderr)", file: file, line: line)
        return (ours.stderr.split(separator: "\n").map(String.init), theirs.stderr.split(separator: "\n").map(String.init))
    }

    /// `digitRuns`: a whole number becomes one 9 (a summary's times and their widths differ from run to run).
    static func normalized(_ line: String, digitRuns: Bool = false) -> String {
        var out = "", lastSpace = false, lastDigit = false
        for c in line {
            if c == " " { if !lastSpace { out.append(c) }; lastSpace = true; lastDigit = false; continue }
            lastSpace = false
            let digit = c.isASCII && c.isNumber
            if !(digit && digitRuns && lastDigit) { out.append(digit ? "9" : c) }
            lastDigit = digit
        }
        return out
    }

    func assertSameLines(_ args: [String], _ program: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let b = try both(args, program, file: file, line: line)
        let runs = args.contains("-c") || args.contains("-C")
        XCTAssertEqual(b.ours.map { Self.normalized($0, digitRuns: runs) }, b.strace.map { Self.normalized($0, digitRuns: runs) },
                       "ours:\n\(b.ours.joined(separator: "\n"))\nstrace:\n\(b.strace.joined(separator: "\n"))", file: file, line: line)
    }

    var writes: [String] { get throws { [try fixture("trace_writes").path, "3"] } }

    func testAbsoluteTimestampsAndTimeInCalls() throws {
        try assertSameLines(["-tt", "-T", "-e", "trace=write,close"], try writes)
        try assertSameLines(["-t", "-e", "trace=write"], try writes)
        try assertSameLines(["-ttt", "-e", "trace=close"], try writes)
        try assertSameLines(["--absolute-timestamps=format:unix,precision:ns", "-e", "trace=write"], try writes)
        try assertSameLines(["--absolute-timestamps=precision:ms", "--syscall-times=ns", "-e", "trace=write"], try writes)
    }

    func testRelativeTimestamps() throws {
        try assertSameLines(["-r", "-e", "trace=write"], try writes)
        try assertSameLines(["-t", "-r", "-e", "trace=write,close"], try writes)
        try assertSameLines(["--relative-timestamps=ns", "-T", "-e", "trace=write"], try writes)
        try assertSameLines(["--relative-timestamps=s", "-e", "trace=close"], try writes)
    }

    /// The -r value is the time since the previous line: the sum of a run's values is its length.
    func testRelativeTimestampsAddUp() throws {
        let ours = try stackcross(["trace", "-r", "-e", "trace=write", "--", try fixture("trace_writes").path, "3"])
        let values = ours.stderr.split(separator: "\n").compactMap { Double($0.split(separator: " ").first ?? "") }
        XCTAssertEqual(values.count, 4, ours.stderr)
        XCTAssertEqual(values.first, 0)
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 < 5 }, ours.stderr)
    }

    func testSummarySortedAndColumns() throws {
        // -S calls and -S name give one order; ties go by syscall number as in strace (close before openat).
        for sort in ["calls", "name", "errors"] {
            try assertSameLines(["-c", "-S", sort, "-e", "trace=write,close,openat"], try writes)
        }
        try assertSameLines(["-c", "-S", "calls", "-U", "name,calls,min-time,max-time,avg-time,total-time,time-percent,errors",
                             "-e", "trace=write,close,openat"], try writes)
        try assertSameLines(["-c", "-w", "-S", "name", "-U", "calls,errors", "-e", "trace=write,openat"], try writes)
        // -C: the lines, then the table.
        try assertSameLines(["-C", "-S", "calls", "-e", "trace=write,close"], try writes)
    }

    func testBadTimeAndSummarySpecsAreUsageErrors() throws {
        for args in [["-S", "bogus"], ["-U", "calls,calls"], ["-U", "nope"], ["--syscall-times=fs"],
                     ["--absolute-timestamps=format:bogus"], ["-t", "--absolute-timestamps=unix"]] {
            let r = try stackcross(["trace"] + args + ["--", "/bin/true"])
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty)
        }
    }
}
