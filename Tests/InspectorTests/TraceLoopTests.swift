import CStackCross
import Foundation
import StackCross
import XCTest

/// The trace engine's loop under pressure (#12): a fast timer, -p on threads that come and go, and
/// the strace line pairing of calls across tasks.
final class TraceLoopTests: XCTestCase {
    func records(_ url: URL) throws -> [TraceRecord] {
        let data = (try? Data(contentsOf: url)) ?? Data()
        return try TraceFile.records([UInt8](data))
    }

    // MARK: A fast timer and the handler step

    /// A 200 µs SIGALRM timer while forking 100 times: with a single step into every handler each signal's
    /// round trip outlasted the timer's period and the program never left its handlers (no fork in 30 s).
    /// Bounded, the default trace finishes, every fork is recorded, and each caught signal says whether its
    /// frame was stepped (only stepped ones carry handler checks).
    func testFastTimerDoesNotStarveTheProgramUnderTheHandlerStep() throws {
        let bin = try fixture("timer_fork")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-timer-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        // The fixture kills itself after 60 s: 45 s is generous (strace takes well under a second).
        let r = try stackcross(["trace", "-f", "-o", out.path, "--", bin.path], timeout: 45)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("forks 100 "), r.stdout)
        let recs = try records(out)
        let forks = recs.filter { if case .clone(let c) = $0, c.kind == .fork { true } else { false } }
        XCTAssertEqual(forks.count, 100)
        let alarms = recs.compactMap { if case .signal(let s) = $0, s.name == "SIGALRM" { s } else { nil } }
        XCTAssertFalse(alarms.isEmpty)
        let stepped = alarms.filter { $0.handlerStepped == true }
        XCTAssertFalse(stepped.isEmpty, "the first SIGALRM is always stepped")
        XCTAssertTrue(alarms.allSatisfy { $0.handlerStepped != nil }, "every caught signal says whether it was stepped")
        for s in alarms {
            let handlerChecks = s.crossing?.checks.contains { $0.name == "signal.placement" } ?? false
            XCTAssertEqual(handlerChecks, s.handlerStepped == true, "frame checks only where stepped")
            XCTAssertEqual(s.crossing?.failedChecks ?? [], [])
        }
        // The children's stops are judged with the maps they inherited, the signals' with cached code bytes:
        // nothing fails, and `check` judging the file agrees with every live verdict.
        let failed = recs.compactMap { if case .syscall(let c) = $0, let f = c.crossing?.failedChecks, !f.isEmpty { "\(c.name) \(f.map(\.name))" } else { nil } }
        XCTAssertEqual(failed, [])
        let c = try stackcross(["check", out.path], timeout: 120)
        XCTAssertEqual(c.status, 0, c.stdout.suffix(800) + c.stderr)
        XCTAssertTrue(c.stdout.contains("every verdict agrees with the recorded one"), String(c.stdout.suffix(400)))
    }

    /// The wait loop polls for the next stop only when the tracer has more than one CPU: the count it
    /// goes by is the affinity's (as nproc's), and on a single CPU (taskset) it blocks at once, and the
    /// fast timer's program still runs to its end.
    func testWaitLoopOnOneCPUBlocksAndStillFinishes() throws {
        let nproc = try InspectorTests.run("/usr/bin/nproc", [])
        XCTAssertEqual(Int(nproc.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), Int(sc_allowed_cpus()))
        // The first CPU this process may use (a CI container's set need not hold CPU 0).
        let allowed = procStatus(getpid())["Cpus_allowed_list"] ?? "0"
        let cpu = String(allowed.prefix { $0.isNumber })
        let one = try InspectorTests.run("/usr/bin/taskset", ["-c", cpu, "/usr/bin/nproc"])
        XCTAssertEqual(one.stdout, "1\n", "taskset leaves one CPU: \(one.stderr)")
        let bin = try fixture("timer_fork")
        let r = try InspectorTests.run("/usr/bin/taskset", ["-c", cpu, stackcrossBinary.path, "trace", "-f", "-o", "/dev/null", "--", bin.path],
                                       timeout: 45)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("forks 100 "), r.stdout)
    }

    // MARK: -f -p on threads that come and go

    /// churn starts threads that live about 200 µs, four at a time. A thread that exits between the
    /// /proc/PID/task read and its PTRACE_SEIZE (ESRCH, or EPERM while it is a zombie), or one that the
    /// already seized main thread's clone made ours (EPERM: traced already), must not fail the attach.
    func testFollowAttachToAThreadChurningProcessNeverFails() throws {
        // 16 at a time: the old code failed about one attach in three here (one in eight with 4).
        let target = try RunningFixture(try fixture("churn"), ["16"])
        defer { target.stop() }
        var failures: [String] = []
        for _ in 0..<30 {
            let p = Process()
            p.executableURL = stackcrossBinary
            p.arguments = ["trace", "-f", "-q", "-o", "/dev/null", "-p", String(target.pid)]
            let err = Pipe()
            p.standardError = err
            try p.run()
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
            let me = String(p.processIdentifier)
            XCTAssertTrue(eventually { !p.isRunning || procStatus(target.pid)["TracerPid"] == me }, "never attached")
            usleep(20_000)
            kill(p.processIdentifier, SIGINT)
            XCTAssertTrue(eventually { !p.isRunning }, "stackcross exits after SIGINT")
            p.waitUntilExit()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if p.terminationStatus != 0 || !text.isEmpty { failures.append("status \(p.terminationStatus): \(text)") }
            XCTAssertTrue(eventually { procStatus(target.pid)["TracerPid"] == "0" }, "left traced")
        }
        XCTAssertEqual(failures, [])
        XCTAssertTrue(procStatus(target.pid)["State"].map { !$0.hasPrefix("t") && !$0.hasPrefix("T") } ?? false, "left stopped")
    }

    // MARK: strace's text lines

    /// Lines from the thread's execve("/bin/echo" …) to the line after its resumption, pids replaced by
    /// their order of appearance and strace's column padding dropped: what strace and stackcross must agree on.
    static func execTakeoverLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let from = lines.firstIndex(where: { $0.contains("execve(\"/bin/echo\"") }),
              let to = lines[from...].firstIndex(where: { $0.contains("<... execve resumed>") }) else { return lines }
        var roles: [String: String] = [:]
        func role(_ pid: String) -> String {
            if let r = roles[pid] { return r }
            roles[pid] = "P\(roles.count)"
            return roles[pid]!
        }
        return lines[from...min(to + 1, lines.count - 1)].map { line in
            var l = line
            // "[pid  123] " → "[P0] "; "in pid 123 +++" → "in P0 +++"
            if let m = l.firstMatch(of: #/^\[pid +(\d+)\] /#) { l = "[\(role(String(m.1)))] " + l[m.range.upperBound...] }
            if let m = l.firstMatch(of: #/in pid (\d+) \+\+\+/#) { l.replaceSubrange(m.range, with: "in \(role(String(m.1))) +++") }
            // A call's entry: its name only (the environment's address differs from run to run).
            if let m = l.firstMatch(of: #/^(\[P\d+\] )?([a-z_0-9]+)\(/#) {
                l = (m.1.map(String.init) ?? "") + m.2 + "(" + (l.hasSuffix("<unfinished ...>") ? " <unfinished ...>" : "…")
            }
            return l.replacing(#/ +/#, with: " ")
        }
    }

    /// A non-leader thread's execve resumes under the leader's pid, after strace's "superseded" line, and
    /// the new image's calls have no [pid] prefix (one task is left): as strace prints it.
    func testExecFromAThreadResumesUnderTheLeaderAsInStrace() throws {
        let bin = try fixture("trace_exec_thread")
        let mine = try stackcross(["trace", "-f", "--", bin.path], timeout: 30)
        XCTAssertEqual(mine.status, 0, mine.stderr)
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-f", "--", bin.path], timeout: 30)
        XCTAssertEqual(theirs.status, 0, theirs.stderr)
        let expected = Self.execTakeoverLines(theirs.stderr)
        XCTAssertTrue(expected.contains("+++ superseded by execve in P0 +++"), "strace: \(expected)")
        XCTAssertEqual(Self.execTakeoverLines(mine.stderr), expected)
    }

    /// Each `<unfinished ...>` line's task, and whether another task's line comes before its `<... resumed>`.
    static func unfinishedPairs(_ text: String) -> [(line: String, otherBetween: Bool)] {
        let lines = text.split(separator: "\n").map(String.init)
        func tid(_ l: String) -> Substring? { l.firstMatch(of: #/^\[pid +(\d+)\] /#)?.1 }
        var out: [(String, Bool)] = []
        for (i, l) in lines.enumerated() where l.hasSuffix("<unfinished ...>") {
            let t = tid(l)
            let name = l.replacing(#/^\[pid +\d+\] /#, with: "").prefix { $0 != "(" }
            guard let j = lines[(i + 1)...].firstIndex(where: { tid($0) == t && $0.contains("<... \(name) resumed>") }) else {
                out.append((l, true))  // never resumed (the task died in it): nothing to pair
                continue
            }
            out.append((l, lines[(i + 1)..<j].contains { tid($0) != t }))
        }
        return out
    }

    /// strace cuts a call into `<unfinished ...>` and `<... resumed>` only when another task's line comes
    /// between its entry and its exit: busy threads beside a sleeping one give whole lines otherwise, and
    /// a single-threaded program under -f never shows `<unfinished`.
    func testCallsAreCutOnlyWhenAnotherTasksLineComesBetween() throws {
        let threads = try stackcross(["trace", "-f", "--", try fixture("trace_threads").path])
        XCTAssertEqual(threads.status, 0, threads.stderr)
        let pairs = Self.unfinishedPairs(threads.stderr)
        XCTAssertFalse(pairs.isEmpty, "the joining main thread's futex is cut at least")
        for p in pairs { XCTAssertTrue(p.otherBetween, "cut with no other task's line before it resumed: \(p.line)") }
        // How many writes print whole depends on how the three threads' calls interleave on two CPUs (all of
        // them can be cut, rightly, when the threads run in step): the pairs above are what must hold.

        let single = try stackcross(["trace", "-f", "--", try fixture("trace_writes").path, "50"])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertFalse(single.stderr.contains("<unfinished"), single.stderr)
        XCTAssertFalse(single.stderr.contains(" resumed>"), single.stderr)
    }
}
