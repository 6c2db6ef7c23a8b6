import Foundation
import CStackCross
import Logging
import StackCross
import XCTest
@testable import Inspector

/// `stackcross attach PID` against real fixture processes.
final class AttachTests: XCTestCase {
    /// The fixture's own functions, per thread name, innermost first.
    static let expectedChains: [String: [String]] = [
        "reader": ["reader_wait", "reader_main"],
        "sleeper": ["sleeper_nap", "sleeper_main"],
        "waiter": ["waiter_block", "waiter_main"],
        "spinner": ["spinner_loop", "spinner_main"],
        "recurser": ["recurse_bottom"] + Array(repeating: "recurse", count: 20) + ["recurser_main"],
    ]

    func attachJSON(_ pid: Int32, _ extra: [String] = []) throws -> Snapshot {
        let r = try stackcross(["attach", "--json"] + extra + [String(pid)], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONDecoder().decode(Snapshot.self, from: r.stdoutData)
    }

    /// Non-inlined frames of `module`, by symbol.
    func ownFrames(_ t: ThreadSnapshot, module: String) -> [String] {
        t.userStack.filter { $0.module == module && $0.inlined != true && $0.note == nil }.map { $0.symbol ?? "?" }
    }

    func thread(_ s: Snapshot, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> ThreadSnapshot {
        try XCTUnwrap(s.threads.first { $0.name == name }, "no thread named \(name) in \(s.threads.map(\.name))",
                      file: file, line: line)
    }

    func testSnapshotNamesEveryThreadsFunctionsAndKernelStacks() throws {
        let bin = try fixture("threads")
        let fx = try RunningFixture(bin)
        defer { fx.stop() }
        let s = try attachJSON(fx.pid)
        XCTAssertEqual(s.pid, fx.pid)
        XCTAssertEqual(s.exe, bin.path)
        XCTAssertEqual(Set(s.threads.map(\.tid)), Set(taskIDs(fx.pid)))

        for (name, chain) in Self.expectedChains {
            let t = try thread(s, name)
            XCTAssertEqual(ownFrames(t, module: bin.path), chain, "thread \(name): \(t.userStack)")
            XCTAssertEqual(t.userStack.first?.isActivation, true, name)
            XCTAssertNil(t.userStack.last?.note, "thread \(name) stack ended early: \(t.userStack.last!)")
            XCTAssertEqual(t.registers?.cs, 0x33)
            // The model's checks ran on every thread and held.
            XCTAssertFalse(t.crossing?.checks.isEmpty ?? true, name)
            XCTAssertEqual(t.crossing?.failedChecks ?? [], [], name)
            // Source positions come from the fixture's DWARF.
            let first = try XCTUnwrap(t.userStack.first { $0.module == bin.path })
            XCTAssertEqual(first.file.map { URL(fileURLWithPath: $0).lastPathComponent }, "threads.c")
            XCTAssertNotNil(first.line)
            XCTAssertEqual(first.buildId?.count, 40, "a GNU build-id is 20 bytes")
        }
        let main = try XCTUnwrap(s.threads.first { $0.tid == fx.pid })
        XCTAssertTrue(ownFrames(main, module: bin.path).contains("main"), "\(main.userStack)")

        // Kernel stacks as they were before the stop, outermost frame naming the entry path.
        let kernel: [String: String] = ["reader": "pipe_read", "sleeper": "hrtimer_nanosleep", "waiter": "futex_wait"]
        for (name, fn) in kernel {
            let t = try thread(s, name)
            let syms = t.kernelStack.compactMap(\.symbol)
            XCTAssertTrue(syms.contains { $0.hasSuffix(fn) }, "\(name) kernel stack \(syms) lacks \(fn)")
            XCTAssertFalse(syms.contains("ptrace_stop"), "\(name): kernel stack read after the stop: \(syms)")
            XCTAssertEqual(syms.last, "entry_SYSCALL_64_after_hwframe", name)
            XCTAssertEqual(t.crossing?.entry, .syscall, name)
        }
        let frame = try XCTUnwrap(try thread(s, "reader").kernelStack.first)
        XCTAssertNotNil(frame.offset)
        XCTAssertNotNil(frame.length)
        XCTAssertEqual(try thread(s, "reader").crossing?.syscall?.nr, 0)
        XCTAssertEqual(try thread(s, "reader").crossing?.syscall?.args.first, 3, "read's fd is the pipe")
        XCTAssertEqual(try thread(s, "sleeper").crossing?.syscall?.nr, 230)
        XCTAssertEqual(try thread(s, "waiter").crossing?.syscall?.nr, 202)
        XCTAssertEqual(try thread(s, "recurser").crossing?.syscall?.nr, 34)

        // The spinner was in user mode: no syscall, orig_rax -1.
        let spinner = try thread(s, "spinner")
        XCTAssertEqual(spinner.registers?.origRax.signed, -1)
        XCTAssertNil(spinner.crossing?.syscall)
        XCTAssertEqual(spinner.procSyscall, "running")

        // Afterwards the process runs on: nothing stopped or traced, the spinner still burns CPU.
        for tid in taskIDs(fx.pid) {
            let st = procStatus(fx.pid, tid: tid)
            XCTAssertFalse(["t", "T"].contains(st["State"]?.prefix(1) ?? "?"), "tid \(tid) left \(st["State"] ?? "?")")
            XCTAssertEqual(st["TracerPid"], "0", "tid \(tid)")
        }
        try assertBurnsCPU(fx.pid, spinner.tid, "spinner stopped running after detach")
    }

    func test32BitProcessUnwindsThroughTheVdso() throws {
        let bin = try fixture("threads", .m32)
        let fx = try RunningFixture(bin)
        defer { fx.stop() }
        let s = try attachJSON(fx.pid)
        for (name, chain) in Self.expectedChains {
            let t = try thread(s, name)
            XCTAssertEqual(ownFrames(t, module: bin.path), chain, "thread \(name): \(t.userStack)")
            XCTAssertEqual(t.registers?.cs, 0x23, "a 32-bit task's user code segment")
        }
        // 32-bit syscalls go through the vDSO's __kernel_vsyscall, a module read from the tracee's memory.
        let reader = try thread(s, "reader")
        XCTAssertEqual(reader.userStack.first?.symbol, "__kernel_vsyscall")
        XCTAssertEqual(reader.crossing?.syscall?.abi, .i386)
        XCTAssertEqual(reader.crossing?.syscall?.name, "read")
        for tid in taskIDs(fx.pid) { XCTAssertEqual(procStatus(fx.pid, tid: tid)["TracerPid"], "0") }
    }

    func testSignalsDuringAttachAreNeitherLostNorInjected() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        var sent = 0
        var handled = 0
        var deliveryStops = 0
        for round in 0..<6 {
            // Odd rounds race the signal in between SEIZE and INTERRUPT, so the thread reports a
            // signal-delivery stop first and the signal must be given back at detach; even rounds send
            // it just before the seize.
            let racing = round % 2 == 1
            try withStoppedProcess(
                pid: fx.pid, knownTids: taskIDs(fx.pid), logger: Logger(label: "test"),
                onNewThread: { tid in
                    if !racing, sc_tgkill(fx.pid, tid, SIGUSR1) == 0 { sent += 1 }
                },
                afterSeize: { tid in
                    if racing, sc_tgkill(fx.pid, tid, SIGUSR1) == 0 { sent += 1; usleep(2000) }
                }) { p in
                XCTAssertEqual(p.stoppedTids.count, 6)
                for tid in p.stoppedTids { XCTAssertEqual(procStatus(fx.pid, tid: tid)["TracerPid"], String(getpid())) }
                deliveryStops += p.threads.values.filter { $0.pendingSignal == SIGUSR1 }.count
            }
            // Each signal is handled once after detach (waiting per round, as SIGUSR1s do not queue).
            handled += try countLines("USR1", from: fx, until: { handled + $0 >= sent })
            XCTAssertEqual(handled, sent, "round \(round)")
        }
        XCTAssertEqual(sent, 36)
        XCTAssertGreaterThan(deliveryStops, 0, "no round exercised a signal-delivery stop")
        // And none is delivered twice.
        handled += try countLines("USR1", from: fx, until: { _ in false }, timeout: 0.3)
        XCTAssertEqual(handled, sent)
        for tid in taskIDs(fx.pid) { XCTAssertEqual(procStatus(fx.pid, tid: tid)["TracerPid"], "0") }
    }

    /// A PTRACE_INTERRUPT failing with something other than ESRCH (injected here: the kernel gives EIO
    /// only for a task already on its way out, a window no test can hit) must not leave that thread
    /// seized: the error reaches the caller and every thread, that one included, is detached. Once
    /// with the process running (the thread is not in a stop, so it must be stopped to be detached)
    /// and once group-stopped (it is in a stop at once, and stays stopped after the detach).
    func testFailedInterruptStillDetachesTheThread() throws {
        let fx = try RunningFixture(try fixture("many_threads"), ["3"])
        defer { fx.stop() }
        for groupStopped in [false, true] {
            if groupStopped {
                kill(fx.pid, SIGSTOP)
                try waitFor("every thread in state T") { taskIDs(fx.pid).allSatisfy { procStatus(fx.pid, tid: $0)["State"]?.hasPrefix("T") == true } }
            }
            let tids = taskIDs(fx.pid)
            XCTAssertEqual(tids.count, 4)
            let victim = tids[2]
            var failures = 0
            let injected = PtraceError.failed(request: "PTRACE_INTERRUPT", tid: victim, errno: EIO)
            XCTAssertThrowsError(try withStoppedProcess(
                pid: fx.pid, knownTids: tids, logger: Logger(label: "test"), onNewThread: { _ in },
                interrupt: { tid in
                    if tid == victim, failures == 0 { failures += 1; throw injected }
                    try Ptrace().interrupt(tid)
                }) { _ in XCTFail("no body runs after a failed attach") }) { error in
                XCTAssertEqual(error as? PtraceError, injected)
            }
            XCTAssertEqual(failures, 1)
            usleep(50_000)
            if procStatus(fx.pid, tid: victim)["TracerPid"] == String(getpid()) {
                // Still ours: kill it and reap the traced thread here, or the fixture's reaping would hang.
                kill(fx.pid, SIGKILL)
                var st: Int32 = 0
                _ = sc_waitpid(victim, &st, sc_wall())
                return XCTFail("tid \(victim) was left seized after its interrupt failed (process stopped: \(groupStopped))")
            }
            for tid in taskIDs(fx.pid) {
                let st = procStatus(fx.pid, tid: tid)
                XCTAssertEqual(st["TracerPid"], "0", "tid \(tid) (victim \(victim)) still traced; stopped: \(groupStopped)")
                let state = st["State"] ?? "?"
                XCTAssertEqual(state.hasPrefix("T"), groupStopped, "tid \(tid): \(state)")
                XCTAssertFalse(state.hasPrefix("t"), "tid \(tid) left in a tracing stop: \(state)")
            }
            if groupStopped { kill(fx.pid, SIGCONT) }
        }
    }

    func testThreadsComingAndGoingDuringAttach() throws {
        let fx = try RunningFixture(try fixture("churn"))
        defer { fx.stop() }
        for _ in 0..<5 {
            let s = try attachJSON(fx.pid)
            let steady = try thread(s, "steady")
            XCTAssertEqual(ownFrames(steady, module: try fixture("churn").path), ["steady"])
            XCTAssertTrue(s.threads.contains { $0.tid == fx.pid })
            // Every thread reported was stopped and unwound, or says why not.
            for t in s.threads { XCTAssertTrue(t.registers != nil || t.error != nil, "tid \(t.tid)") }
        }
        for tid in taskIDs(fx.pid) {
            let st = procStatus(fx.pid, tid: tid)
            XCTAssertEqual(st["TracerPid"] ?? "0", "0", "tid \(tid)")
            XCTAssertFalse(st["State"]?.hasPrefix("t") == true || st["State"]?.hasPrefix("T") == true, "tid \(tid)")
        }
        XCTAssertTrue(fx.process.isRunning)
    }

    /// PTRACE_SEIZE fails with EPERM for a task whose exit has begun: a zombie leader, or (on another CPU, for a
    /// few microseconds) an autoreaped thread between exit_notify and release_task, as `churn`'s threads are.
    /// Such a thread is gone, not forbidden: the attach goes on without it. The leader here exits after /proc
    /// listed it and before it is seized, so the EPERM is certain.
    func testThreadThatExitsBeforeItsSeizeIsDroppedNotAPermissionError() throws {
        let bin = try fixture("leader_exit")
        let fx = try RunningFixture(bin)
        defer { fx.stop() }
        let worker = try XCTUnwrap(taskIDs(fx.pid).first { $0 != fx.pid })
        let stopped = try withStoppedProcess(
            pid: fx.pid, knownTids: [worker, fx.pid], logger: Logger(label: "test"),
            onNewThread: { tid in
                guard tid == fx.pid else { return }
                kill(fx.pid, SIGUSR2)
                XCTAssertTrue(eventually { procStatus(fx.pid)["State"]?.hasPrefix("Z") == true }, "the leader did not exit")
            }) { p in p.stoppedTids }
        XCTAssertEqual(stopped, [worker])
        XCTAssertEqual(procStatus(fx.pid, tid: worker)["TracerPid"], "0")
        // The CLI on the same process: the zombie leader is reported as such, the worker stopped in its pause
        // and unwound through the live thread's view of the address space (the leader's /proc/PID/maps is empty).
        let s = try attachJSON(fx.pid)
        XCTAssertEqual(s.exe, bin.path)
        let w = try thread(s, "worker")
        XCTAssertNil(w.error)
        XCTAssertEqual(w.crossing?.syscall?.name, "pause")
        XCTAssertEqual(ownFrames(w, module: bin.path), ["worker"], "\(w.userStack)")
        XCTAssertEqual(w.crossing?.failedChecks ?? [], [])
        XCTAssertEqual(s.threads.first { $0.tid == fx.pid }?.state, "Z")
    }

    func testTextViewMergesKernelAndUserStacks() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("attach-\(fx.pid).txt")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try stackcross(["attach", String(fx.pid), "-o", out.path], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let text = try String(contentsOf: out, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("thread ") && $0.contains("\"reader\"") })
        let crossing = try XCTUnwrap(lines[header...].firstIndex { $0.contains("──") })
        let kernel = lines[(header + 1)..<crossing]
        XCTAssertTrue(kernel.contains { $0.contains("pipe_read") }, text)
        XCTAssertTrue(lines[crossing].contains("(3, "), lines[crossing])
        XCTAssertTrue(lines[crossing].contains("entered via SYSCALL · user rsp 0x7"), lines[crossing])
        XCTAssertTrue(lines[(crossing + 1)...].prefix(5).contains { $0.contains("reader_wait+0x") && $0.contains("threads.c:") }, text)
        XCTAssertTrue(text.contains("orig_rax -1"), "spinner's crossing line: \(text)")
    }

    func testNoKernelSkipsProcStacks() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        let s = try attachJSON(fx.pid, ["--no-kernel", "--max-frames", "3"])
        XCTAssertTrue(s.threads.allSatisfy { $0.kernelStack.isEmpty })
        let rec = try thread(s, "recurser")
        XCTAssertEqual(rec.userStack.filter { $0.note == nil && $0.inlined != true }.count, 3)
        XCTAssertEqual(rec.userStack.last?.note, "unwind stopped: --max-frames 3 reached")
    }

    func testFramesAgreeWithEuStack() throws {
        let bin = try fixture("threads")
        let fx = try RunningFixture(bin)
        defer { fx.stop() }
        let s = try attachJSON(fx.pid)
        let eu = try InspectorTests.run("/usr/bin/eu-stack", ["-p", String(fx.pid)], timeout: 30)
        XCTAssertEqual(eu.status, 0, eu.stderr)
        let theirs = Self.parseEuStack(eu.stdout)
        let own = Set(Self.expectedChains.values.flatMap { $0 } + ["main"])
        XCTAssertEqual(Set(theirs.keys), Set(s.threads.map(\.tid)))
        for t in s.threads {
            let ours = ownFrames(t, module: bin.path).filter(own.contains)
            let eus = (theirs[t.tid] ?? []).filter(own.contains)
            XCTAssertFalse(ours.isEmpty, "tid \(t.tid)")
            XCTAssertEqual(ours, eus, "tid \(t.tid) \(t.name)")
        }
    }

    func testStrippedFixtureStillGivesModuleOffsets() throws {
        let bin = try fixture("threads", .stripped)
        let fx = try RunningFixture(bin)
        defer { fx.stop() }
        let s = try attachJSON(fx.pid)
        let reader = try thread(s, "reader")
        let mine = reader.userStack.filter { $0.module == bin.path }
        XCTAssertEqual(mine.count, 2, "reader_wait and reader_main, unnamed: \(reader.userStack)")
        // Offsets are from the module's load address: for this PIE they fall inside the symbols
        // that the unstripped build (same code, same layout) names.
        let symbols = try nmSymbols(try fixture("threads"))
        for (f, name) in zip(mine, ["reader_wait", "reader_main"]) {
            XCTAssertNil(f.symbol)
            let off = try XCTUnwrap(f.offset)
            let range = try XCTUnwrap(symbols[name])
            XCTAssertTrue(range.contains(off - 1), "\(name): offset 0x\(String(off, radix: 16)) not in \(range)")
        }
        // The walk goes on through the unnamed frames (eh_frame survives strip).
        XCTAssertEqual(reader.userStack.last { $0.note == nil }?.symbol, "__clone3")
    }

    func testGroupStoppedProcessStaysStopped() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        kill(fx.pid, SIGSTOP)
        try waitFor("every thread in state T") { taskIDs(fx.pid).allSatisfy { procStatus(fx.pid, tid: $0)["State"]?.hasPrefix("T") == true } }
        let s = try attachJSON(fx.pid)
        XCTAssertEqual(s.threads.count, 6)
        XCTAssertTrue(s.threads.allSatisfy { $0.state == "T" }, "\(s.threads.map(\.state))")
        XCTAssertTrue(ownFrames(try thread(s, "spinner"), module: try fixture("threads").path).contains("spinner_loop"))
        usleep(100_000)
        for tid in taskIDs(fx.pid) {
            let st = procStatus(fx.pid, tid: tid)
            XCTAssertTrue(st["State"]?.hasPrefix("T") == true, "tid \(tid) is \(st["State"] ?? "?") after detach")
            XCTAssertEqual(st["TracerPid"], "0")
        }
        kill(fx.pid, SIGCONT)
        try waitFor("every thread resumed") { taskIDs(fx.pid).allSatisfy { procStatus(fx.pid, tid: $0)["State"]?.hasPrefix("T") == false } }
        try assertBurnsCPU(fx.pid, try thread(s, "spinner").tid, "spinner did not run again after SIGCONT")
    }

    func testErrorsAndExitCodes() throws {
        // A pid that just exited and was reaped.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        var r = try stackcross(["attach", String(gone.processIdentifier)])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no such process"), r.stderr)

        r = try stackcross(["attach", "abc"])
        XCTAssertEqual(r.status, 64, r.stderr)
        r = try stackcross(["attach", "0"])
        XCTAssertEqual(r.status, 64, r.stderr)
        r = try stackcross(["attach"])
        XCTAssertEqual(r.status, 64, r.stderr)

        // The shell's pid becomes stackcross's own when it execs.
        r = try InspectorTests.run("/bin/sh", ["-c", "exec \"$0\" attach $$", stackcrossBinary.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("refusing to attach to stackcross itself"), r.stderr)

        // A zombie: sh starts a short sleep and becomes a long one, which never reaps it.
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: "/bin/sh")
        parent.arguments = ["-c", "sleep 0.2 & echo $!; exec sleep 10"]
        let out = Pipe()
        parent.standardOutput = out
        try parent.run()
        defer { parent.terminate(); parent.waitUntilExit() }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let zpid = try XCTUnwrap(Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)), line)
        eventually { procStatus(zpid)["State"]?.hasPrefix("Z") == true }
        XCTAssertEqual(procStatus(zpid)["State"]?.prefix(1), "Z")
        r = try stackcross(["attach", String(zpid)])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("is a zombie"), r.stderr)

        // A kernel thread: a kernel-stack-only snapshot.
        let k = try attachJSON(2)
        XCTAssertEqual(k.threads.first?.registers, nil)
        XCTAssertTrue(k.threads.first?.error?.contains("kernel thread") == true)
        XCTAssertEqual(k.threads.first?.kernelStack.contains { $0.symbol == "kthreadd" }, true)
    }

    func testAlreadyTracedProcessNamesTheTracer() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        // This test process becomes the tracer; killing the fixture at the end ends the trace.
        try Ptrace().seize(fx.pid)
        let r = try stackcross(["attach", String(fx.pid)])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("ptrace permission denied"), r.stderr)
        XCTAssertTrue(r.stderr.contains("already traced by pid \(getpid())"), r.stderr)
        // No other thread was left traced by the failed attach.
        for tid in taskIDs(fx.pid) where tid != fx.pid {
            XCTAssertEqual(procStatus(fx.pid, tid: tid)["TracerPid"], "0", "tid \(tid)")
        }
    }

    func testProcessUnderStraceNamesStraceAsTheTracer() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        let strace = Process()
        strace.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        strace.arguments = ["-q", "-o", "/dev/null", "-p", String(fx.pid)]
        strace.standardError = FileHandle.nullDevice
        try strace.run()
        defer {
            kill(strace.processIdentifier, SIGTERM)  // strace detaches on SIGTERM
            strace.waitUntilExit()
        }
        XCTAssertTrue(eventually { procStatus(fx.pid)["TracerPid"] == String(strace.processIdentifier) }, "strace did not attach")
        let r = try stackcross(["attach", String(fx.pid)])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("ptrace permission denied (already traced by pid \(strace.processIdentifier) (strace)"), r.stderr)
    }

    /// The facts behind an EPERM message, read from /proc for real: pid 1 is every process's
    /// ancestor, a fixture we started descends from us, and root (these tests) has CAP_SYS_PTRACE.
    func testDenialFactsReadFromProc() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        let mine = StoppedProcess.denialFacts(pid: fx.pid, tid: fx.pid)
        XCTAssertTrue(mine.targetIsDescendant)
        XCTAssertFalse(mine.targetIsAncestor)
        XCTAssertTrue(mine.hasCapSysPtrace)
        XCTAssertEqual(mine.targetUids, [0, 0, 0])
        XCTAssertEqual(mine.sameUserNamespace, true)
        XCTAssertEqual(mine.yamaScope, ProcFS.read("/proc/sys/kernel/yama/ptrace_scope").flatMap { Int($0.prefix(1)) })
        let one = StoppedProcess.denialFacts(pid: 1, tid: 1)
        XCTAssertTrue(one.targetIsAncestor)
        XCTAssertFalse(one.targetIsDescendant)
    }

    func testUnprivilegedUserGetsPermissionMessage() throws {
        let fx = try RunningFixture(try fixture("threads"))
        defer { fx.stop() }
        let r = try InspectorTests.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                             stackcrossBinary.path, "attach", String(fx.pid)])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("ptrace permission denied (pid \(fx.pid) runs as uid 0, stackcross as uid 65534 without CAP_SYS_PTRACE"), r.stderr)
        XCTAssertEqual(procStatus(fx.pid)["TracerPid"], "0")
    }

    // MARK: helpers

    /// Reads the fixture's stdout after READY, counting lines equal to `text`, until `done(count)`
    /// or the timeout.
    func countLines(_ text: String, from fx: RunningFixture, until done: (Int) -> Bool, timeout: TimeInterval = 5) throws -> Int {
        let fd = fx.stdoutPipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        var count = 0
        var line = [UInt8]()
        while !done(count) && Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 20) > 0 else { continue }
            var b: UInt8 = 0
            guard read(fd, &b, 1) == 1 else { break }
            if b == UInt8(ascii: "\n") {
                if String(decoding: line, as: UTF8.self) == text { count += 1 }
                line.removeAll()
            } else { line.append(b) }
        }
        return count
    }

    /// Function symbols of a binary from `nm -S`: name → [start, start+size).
    func nmSymbols(_ bin: URL) throws -> [String: Range<UInt64>] {
        let r = try InspectorTests.run("/usr/bin/nm", ["-S", "--defined-only", bin.path])
        var out: [String: Range<UInt64>] = [:]
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 4, let a = UInt64(f[0], radix: 16), let n = UInt64(f[1], radix: 16) else { continue }
            out[String(f[3])] = a..<(a &+ n)
        }
        return out
    }

    /// The thread runs: its CPU time grows by more than 5 ticks (50 ms). Polled, not a fixed window: on a
    /// loaded machine a running spinner may get only a few ticks in 300 ms; a stopped one gets none.
    func assertBurnsCPU(_ pid: Int32, _ tid: Int32, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try XCTUnwrap(cpuTicks(pid, tid), file: file, line: line)
        var now = before
        let ran = eventually { now = cpuTicks(pid, tid) ?? now; return now > before + 5 }
        XCTAssertTrue(ran, "\(message): \(before) → \(now) ticks in 10 s", file: file, line: line)
    }

    /// utime + stime of a thread, clock ticks.
    func cpuTicks(_ pid: Int32, _ tid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
              let st = ProcStat.parse(text) else { return nil }
        return st.utime + st.stime
    }

    func waitFor(_ what: String, timeout: TimeInterval = 5, _ cond: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !cond() {
            if Date() > deadline { XCTFail("timed out waiting for \(what)"); throw FixtureError.timeout(what) }
            usleep(10_000)
        }
    }

    /// `eu-stack -p` output: function names per TID, innermost first.
    static func parseEuStack(_ text: String) -> [Int32: [String]] {
        var out: [Int32: [String]] = [:]
        var current: Int32?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("TID "), let t = Int32(line.dropFirst(4).prefix(while: { $0.isNumber })) {
                current = t
                out[t] = []
            } else if line.hasPrefix("#"), let t = current {
                let f = line.split(separator: " ", omittingEmptySubsequences: true)
                out[t]!.append(f.count >= 3 ? String(f[2]) : "??")
            }
        }
        return out
    }
}
