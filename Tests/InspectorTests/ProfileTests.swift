import Foundation
import PprofExport
import StackCross
import XCTest

/// `stackcross profile` on a real fixture: one thread in nanosleep, one spinning in a named
/// function, 20 waiting on a condition variable.
final class ProfileTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "sc-profile" }

    /// A profile file read back with the real reader.
    final class Collected: ProfileConsumer {
        var samples: [ResolvedSample] = []
        var summary: ProfileSummary?
        func consume(_ sample: ResolvedSample, start: ProfileStart?) throws { samples.append(sample) }
        func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws { self.summary = summary }
    }

    func read(_ path: URL) throws -> Collected {
        let c = Collected()
        let r = ProfileReader(file: path.path, consumer: c)
        try Data(contentsOf: path).withUnsafeBytes { try r.feed($0) }
        try r.finish()
        return c
    }

    func startMix(_ args: [String] = ["30"]) throws -> (RunningFixture, spinner: Int32, sleeper: Int32) {
        let fx = try RunningFixture(try fixture("profile_mix"), args)
        let f = fx.readyLine.split(separator: " ")
        return (fx, Int32(f[1])!, Int32(f[2])!)
    }

    func assertReleased(_ pid: Int32, file: StaticString = #filePath, line: UInt = #line) {
        for t in taskIDs(pid) {
            // A churning process's thread can end between the listing and the read: gone is not traced.
            guard let tracer = procStatus(pid, tid: t)["TracerPid"] else { continue }
            XCTAssertEqual(tracer, "0", "thread \(t) left traced", file: file, line: line)
        }
    }

    func names(_ frames: [Frame]) -> [String] { frames.map { $0.symbol ?? "?" } }

    func testEachThreadsSamplesShowItsStackAndBlockedThreadsAreNeverStopped() throws {
        let (fx, spinner, sleeper) = try startMix()
        defer { fx.stop() }
        let out = dir.appendingPathComponent("p.jsonl")
        let r = try stackcross(["profile", "\(fx.pid)", "-F", "49", "--duration", "2", "-o", out.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = try read(out)
        let summary = try XCTUnwrap(c.summary)
        XCTAssertEqual(summary.ended, "duration")
        let byTid = Dictionary(grouping: c.samples, by: \.tid)
        let waiters = taskIDs(fx.pid).filter { $0 != fx.pid && $0 != spinner && $0 != sleeper }
        XCTAssertEqual(waiters.count, 20)

        func check(_ tid: Int32, _ what: String, _ ok: (ResolvedSample) -> Bool) {
            let s = byTid[tid] ?? []
            XCTAssertGreaterThanOrEqual(s.count, 60, "\(what) \(tid): too few samples in 2 s at 49 Hz")
            let good = s.filter(ok).count
            XCTAssertGreaterThanOrEqual(Double(good), 0.95 * Double(s.count),
                                        "\(what) \(tid): \(good)/\(s.count) samples show the expected stack; first: \(s.first.map { names($0.user) + names($0.kernel) } ?? [])")
        }
        check(spinner, "spinner") { names($0.user).first == "profile_spin_work" && $0.state == "R" }
        check(sleeper, "sleeper") { s in
            names(s.user).contains("profile_sleep_forever") && names(s.kernel).contains { $0.contains("nanosleep") }
                && s.syscall == "clock_nanosleep"
        }
        for w in waiters {
            check(w, "waiter") { s in
                let u = names(s.user)
                return u.contains("profile_wait_forever") && u.contains { $0.hasPrefix("pthread_cond_wait") }
                    && names(s.kernel).contains { $0.contains("futex") } && s.syscall == "futex"
            }
        }
        // Only the running thread was ever stopped to sample; blocked ones never.
        XCTAssertEqual(Set(summary.stopsByTid.keys), ["\(spinner)"], "\(summary.stopsByTid)")
        XCTAssertEqual(Set(summary.stopsByState.keys).subtracting(["R"]), [], "\(summary.stopsByState)")
        XCTAssertGreaterThan(summary.stopsByState["R"] ?? 0, 50)
        assertReleased(fx.pid)
        XCTAssertNotEqual(procStatus(fx.pid)["State"]?.first, "T")
    }

    func testAProcessThatExitsMidProfileEndsItCleanly() throws {
        let (fx, _, _) = try startMix(["30", "exit", "1"])
        defer { fx.stop() }
        let out = dir.appendingPathComponent("p.jsonl")
        let t0 = Date()
        let r = try stackcross(["profile", "\(fx.pid)", "--duration", "20", "-o", out.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 8, "the profile went on after the process exited")
        let c = try read(out)  // every line is a valid record
        XCTAssertEqual(c.summary?.ended, "exited")
        XCTAssertGreaterThan(c.samples.count, 22 * 10)
    }

    func testSIGINTEndsTheProfileAndReleasesTheProcess() throws {
        let (fx, _, _) = try startMix()
        defer { fx.stop() }
        let out = dir.appendingPathComponent("p.jsonl")
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["profile", "\(fx.pid)", "-o", out.path]
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        usleep(1_200_000)
        XCTAssertTrue(p.isRunning)
        kill(p.processIdentifier, SIGINT)
        XCTAssertTrue(eventually(timeout: 10) { !p.isRunning }, "profile did not end on SIGINT")
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let c = try read(out)
        XCTAssertEqual(c.summary?.ended, "signal")
        XCTAssertGreaterThan(c.samples.count, 22 * 20)
        assertReleased(fx.pid)
        XCTAssertNotEqual(procStatus(fx.pid)["State"]?.first, "T")
    }

    func testAStoppedProcessStaysStopped() throws {
        let (fx, _, _) = try startMix()
        defer { fx.stop() }
        kill(fx.pid, SIGSTOP)
        XCTAssertTrue(eventually { taskIDs(fx.pid).allSatisfy { procStatus(fx.pid, tid: $0)["State"]?.first == "T" } })
        let out = dir.appendingPathComponent("p.jsonl")
        let r = try stackcross(["profile", "\(fx.pid)", "--duration", "1", "-o", out.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        usleep(200_000)
        for t in taskIDs(fx.pid) {
            XCTAssertEqual(procStatus(fx.pid, tid: t)["State"]?.first, "T", "thread \(t) no longer stopped")
        }
        assertReleased(fx.pid)
        let c = try read(out)
        XCTAssertGreaterThan(c.samples.count, 0)
        XCTAssertTrue(c.samples.allSatisfy { $0.state == "T" || $0.state == "t" }, "\(Set(c.samples.map(\.state)))")
        XCTAssertEqual(c.summary?.stopsByState ?? ["?": 1], [:])
        // And it still runs once continued.
        kill(fx.pid, SIGCONT)
        XCTAssertTrue(eventually { procStatus(fx.pid)["State"]?.first != "T" })
    }

    func testPprofOutputNamesTheFixturesFunctions() throws {
        let (fx, _, _) = try startMix()
        defer { fx.stop() }
        let out = dir.appendingPathComponent("p.jsonl"), pb = dir.appendingPathComponent("p.pb.gz")
        XCTAssertEqual(try stackcross(["profile", "\(fx.pid)", "--duration", "1", "-o", out.path], timeout: 30).status, 0)
        let r = try stackcross(["report", out.path, "--format", "pprof", "-o", pb.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let bytes = [UInt8](try Data(contentsOf: pb))
        XCTAssertEqual(Array(bytes.prefix(2)), [0x1f, 0x8b], "not gzip")
        let p = try PprofSummary(gzipped: bytes)
        for f in ["profile_spin_work", "profile_sleep_forever", "profile_wait_forever", "futex_wait_[k]"] {
            XCTAssertTrue(p.functionNames.contains(f), "\(f) missing from \(p.functionNames.sorted())")
        }
        XCTAssertEqual(p.samples, Int64(try read(out).samples.count))
        XCTAssertEqual(p.sampleTypes, ["samples/count", "wall/nanoseconds"])
    }

    func testFoldedMergesThreadsWithStateRoots() throws {
        let (fx, spinner, _) = try startMix()
        defer { fx.stop() }
        let out = dir.appendingPathComponent("p.jsonl")
        XCTAssertEqual(try stackcross(["profile", "\(fx.pid)", "--duration", "1", "-o", out.path], timeout: 30).status, 0)
        let r = try stackcross(["report", out.path, "--format", "folded", "--state-root"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        let wait = lines.filter { $0.hasPrefix("[S];") && $0.contains("profile_wait_forever") && $0.contains("futex_wait_[k]") }
        XCTAssertEqual(wait.count, 1, "the 20 waiters fold into one stack: \(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("[R];") && $0.contains("profile_spin_work ") }, "spinner \(spinner): \(lines)")
        let trace = try stackcross(["report", out.path, "--format", "text"])
        XCTAssertEqual(trace.status, 1)
        XCTAssertTrue(trace.stderr.contains("view of traces"), trace.stderr)
    }

    func testThreadsCreatedAndDestroyedDuringTheProfileAreSampled() throws {
        let fx = try RunningFixture(try fixture("profile_churn"), ["30"])
        defer { fx.stop() }
        let out = dir.appendingPathComponent("p.jsonl")
        let r = try stackcross(["profile", "\(fx.pid)", "-F", "99", "--duration", "1.5", "-o", out.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = try read(out)
        let workers = Set(c.samples.filter { s in s.user.contains { $0.symbol == "profile_short_life" } }.map(\.tid))
        // About 100 threads live and die in 1.5 s: many of them must have been seized and sampled.
        XCTAssertGreaterThan(workers.count, 20, "threads born during the profile were not sampled")
        XCTAssertEqual(c.summary?.ended, "duration")
        assertReleased(fx.pid)
        // The process goes on making threads afterwards (none was left stopped).
        let before = taskIDs(fx.pid)
        XCTAssertTrue(eventually(timeout: 5) { Set(taskIDs(fx.pid)).isDisjoint(with: Set(before.filter { $0 != fx.pid })) })
    }
}

/// `report --format html` and `go tool pprof` on real profiles.
final class ProfileViewTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "sc-profile-views" }

    /// The comm a hostile link name gives the main thread: markup and a terminal escape (no `/` in a file name).
    static let hostileLink = "<img src=x>\u{1b}"

    func profile(_ fx: RunningFixture) throws -> URL {
        let out = dir.appendingPathComponent("p.jsonl")
        let r = try stackcross(["profile", "\(fx.pid)", "--duration", "1", "-o", out.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func testHTMLHasATimelineRowPerThreadTheFunctionsAndEscapesAHostileThreadName() throws {
        let link = dir.appendingPathComponent(Self.hostileLink)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: try fixture("profile_mix"))
        let fx = try RunningFixture(link, ["30"])
        defer { fx.stop() }
        XCTAssertEqual(try String(contentsOfFile: "/proc/\(fx.pid)/comm"), Self.hostileLink + "\n", "the main thread's comm is the hostile name")
        let out = try profile(fx)
        let page = dir.appendingPathComponent("p.html")
        let r = try stackcross(["report", out.path, "--format", "html", "-o", page.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let raw = try Data(contentsOf: page)
        XCTAssertFalse(raw.contains(0x1b), "raw ESC in the page")
        let text = String(decoding: raw, as: UTF8.self)
        XCTAssertFalse(text.contains("<img"), "the hostile name arrived as markup")
        for f in ["profile_spin_work", "profile_sleep_forever", "profile_wait_forever", "futex_wait_[k]"] {
            XCTAssertTrue(text.contains(f), "\(f) missing from the page")
        }
        // Rendered: one timeline row per sampled thread, the name as text, a stack shown, the flame graph drawn.
        let dom = try renderedHTML(page: page, workDir: dir)
        let rows = dom.components(separatedBy: "class=\"row\" data-tid=").count - 1
        XCTAssertEqual(rows, 23, "1 main + spinner + sleeper + 20 waiters")
        XCTAssertTrue(dom.contains("&lt;img src=x&gt;"), "hostile name not shown as text")
        XCTAssertFalse(dom.contains("<img"), "hostile name became an element")
        let stack = try XCTUnwrap(dom.range(of: "id=\"stack\"").map { dom[$0.upperBound...].prefix(2000) })
        XCTAssertTrue(stack.contains("state "), "no sample selected: \(stack)")
        XCTAssertTrue(dom.contains("data-p=\"-1\""), "no flame graph")
    }

    /// Debian's golang-go (in .ci/packages) must be there: this test fails, not skips, without it.
    func testGoToolPprofReadsOurPprofAndNamesTheFixturesFunctions() throws {
        let fx = try RunningFixture(try fixture("profile_mix"), ["30"])
        defer { fx.stop() }
        let out = try profile(fx)
        let pb = dir.appendingPathComponent("p.pb.gz")
        let r = try stackcross(["report", out.path, "--format", "pprof", "-o", pb.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let go = try XCTUnwrap(["/usr/bin/go", "/usr/lib/go/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) },
                               "go is not installed (Debian package golang-go, listed in .ci/packages)")
        let top = try InspectorTests.run(go, ["tool", "pprof", "-top", "-nodecount=1000", pb.path], timeout: 120)
        XCTAssertEqual(top.status, 0, top.stderr)
        for f in ["profile_spin_work", "profile_sleep_forever", "profile_wait_forever", "futex_wait_[k]"] {
            XCTAssertTrue(top.stdout.contains(f), "go tool pprof -top does not name \(f): \(top.stdout)")
        }
    }
}

/// `profile --top` on a real fixture, stdout a pipe: one plain table per second, then a clean end.
final class ProfileTopTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "sc-profile-top" }

    func testTopWithoutATerminalPrintsPlainTablesNamingTheSpinnerAndDetaches() throws {
        let fx = try RunningFixture(try fixture("profile_mix"), ["30"])
        defer { fx.stop() }
        let t0 = Date()
        let r = try stackcross(["profile", "\(fx.pid)", "--top", "--duration", "2.5"], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 10)
        XCTAssertFalse(r.stdout.contains("\u{1b}"), "escape codes on a pipe")
        let tables = r.stdout.components(separatedBy: "stackcross profile --top: pid \(fx.pid)").count - 1
        XCTAssertGreaterThanOrEqual(tables, 2, "a table per second: \(r.stdout)")
        let spinner = r.stdout.split(separator: "\n").filter { $0.contains("profile_spin_work < spinner") && $0.contains("R:") }
        XCTAssertFalse(spinner.isEmpty, "the spinner's stack is not in the table: \(r.stdout)")
        for t in taskIDs(fx.pid) {
            XCTAssertEqual(procStatus(fx.pid, tid: t)["TracerPid"], "0", "thread \(t) left traced")
        }
        let bad = try stackcross(["profile", "\(fx.pid)", "--top", "-o", dir.appendingPathComponent("x").path])
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }
}
