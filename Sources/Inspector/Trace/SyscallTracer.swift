import CStackCross
import Glibc
import Logging
import StackCross

/// The tracer: seizes tasks, runs the wait loop on the thread that calls `run` (the tracer thread:
/// every ptrace request goes through its `Ptrace` handle, which checks that), turns stops into records
/// for a `TraceSink`, calling its extensions at each stop in their declared order.
public final class SyscallTracer {
    let options: TraceOptions
    let sink: TraceSink
    let extensions: [TraceExtension]
    let logger: Logger
    /// The tracer thread's handle, made again by `run` on the thread that traces.
    var ptrace = Ptrace()

    var tasks: [Int32: TracedTask] = [:]
    let output: TraceOutputThread
    let wantsText: Bool
    var processes: [Int32: TracedProcess] = [:]
    var rootPid: Int32 = 0
    var rootStatus: Int32?
    var attachedMode = false
    var seccompMode = false
    var spawnErrorFD: Int32 = -1
    var execSeen = false
    /// --syscall-limit: reported calls that returned so far.
    var reportedCalls = 0
    var limitReached: Bool { options.syscallLimit.map { reportedCalls >= $0 } ?? false }
    var awaitingStartupSIGCONT = false
    lazy var tracesAll = options.filter.tracesAll
    /// Whether some extension observes stops (the model's probe).
    lazy var extensionsObserve = extensions.contains { $0.observesStops }
    /// Whether stops are turned into observations (for the model or an extension); else the bytes before rip are not needed.
    lazy var observing = output.judgeCrossings || extensionsObserve
    /// Whether a signal-delivery stop's observation goes anywhere (the model, or any extension's hooks).
    lazy var observesSignals = output.judgeCrossings || !extensions.isEmpty
    /// Every how many calls of a task the model is given GET_SYSCALL_INFO, the kernel's own view of the
    /// stop, besides the registers (`readsInfo`): every call when the trace keeps every check.
    lazy var infoInterval = output.crossingDetail == .all ? 1 : Self.sampledInfoInterval
    static let sampledInfoInterval = 32
    /// Per-syscall flags by number, for the hot path (see `SyscallFlags`).
    /// The x86_64 table, then the i386 one from `i386FlagsStart`: one array read per lookup, fixed at init.
    let flagsByNumber: [SyscallFlags]
    let i386FlagsStart: Int
    /// The fd-path cache is right only while every change to the fd table stops here: no seccomp
    /// filter hiding close/dup2, and every thread followed (-f). Otherwise read /proc each time, as strace -y does.
    lazy var fdCacheIsComplete: Bool = options.filter.tracesAll && options.followForks
    /// SC_DEBUG_STOPS=1 prints every decoded wait status to stderr (a debugging aid).
    let debugStops = getenv("SC_DEBUG_STOPS") != nil

    public init(options: TraceOptions, sink: TraceSink, extensions: [TraceExtension] = [], logger: Logger = Logger(label: "trace")) {
        self.options = options
        self.sink = sink
        self.extensions = extensions
        self.logger = logger
        self.output = TraceOutputThread(sink: sink, model: options.model, inline: Self.outputInline)
        let flags = Self.flagTables(filter: options.filter)
        self.flagsByNumber = flags.x86_64 + flags.i386
        self.i386FlagsStart = flags.x86_64.count
        self.wantsText = sink.wantsText
    }

    var ptraceOptions: PtraceOptions {
        var o: PtraceOptions = [.traceSysGood, .traceExec]
        if options.followForks { o.formUnion([.traceClone, .traceFork, .traceVfork, .traceExit]) }
        if seccompMode { o.insert(.traceSeccomp) }
        if !attachedMode { o.insert(.exitKill) }
        return o
    }

    /// A task as extensions see it at a stop.
    func stop(_ t: TracedTask) -> TaskStop { TaskStop(pid: t.process.pid, tid: t.tid, ptrace: ptrace) }

    /// Traces until every traced task is gone (or, with -p, until SIGINT/SIGTERM/SIGHUP detaches them).
    public func run(_ target: TraceTarget) throws -> TraceOutcome {
        ptrace = Ptrace()
        let signals: SignalDeferral
        do { signals = try SignalDeferral(wakeEveryMs: options.flushIntervalMs) } catch {
            throw TraceError("cannot install signal handlers: \(error)")
        }
        output.start()
        defer {
            // The deferred signal was acted on (detach, or passed to our child): not raised again.
            signals.end(reraise: false)
            if spawnErrorFD >= 0 { close(spawnErrorFD) }
            output.finish()
        }
        switch target {
        case .program(let program, let argv):
            try start(Array(program.utf8), argv.map { Array($0.utf8) })
        case .rawProgram(let program, let argv):
            try start(program, argv)
        case .processes(let pids):
            attachedMode = true
            try attach(pids)
        }
        let detachedOn: Int32?
        do {
            detachedOn = try waitLoop(signals)
        } catch {
            // Never leave a process we attached to stopped or traced; our own child dies by EXITKILL.
            if attachedMode { detachAll(reason: nil) }
            throw error
        }
        if let sig = detachedOn { return TraceOutcome(exitStatus: 0, detachedOn: sig) }
        if limitReached { return TraceOutcome(exitStatus: 0, detachedOn: nil, limitReached: true) }
        if attachedMode { return TraceOutcome(exitStatus: 0, detachedOn: nil) }
        if !execSeen, spawnErrorFD >= 0 {
            var stage: Int32 = 0, err: Int32 = 0
            if sc_spawn_read_failure(spawnErrorFD, &stage, &err) == 1 {
                let what = stage == Int32(SC_SPAWN_FAILED_SECCOMP) ? "cannot install the seccomp filter"
                    : stage == Int32(SC_SPAWN_FAILED_USER) ? "cannot run \(target.programName) as \(options.runAs?.name ?? "")"
                    : "cannot run \(target.programName)"
                throw TraceError("\(what): \(String(cString: strerror(err)))")
            }
        }
        return TraceOutcome(exitStatus: rootStatus ?? 0, detachedOn: nil)
    }

    @discardableResult
    func addTask(_ tid: Int32, process pid: Int32) -> TracedTask {
        if let t = tasks[tid] { return t }
        let p = processes[pid] ?? {
            let p = TracedProcess(pid: pid)
            processes[pid] = p
            return p
        }()
        p.tasks += 1
        let t = TracedTask(tid: tid, process: p)
        tasks[tid] = t
        return t
    }

    func removeTask(_ t: TracedTask) {
        tasks[t.tid] = nil
        t.process.tasks -= 1
        if t.process.tasks <= 0, processes[t.process.pid] === t.process { processes[t.process.pid] = nil }
        for e in extensions { e.taskGone(pid: t.process.pid, tid: t.tid, processGone: t.process.tasks <= 0) }
    }

    // MARK: The wait loop

    /// Returns the signal that made a -p trace detach, or nil when every task is gone.
    func waitLoop(_ signals: SignalDeferral) throws -> Int32? {
        while !tasks.isEmpty {
            // A busy tracee keeps waitpid from ever blocking (and so from returning EINTR): look every time.
            // The output cannot be written: stop as on SIGINT (detach, or kill our own), and say why.
            if let failure = output.failure {
                if attachedMode { detachAll(reason: nil) } else { killOwnProcesses() }
                throw TraceError(failure)
            }
            // --syscall-limit: let every task go, as strace does (the program runs on untraced).
            if limitReached {
                detachAll(reason: nil)
                return nil
            }
            if let sig = signals.take() {
                if attachedMode {
                    detachAll(reason: sig)
                    return sig
                }
                // Our own child: pass the signal on and trace what it does with it.
                kill(rootPid, sig)
            }
            switch nextStop() {
            case .stop(let tid, let stop): handle(tid: tid, stop: stop)
            case .interrupted: output.flush()  // the flush tick, or a signal to look at
            case .nothing: continue
            case .noChildren: return nil
            }
        }
        return nil
    }

    /// How long `nextStop` polls before it blocks: 0 when the tracer has a single CPU to run on.
    /// The output work is done by the tracer thread itself when it may run on one CPU only
    /// (`SC_OUTPUT_THREAD=1` or `=0` overrides, for benchmarks and tests).
    static var outputInline: Bool {
        if let v = getenv("SC_OUTPUT_THREAD") { return String(cString: v) == "0" }
        return sc_allowed_cpus() <= 1
    }
    lazy var pollBeforeBlockingNs: UInt64 = sc_allowed_cpus() > 1 ? Self.pollNs : 0
    static let pollNs: UInt64 = 50_000

    /// The next wait result. With a CPU to spare, the tracer polls (WNOHANG) for up to 50 µs before it
    /// blocks: a tracee usually stops again within microseconds, while a tracer that blocks lets its CPU
    /// go idle, and waking an idle CPU (an IPI; a VM exit under a hypervisor) costs more than the poll, at
    /// every stop. A program whose signal cycle must beat its own timer (#12's timer_fork) is starved by
    /// that latency. On one CPU the poll would only keep the tracee from running, so it blocks at once.
    func nextStop() -> Ptrace.AnyWait {
        if pollBeforeBlockingNs > 0 {
            let until = sc_monotonic_ns() &+ pollBeforeBlockingNs
            repeat {
                let w = ptrace.waitAny(blocking: false)
                if case .nothing = w { continue }
                return w
            } while sc_monotonic_ns() < until
        }
        return ptrace.waitAny(blocking: true)
    }

    func handle(tid: Int32, stop: WaitStop) {
        if debugStops { fputs("stop \(tid) \(stop)\n", stderr) }
        guard let t = tasks[tid] ?? adopt(tid, stop) else { return }
        switch stop {
        case .syscallStop:
            onSyscallStop(t)
        case .signalDelivery(let sig):
            onSignalDelivery(t, signo: sig)
        case .groupStop(let sig):
            if t.startupStop {
                t.startupStop = false
                resume(t)
            } else {
                logger.debug("group stop", metadata: ["tracee.tid": "\(tid)", "signal": "\(sig)"])
                if wantsText { output.submit(.groupStop(pid: t.process.pid, tid: tid, signal: TraceNames.signalName(sig))) }
                // Held in the group stop but still reporting; a task that cannot listen runs on.
                do { try ptrace.restart(tid, .listen) } catch { resume(t) }
            }
        case .event(let event, _):
            onEvent(t, event)
        case .unknownEvent:
            resume(t)
        case .exited(let code):
            onGone(t, code: code, signal: nil)
        case .killed(let sig):
            onGone(t, code: nil, signal: sig)
        case .continued:
            break
        }
    }

    /// A stop from a task we have not seen: a new auto-attached thread or process whose first stop
    /// came before its parent's clone/fork event.
    func adopt(_ tid: Int32, _ stop: WaitStop) -> TracedTask? {
        if stop.isGone { return nil }
        let pid = Self.threadGroup(of: tid) ?? tid
        return addTask(tid, process: pid)
    }

    /// Restarts a stopped task to its next stop of interest: PTRACE_CONT between syscalls when a
    /// seccomp filter picks the stops, else PTRACE_SYSCALL.
    func resume(_ t: TracedTask, signal: Int32 = 0) {
        restart(t, seccompMode && !t.inSyscall ? .cont(signal: signal) : .syscall(signal: signal))
    }

    /// One restart request. ESRCH means the task died while held: its exit report comes through wait.
    func restart(_ t: TracedTask, _ how: Restart) {
        do {
            try ptrace.restart(t.tid, how)
        } catch .noSuchProcess {
            return
        } catch {
            logger.warning("cannot restart a tracee", metadata: ["tracee.tid": "\(t.tid)", "error": "\(error)"])
        }
    }
}
