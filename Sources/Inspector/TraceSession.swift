import CStackCross
import Glibc
import Logging
import StackCross

/// A ptrace event stop's kind (PTRACE_EVENT_*).
public enum PtraceEvent: Int32, Sendable, CaseIterable {
    case fork = 1, vfork = 2, clone = 3, exec = 4, vforkDone = 5, exit = 6, seccomp = 7
    /// PTRACE_EVENT_STOP: a new auto-attached tracee's first stop, PTRACE_INTERRUPT, or a listened group stop ending.
    case stop = 128
}

extension WaitStop {
    /// The typed event of an event stop.
    public var ptraceEvent: PtraceEvent? {
        if case .eventStop(let e, _) = self { return PtraceEvent(rawValue: e) }
        return nil
    }
}

/// The syscall ABI of one stop, from PTRACE_GET_SYSCALL_INFO's arch.
/// Where a trace's records go, as they happen. The CLI formats them; the engine never does.
/// Its methods are called on the trace's output thread, one at a time, in stop order.
public protocol TraceSink: AnyObject {
    /// Whether syscall records should carry the model's crossing (the checks cost time per call).
    var wantsCrossings: Bool { get }
    /// Whether the sink shows strace-like text: the engine then also renders return values (fd paths
    /// need the stopped tracee) and siginfo fields for it.
    var wantsText: Bool { get }
    /// A reported syscall has entered (its record has no `ret` yet): for live line output.
    func syscallEntered(_ record: SyscallRecord)
    /// Every reported syscall once, at its exit stop or when its task died inside it (`ret` nil).
    func syscallExited(_ record: SyscallRecord, returnText: String?)
    /// A signal-delivery stop; `siginfoFields` (si_pid…) only when `wantsText`.
    func signal(_ record: SignalRecord, siginfoFields: [(String, String)])
    /// exec, clone, exit, attach and detach records.
    func emit(_ record: TraceRecord)
    /// A task entered a group stop (SIGSTOP, SIGTSTP…); only when `wantsText` (see TraceSink+GroupStop).
    func groupStop(pid: Int32, tid: Int32, signal: String)
    /// The tracer is idle or done: write out what is buffered.
    func flush()
    /// Why the output cannot be written (say "cannot write FILE: No space left on device"), once a
    /// write failed; read on the output thread after each batch: the trace then stops.
    var writeFailure: String? { get }
}

extension TraceSink {
    public var wantsCrossings: Bool { true }
    public var writeFailure: String? { nil }
}

/// What to trace and how.
public struct TraceOptions {
    /// -f: follow threads, forks and vforks (PTRACE_O_TRACECLONE/FORK/VFORK).
    public var followForks = false
    /// -s: longest string or buffer shown.
    public var stringLimit = 32
    /// -e trace=SET: the syscalls reported. With -f a spawned child gets a seccomp filter so that the others never stop it.
    public var filter: SyscallFilter = .all
    /// The model that judges crossings, built when first needed (see TraceModelLoader).
    public var model = TraceModelLoader { KernelStackModel() }
    /// Syscalls that must stop the tracee even when -e does not report them (--stack watches the
    /// ones that change the address space); they reach `TraceHooks.atSyscallExit` only.
    public var alsoStop: SyscallFilter = .none
    /// How often a tracer blocked in waitpid wakes to flush buffered output.
    public var flushIntervalMs: Int32 = 100
    public init() {}
}

/// Hook points for the pieces that extend a trace; they run on the tracer thread with the task stopped.
public struct TraceHooks {
    /// At each reported syscall-entry stop (--stack and --kernel-stack fill the record here).
    public var atSyscallEntry: ((_ pid: Int32, _ tid: Int32, _ record: inout SyscallRecord) -> Void)?
    /// At every syscall-exit stop, reported or not (nr from orig_rax): --stack invalidates its module maps here.
    public var atSyscallExit: ((_ pid: Int32, _ tid: Int32, _ abi: SyscallABI, _ nr: Int64, _ ret: Int64) -> Void)?
    /// At each signal-delivery stop, before the signal is injected (handler-entry checks go here).
    public var atSignalDelivery: ((_ pid: Int32, _ tid: Int32, _ record: inout SignalRecord, _ observation: StopObservation) -> Void)?
    /// Before the model judges any stop: adds what the engine does not read itself (maps, /proc stack, frame words).
    public var observe: ((_ pid: Int32, _ tid: Int32, _ observation: inout StopObservation) -> Void)?
    /// At a signal-delivery stop, last: may deliver the signal itself (single-step into the handler, see CrossingProbe).
    public var intoHandler: ((_ pid: Int32, _ tid: Int32, _ record: inout SignalRecord, _ observation: StopObservation) -> HandlerStep)?
    /// A traced task is gone (exited, killed, ended by an execve, detached); `processGone` with its process's last task.
    public var taskGone: ((_ pid: Int32, _ tid: Int32, _ processGone: Bool) -> Void)?
    public init() {}
}

public enum TraceTarget {
    /// Start PROGRAM (a path; PATH is searched when it has no slash) with argv (argv[0] included).
    case program(String, [String])
    /// The same with the exact bytes of the program and its arguments (a command line need not be UTF-8).
    case rawProgram([UInt8], [[UInt8]])
    /// Attach to running processes (-p).
    case processes([Int32])
}

public struct TraceOutcome: Sendable, Equatable {
    /// The traced program's exit status (128+N when killed by signal N); 0 for -p.
    public var exitStatus: Int32
    /// The signal (SIGINT/SIGTERM/SIGHUP) that made a -p trace detach, if one did.
    public var detachedOn: Int32?
}

public struct TraceError: Error, CustomStringConvertible {
    public var description: String
    init(_ m: String) { description = m }
}

/// One traced task (thread).
final class TracedTask {
    let tid: Int32
    var process: TracedProcess
    /// Between a syscall-entry (or seccomp) stop and its exit stop.
    var inSyscall = false
    /// The record of the syscall in progress when it is reported, boxed once at its entry.
    var entry: ReportedCall?
    /// GET_SYSCALL_INFO's arch at the entry stop of the syscall in progress (its exit is read in that ABI).
    var entryArch: UInt32 = SyscallInfo.auditArchX86_64
    var entryBytesBeforeIP: [UInt8]?
    var exitBytesBeforeIP: [UInt8]?
    /// Observations enriched by `TraceHooks.observe` while the task was stopped, judged after it resumed.
    var entryObservation: StopObservation?
    var exitObservation: StopObservation?
    /// The stop right after our own seize of a stopped child: restart it, never PTRACE_LISTEN.
    var startupStop = false
    /// Whether `inSyscall` is known to say which kind the next syscall stop is: false until a stop read
    /// with GET_SYSCALL_INFO (a task's first stop after an attach can be the exit of a call in progress).
    var syscallStateKnown = false

    init(tid: Int32, process: TracedProcess) {
        self.tid = tid
        self.process = process
    }
}

/// Per address space / fd table (thread group) state.
final class TracedProcess {
    let pid: Int32
    let fds: FdPathCache
    /// The two bytes before each syscall return address seen: `0f 05` SYSCALL or `cd 80` int $0x80.
    var bytesBeforeIP: [UInt64: [UInt8]] = [:]
    var tasks = 0

    init(pid: Int32) {
        self.pid = pid
        self.fds = FdPathCache(pid: pid)
    }
}

/// The tracer: seizes tasks, runs the wait loop on the calling thread (which must stay the only
/// thread that makes ptrace requests for them), turns stops into records for a `TraceSink`.
public final class SyscallTracer {
    let options: TraceOptions
    let sink: TraceSink
    let hooks: TraceHooks
    let logger: Logger

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
    var awaitingStartupSIGCONT = false
    lazy var tracesAll = options.filter.tracesAll
    /// Whether stops are turned into observations (for the model or a hook); else the bytes before rip are not needed.
    lazy var observing = output.judgeCrossings || hooks.observe != nil
    /// SC_DEBUG_STOPS=1 prints every decoded wait status to stderr (a debugging aid).
    let debugStops = getenv("SC_DEBUG_STOPS") != nil

    public init(options: TraceOptions, sink: TraceSink, hooks: TraceHooks = TraceHooks(), logger: Logger = Logger(label: "trace")) {
        self.options = options
        self.sink = sink
        self.hooks = hooks
        self.logger = logger
        self.output = TraceOutputThread(sink: sink, model: options.model)
        self.wantsText = sink.wantsText
    }

    var ptraceOptions: UInt {
        var o = UInt(SC_O_TRACESYSGOOD) | UInt(SC_O_TRACEEXEC)
        if options.followForks {
            o |= UInt(SC_O_TRACECLONE) | UInt(SC_O_TRACEFORK) | UInt(SC_O_TRACEVFORK) | UInt(SC_O_TRACEEXIT)
        }
        if seccompMode { o |= UInt(SC_O_TRACESECCOMP) }
        if !attachedMode { o |= UInt(SC_O_EXITKILL) }
        return o
    }

    /// Traces until every traced task is gone (or, with -p, until SIGINT/SIGTERM/SIGHUP detaches them).
    public func run(_ target: TraceTarget) throws -> TraceOutcome {
        guard sc_install_tracer_signals(options.flushIntervalMs) == 0 else {
            throw TraceError("cannot install signal handlers: \(String(cString: strerror(errno)))")
        }
        output.start()
        defer {
            sc_restore_tracer_signals()
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
            detachedOn = try waitLoop()
        } catch {
            // Never leave a process we attached to stopped or traced; our own child dies by EXITKILL.
            if attachedMode { detachAll(reason: nil) }
            throw error
        }
        if let sig = detachedOn { return TraceOutcome(exitStatus: 0, detachedOn: sig) }
        if attachedMode { return TraceOutcome(exitStatus: 0, detachedOn: nil) }
        if !execSeen, spawnErrorFD >= 0 {
            var stage: Int32 = 0, err: Int32 = 0
            if sc_spawn_read_failure(spawnErrorFD, &stage, &err) == 1 {
                let what = stage == Int32(SC_SPAWN_FAILED_SECCOMP) ? "cannot install the seccomp filter" : "cannot run \(target.programName)"
                throw TraceError("\(what): \(String(cString: strerror(err)))")
            }
        }
        return TraceOutcome(exitStatus: rootStatus ?? 0, detachedOn: nil)
    }

    // MARK: Starting and attaching

    func start(_ program: [UInt8], _ argv: [[UInt8]]) throws {
        let shown = SyscallDecoder.quote(program)
        guard let path = Self.resolve(bytes: program) else {
            throw TraceError("cannot find \(shown): No such file or directory")
        }
        let stopFilter = options.filter.union(options.alsoStop)
        // Without -f a child the program forks is not traced: a SECCOMP_RET_TRACE filter it inherited would
        // fail its filtered calls with ENOSYS. So, as strace drops --seccomp-bpf without -f, the tracer filters.
        seccompMode = options.followForks && SeccompProgram.isNeeded(for: stopFilter)
        var filter = seccompMode
            ? SeccompProgram.make(filter: stopFilter).map { sc_sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
            : []
        // argv and the path go to execv byte for byte (the environment is this process's environ, untouched).
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map(Self.cString) + [nil]
        defer { for p in cArgs { p?.deallocate() } }
        let cPath = Self.cString(path)
        defer { cPath.deallocate() }
        var errFD: Int32 = -1
        let pid = filter.withUnsafeMutableBufferPointer { f in
            sc_spawn_stopped(cPath, &cArgs, f.baseAddress, UInt16(f.count), &errFD)
        }
        guard pid > 0 else { throw TraceError("cannot start \(shown): \(String(cString: strerror(errno)))") }
        spawnErrorFD = errFD
        rootPid = pid
        if sc_ptrace_seize(pid, ptraceOptions) != 0 {
            let e = errno
            kill(pid, SIGKILL)
            var st: Int32 = 0
            _ = sc_waitpid(pid, &st, 0)
            throw TraceError("cannot trace \(shown): PTRACE_SEIZE: \(String(cString: strerror(e)))")
        }
        let t = addTask(pid, process: pid)
        t.startupStop = true
        // Clear the group stop for the process; the seized task reports it as a PTRACE_EVENT_STOP first.
        awaitingStartupSIGCONT = true
        kill(pid, SIGCONT)
        logger.debug("started", metadata: ["tracee.pid": "\(pid)", "path": "\(SyscallDecoder.quote(path))"])
    }

    func attach(_ pids: [Int32]) throws {
        for pid in pids {
            var tids = options.followForks ? ProcFS.taskIDs(pid) : [pid]
            if tids.isEmpty { tids = [pid] }
            var seen = Set<Int32>()
            var seized = 0
            // Threads come and go while we attach: scan /proc again until two passes find none new (as attach does).
            var quietPasses = 0
            while true {
                var fresh = false
                for tid in tids where !seen.contains(tid) {
                    seen.insert(tid)
                    fresh = true
                    switch try seizeForTrace(pid: pid, tid: tid) {
                    case .seized: seized += 1
                    case .gone: continue
                    }
                }
                if !options.followForks { break }
                quietPasses = fresh ? 0 : quietPasses + 1
                if quietPasses >= 2 { break }
                tids = ProcFS.taskIDs(pid)
            }
            if seized == 0 {
                detachAll(reason: nil)
                throw TraceError("cannot attach to \(pid): every thread has exited")
            }
        }
    }

    enum SeizeResult { case seized, gone }

    /// Seizes one listed thread. A thread that exited since /proc listed it is gone, not an error; with -f a
    /// thread created by one already seized is ours by PTRACE_O_TRACECLONE (its first stop comes by itself).
    func seizeForTrace(pid: Int32, tid: Int32) throws -> SeizeResult {
        if tasks[tid] != nil { return .seized }
        if sc_ptrace_seize(tid, ptraceOptions) != 0 {
            let e = errno
            if e == ESRCH && tid != pid { return .gone }  // the leader gone is the process gone: an error
            if e == EPERM && options.followForks {
                // An exited thread whose exit_state is set (a zombie leader, a thread not yet unhashed) gives EPERM.
                if ProcFS.hasExited(pid: pid, tid: tid) { return .gone }
                if ProcFS.status(pid: pid, tid: tid)?.tracerPid == getpid() {
                    addTask(tid, process: pid)
                    return .seized
                }
            }
            detachAll(reason: nil)
            throw TraceError("cannot attach to \(tid): \(String(cString: strerror(e)))")
        }
        _ = addTask(tid, process: pid)
        _ = sc_ptrace_interrupt(tid)
        output.submit(.record(.attach(AttachRecord(pid: pid, tid: tid, timeNs: sc_monotonic_ns()))))
        return .seized
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
        hooks.taskGone?(t.process.pid, t.tid, t.process.tasks <= 0)
    }

    // MARK: The wait loop

    /// Returns the signal that made a -p trace detach, or nil when every task is gone.
    func waitLoop() throws -> Int32? {
        var status: Int32 = 0
        while !tasks.isEmpty {
            // A busy tracee keeps waitpid from ever blocking (and so from returning EINTR): look every time.
            // The output cannot be written: stop as on SIGINT (detach, or kill our own), and say why.
            if let failure = output.failure {
                if attachedMode { detachAll(reason: nil) } else { killOwnProcesses() }
                throw TraceError(failure)
            }
            let sig = sc_tracer_take_stop_signal()
            if sig != 0 {
                if attachedMode {
                    detachAll(reason: sig)
                    return sig
                }
                // Our own child: pass the signal on and trace what it does with it.
                kill(rootPid, sig)
            }
            let tid = sc_waitpid_interruptible(-1, &status, 0)
            if tid < 0 {
                let e = errno
                if e == EINTR {
                    output.flush()
                    continue
                }
                if e == ECHILD { break }
                throw TraceError("waitpid: \(String(cString: strerror(e)))")
            }
            handle(tid: tid, stop: WaitStop(raw: status))
        }
        return nil
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
                if sc_ptrace_listen(tid) != 0 { resume(t) }
            }
        case .eventStop(let event, let sig):
            onEvent(t, PtraceEvent(rawValue: event), signal: sig)
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

    /// Restarts a stopped task. ESRCH here means it died while held: its exit report follows.
    func resume(_ t: TracedTask, signal: Int32 = 0) {
        if seccompMode && !t.inSyscall {
            _ = sc_ptrace_cont(t.tid, signal)
        } else {
            _ = sc_ptrace_syscall(t.tid, signal)
        }
    }

    // MARK: Syscall stops

    /// At a stop only what needs the stopped task happens (ptrace reads, tracee memory, hooks); the
    /// task is resumed before the records are built and written, so that work overlaps its running.
    func onSyscallStop(_ t: TracedTask) {
        var info = sc_syscall_info()
        var regs = sc_user_regs()
        // GET_SYSCALL_INFO is read only when the model's checks hold it against the registers. Otherwise,
        // once the task's syscall state is known, everything it reports follows from the registers (and, for
        // the entry's ABI, the instruction before rip): one ptrace request less per stop.
        var derived = false
        if !observing, t.syscallStateKnown {
            guard sc_ptrace_getregs(t.tid, &regs) == 0 else {
                resume(t)
                return
            }
            if t.inSyscall {
                info = Self.exitInfo(regs: regs, arch: t.entryArch)
                derived = true
            } else if let arch = entryArch(t, regs) {
                info = Self.entryInfo(regs: regs, arch: arch)
                derived = true
            }
        }
        if !derived {
            guard sc_ptrace_get_syscall_info(t.tid, &info) > 0, sc_ptrace_getregs(t.tid, &regs) == 0 else {
                resume(t)
                return
            }
            t.syscallStateKnown = true
        }
        switch Int(info.op) {
        case Int(SC_SYSCALL_INFO_ENTRY):
            let a = info.u.entry.args
            let reported = syscallEntry(t, info: info, nr: Int64(bitPattern: info.u.entry.nr),
                                        args: (a.0, a.1, a.2, a.3, a.4, a.5), regs: regs)
            resume(t)
            if reported { completeEntry(t, info: info, regs: regs) }
        case Int(SC_SYSCALL_INFO_EXIT):
            let done = syscallExit(t, info: info, regs: regs)
            resume(t)
            if let call = done { completeExit(t, call, info: info, regs: regs) }
        default:
            resume(t)
        }
    }

    typealias Args6 = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// What PTRACE_GET_SYSCALL_INFO reports at a syscall-exit stop, from the registers and the entry's arch:
    /// an error (rax in [-4095, -1], from eax sign-extended for i386) as a negative rval, else rax as is.
    static func exitInfo(regs: sc_user_regs, arch: UInt32) -> sc_syscall_info {
        var info = sc_syscall_info()
        info.op = UInt8(SC_SYSCALL_INFO_EXIT)
        info.arch = arch
        info.instruction_pointer = regs.rip
        info.stack_pointer = regs.rsp
        let raw = Int64(bitPattern: regs.rax)
        let err = arch == SyscallInfo.auditArchI386 ? Int64(Int32(truncatingIfNeeded: raw)) : raw
        let isError = err >= -4095 && err <= -1
        info.u.exit.rval = isError ? err : raw
        info.u.exit.is_error = isError ? 1 : 0
        return info
    }

    /// What PTRACE_GET_SYSCALL_INFO reports at a syscall-entry stop, from the registers: the number is
    /// orig_rax and the arguments are the ABI's argument registers, as the kernel reads them.
    static func entryInfo(regs r: sc_user_regs, arch: UInt32) -> sc_syscall_info {
        var info = sc_syscall_info()
        info.op = UInt8(SC_SYSCALL_INFO_ENTRY)
        info.arch = arch
        info.instruction_pointer = r.rip
        info.stack_pointer = r.rsp
        info.u.entry.nr = r.orig_rax
        info.u.entry.args = argumentRegisters(r, i386: arch == SyscallInfo.auditArchI386)
        return info
    }

    /// The registers that carry a syscall's six arguments in each ABI.
    static func argumentRegisters(_ r: sc_user_regs, i386: Bool) -> Args6 {
        i386 ? (r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp) : (r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9)
    }

    /// The ABI of the syscall a task enters, as the kernel decides it: every way in from a 32-bit code
    /// segment is i386; from 64-bit code, `int $0x80` (cd 80 before rip) is i386 and SYSCALL (0f 05) is
    /// x86_64. nil when neither holds (the caller asks GET_SYSCALL_INFO). The bytes are cached per address
    /// space: the cache is new at every exec and emptied after every call that may map other code in.
    func entryArch(_ t: TracedTask, _ regs: sc_user_regs) -> UInt32? {
        switch regs.cs {
        case X86.userCS32: return SyscallInfo.auditArchI386
        case X86.userCS64: break
        default: return nil
        }
        switch SyscallInstruction(bytesBeforeIP: bytesBeforeIP(t, regs.rip)) {
        case .syscall?: return SyscallABI.auditArchX86_64
        case .int80?: return SyscallABI.auditArchI386
        default: return nil
        }
    }

    /// Per-syscall facts, looked up by number on the hot path instead of by name.
    struct SyscallFlags: OptionSet {
        let rawValue: UInt8
        /// Has output arguments (read's buffer): decoded again at the exit stop.
        static let decodeAtExit = SyscallFlags(rawValue: 1)
        /// A successful call may change what an fd refers to.
        static let changesFds = SyscallFlags(rawValue: 2)
        /// A successful call may map other code where code was: the cached bytes before rip go.
        static let remapsCode = SyscallFlags(rawValue: 8)
        /// Selected by -e trace=SET.
        static let traced = SyscallFlags(rawValue: 4)
    }

    lazy var flagTables: (x86_64: [SyscallFlags], i386: [SyscallFlags]) = {
        func table(_ t: SyscallTable, _ abi: SyscallABI) -> [SyscallFlags] {
            (0..<t.limit).map { nr in
                var f: SyscallFlags = []
                if options.filter.contains(abi: abi, nr: Int64(nr)) { f.insert(.traced) }
                if let name = t.name(Int64(nr)) {
                    let argc = SyscallDecoder.argKinds(abi: abi, name: name).count
                    if SyscallLine.entryArgumentCount(abi: abi, nr: Int64(nr), argCount: argc) < argc {
                        f.insert(.decodeAtExit)
                    }
                    let effects = SyscallEffects.of(name)
                    if effects.contains(.changesFdTable) { f.insert(.changesFds) }
                    if effects.contains(.mapsCode) { f.insert(.remapsCode) }
                }
                return f
            }
        }
        return (table(.x86_64, .x86_64), table(.i386, .i386))
    }()

    func flags(_ abi: SyscallABI, _ nr: Int64) -> SyscallFlags {
        let table = abi == .i386 ? flagTables.i386 : flagTables.x86_64
        if nr >= 0, nr < Int64(table.count) { return table[Int(nr)] }
        return options.filter.contains(abi: abi, nr: nr) ? .traced : []
    }

    /// The entry stop, task stopped: returns whether the call is reported.
    func syscallEntry(_ t: TracedTask, info: sc_syscall_info, nr: Int64, args: Args6, regs: sc_user_regs) -> Bool {
        t.inSyscall = true
        t.entryArch = info.arch
        t.entry = nil
        let abi = (SyscallABI(auditArch: info.arch) ?? .x86_64)
        let f = flags(abi, nr)
        if !tracesAll, !f.contains(.traced) { return false }
        let now = sc_monotonic_ns()
        if observing { t.entryBytesBeforeIP = bytesBeforeIP(t, regs.rip) }
        let raw = [Address(args.0), Address(args.1), Address(args.2), Address(args.3), Address(args.4), Address(args.5)]
        var rec = SyscallRecord(pid: t.process.pid, tid: t.tid, abi: abi, nr: nr,
                                name: TraceNames.syscallName(abi: abi, nr: nr), args: [], rawArgs: raw, entryNs: now)
        let d = SyscallDecoder.decode(abi: abi, nr: nr, args: [args.0, args.1, args.2, args.3, args.4, args.5],
                                      memory: memory(t), stringLimit: options.stringLimit, at: .entry,
                                      stackPointer: regs.rsp)
        rec.args = d.args
        if !d.strings.isEmpty { rec.strings = d.strings }
        rec.entryRegs = userRegisters(regs)
        if hooks.observe != nil {
            var obs = entryObservation(t, info: info, regs: rec.entryRegs!)
            hooks.observe?(t.process.pid, t.tid, &obs)
            t.entryObservation = obs
        }
        hooks.atSyscallEntry?(t.process.pid, t.tid, &rec)
        t.entry = ReportedCall(rec)
        return true
    }

    /// The entry stop's observation for the model.
    func entryObservation(_ t: TracedTask, info: sc_syscall_info, regs: Registers) -> StopObservation {
        var si = SyscallInfo(info)
        // A seccomp stop is this call's entry stop (same nr and args); the model judges entries.
        if si?.op == .seccomp { si?.op = .entry }
        return StopObservation(kind: .syscallEntry, tid: t.tid, regs: regs, syscallInfo: si,
                               bytesBeforeIP: t.entryBytesBeforeIP)
    }

    /// After the entry stop, task running: the observation the model will judge, and the live line.
    func completeEntry(_ t: TracedTask, info: sc_syscall_info, regs: sc_user_regs) {
        guard let call = t.entry, let r = call.record.entryRegs else { return }
        if t.entryObservation == nil, output.judgeCrossings { t.entryObservation = entryObservation(t, info: info, regs: r) }
        if wantsText { output.submit(.entered(call.record)) }
    }

    /// The exit stop, task stopped: takes the call's record and reads what the call wrote.
    func syscallExit(_ t: TracedTask, info: sc_syscall_info, regs: sc_user_regs) -> ReportedCall? {
        let wasIn = t.inSyscall
        t.inSyscall = false
        let ret = info.u.exit.rval
        let abi = (SyscallABI(auditArch: info.arch) ?? .x86_64)
        hooks.atSyscallExit?(t.process.pid, t.tid, abi, Int64(bitPattern: regs.orig_rax), ret)
        guard let call = t.entry else {
            if !wasIn { syscallExitWithoutEntry(t, info: info, regs: regs) }
            return nil
        }
        t.entry = nil
        // The record is changed in its box, never copied out.
        call.record.ret = ret
        call.record.exitNs = sc_monotonic_ns()
        let nr = call.record.nr
        let f = flags(abi, nr)
        let mem = memory(t)
        let rawArgs = f.contains(.decodeAtExit) || wantsText ? call.record.rawArgs.map { $0.rawValue } : []
        if f.contains(.decodeAtExit) {
            let d = SyscallDecoder.decode(abi: abi, nr: nr, args: rawArgs, memory: mem,
                                          stringLimit: options.stringLimit, at: .exit(ret),
                                          entry: (call.record.args, call.record.strings ?? [:]))
            call.record.args = d.args
            call.record.strings = d.strings.isEmpty ? nil : d.strings
        }
        if f.contains(.changesFds), ret >= 0 || ret < -4095 { t.process.fds.invalidate() }
        if f.contains(.remapsCode), ret >= 0 || ret < -4095 { t.process.bytesBeforeIP.removeAll(keepingCapacity: true) }
        if observing { t.exitBytesBeforeIP = bytesBeforeIP(t, regs.rip) }
        if hooks.observe != nil {
            var obs = exitObservation(t, call, info: info, regs: userRegisters(regs))
            hooks.observe?(t.process.pid, t.tid, &obs)
            t.exitObservation = obs
        }
        if wantsText {
            call.returnText = SyscallDecoder.decodeReturn(abi: abi, nr: nr, ret: ret, args: rawArgs, memory: mem)
        }
        return call
    }

    func exitObservation(_ t: TracedTask, _ call: ReportedCall, info: sc_syscall_info, regs: Registers) -> StopObservation {
        StopObservation(kind: .syscallExit, tid: t.tid, regs: regs, syscallInfo: SyscallInfo(info),
                        bytesBeforeIP: t.exitBytesBeforeIP, entryRegs: call.record.entryRegs)
    }

    /// After the exit stop, task running: exit registers, and the record goes to the output thread.
    func completeExit(_ t: TracedTask, _ call: ReportedCall, info: sc_syscall_info, regs: sc_user_regs) {
        let r = userRegisters(regs)
        call.record.exitRegs = r
        call.record.error = TraceNames.errnoName(ret: call.record.ret ?? 0)
        // take(): the observations move into the record's box instead of being copied (they are large).
        var exitObs = t.exitObservation.take()
        if exitObs == nil, output.judgeCrossings { exitObs = exitObservation(t, call, info: info, regs: r) }
        call.entry = t.entryObservation.take()
        call.exit = exitObs
        output.submit(.exited(call))
    }

    /// The first stop after attaching can be the exit of a syscall that was already running.
    func syscallExitWithoutEntry(_ t: TracedTask, info: sc_syscall_info, regs: sc_user_regs) {
        let nr = Int64(bitPattern: regs.orig_rax)
        guard nr >= 0 else { return }
        let abi = (SyscallABI(auditArch: info.arch) ?? .x86_64)
        if !tracesAll, !options.filter.contains(abi: abi, nr: nr) { return }
        let now = sc_monotonic_ns()
        let ret = info.u.exit.rval
        let a = Self.argumentRegisters(regs, i386: abi == .i386)
        let mask: UInt64 = abi == .i386 ? 0xFFFF_FFFF : .max
        let raw = [a.0, a.1, a.2, a.3, a.4, a.5].map { Address($0 & mask) }
        let name = TraceNames.syscallName(abi: abi, nr: nr)
        var rec = SyscallRecord(pid: t.process.pid, tid: t.tid, abi: abi, nr: nr, name: name, args: [],
                                rawArgs: raw, ret: ret, error: TraceNames.errnoName(ret: ret),
                                entryNs: now, exitNs: now, exitRegs: userRegisters(regs))
        let mem = memory(t)
        let d = SyscallDecoder.decode(abi: abi, nr: nr, args: raw.map(\.rawValue), memory: mem,
                                      stringLimit: options.stringLimit, at: .exit(ret))
        rec.args = d.args
        if !d.strings.isEmpty { rec.strings = d.strings }
        let text = wantsText
            ? SyscallDecoder.decodeReturn(abi: abi, nr: nr, ret: ret, args: raw.map(\.rawValue), memory: mem) : nil
        output.submit(.exited(ReportedCall(rec, returnText: text)))
    }

    /// A task died (or is about to) inside a syscall: its record goes out without a return value.
    func finishUnreturned(_ t: TracedTask) {
        t.inSyscall = false
        guard let call = t.entry else { return }
        t.entry = nil
        call.entry = t.entryObservation.take()
        output.submit(.exited(call))
    }

    func bytesBeforeIP(_ t: TracedTask, _ rip: UInt64) -> [UInt8]? {
        if let b = t.process.bytesBeforeIP[rip] { return b }
        var two: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &two) { memory(t).readInto($0.baseAddress!, rip &- 2, 2) }
        guard n == 2 else { return nil }
        let b = [two.0, two.1]
        t.process.bytesBeforeIP[rip] = b
        return b
    }

    /// sc_user_regs as `Registers` without an intermediate array.
    func userRegisters(_ r: sc_user_regs) -> Registers {
        withUnsafeBytes(of: r) { Registers(userRegsStruct: $0.baseAddress!) }
    }

    /// The fd-path cache is right only while every change to the fd table stops here: no seccomp
    /// filter hiding close/dup2, and every thread followed (-f). Otherwise read /proc each time, as strace -y does.
    lazy var fdCacheIsComplete: Bool = options.filter.tracesAll && options.followForks

    func memory(_ t: TracedTask) -> StoppedTraceeMemory {
        StoppedTraceeMemory(tid: t.tid, fds: fdCacheIsComplete ? t.process.fds : nil)
    }

    // MARK: Signals

    func onSignalDelivery(_ t: TracedTask, signo: Int32) {
        if signo == SIGCONT, t.tid == rootPid, awaitingStartupSIGCONT {
            // Our own SIGCONT that ended the child's startup stop: not the program's business.
            awaitingStartupSIGCONT = false
            resume(t)
            return
        }
        var siginfo = [UInt8](repeating: 0, count: 128)
        var code: String?
        var fields: [(String, String)] = []
        var siCode: Int32?
        if siginfo.withUnsafeMutableBytes({ sc_ptrace_getsiginfo(t.tid, $0.baseAddress) }) == 0 {
            let decoded = Signals.siginfoFields(siginfo)
            code = Signals.codeName(signo: signo, code: decoded.code)
            siCode = decoded.code
            if wantsText { fields = decoded.fields }
        }
        var rec = SignalRecord(pid: t.process.pid, tid: t.tid, signo: signo, name: TraceNames.signalName(signo),
                               code: code, timeNs: sc_monotonic_ns())
        var regs = sc_user_regs()
        // The model judges the stops on the output thread: a signal's round trip through the tracer must stay
        // short, or a fast timer's next signal is always pending when the handler returns (#12).
        var stops: SignalStops?
        if sc_ptrace_getregs(t.tid, &regs) == 0 {
            var obs = StopObservation(kind: .signalDelivery, tid: t.tid, regs: userRegisters(regs), signo: signo)
            obs.signalCode = siCode
            hooks.observe?(t.process.pid, t.tid, &obs)
            if output.judgeCrossings { stops = SignalStops(delivery: obs) }
            hooks.atSignalDelivery?(t.process.pid, t.tid, &rec, obs)
            switch hooks.intoHandler?(t.process.pid, t.tid, &rec, obs) ?? .notTaken {
            case .notTaken: break
            case .stepped(let handlerEntry):
                // The signal is delivered and the task waits at its handler's first instruction.
                resume(t)
                stops?.handlerEntry = handlerEntry
                output.submit(.signal(rec, siginfoFields: fields, stops: stops))
                return
            case .otherStop(let raw):
                output.submit(.signal(rec, siginfoFields: fields, stops: stops))
                handle(tid: t.tid, stop: WaitStop(raw: raw))
                return
            }
        }
        deliverSignal(t, signo: signo)
        output.submit(.signal(rec, siginfoFields: fields, stops: stops))
    }

    /// Passes the signal on unchanged: the tracee sees exactly what it would have without us.
    func deliverSignal(_ t: TracedTask, signo: Int32) {
        resume(t, signal: signo)
    }

    // MARK: Ptrace events

    func onEvent(_ t: TracedTask, _ event: PtraceEvent?, signal: Int32) {
        switch event {
        case .clone, .fork, .vfork:
            var msg: UInt = 0
            if sc_ptrace_geteventmsg(t.tid, &msg) == 0 {
                let child = Int32(truncatingIfNeeded: msg)
                let childPid: Int32 = event == .clone ? (Self.threadGroup(of: child) ?? t.process.pid) : child
                if tasks[child] == nil { addTask(child, process: childPid) }
                let kind = event == .vfork ? "vfork" : (childPid == t.process.pid ? "thread" : "fork")
                output.submit(.record(.clone(CloneRecord(pid: t.process.pid, tid: t.tid, child: child, kind: kind, timeNs: sc_monotonic_ns()))))
            }
            resume(t)
        case .exec:
            onExec(t)
        case .exit:
            // The task is on its way out (exit, exit_group, or killed by another thread's execve).
            finishUnreturned(t)
            resume(t)
        case .seccomp:
            var info = sc_syscall_info()
            var regs = sc_user_regs()
            if sc_ptrace_get_syscall_info(t.tid, &info) > 0, Int(info.op) == Int(SC_SYSCALL_INFO_SECCOMP),
               sc_ptrace_getregs(t.tid, &regs) == 0 {
                let a = info.u.seccomp.args
                let reported = syscallEntry(t, info: info, nr: Int64(bitPattern: info.u.seccomp.nr),
                                            args: (a.0, a.1, a.2, a.3, a.4, a.5), regs: regs)
                _ = sc_ptrace_syscall(t.tid, 0)  // on to its exit stop
                if reported { completeEntry(t, info: info, regs: regs) }
            } else {
                _ = sc_ptrace_syscall(t.tid, 0)
            }
        case .stop, .vforkDone, nil:
            // A new task's first stop, a PTRACE_INTERRUPT, or a SIGCONT waking a listened group stop.
            t.startupStop = false
            resume(t)
        }
    }

    func onExec(_ t0: TracedTask) {
        var msg: UInt = 0
        _ = sc_ptrace_geteventmsg(t0.tid, &msg)
        let former = Int32(truncatingIfNeeded: msg)
        var t = t0
        execSeen = true
        if former != t0.tid, former > 0, let execing = tasks[former] {
            // TID takeover: a non-leader thread ran execve and now has the leader's tid. The old leader is gone
            // without a death report; the execing thread's state (its execve in progress) moves to the leader's tid.
            finishUnreturned(t0)
            tasks[former] = nil
            hooks.taskGone?(t0.process.pid, former, false)
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

    /// Interrupts every task, waits (at most about a second) for each to stop, and detaches it,
    /// re-injecting a signal it was about to receive. The processes run on as before.
    func detachAll(reason: Int32?) {
        for tid in tasks.keys { _ = sc_ptrace_interrupt(tid) }
        let deadline = sc_monotonic_ns() + 1_000_000_000
        var status: Int32 = 0
        while !tasks.isEmpty {
            let r = sc_waitpid_interruptible(-1, &status, sc_wnohang())
            if r < 0 {
                if errno == EINTR { continue }
                break  // ECHILD: nothing left to wait for
            }
            if r == 0 {
                if sc_monotonic_ns() > deadline { break }
                usleep(1000)
                continue
            }
            guard let t = tasks[r] else { continue }
            var inject: Int32 = 0
            switch WaitStop(raw: status) {
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
            finishUnreturned(t)
            _ = sc_ptrace_detach(t.tid, inject)
            removeTask(t)
            output.submit(.record(.detach(AttachRecord(pid: t.process.pid, tid: t.tid, timeNs: sc_monotonic_ns()))))
        }
        // Anything still listed did not stop in time: detach may fail (ESRCH) but is worth a try.
        for t in Array(tasks.values) {
            _ = sc_ptrace_detach(t.tid, 0)
            removeTask(t)
            output.submit(.record(.detach(AttachRecord(pid: t.process.pid, tid: t.tid, timeNs: sc_monotonic_ns()))))
        }
    }

    // MARK: /proc and PATH

    /// The thread group (process) of a task; /proc/TID works for any thread id.
    static func threadGroup(of tid: Int32) -> Int32? { ProcFS.status(pid: tid)?.tgid }

    /// PROGRAM as execvp would find it: a path with a slash as is, else the first executable in $PATH.
    public static func resolve(_ program: String) -> String? {
        resolve(bytes: Array(program.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `resolve` on bytes: neither PROGRAM nor $PATH need be UTF-8.
    public static func resolve(bytes program: [UInt8]) -> [UInt8]? {
        let slash = UInt8(ascii: "/")
        if program.contains(slash) { return exists(program, F_OK) ? program : nil }
        let path = getenv("PATH").map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? Array("/usr/local/bin:/usr/bin:/bin".utf8)
        for dir in path.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? [UInt8(ascii: ".")] : Array(dir)) + [slash] + program
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A NUL-terminated copy of `bytes`, for C (deallocate it).
    static func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        p[bytes.count] = 0
        return p
    }

    static func exists(_ path: [UInt8], _ mode: Int32) -> Bool {
        (path + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { access($0.baseAddress!, mode) == 0 } }
    }

    static func isExecutableFile(_ path: [UInt8]) -> Bool {
        (path + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { p in
                var st = stat()
                return stat(p.baseAddress!, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(p.baseAddress!, X_OK) == 0
            }
        }
    }
}

extension TraceTarget {
    var programName: String {
        switch self {
        case .program(let p, _): SyscallDecoder.quote(Array(p.utf8))
        case .rawProgram(let p, _): SyscallDecoder.quote(p)
        case .processes(let pids): pids.map(String.init).joined(separator: ",")
        }
    }
}
