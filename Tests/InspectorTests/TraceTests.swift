import CStackCross
import Foundation
import StackCross
import XCTest

/// `stackcross trace` end to end: real programs, the real CLI, strace as the reference.
final class TraceTests: XCTestCase {
    // MARK: Helpers

    /// Runs `stackcross trace ARGS -o FILE -- PROGRAM…` and returns the exit status and the decoded records.
    func trace(_ traceArgs: [String], _ program: [String], timeout: TimeInterval = 60) throws -> (RunResult, [TraceRecord]) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-trace-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try stackcross(["trace"] + traceArgs + ["-o", out.path, "--"] + program, timeout: timeout)
        let data = (try? Data(contentsOf: out)) ?? Data()
        return (r, try TraceFile.records([UInt8](data)))
    }

    static func syscalls(_ records: [TraceRecord]) -> [SyscallRecord] {
        records.compactMap { if case .syscall(let s) = $0 { s } else { nil } }
    }

    /// Per-name counts of calls, leaving out those a signal interrupted for the kernel to restart
    /// (ERESTART*): whether a SIGCHLD lands inside a fork differs from run to run.
    static func counts(_ records: [TraceRecord]) -> [String: Int] {
        var c: [String: Int] = [:]
        for s in syscalls(records) where !(s.error?.hasPrefix("ERESTART") ?? false) { c[s.name, default: 0] += 1 }
        return c
    }

    /// Per-name syscall counts from `strace -f -qq -o FILE PROGRAM…` (a call counts once, at its first line).
    func straceCounts(_ program: [String], extra: [String] = []) throws -> [String: Int] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-strace-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try InspectorTests.run("/usr/bin/strace", ["-f", "-qq"] + extra + ["-o", out.path, "--"] + program, timeout: 60)
        XCTAssertNotEqual(r.status, 127, "strace could not run: \(r.stderr)")
        let text = try String(contentsOf: out, encoding: .utf8)
        return Self.parseStrace(text)
    }

    static func parseStrace(_ text: String) -> [String: Int] {
        var c: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            var s = Substring(line)
            // "PID " prefix with -f -o.
            if let sp = s.firstIndex(of: " "), s[..<sp].allSatisfy(\.isNumber) { s = s[sp...].drop { $0 == " " } }
            let restarted = s.contains("= ? ERESTART")
            if s.hasPrefix("<... "), let end = s.range(of: " resumed>") {
                // The end of a call cut by another task's line: counted at its start, unless it is to be restarted.
                if restarted { c[String(s[s.index(s.startIndex, offsetBy: 5)..<end.lowerBound]), default: 0] -= 1 }
                continue
            }
            guard let first = s.first, first.isLetter || first == "_" else { continue }  // "+++", "---"
            guard let paren = s.firstIndex(of: "(") else { continue }
            let name = s[..<paren]
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            if !restarted { c[String(name), default: 0] += 1 }
        }
        return c.filter { $0.value != 0 }
    }

    func testStraceParserReadsPaddedPidsAndSkipsResumedLines() {
        let text = """
            8339  close(3)                          = 0
            21106 write(1, "a(", 2 <unfinished ...>
            21107 <... write resumed>)              = 2
            21107 --- SIGCHLD {si_signo=SIGCHLD} ---
            21107 +++ exited with 0 +++
            12 exit_group(0)                     = ?
            30 clone(child_stack=NULL, flags=SIGCHLD) = ? ERESTARTNOINTR (To be restarted)
            31 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>
            31 <... clone resumed>) = ? ERESTARTNOINTR (To be restarted)
            31 clone(child_stack=NULL, flags=SIGCHLD) = 40
            """
        XCTAssertEqual(Self.parseStrace(text), ["close": 1, "write": 1, "exit_group": 1, "clone": 1], "restarted calls are left out")
    }

    func assertSameCounts(_ ours: [String: Int], _ theirs: [String: Int], ignoring: Set<String> = [],
                          file: StaticString = #filePath, line: UInt = #line) {
        var diffs: [String] = []
        for name in Set(ours.keys).union(theirs.keys).subtracting(ignoring).sorted() where ours[name] != theirs[name] {
            diffs.append("\(name): stackcross \(ours[name] ?? 0), strace \(theirs[name] ?? 0)")
        }
        XCTAssertTrue(diffs.isEmpty, "syscall counts differ from strace -f:\n" + diffs.joined(separator: "\n"), file: file, line: line)
        XCTAssertFalse(ours.isEmpty, "no syscalls traced", file: file, line: line)
    }

    // MARK: Known sequences

    func testWritesAreTracedOncePerCallAndMatchStrace() throws {
        let bin = try fixture("trace_writes")
        let (r, records) = try trace(["-f"], [bin.path, "50"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let writes = Self.syscalls(records).filter { $0.name == "write" }
        XCTAssertEqual(writes.count, 50)
        for w in writes {
            XCTAssertEqual(w.ret, 2)
            XCTAssertEqual(w.abi, .x86_64)
            XCTAssertEqual(w.nr, 1)
            XCTAssertEqual(w.rawArgs[2], 2)
            XCTAssertNotNil(w.entryRegs)
            XCTAssertEqual(w.exitRegs?.rax, 2)
            XCTAssertEqual(w.entryRegs?.origRax, 1)
            XCTAssertEqual(w.crossing?.entry, .syscall)
            XCTAssertGreaterThanOrEqual(w.exitNs ?? 0, w.entryNs)
        }
        XCTAssertEqual(Self.syscalls(records).first?.name, "execve", "the first call traced is the program's execve")
        assertSameCounts(Self.counts(records), try straceCounts([bin.path, "50"]))
    }

    func testNoCrossingsLeavesTheModelOut() throws {
        let bin = try fixture("trace_writes")
        let (r, records) = try trace(["--no-crossings"], [bin.path, "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let calls = Self.syscalls(records)
        XCTAssertEqual(calls.filter { $0.name == "write" }.count, 5)
        XCTAssertTrue(calls.allSatisfy { $0.crossing == nil && $0.entryRegs != nil && ($0.ret == nil || $0.exitRegs != nil) })
    }

    func testThreadsCreatedAndExitingMidTrace() throws {
        let bin = try fixture("trace_threads")
        let (r, records) = try trace(["-f"], [bin.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let writes = Self.syscalls(records).filter { $0.name == "write" }
        XCTAssertEqual(writes.count, 60)
        XCTAssertEqual(Set(writes.map(\.tid)).count, 3, "three threads wrote")
        let clones = records.compactMap { if case .clone(let c) = $0 { c } else { nil } }
        XCTAssertEqual(clones.filter { $0.kind == .thread }.count, 3)
        let exits = records.compactMap { if case .exit(let e) = $0 { e } else { nil } }
        XCTAssertEqual(exits.count, 4, "three threads and the leader exit")
        assertSameCounts(Self.counts(records), try straceCounts([bin.path]), ignoring: ["futex"])
    }

    func testForkExecAndVforkAreFollowed() throws {
        let bin = try fixture("trace_forkexec")
        let (r, records) = try trace(["-f"], [bin.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("child exit 7"), r.stdout)
        let clones = records.compactMap { if case .clone(let c) = $0 { c } else { nil } }
        XCTAssertEqual(clones.map(\.kind.rawValue).sorted(), ["fork", "fork", "vfork"])
        let execs = records.compactMap { if case .exec(let e) = $0 { e } else { nil } }
        XCTAssertEqual(execs.count, 3, "the program itself and two /bin/true")
        let exits = records.compactMap { if case .exit(let e) = $0 { e } else { nil } }
        XCTAssertTrue(exits.contains { $0.code == 7 })
        assertSameCounts(Self.counts(records), try straceCounts([bin.path]))
    }

    func testSignalsPassThroughAndRestartedSyscallIsTracedAgain() throws {
        let bin = try fixture("trace_signals")
        let strace = try straceCounts([bin.path])
        // With crossings, and without them (the exit stops are then read without GET_SYSCALL_INFO).
        for flags in [["-f"], ["-f", "--no-crossings"]] {
            let (r, records) = try trace(flags, [bin.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("usr1=3 read=1"), "the handlers ran as without a tracer: \(r.stdout)")
            let signals = records.compactMap { if case .signal(let s) = $0 { s } else { nil } }
            XCTAssertEqual(signals.filter { $0.name == "SIGUSR1" }.count, 3)
            XCTAssertEqual(signals.filter { $0.name == "SIGALRM" }.count, 1)
            XCTAssertEqual(signals.first { $0.name == "SIGUSR1" }?.code, "SI_USER")
            XCTAssertEqual(signals.map { $0.crossing != nil }, signals.map { _ in flags.count == 1 }, "a signal carries a crossing only with crossings on")
            let reads = Self.syscalls(records).filter { $0.name == "read" && $0.rawArgs.count > 2 && $0.rawArgs[2] == 1 }
            XCTAssertEqual(reads.map(\.error), ["ERESTARTSYS", nil], "the interrupted read, then the re-issued one")
            XCTAssertEqual(reads.last?.ret, 1)
            assertSameCounts(Self.counts(records), strace)
        }
    }

    func testGroupStopIsKeptAndTheInterruptedSleepRestarts() throws {
        let bin = try fixture("trace_stop")
        let (r, records) = try trace(["-f"], [bin.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("stopped=1 exit=5"), "the parent saw its child stopped, as without a tracer: \(r.stdout)")
        let calls = Self.syscalls(records)
        XCTAssertTrue(calls.contains { $0.name == "clock_nanosleep" && $0.error == "ERESTART_RESTARTBLOCK" }, "the sleep SIGSTOP interrupted")
        XCTAssertEqual(calls.filter { $0.name == "restart_syscall" }.map(\.ret), [0], "and its restart, traced")
        let signals = records.compactMap { if case .signal(let s) = $0 { s.name } else { nil } }
        XCTAssertTrue(signals.contains("SIGSTOP") && signals.contains("SIGCONT"), "\(signals)")
    }

    func testTraceeKilledWhileHeldEndsTheTrace() throws {
        let bin = try fixture("trace_loop")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-trace-k-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["trace", "-f", "-o", out.path, "--", bin.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // "READY <pid>" once its three threads run under the tracer.
        var line = Data()
        let fd = pipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !line.contains(UInt8(ascii: "\n")) {
            var b: UInt8 = 0
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0, read(fd, &b, 1) == 1 { line.append(b) }
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("READY "), let pid = Int32(text.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return XCTFail("no READY line: \(text)")
        }
        usleep(100_000)
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        let killed = Date()
        while p.isRunning && Date().timeIntervalSince(killed) < 10 { usleep(5_000) }
        XCTAssertFalse(p.isRunning, "the trace ends when its tracee dies, even with threads held in stops")
        guard !p.isRunning else { return }
        XCTAssertEqual(p.terminationStatus, 128 + SIGKILL)
        let records = try TraceFile.records(String(contentsOf: out, encoding: .utf8))
        let exits = records.compactMap { if case .exit(let e) = $0 { e } else { nil } }
        XCTAssertEqual(exits.count, 3, "three threads reported gone")
        XCTAssertTrue(exits.contains { $0.tid == pid && $0.signal == "SIGKILL" })
    }

    func testChildKilledBySignalGives128PlusN() throws {
        let bin = try fixture("trace_signals")
        let (r, records) = try trace([], [bin.path, "segv"])
        XCTAssertEqual(r.status, 128 + SIGSEGV, r.stderr)
        let exits = records.compactMap { if case .exit(let e) = $0 { e } else { nil } }
        XCTAssertEqual(exits.last?.signal, "SIGSEGV")
        let plain = try InspectorTests.run(bin.path, ["segv"])
        XCTAssertEqual(plain.status, r.status, "same status as without a tracer")
    }

    func testExitCodeIsTheProgramsAndMissingProgramIsAnError() throws {
        let r = try stackcross(["trace", "-q", "--", "/bin/sh", "-c", "exit 3"])
        XCTAssertEqual(r.status, 3, r.stderr)
        let missing = try stackcross(["trace", "--", "/no/such/program-xyz"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/no/such/program-xyz"), missing.stderr)
        let notInPath = try stackcross(["trace", "--", "no-such-program-xyz"])
        XCTAssertEqual(notInPath.status, 1)
        XCTAssertTrue(notInPath.stderr.contains("no-such-program-xyz"), notInPath.stderr)
    }

    func testExecveFromNonLeaderThreadTakesOverTheLeadersTid() throws {
        let bin = try fixture("trace_exec_thread")
        let (r, records) = try trace(["-f"], [bin.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("after-exec"))
        let execs = records.compactMap { if case .exec(let e) = $0 { e } else { nil } }
        guard let takeover = execs.first(where: { $0.formerTid != nil }) else {
            return XCTFail("no exec record with a former tid: \(execs)")
        }
        XCTAssertEqual(takeover.tid, takeover.pid, "the execing thread now has the leader's tid")
        XCTAssertNotEqual(takeover.formerTid, takeover.pid)
        XCTAssertEqual(takeover.path.description, "/usr/bin/echo")
        // After the takeover the new image's calls come from the leader's tid.
        let after = Self.syscalls(records).filter { $0.entryNs > takeover.timeNs }
        XCTAssertTrue(after.contains { $0.name == "write" && $0.tid == takeover.pid })
        assertSameCounts(Self.counts(records), try straceCounts([bin.path]), ignoring: ["futex", "clock_nanosleep"])
    }

    func testInt80From64BitProgramUsesTheI386Table() throws {
        let bin = try fixture("trace_int80")
        let (r, records) = try trace([], [bin.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let i386 = Self.syscalls(records).filter { $0.abi == .i386 }
        XCTAssertEqual(i386.count, 3)
        for s in i386 {
            XCTAssertEqual(s.name, "write", "eax 4 is i386 write, not x86_64 stat")
            XCTAssertEqual(s.nr, 4)
            XCTAssertEqual(s.ret, 4)
            XCTAssertEqual(s.entryRegs?.cs, 0x33, "still a 64-bit process")
            XCTAssertEqual(s.crossing?.entry, .int80)
        }
        XCTAssertFalse(Self.syscalls(records).contains { $0.name == "stat" })
    }

    func testThirtyTwoBitProgram() throws {
        let bin = try fixture("trace_writes", .m32)
        let (r, records) = try trace(["-f"], [bin.path, "10"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let calls = Self.syscalls(records)
        let writes = calls.filter { $0.name == "write" }
        XCTAssertEqual(writes.count, 10)
        XCTAssertTrue(writes.allSatisfy { $0.abi == .i386 && $0.nr == 4 && $0.entryRegs?.cs == 0x23 })
        assertSameCounts(Self.counts(records), try straceCounts([bin.path, "10"]))
    }

    /// Without crossings entry and exit stops are read from the registers alone (no GET_SYSCALL_INFO); every
    /// ABI, number, argument, return value and errno must equal what GET_SYSCALL_INFO gives with crossings on:
    /// 64-bit calls, int $0x80 from 64-bit code, a 32-bit program (its ENOENTs sign-extended from eax, its mmap2
    /// addresses above 2 GiB not).
    func testSyscallValuesWithoutSyscallInfoMatchSyscallInfo() throws {
        let m32 = try fixture("trace_writes", .m32)
        // Without address randomization both runs get the same addresses; pids are replaced by "tid".
        let norandom = ["/usr/bin/setarch", "x86_64", "-R"]
        let programs = [[try fixture("trace_int80").path], [m32.path, "3"], ["/bin/ls", "/nonexistent-stackcross"]].map { norandom + $0 }
        func returns(_ calls: [SyscallRecord]) -> [String] { calls.map { $0.ret == Int64($0.tid) ? "tid" : $0.ret.map(String.init) ?? "none" } }
        for program in programs {
            let (a, withInfo) = try trace([], program)
            let (b, withoutInfo) = try trace(["--no-crossings"], program)
            XCTAssertEqual(a.status, b.status, program.joined(separator: " "))
            // setarch's own calls before its execve still ran randomized: compare the program's.
            func afterExec(_ r: [TraceRecord]) -> [SyscallRecord] {
                let start = r.lastIndex { if case .exec = $0 { true } else { false } } ?? 0
                return Self.syscalls(Array(r[start...]))
            }
            let x = afterExec(withInfo), y = afterExec(withoutInfo)
            XCTAssertGreaterThan(x.count, 10)
            XCTAssertTrue(x.allSatisfy { $0.crossing != nil } && y.allSatisfy { $0.crossing == nil })
            XCTAssertEqual(x.map(\.name), y.map(\.name), program[3])
            XCTAssertEqual(returns(x), returns(y), program[3])
            XCTAssertEqual(x.map(\.error), y.map(\.error), program[3])
            XCTAssertEqual(x.map(\.abi), y.map(\.abi), program[3])
            // Entries too: without the model, the number and arguments come from the registers and the ABI from
            // the code segment and the instruction before rip (int $0x80 from 64-bit code is i386).
            XCTAssertEqual(x.map(\.nr), y.map(\.nr), program[3])
            // The decoded arguments: the registers a call does not use may hold anything. Not execve's (it points
            // into setarch's memory, still randomized) nor getrandom's (what it wrote); pipe inodes read "N".
            func args(_ c: [SyscallRecord]) -> [[String]] {
                c.filter { $0.name != "execve" && $0.name != "getrandom" }
                    .map { $0.args.map { $0.replacing(try! Regex(#"pipe:\[\d+\]"#), with: "pipe:[N]") } }
            }
            XCTAssertEqual(args(x), args(y), program[3])
            if program[3] == m32.path {
                XCTAssertTrue(y.contains { $0.abi == .i386 && $0.error == "ENOENT" && $0.ret == -2 }, "an i386 error")
                XCTAssertTrue(y.contains { $0.abi == .i386 && $0.name == "mmap2" && ($0.ret ?? 0) > 0x7FFF_FFFF }, "an i386 address above 2 GiB")
            }
        }
    }

    /// The same return address, first after SYSCALL, then (new code mapped there) after int $0x80: the
    /// ABI read from the bytes before rip must not come from what was mapped there before.
    func testCodeReplacedAtTheSameAddressChangesTheABI() throws {
        let bin = try fixture("trace_remap")
        for flags in [["--no-crossings"], []] {
            let (r, records) = try trace(flags, [bin.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("pids equal"), r.stdout)
            let calls = Self.syscalls(records)
            XCTAssertEqual(calls.filter { $0.name == "getpid" }.map(\.abi), [.x86_64, .i386, .x86_64], "\(flags)")
            XCTAssertFalse(calls.contains { $0.name == "writev" }, "i386 getpid (20) read as x86_64 writev")
        }
    }

    // MARK: Programs the project did not write

    func testLsMatchesStrace() throws {
        let (r, records) = try trace(["-f"], ["/bin/ls", "/"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameCounts(Self.counts(records), try straceCounts(["/bin/ls", "/"]))
    }

    func testShellPipelineMatchesStrace() throws {
        let cmd = ["/bin/sh", "-c", "echo a | cat | wc -c"]
        let (r, records) = try trace(["-f"], cmd)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "2")
        let execs = records.compactMap { if case .exec(let e) = $0 { e } else { nil } }
        XCTAssertEqual(execs.count, 3, "sh, cat, wc")
        // Pipe reads and waits depend on scheduling; everything else must agree exactly.
        assertSameCounts(Self.counts(records), try straceCounts(cmd), ignoring: ["read", "wait4", "rt_sigreturn"])
    }

    func testPythonThreadsMatchStrace() throws {
        // join() returns before a thread's last calls (rt_sigprocmask, madvise, exit): the sleep lets them
        // finish, or exit_group may kill a thread first in one run and not in the other.
        let script = "import threading, time\nts=[threading.Thread(target=lambda: open('/dev/null','w').write('x')) for _ in range(4)]\n[t.start() for t in ts]\n[t.join() for t in ts]\ntime.sleep(0.1)\n"
        let cmd = ["/usr/bin/python3", "-S", "-c", script]
        let (r, records) = try trace(["-f"], cmd)
        XCTAssertEqual(r.status, 0, r.stderr)
        let clones = records.compactMap { if case .clone(let c) = $0 { c } else { nil } }
        XCTAssertEqual(clones.filter { $0.kind == .thread }.count, 4)
        assertSameCounts(Self.counts(records), try straceCounts(cmd), ignoring: ["futex", "madvise", "munmap", "mmap", "mprotect"])
    }

    // MARK: -e trace=SET

    func testFilterReportsOnlySelectedSyscalls() throws {
        let bin = try fixture("trace_writes")
        let (r, records) = try trace(["-f", "-e", "trace=write,close"], [bin.path, "20"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = Self.counts(records)
        XCTAssertEqual(c["write"], 20)
        XCTAssertEqual(Set(c.keys), ["write", "close"], "untraced calls are absent: \(c)")
        let theirs = try straceCounts([bin.path, "20"], extra: ["--seccomp-bpf", "-e", "trace=write,close"])
        XCTAssertEqual(c, theirs)
    }

    func testFdPathsStayRightWhenTheFilterHidesClose() throws {
        // fd 3 is /dev/null, then (after an untraced close and open) /dev/zero.
        let bin = try fixture("fd_reuse")
        for args in [["-e", "trace=write"], ["-f", "-e", "trace=write"], ["-f"], []] {
            let r = try stackcross(["trace"] + args + ["--", bin.path], timeout: 60)
            XCTAssertEqual(r.status, 0, r.stderr)
            let writes = r.stderr.split(separator: "\n").filter { $0.contains("write(") }
            XCTAssertEqual(writes.count, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(writes.first?.contains("write(3</dev/null>, \"a\"") == true, "\(args): \(writes)")
            XCTAssertTrue(writes.last?.contains("write(3</dev/zero>, \"b\"") == true, "\(args): \(writes)")
        }
    }

    func testFilterWithClass() throws {
        let bin = try fixture("trace_writes")
        let (r, records) = try trace(["-f", "-e", "trace=%file"], [bin.path, "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = Self.counts(records)
        XCTAssertNil(c["write"])
        XCTAssertNotNil(c["openat"])
        XCTAssertEqual(c, try straceCounts([bin.path, "5"], extra: ["--seccomp-bpf", "-e", "trace=%file"]))
    }

    func testHelpIsHelpNotAProgram() throws {
        let r = try stackcross(["trace", "--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("-e") && r.stdout.contains("--no-crossings"), r.stdout)
    }

    func testUnknownSyscallNameIsAUsageError() throws {
        let r = try stackcross(["trace", "-e", "trace=write,notasyscall", "--", "/bin/true"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("notasyscall"), r.stderr)
    }

    // MARK: -c and stderr lines

    func testSummaryCountsCalls() throws {
        let bin = try fixture("trace_writes")
        let r = try stackcross(["trace", "-c", "--", bin.path, "30"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let writeLine = r.stderr.split(separator: "\n").first { $0.split(separator: " ").last == "write" }
        XCTAssertNotNil(writeLine, r.stderr)
        XCTAssertTrue(writeLine?.split(separator: " ").contains("30") ?? false, String(writeLine ?? ""))
    }

    func testInterleavedThreadsGiveOneLineStartPerCall() throws {
        let bin = try fixture("trace_threads")
        let r = try stackcross(["trace", "-f", "--", bin.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stderr.split(separator: "\n")
        // A call starts once ("write(…" whole or "<unfinished ...>") and, when cut, resumes once.
        let starts = lines.filter { $0.contains("] write(") }
        XCTAssertEqual(starts.count, 60, r.stderr)
        let cut = starts.filter { $0.hasSuffix("<unfinished ...>") }.count
        XCTAssertEqual(lines.filter { $0.contains("<... write resumed>") }.count, cut)
        XCTAssertTrue(lines.filter { $0.contains("] write(") && !$0.hasSuffix("<unfinished ...>") }.allSatisfy { $0.hasSuffix(") = 2") })
    }

    func testLinesOnStderr() throws {
        let bin = try fixture("trace_writes")
        let r = try stackcross(["trace", "--", bin.path, "4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let writeLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("write(") }
        XCTAssertEqual(writeLines.count, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("+++ exited with 0 +++"))
        let cut = try stackcross(["trace", "-s", "5", "--", "/bin/echo", "hello-world-long"])
        XCTAssertEqual(cut.status, 0, cut.stderr)
        XCTAssertTrue(cut.stderr.split(separator: "\n").contains { $0.hasPrefix("write(1") && $0.contains("\"hello\"...") },
                      "-s 5 cuts the buffer: \(cut.stderr)")
        // strace's -qq (-q leaves the exit line, as strace's does).
        let quiet = try stackcross(["trace", "-qq", "--", bin.path, "1"])
        XCTAssertFalse(quiet.stderr.contains("+++ exited"), quiet.stderr)
    }

    // MARK: -p

    func testDetachOnSIGINTLeavesTheProcessRunning() throws {
        try checkDetach(on: SIGINT)
    }

    /// A process that makes no syscalls gives the tracer no stops: only the signal can wake it.
    func testDetachFromAnIdleProcessOnSIGHUP() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
        let pid = sleeper.processIdentifier
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["trace", "-q", "-p", String(pid)]
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, procStatus(pid)["TracerPid"] != String(p.processIdentifier) { usleep(10_000) }
        XCTAssertEqual(procStatus(pid)["TracerPid"], String(p.processIdentifier))
        usleep(300_000)
        let sent = Date()
        kill(p.processIdentifier, SIGHUP)
        while p.isRunning && Date().timeIntervalSince(sent) < 5 { usleep(5_000) }
        XCTAssertFalse(p.isRunning)
        XCTAssertLessThan(Date().timeIntervalSince(sent), 1.5)
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(procStatus(pid)["TracerPid"], "0")
        // Detached from its interrupt stop, sleep runs restart_syscall and sleeps again: R until it is scheduled.
        XCTAssertTrue(eventually { procStatus(pid)["State"]?.hasPrefix("S") ?? false }, "still asleep, not stopped: \(procStatus(pid))")
        XCTAssertTrue(sleeper.isRunning)
    }

    /// A call in progress when -p lets the process go: strace's ` <detached ...>` ends its line, the JSON record
    /// says `"detached":true` (no return value), `report` shows it the same way and `-e status=detached` selects it.
    func testCallInProgressAtDetachIsShownDetached() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
        let pid = sleeper.processIdentifier
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sc-detached-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        /// Runs a tracer on the sleeper until it has attached, then SIGINT; its exit status.
        func traced(_ exe: String, _ args: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
            p.standardError = FileHandle.nullDevice
            try p.run()
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
            XCTAssertTrue(eventually { procStatus(pid)["TracerPid"] == String(p.processIdentifier) }, "\(exe) never attached")
            usleep(200_000)
            kill(p.processIdentifier, SIGINT)
            XCTAssertTrue(eventually { !p.isRunning }, "\(exe) exits after SIGINT")
            p.waitUntilExit()
            return p.terminationStatus
        }
        let ours = dir.appendingPathComponent("ours.txt"), theirs = dir.appendingPathComponent("strace.txt")
        let json = dir.appendingPathComponent("t.jsonl"), staged = dir.appendingPathComponent("staged.txt")
        XCTAssertEqual(try traced(stackcrossBinary.path, ["trace", "-p", String(pid), "--output-format", "text", "-o", ours.path]), 0)
        _ = try traced("/usr/bin/strace", ["-p", String(pid), "-o", theirs.path])
        XCTAssertEqual(try traced(stackcrossBinary.path, ["trace", "-p", String(pid), "-o", json.path]), 0)
        XCTAssertEqual(try traced(stackcrossBinary.path, ["trace", "-p", String(pid), "-e", "status=detached",
                                                          "--output-format", "text", "-o", staged.path]), 0)
        let line = "restart_syscall(<... resuming interrupted system call ...> <detached ...>\n"
        // strace names the call restart_syscall resumes from its own state (here, what it saw before us).
        let straceLine = try String(contentsOf: theirs, encoding: .utf8)
        XCTAssertTrue(straceLine.hasPrefix("restart_syscall(<... resuming interrupted ") && straceLine.hasSuffix(" ...> <detached ...>\n"),
                      "strace's view: \(straceLine)")
        XCTAssertEqual(try String(contentsOf: ours, encoding: .utf8), line)
        XCTAssertEqual(try String(contentsOf: staged, encoding: .utf8), line, "-e status=detached")
        let records = try TraceFile.records(String(contentsOf: json, encoding: .utf8))
        let call = try XCTUnwrap(Self.syscalls(records).first)
        XCTAssertEqual(call.detached, true)
        XCTAssertNil(call.ret)
        let report = try stackcross(["report", json.path])
        XCTAssertTrue(report.stdout.contains("restart_syscall(<... resuming interrupted system call ...> <detached ...>"), report.stdout)
    }

    /// A process whose main thread has exited: its leader is a zombie, which PTRACE_SEIZE refuses with EPERM.
    /// `-f -p` traces the threads that live on, and detaches from them.
    func testAttachToAProcessWhoseLeaderHasExited() throws {
        let target = try RunningFixture(try fixture("leader_exit"), ["now"])
        defer { target.stop() }
        XCTAssertTrue(eventually { procStatus(target.pid)["State"]?.hasPrefix("Z") == true }, "the leader did not exit")
        let worker = try XCTUnwrap(taskIDs(target.pid).first { $0 != target.pid })
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-trace-z-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["trace", "-f", "-o", out.path, "-p", String(target.pid)]
        let err = Pipe()
        p.standardError = err
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        XCTAssertTrue(eventually { !p.isRunning || procStatus(target.pid, tid: worker)["TracerPid"] == String(p.processIdentifier) })
        guard p.isRunning else {
            return XCTFail("stackcross gave up: \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
        // A signal the worker ignores gives a signal-delivery stop, judged by the model (the maps come from
        // the worker's /proc/TID: the leader's are empty). Its record is written out within 100 ms.
        // (Sent to the worker itself: kill(PID) would test the untraced zombie leader, which ignores it.)
        XCTAssertEqual(sc_tgkill(target.pid, worker, SIGWINCH), 0)
        XCTAssertTrue(eventually { (try? String(contentsOf: out, encoding: .utf8))?.contains("SIGWINCH") ?? false }, "no SIGWINCH record")
        kill(p.processIdentifier, SIGINT)
        XCTAssertTrue(eventually { !p.isRunning }, "stackcross exits after SIGINT")
        guard !p.isRunning else { return }
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(procStatus(target.pid, tid: worker)["TracerPid"], "0")
        let records = try TraceFile.records(String(contentsOf: out, encoding: .utf8))
        XCTAssertEqual(records.compactMap { if case .attach(let a) = $0 { a.tid } else { nil } }, [worker])
        XCTAssertEqual(records.compactMap { if case .detach(let a) = $0 { a.tid } else { nil } }, [worker])
        XCTAssertTrue(Self.syscalls(records).allSatisfy { $0.tid == worker })
        let winch = try XCTUnwrap(records.lazy.compactMap { if case .signal(let s) = $0, s.name == "SIGWINCH" { s } else { nil } }.first)
        XCTAssertTrue(winch.crossing?.checks.contains { $0.name == "user_rsp.mapping" } ?? false, "\(winch)")
        XCTAssertEqual(winch.crossing?.failedChecks ?? [], [])
        for s in Self.syscalls(records) { XCTAssertEqual(s.crossing?.failedChecks ?? [], [], s.name) }
    }

    /// With -p no seccomp filter can be installed: the tracer filters, and still detaches cleanly.
    func testDetachOnSIGTERMWithFilterInTheTracer() throws {
        let records = try checkDetach(on: SIGTERM, extra: ["-e", "trace=write"])
        XCTAssertEqual(Set(Self.syscalls(records).map(\.name)), ["write"])
    }

    @discardableResult
    func checkDetach(on signal: Int32, extra: [String] = []) throws -> [TraceRecord] {
        let target = try RunningFixture(try fixture("trace_loop"))
        defer { target.stop() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-trace-p-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["trace", "-f", "-o", out.path, "-p", String(target.pid)] + extra
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // Wait until every thread is traced and some calls were recorded.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let traced = taskIDs(target.pid).allSatisfy { procStatus(target.pid, tid: $0)["TracerPid"] == String(p.processIdentifier) }
            if traced, taskIDs(target.pid).count == 3 { break }
            usleep(10_000)
        }
        XCTAssertEqual(procStatus(target.pid)["TracerPid"], String(p.processIdentifier), "stackcross attached")
        // Some writes traced: the records reach the file every 100 ms.
        XCTAssertTrue(eventually { (try? String(contentsOf: out, encoding: .utf8))?.contains("\"write\"") ?? false }, "no write recorded")
        let sent = Date()
        kill(p.processIdentifier, signal)
        while p.isRunning && Date().timeIntervalSince(sent) < 5 { usleep(5_000) }
        XCTAssertFalse(p.isRunning, "stackcross exits after the signal")
        guard !p.isRunning else { return [] }
        XCTAssertLessThan(Date().timeIntervalSince(sent), 1.5, "detached within about a second")
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(p.terminationReason, .exit)
        usleep(50_000)
        for tid in taskIDs(target.pid) {
            let st = procStatus(target.pid, tid: tid)
            XCTAssertEqual(st["TracerPid"], "0", "thread \(tid) no longer traced")
            let state = st["State"] ?? "?"
            XCTAssertFalse(state.hasPrefix("t") || state.hasPrefix("T"), "thread \(tid) not stopped: \(state)")
        }
        XCTAssertEqual(taskIDs(target.pid).count, 3, "the process runs on with its threads")
        let text = try String(contentsOf: out, encoding: .utf8)
        let records = try TraceFile.records(text)
        XCTAssertEqual(records.filter { if case .attach = $0 { true } else { false } }.count, 3)
        XCTAssertEqual(records.filter { if case .detach = $0 { true } else { false } }.count, 3)
        XCTAssertTrue(Self.syscalls(records).contains { $0.name == "write" })
        return records
    }
}
