import CStackCross
import Glibc
import Logging
import StackCross

/// Signal-delivery stops, ptrace events (clone, exec, exit, seccomp), task exits and detaching.
extension SyscallTracer {
    // MARK: Signals

    func onSignalDelivery(_ t: TracedTask, signo: Int32) {
        if signo == SIGCONT, t.tid == rootPid, awaitingStartupSIGCONT {
            // Our own SIGCONT that ended the child's startup stop: not the program's business.
            awaitingStartupSIGCONT = false
            resume(t)
            return
        }
        var code: String?
        var fields: [(String, String)] = []
        var siCode: Int32?
        if let siginfo = try? ptrace.siginfo(t.tid) {
            let decoded = Signals.siginfoFields(siginfo)
            code = Signals.codeName(signo: signo, code: decoded.code)
            siCode = decoded.code
            if wantsText { fields = decoded.fields }
        }
        var rec = SignalRecord(pid: t.process.pid, tid: t.tid, signo: signo, name: TraceNames.signalName(signo),
                               code: code, timeNs: sc_monotonic_ns())
        // The model judges the stops on the output thread: a signal's round trip through the tracer must stay
        // short, or a fast timer's next signal is always pending when the handler returns (#12).
        var stops: SignalObservations?
        // Without a model or an extension nothing reads the registers: strace's two requests per signal (#12).
        if observesSignals, let regs = try? ptrace.registers(t.tid) {
            var obs = StopObservation(kind: .signalDelivery, tid: t.tid, regs: regs, signo: signo)
            obs.signalCode = siCode
            // The code before rip from the process's cache: a timer's signals land at the same few places.
            if observing { obs.bytesBeforeIP = bytesBeforeIP(t, regs.rip.rawValue) }
            let at = stop(t)
            for e in extensions { e.observe(&obs, at: at) }
            if output.judgeCrossings { stops = SignalObservations(delivery: obs) }
            for e in extensions { e.signalDelivery(&rec, observation: obs, at: at) }
            switch intoHandler(&rec, delivery: obs, at: at) {
            case .notTaken: break
            case .stepped(let handlerEntry):
                // The signal is delivered and the task waits at its handler's first instruction.
                resume(t)
                stops?.handlerEntry = handlerEntry
                output.submit(.signal(rec, siginfoFields: fields, stops: stops))
                return
            case .otherStop(let other):
                output.submit(.signal(rec, siginfoFields: fields, stops: stops))
                handle(tid: t.tid, stop: other)
                return
            }
        }
        deliverSignal(t, signo: signo)
        output.submit(.signal(rec, siginfoFields: fields, stops: stops))
    }

    /// The first extension that delivers the signal itself (a step into the handler) decides.
    func intoHandler(_ rec: inout SignalRecord, delivery: StopObservation, at: TaskStop) -> HandlerStep {
        for e in extensions {
            let step = e.intoHandler(&rec, delivery: delivery, at: at)
            if case .notTaken = step { continue }
            return step
        }
        return .notTaken
    }

    /// Passes the signal on unchanged: the tracee sees exactly what it would have without us.
    func deliverSignal(_ t: TracedTask, signo: Int32) {
        resume(t, signal: signo)
    }

    // MARK: Ptrace events

    func onEvent(_ t: TracedTask, _ event: PtraceEvent) {
        switch event {
        case .clone(let child): onNewTask(t, child: child, isClone: true, vfork: false)
        case .fork(let child): onNewTask(t, child: child, isClone: false, vfork: false)
        case .vfork(let child): onNewTask(t, child: child, isClone: false, vfork: true)
        case .exec(let former):
            onExec(t, formerTid: former)
        case .exit:
            // The task is on its way out (exit, exit_group, or killed by another thread's execve).
            finishUnreturned(t)
            resume(t)
        case .seccomp:
            // The filter picked this call: its entry stop, then on to its exit stop with PTRACE_SYSCALL.
            if let info = try? ptrace.rawSyscallInfo(t.tid), info.op == UInt8(SC_SYSCALL_INFO_SECCOMP),
               let regs = try? ptrace.rawRegisters(t.tid) {
                let a = info.u.seccomp.args
                t.infoRead = true
                t.entryInfoRead = true
                let reported = syscallEntry(t, info: info, nr: Int64(bitPattern: info.u.seccomp.nr),
                                            args: (a.0, a.1, a.2, a.3, a.4, a.5), regs: regs)
                // A signal passed on from an event stop is dropped: an injected one waits for the exit stop.
                restart(t, .syscall(signal: 0))
                if reported { completeEntry(t, info: info, regs: regs) }
            } else {
                restart(t, .syscall(signal: 0))
            }
        case .stop, .vforkDone:
            // A new task's first stop, a PTRACE_INTERRUPT, or a SIGCONT waking a listened group stop.
            t.startupStop = false
            resume(t)
        }
    }

    /// A clone, fork or vfork made `child`: it is ours (PTRACE_O_TRACE*), its first stop comes by itself.
    func onNewTask(_ t: TracedTask, child: Int32, isClone: Bool, vfork: Bool) {
        if child > 0 {
            let childPid: Int32 = isClone ? (Self.threadGroup(of: child) ?? t.process.pid) : child
            if tasks[child] == nil { addTask(child, process: childPid) }
            let kind: CloneRecord.Kind = vfork ? .vfork : (childPid == t.process.pid ? .thread : .fork)
            if kind != .thread { for e in extensions { e.processForked(parent: t.process.pid, child: childPid) } }
            output.submit(.record(.clone(CloneRecord(pid: t.process.pid, tid: t.tid, child: child, kind: kind, timeNs: sc_monotonic_ns()))))
        }
        resume(t)
    }

    func onExec(_ t0: TracedTask, formerTid former: Int32) {
        var t = t0
        execSeen = true
        if former != t0.tid, former > 0, let execing = tasks[former] {
            // TID takeover: a non-leader thread ran execve and now has the leader's tid. The old leader is gone
            // without a death report; the execing thread's state (its execve in progress) moves to the leader's tid.
            finishUnreturned(t0)
            tasks[former] = nil
            for e in extensions { e.taskGone(pid: t0.process.pid, tid: former, processGone: false) }
            let moved = TracedTask(tid: t0.tid, process: t0.process)
            moved.inSyscall = execing.inSyscall
            moved.entryArch = execing.entryArch
            moved.entry = execing.entry
            moved.entryBytesBeforeIP = execing.entryBytesBeforeIP
            moved.entryObservation = execing.entryObservation
            tasks[t0.tid] = moved
            execing.process.tasks -= 1
            t = moved
        }
        // Every other thread of the group is dead now; their exit reports (if any) find nothing to update.
        let pid = t.process.pid
        for (tid, other) in tasks where tid != t.tid && other.process === t.process {
            finishUnreturned(other)
            removeTask(other)
        }
        // New address space, new fd table (close-on-exec).
        let p = TracedProcess(pid: pid)
        p.tasks = 1
        processes[pid] = p
        t.process = p
        let path = ProcFS.exeBytes(t.tid) ?? []
        output.submit(.record(.exec(ExecRecord(pid: pid, tid: t.tid, formerTid: former != t.tid ? former : nil,
                                   path: TraceeString(bytes: path), timeNs: sc_monotonic_ns()))))
        resume(t)
    }

    func onGone(_ t: TracedTask, code: Int32?, signal: Int32?) {
        finishUnreturned(t)
        removeTask(t)
        output.submit(.record(.exit(ExitRecord(pid: t.process.pid, tid: t.tid, code: code, signal: signal.map(TraceNames.signalName),
                                   timeNs: sc_monotonic_ns()))))
        if t.tid == rootPid, !attachedMode {
            if let c = code { rootStatus = c }
            if let s = signal { rootStatus = 128 + s }
        }
    }

    /// Our own tracees, when the trace cannot go on: SIGKILL now (EXITKILL would only at our exit).
    func killOwnProcesses() {
        for pid in processes.keys { kill(pid, SIGKILL) }
    }

    // MARK: Detaching (-p)

    /// PTRACE_DETACH, delivering `signal`; a task that is not in a stop (or gone) cannot be detached,
    /// and the kernel detaches it when stackcross exits.
    func detach(_ t: TracedTask, signal: Int32) {
        do { try ptrace.detach(t.tid, signal: signal) } catch {
            logger.debug("detach failed", metadata: ["tracee.tid": "\(t.tid)", "error": "\(error)"])
        }
    }

    /// Interrupts every task, waits (at most about a second) for each to stop, and detaches it,
    /// re-injecting a signal it was about to receive. The processes run on as before.
    func detachAll(reason: Int32?) {
        for tid in tasks.keys { try? ptrace.interrupt(tid) }
        let deadline = sc_monotonic_ns() + 1_000_000_000
        waiting: while !tasks.isEmpty {
            let tid: Int32, stop: WaitStop
            switch ptrace.waitAny(blocking: false) {
            case .stop(let r, let s): (tid, stop) = (r, s)
            case .interrupted: continue
            case .noChildren: break waiting
            case .nothing:
                if sc_monotonic_ns() > deadline { break waiting }
                usleep(1000)
                continue
            }
            guard let t = tasks[tid] else { continue }
            var inject: Int32 = 0
            switch stop {
            case .exited(let code):
                onGone(t, code: code, signal: nil)
                continue
            case .killed(let sig):
                onGone(t, code: nil, signal: sig)
                continue
            case .signalDelivery(let sig):
                inject = sig
            default:
                break
            }
            finishUnreturned(t, detached: true)
            detach(t, signal: inject)
            removeTask(t)
            output.submit(.record(.detach(AttachRecord(pid: t.process.pid, tid: t.tid, timeNs: sc_monotonic_ns()))))
        }
        // Anything still listed did not stop in time: detach may fail (ESRCH) but is worth a try.
        for t in Array(tasks.values) {
            finishUnreturned(t, detached: true)
            detach(t, signal: 0)
            removeTask(t)
            output.submit(.record(.detach(AttachRecord(pid: t.process.pid, tid: t.tid, timeNs: sc_monotonic_ns()))))
        }
    }
}
