import Foundation
import XCTest

/// `stackcross trace`'s live text lines held against strace's own output for the same fixture.
final class TraceLinesTests: XCTestCase {
    /// stderr of `stackcross trace ARGS -- PROGRAM` and of `strace ARGS -- PROGRAM`.
    func bothTraces(_ args: [String], _ program: [String], timeout: TimeInterval = 30) throws -> (ours: [Substring], strace: [Substring]) {
        let ours = try stackcross(["trace"] + args + ["--"] + program, timeout: timeout)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let theirs = try InspectorTests.run("/usr/bin/strace", args + ["--"] + program, timeout: timeout)
        XCTAssertEqual(theirs.status, 0, "strace could not run: \(theirs.stderr)")
        return (ours.stderr.split(separator: "\n"), theirs.stderr.split(separator: "\n"))
    }

    /// A line's `[pid N]` prefix, checked to be strace's `[pid %5u] ` exactly; nil without one.
    func prefixTid(_ line: Substring, file: StaticString = #filePath, lineNo: UInt = #line) -> Int32? {
        guard line.hasPrefix("[pid "), let close = line.firstIndex(of: "]") else { return nil }
        let digits = line[line.index(line.startIndex, offsetBy: 5)..<close].drop { $0 == " " }
        guard let tid = Int32(digits) else { XCTFail("bad prefix: \(line)", file: file, line: lineNo); return nil }
        XCTAssertTrue(line.hasPrefix(String(format: "[pid %5d] ", tid)), "not strace's padding: \(line)", file: file, line: lineNo)
        return tid
    }

    /// The lines of the fixture's marker calls, as (has a prefix, the line without it up to the `=`).
    func markers(_ lines: [Substring], _ names: [String]) -> [(prefixed: Bool, call: String)] {
        lines.compactMap { line in
            let tid = prefixTid(line)
            var body = tid == nil ? line : line[line.index(after: line.firstIndex(of: "]")!)...].dropFirst()
            guard names.contains(where: { body.hasPrefix($0 + "(") }) else { return nil }
            if let eq = body.range(of: " = ") { body = body[..<eq.upperBound] }
            // ` = ` is padded to column 40 as strace does; the call's text is what counts here.
            return (tid != nil, String(body).replacingOccurrences(of: #"\) += "#, with: ") = ", options: .regularExpression))
        }
    }

    /// strace -f prints `[pid N]` only while it traces more than one task: not on a single-threaded
    /// program, and again not once the only other thread is gone.
    func testPidPrefixOnlyWhileSeveralTasksAreTraced() throws {
        let single = try bothTraces(["-f"], [try fixture("trace_writes").path, "2"])
        XCTAssertFalse(single.strace.contains { $0.hasPrefix("[pid") }, "strace's own behaviour changed: \(single.strace)")
        XCTAssertFalse(single.ours.contains { $0.hasPrefix("[pid") }, single.ours.joined(separator: "\n"))
        XCTAssertEqual(single.ours.filter { $0.hasPrefix("write(") }.count, 2)

        let threaded = try bothTraces(["-f"], [try fixture("trace_lines").path])
        let names = ["getpid", "gettid", "getppid"]
        let theirs = markers(threaded.strace, names), ours = markers(threaded.ours, names)
        XCTAssertEqual(theirs.map(\.prefixed), [false, true, false], "strace: \(theirs)")
        XCTAssertEqual(ours.map(\.prefixed), theirs.map(\.prefixed), threaded.ours.joined(separator: "\n"))
        XCTAssertEqual(ours.map(\.call), ["getpid() = ", "gettid() = ", "getppid() = "])
        // The thread's own exit line still carries it (two tasks were traced when it was printed).
        XCTAssertTrue(threaded.ours.contains { prefixTid($0) != nil && $0.hasSuffix("+++ exited with 0 +++") })
        XCTAssertEqual(threaded.ours.last, "+++ exited with 0 +++")
    }

    /// A child stopped by SIGSTOP in clock_nanosleep and continued: strace prints the group stop as
    /// `--- stopped by SIGSTOP ---` and the resumed sleep as restart_syscall naming the call it resumes.
    func testGroupStopAndRestartSyscallLinesMatchStrace() throws {
        let both = try bothTraces(["-f"], [try fixture("trace_stop").path])
        func picked(_ lines: [Substring]) -> [String] {
            lines.compactMap { line in
                let tid = prefixTid(line)
                let body = tid == nil ? line : line[line.index(after: line.firstIndex(of: "]")!)...].dropFirst()
                if body.hasPrefix("--- stopped by ") { return (tid == nil ? "" : "[pid] ") + body }
                // The entry part: the note is printed there, whether or not another line cuts the call.
                if body.hasPrefix("restart_syscall("), let end = body.range(of: "...>") {
                    return (tid == nil ? "" : "[pid] ") + body[..<end.upperBound]
                }
                return nil
            }
        }
        let expected = ["[pid] --- stopped by SIGSTOP ---", "[pid] restart_syscall(<... resuming interrupted clock_nanosleep ...>"]
        XCTAssertEqual(picked(both.strace), expected, "strace's own output: \(both.strace.joined(separator: "\n"))")
        XCTAssertEqual(picked(both.ours), expected, both.ours.joined(separator: "\n"))
        // The stopped task is the child, as in strace.
        let stopLine = try XCTUnwrap(both.ours.first { $0.hasSuffix("--- stopped by SIGSTOP ---") })
        let sigstop = try XCTUnwrap(both.ours.first { $0.contains("--- SIGSTOP {") })
        XCTAssertEqual(prefixTid(stopLine), prefixTid(sigstop))
    }
}
