import Foundation
import Glibc
import XCTest

/// A write that fails (ENOSPC on /dev/full, EBADF on a closed stdout, EPIPE on a closed pipe) is an
/// error: a message naming the file and the errno text, exit 1, and no tracee left stopped, traced or
/// running on as our child.
final class WriteFailureTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "sc-writes" }

    /// The CLI with its stdout redirected by the shell (`>/dev/full`, `>&-`).
    func stackcrossRedirected(_ args: [String], stdout redirect: String, timeout: TimeInterval = 60) throws -> RunResult {
        try InspectorTests.run("/bin/sh", ["-c", "exec \"$0\" \"$@\" \(redirect)", stackcrossBinary.path] + args, timeout: timeout)
    }

    /// Whether the process is gone (or a zombie that only waits to be reaped).
    func isGone(_ pid: Int32) -> Bool {
        let state = procStatus(pid)["State"]
        return state == nil || state!.hasPrefix("Z") || state!.hasPrefix("X")
    }

    /// Attached to by nobody and not stopped: it runs on as before.
    func assertRunsUntraced(_ pid: Int32, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let st = procStatus(pid)
        XCTAssertEqual(st["TracerPid"], "0", "\(what): still traced", file: file, line: line)
        let state = st["State"] ?? "?"
        XCTAssertTrue(state.hasPrefix("R") || state.hasPrefix("S"), "\(what): left in state \(state)", file: file, line: line)
    }

    func testTraceToAFullDeviceFailsNamingIt() throws {
        let fx = try fixture("trace_writes").path
        for extra in [[], ["-c"], ["--stack"]] {
            let r = try InspectorTests.stackcross(["trace"] + extra + ["-o", "/dev/full", "--", fx, "20"], timeout: 60)
            XCTAssertEqual(r.status, 1, "trace \(extra) -o /dev/full: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("cannot write /dev/full: No space left on device"), "trace \(extra): \(r.stderr)")
        }
        // Lines go to stderr: when that is full the exit status still says so.
        let lines = try InspectorTests.run("/bin/sh", ["-c", "exec \"$0\" trace -- \"$1\" 20 2>/dev/full", stackcrossBinary.path, fx])
        XCTAssertEqual(lines.status, 1)
    }

    /// An endless traced child: the trace stops at the failed write, the child is killed, not left running.
    /// (--stack puts the stack collector in front of the sink: the failure must reach the tracer through it.)
    func testEndlessTraceToAFullDeviceStopsAndKillsItsChild() throws {
        let fx = try fixture("trace_loop").path
        for extra in [[], ["--stack"]] {
            let t0 = Date()
            let r = try InspectorTests.stackcross(["trace", "-f"] + extra + ["-o", "/dev/full", "--", fx], timeout: 20)
            XCTAssertLessThan(Date().timeIntervalSince(t0), 10, "stops promptly")
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("cannot write /dev/full: No space left on device"), r.stderr)
            let ready = r.stdout.split(separator: "\n").first { $0.hasPrefix("READY ") }
            let child = ready.flatMap { Int32($0.dropFirst(6)) }
            XCTAssertNotNil(child, "the fixture's READY line: \(r.stdout)")
            if let child { XCTAssertTrue(eventually { self.isGone(child) }, "the child is gone: \(procStatus(child))") }
        }
    }

    /// -p: the trace stops at the failed write and detaches; the process runs on untraced.
    func testAttachedTraceToAFullDeviceDetaches() throws {
        let fx = try RunningFixture(try fixture("trace_loop"))
        defer { fx.stop() }
        let r = try InspectorTests.stackcross(["trace", "-f", "-p", String(fx.pid), "-o", "/dev/full"], timeout: 20)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot write /dev/full: No space left on device"), r.stderr)
        XCTAssertTrue(fx.process.isRunning)
        for tid in taskIDs(fx.pid) { assertRunsUntraced(tid, "thread \(tid)") }
    }

    /// A reader that goes away (`| head`): EPIPE is a write error, not a death by SIGPIPE with the child left.
    func testTraceIntoAClosedPipeStops() throws {
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(reader, 0)
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["trace", "-f", "-o", fifo, "--", try fixture("trace_loop").path]
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // The reader takes the first records, then goes away.
        var buf = [UInt8](repeating: 0, count: 4096)
        XCTAssertTrue(eventually { read(reader, &buf, buf.count) > 0 }, "records arrive")
        close(reader)
        XCTAssertTrue(eventually(timeout: 10) { !p.isRunning }, "stackcross stops")
        guard !p.isRunning else { return }
        XCTAssertEqual(p.terminationReason, .exit, "not killed by SIGPIPE")
        XCTAssertEqual(p.terminationStatus, 1)
        let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(err.contains("cannot write \(fifo): Broken pipe"), err)
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let child = out.split(separator: "\n").first { $0.hasPrefix("READY ") }.flatMap { Int32($0.dropFirst(6)) }
        XCTAssertNotNil(child, out)
        if let child { XCTAssertTrue(eventually { self.isGone(child) }, "the child is gone: \(procStatus(child))") }
    }

    /// The tracee gets SIGPIPE's default action, whatever stackcross does with it for itself.
    func testTraceeKeepsTheDefaultSIGPIPE() throws {
        let r = try InspectorTests.run(stackcrossBinary.path, ["trace", "-e", "trace=none", "--", "/bin/grep", "^SigIgn", "/proc/self/status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let mask = r.stdout.split(separator: "\t").last.flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) }
        XCTAssertNotNil(mask, r.stdout)
        XCTAssertEqual((mask ?? 0) & (UInt64(1) << (SIGPIPE - 1)), 0, "SIGPIPE ignored in the tracee: \(r.stdout)")
    }

    func testAttachWithAFullOrClosedStdoutFailsAndLeavesTheTargetRunning() throws {
        let fx = try RunningFixture(try fixture("trace_loop"))
        defer { fx.stop() }
        for (args, redirect, errno) in [(["--json"], ">/dev/full", "No space left on device"), ([], ">/dev/full", "No space left on device"),
                                        (["--json"], ">&-", "Bad file descriptor"), ([], ">&-", "Bad file descriptor")] {
            let r = try stackcrossRedirected(["attach", String(fx.pid)] + args, stdout: redirect)
            XCTAssertEqual(r.status, 1, "attach \(args) \(redirect): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("cannot write stdout: \(errno)"), "attach \(args) \(redirect): \(r.stderr)")
            for tid in taskIDs(fx.pid) { assertRunsUntraced(tid, "attach \(args) \(redirect), thread \(tid)") }
        }
        let o = try InspectorTests.stackcross(["attach", String(fx.pid), "-o", "/dev/full"])
        XCTAssertEqual(o.status, 1)
        XCTAssertTrue(o.stderr.contains("cannot write /dev/full: No space left on device"), o.stderr)
    }

    func testModelWithAFullOrClosedStdoutFails() throws {
        for args in [[], ["--json"]] {
            for (redirect, errno) in [(">/dev/full", "No space left on device"), (">&-", "Bad file descriptor")] {
                let r = try stackcrossRedirected(["model"] + args, stdout: redirect)
                XCTAssertEqual(r.status, 1, "model \(args) \(redirect): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("cannot write stdout: \(errno)"), "model \(args) \(redirect): \(r.stderr)")
            }
        }
    }

    /// swift-argument-parser prints help through C stdio: its failed flush at exit is an error too.
    func testHelpToAFullOrClosedStdoutFails() throws {
        for args in [["--help"], ["trace", "--help"]] {
            for redirect in [">/dev/full", ">&-"] {
                let r = try stackcrossRedirected(args, stdout: redirect)
                XCTAssertEqual(r.status, 1, "\(args) \(redirect): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("cannot write stdout"), "\(args) \(redirect): \(r.stderr)")
            }
        }
    }

    func testReportWithAFullOrClosedOutputFails() throws {
        let trace = dir.appendingPathComponent("t.jsonl").path
        let t = try InspectorTests.run(stackcrossBinary.path, ["trace", "-o", trace, "--", try fixture("trace_writes").path, "5"])
        XCTAssertEqual(t.status, 0, t.stderr)
        for format in ["text", "html", "chrome", "folded", "flamegraph", "summary"] {
            for (redirect, errno) in [(">/dev/full", "No space left on device"), (">&-", "Bad file descriptor")] {
                let r = try stackcrossRedirected(["report", trace, "--format", format], stdout: redirect)
                XCTAssertEqual(r.status, 1, "report --format \(format) \(redirect): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("cannot write stdout: \(errno)"), "report --format \(format) \(redirect): \(r.stderr)")
            }
            let o = try stackcrossRedirected(["report", trace, "--format", format, "-o", "/dev/full"], stdout: "")
            XCTAssertEqual(o.status, 1)
            XCTAssertTrue(o.stderr.contains("cannot write /dev/full: No space left on device"), o.stderr)
        }
    }
}
