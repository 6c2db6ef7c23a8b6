import CStackCross
import Foundation
import Glibc
import StackCross
import XCTest

/// The stress suite: fork storms, exec chains, signal storms and thread churn under the real CLI.
/// Every case checks that nothing is lost (one record per event the program made) and nothing is
/// changed (the program's output and exit status are those of an untraced run), and that no process
/// is left traced or stopped afterwards.
final class StressTests: XCTestCase {
    static let forkCount = 500
    static let execCount = 60
    static let selfSignals = 2000
    static let queuedSignals = 2000
    static let attachRounds = 20
    static let traceRounds = 40

    /// Fixture names (comm) of the suite, for the leftover scan.
    static let fixtureNames: Set<String> = ["stress_forks", "stress_exec", "stress_signals", "stress_churn"]

    /// stackcross processes this suite started itself (trace -p), for the leftover scan.
    var tracerPids: Set<Int32> = []

    override func tearDown() {
        XCTAssertEqual(leftovers(), [], "a task was left traced or stopped")
        super.tearDown()
    }

    // MARK: Helpers

    /// Tasks left behind: any task traced by a stackcross this suite started, and any task of a suite
    /// fixture that is traced or in a stop (t/T). Zombies are dead and do not count.
    func leftovers() -> [String] {
        var out: [String] = []
        let procs = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        for pid in procs {
            for tid in taskIDs(pid) {
                let st = procStatus(pid, tid: tid)
                guard let name = st["Name"], let state = st["State"], let tracer = st["TracerPid"].flatMap({ Int32($0) }) else { continue }
                let ours = Self.fixtureNames.contains(name)
                if tracerPids.contains(tracer) || (ours && tracer != 0) || (ours && (state.hasPrefix("t") || state.hasPrefix("T"))) {
                    out.append("\(name) \(pid)/\(tid): state \(state), TracerPid \(tracer)")
                }
            }
        }
        return out
    }

    /// Live (non-zombie) processes named `name`.
    func liveProcesses(named name: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.filter {
            let st = procStatus($0)
            return st["Name"] == name && !(st["State"]?.hasPrefix("Z") ?? true)
        }
    }

    /// `stackcross trace ARGS -o FILE -- PROGRAM…`: the run and the decoded records.
    func trace(_ traceArgs: [String], _ program: [String], timeout: TimeInterval = 60) throws -> (RunResult, [TraceRecord]) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-stress-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try stackcross(["trace"] + traceArgs + ["-o", out.path, "--"] + program, timeout: timeout)
        return (r, try records(in: out))
    }

    func records(in file: URL) throws -> [TraceRecord] {
        let data = (try? Data(contentsOf: file)) ?? Data()
        return try TraceFile.records([UInt8](data))
    }

    static func syscalls(_ r: [TraceRecord]) -> [SyscallRecord] { r.compactMap { if case .syscall(let s) = $0 { s } else { nil } } }
    static func clones(_ r: [TraceRecord]) -> [CloneRecord] { r.compactMap { if case .clone(let c) = $0 { c } else { nil } } }
    static func exits(_ r: [TraceRecord]) -> [ExitRecord] { r.compactMap { if case .exit(let e) = $0 { e } else { nil } } }
    static func execs(_ r: [TraceRecord]) -> [ExecRecord] { r.compactMap { if case .exec(let e) = $0 { e } else { nil } } }
    static func signals(_ r: [TraceRecord]) -> [SignalRecord] { r.compactMap { if case .signal(let s) = $0 { s } else { nil } } }

    /// Every tid a record names (as its thread, or as a clone's child).
    static func tids(_ r: [TraceRecord]) -> Set<Int32> {
        var s = Set<Int32>()
        for rec in r {
            switch rec {
            case .syscall(let x): s.insert(x.tid)
            case .signal(let x): s.insert(x.tid)
            case .exec(let x): s.insert(x.tid)
            case .clone(let x): s.insert(x.tid); s.insert(x.child)
            case .exit(let x): s.insert(x.tid)
            case .attach(let x), .detach(let x): s.insert(x.tid)
            }
        }
        return s
    }

    static func sortedLines(_ s: String) -> [Substring] { s.split(separator: "\n").sorted() }

    /// The number the churn fixture last wrote to its counter file.
    func counter(_ file: URL) -> UInt64 {
        UInt64((try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    /// After an attach or a detach: every thread of the fixture is untraced and not stopped, and its
    /// counter moves on.
    func assertRunsUntraced(_ fx: RunningFixture, counterFile: URL, round: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(fx.process.isRunning, "round \(round): the fixture died", file: file, line: line)
        for tid in taskIDs(fx.pid) {
            let st = procStatus(fx.pid, tid: tid)
            guard let state = st["State"] else { continue }  // a brief thread gone meanwhile
            XCTAssertEqual(st["TracerPid"], "0", "round \(round): tid \(tid) still traced", file: file, line: line)
            XCTAssertFalse(state.hasPrefix("t") || state.hasPrefix("T"), "round \(round): tid \(tid) left stopped: \(state)", file: file, line: line)
        }
        let before = counter(counterFile)
        XCTAssertTrue(eventually(timeout: 10) { self.counter(counterFile) > before },
                      "round \(round): the fixture makes no progress (counter stays \(before))", file: file, line: line)
    }

    // MARK: Fork storm

    /// 500 children, 125 of them with a grandchild, forked back to back under `trace -f`: output and
    /// status as untraced; one fork record and one exit record per process, with the right codes;
    /// every task named in the trace has its exit record; one write record per write the program made.
    func testForkStormLosesNothing() throws {
        let bin = try fixture("stress_forks")
        let n = Self.forkCount, grandchildren = (n + 3) / 4
        let plain = try InspectorTests.run(bin.path, [String(n)], timeout: 60)
        XCTAssertEqual(plain.status, 3, plain.stderr)
        let summary = "forks \(n) grandchildren \(grandchildren) writes \(n + grandchildren + 1) bad 0"
        XCTAssertEqual(plain.stdout.split(separator: "\n").last.map(String.init), summary)

        let (r, records) = try trace(["-f", "-q"], [bin.path, String(n)], timeout: 90)
        XCTAssertEqual(r.status, plain.status, r.stderr)
        XCTAssertEqual(Self.sortedLines(r.stdout), Self.sortedLines(plain.stdout), "the program's output changed under trace")
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), summary)

        let leader = try XCTUnwrap(Self.execs(records).first?.pid, "no exec record")
        let clones = Self.clones(records)
        XCTAssertEqual(clones.count, n + grandchildren, "one fork record per child and grandchild")
        XCTAssertEqual(Set(clones.map(\.child)).count, n + grandchildren)
        XCTAssertEqual(Set(clones.map(\.kind)), [.fork])
        XCTAssertEqual(clones.filter { $0.pid == leader }.count, n, "the leader forked the children")

        let exits = Self.exits(records)
        XCTAssertEqual(exits.count, n + grandchildren + 1, "one exit record per process")
        XCTAssertEqual(Set(exits.map(\.tid)), Set(clones.map(\.child)).union([leader]))
        XCTAssertEqual(Self.tids(records), Set(exits.map(\.tid)), "every task in the trace has its exit record")
        let wantCodes = ((0..<n).map { Int32($0 % 50) } + Array(repeating: 9, count: grandchildren) + [3]).sorted()
        XCTAssertEqual(exits.compactMap(\.code).sorted(), wantCodes, "every process's exit code, as its parent checked it")
        XCTAssertTrue(exits.allSatisfy { $0.signal == nil })

        let writes = Self.syscalls(records).filter { $0.name == "write" && $0.rawArgs.first == 1 }
        XCTAssertEqual(writes.count, n + grandchildren + 1, "one write record per write(1, …) the program made")
        XCTAssertTrue(writes.allSatisfy { $0.error == nil && $0.ret == Int64($0.rawArgs[2].rawValue) }, "every write complete")
        XCTAssertTrue(eventually(timeout: 5) { self.liveProcesses(named: "stress_forks").isEmpty }, "a fixture process outlived the trace")
    }

    // MARK: Exec chain

    /// A program that execs itself 60 times: 61 exec records, all in one process, and its exit code.
    func testExecChainLosesNothing() throws {
        let bin = try fixture("stress_exec")
        let n = Self.execCount
        let plain = try InspectorTests.run(bin.path, [String(n)], timeout: 60)
        XCTAssertEqual(plain.status, 42, plain.stderr)
        XCTAssertEqual(plain.stdout, (0...n).reversed().map { "exec \($0)\n" }.joined())

        let (r, records) = try trace(["-f", "-q"], [bin.path, String(n)], timeout: 60)
        XCTAssertEqual(r.status, 42, r.stderr)
        XCTAssertEqual(r.stdout, plain.stdout)
        let execs = Self.execs(records)
        XCTAssertEqual(execs.count, n + 1, "the program itself, then one per execve")
        XCTAssertEqual(Set(execs.map(\.pid)).count, 1)
        let pid = try XCTUnwrap(execs.first?.pid)
        XCTAssertEqual(Self.syscalls(records).filter { $0.name == "execve" }.count, n + 1)
        XCTAssertEqual(Self.exits(records).map(\.code), [42])
        XCTAssertEqual(Self.exits(records).map(\.tid), [pid])
        XCTAssertEqual(Self.tids(records), [pid])
        XCTAssertTrue(eventually(timeout: 5) { self.liveProcesses(named: "stress_exec").isEmpty })
    }

    // MARK: Signal storm

    /// 2000 SIGUSR1 sent to itself, then 2000 SIGRTMIN queued by a sibling while it makes syscalls, with
    /// the handler single-stepped into (default) and not (--no-handler-step). Self-sent signals are
    /// delivered before kill returns and real-time signals never merge, so the count is exact: the
    /// program prints the same line and exit status as untraced, and the trace holds one signal record
    /// per handler run the program counted.
    func testSignalStormLosesNothing() throws {
        let bin = try fixture("stress_signals")
        let args = [bin.path, String(Self.selfSignals), String(Self.queuedSignals)]
        let plain = try InspectorTests.run(args[0], Array(args.dropFirst()), timeout: 60)
        XCTAssertEqual(plain.status, 0, plain.stdout + plain.stderr)
        XCTAssertEqual(plain.stdout, "usr1 \(Self.selfSignals)/\(Self.selfSignals) rt \(Self.queuedSignals) sent \(Self.queuedSignals)\n",
                       "RLIMIT_SIGPENDING holds every queued signal")
        for flags in [["-f", "-q"], ["-f", "-q", "--no-handler-step"]] {
            let (r, records) = try trace(flags, args, timeout: 90)
            XCTAssertEqual(r.status, plain.status, "\(flags): \(r.stderr)")
            XCTAssertEqual(r.stdout, plain.stdout, "\(flags): the handlers ran as without a tracer")
            let leader = try XCTUnwrap(Self.execs(records).first?.pid)
            let sigs = Self.signals(records).filter { $0.tid == leader }
            XCTAssertEqual(sigs.filter { $0.signo == SIGUSR1 }.count, Self.selfSignals, "\(flags)")
            XCTAssertEqual(sigs.filter { $0.signo == SIGUSR1 && $0.code != "SI_USER" }.count, 0, "\(flags)")
            XCTAssertEqual(sigs.filter { $0.signo == 34 }.count, Self.queuedSignals, "\(flags): SIGRTMIN")
            XCTAssertEqual(sigs.filter { $0.signo == SIGCHLD }.count, 1, "\(flags)")
            XCTAssertEqual(sigs.count, Self.selfSignals + Self.queuedSignals + 1, "\(flags): no other signal")
            let kills = Self.syscalls(records).filter { $0.name == "kill" && $0.tid == leader }
            XCTAssertEqual(kills.count, Self.selfSignals, "\(flags)")
            let queued = Self.syscalls(records).filter { $0.name == "rt_sigqueueinfo" && $0.ret == 0 }
            XCTAssertEqual(queued.count, Self.queuedSignals, "\(flags)")
            XCTAssertEqual(Self.exits(records).count, 2, "\(flags): the program and its sibling")
        }
        XCTAssertTrue(eventually(timeout: 5) { self.liveProcesses(named: "stress_signals").isEmpty })
    }

    // MARK: Thread churn

    /// `attach --json` 20 times on a process that starts and joins threads without pause: each exits
    /// 0 with a snapshot that parses, and the process runs on untraced, not stopped, making progress.
    func testAttachDuringThreadChurn() throws {
        let counterFile = FileManager.default.temporaryDirectory.appendingPathComponent("sc-stress-churn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: counterFile) }
        let fx = try RunningFixture(try fixture("stress_churn"), [counterFile.path])
        defer { fx.stop() }
        for round in 0..<Self.attachRounds {
            let r = try stackcross(["attach", "--json", String(fx.pid)], timeout: 30)
            XCTAssertEqual(r.status, 0, "round \(round): \(r.stderr)")
            let s = try JSONDecoder().decode(Snapshot.self, from: r.stdoutData)
            XCTAssertEqual(s.pid, fx.pid)
            XCTAssertTrue(s.threads.contains { $0.tid == fx.pid }, "round \(round)")
            assertRunsUntraced(fx, counterFile: counterFile, round: round)
        }
    }

    /// `trace -f -p` attached and detached (SIGINT) 40 times on the churning process: each run attaches,
    /// exits 0 after the SIGINT with a trace that parses, and leaves the process untraced and running.
    func testTraceAttachDetachDuringThreadChurn() throws {
        let counterFile = FileManager.default.temporaryDirectory.appendingPathComponent("sc-stress-churn-\(UUID().uuidString)")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-stress-p-\(UUID().uuidString).jsonl")
        defer {
            try? FileManager.default.removeItem(at: counterFile)
            try? FileManager.default.removeItem(at: out)
        }
        let fx = try RunningFixture(try fixture("stress_churn"), [counterFile.path])
        defer { fx.stop() }
        var failures: [String] = []
        for round in 0..<Self.traceRounds {
            let p = Process()
            p.executableURL = stackcrossBinary
            p.arguments = ["trace", "-f", "-q", "-o", out.path, "-p", String(fx.pid)]
            let errPipe = Pipe()
            p.standardError = errPipe
            p.standardOutput = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            try p.run()
            tracerPids.insert(p.processIdentifier)
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
            let sc = String(p.processIdentifier)
            let attached = eventually(timeout: 10) { !p.isRunning || procStatus(fx.pid)["TracerPid"] == sc }
            // Let it follow a few rounds of thread starts and ends before asking it to detach.
            if attached && p.isRunning { usleep(150_000) }
            if p.isRunning { kill(p.processIdentifier, SIGINT) }
            XCTAssertTrue(eventually(timeout: 10) { !p.isRunning }, "round \(round): stackcross did not end after SIGINT")
            if p.isRunning { continue }
            // stackcross has exited: its stderr is complete in the pipe (a few lines at most).
            let err = String(decoding: errPipe.fileHandleForReading.availableData, as: UTF8.self)
            if p.terminationReason != .exit || p.terminationStatus != 0 {
                failures.append("round \(round): status \(p.terminationStatus): \(err)")
            } else {
                XCTAssertTrue(attached, "round \(round): never attached")
                let recs = try records(in: out)
                XCTAssertTrue(recs.contains { if case .attach = $0 { true } else { false } }, "round \(round): no attach record")
            }
            assertRunsUntraced(fx, counterFile: counterFile, round: round)
        }
        XCTAssertEqual(failures, [], "trace -f -p failed in \(failures.count) of \(Self.traceRounds) runs")
    }
}
