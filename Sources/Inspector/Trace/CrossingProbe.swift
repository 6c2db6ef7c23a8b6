import CStackCross
import Glibc
import StackCross

/// The live pieces the kernel-stack model needs inside a trace: it enriches each stop's observation
/// (maps, the task's ELF class, /proc/TID/stack with --kernel-stack, the signal frame rt_sigreturn
/// restores), records rt_sigaction and sigaltstack arguments, and single-steps a caught signal into its
/// handler to check the frame the kernel wrote. Runs on the tracer thread, with the task stopped.
public final class CrossingProbe: TraceExtension {
    /// --kernel-stack: read /proc/TID/stack at every stop.
    public let readKernelStack: Bool
    /// Single-step caught signals into their handlers.
    public let stepIntoHandlers: Bool

    struct Action { var handler: UInt64; var flags: UInt64; var restorer: UInt64 }
    /// What a process's tasks share: its maps and ELF class, with where its stops last found rsp and rip.
    final class ProcessState {
        /// The maps as last read (nil: not read, or dropped by an execve).
        var maps: [MemoryMapping]? { didSet { spAt = 0; ipAt = 0 } }
        var elf32: Bool?
        /// Indices in `maps` of the mappings that last held rsp and rip, looked at first.
        private var spAt = 0, ipAt = 0

        /// Whether the maps hold both addresses (`contains(where:)` of each, starting where a loop's stops
        /// last found them: a steady loop's stack and code stay in one mapping each, so no scan).
        func covers(_ sp: Address, _ ip: Address) -> Bool {
            guard let m = maps else { return false }
            return Self.find(sp, in: m, at: &spAt) && Self.find(ip, in: m, at: &ipAt)
        }

        static func find(_ a: Address, in m: [MemoryMapping], at hint: inout Int) -> Bool {
            if hint < m.count, m[hint].contains(a) { return true }
            guard let i = m.firstIndex(where: { $0.contains(a) }) else { return false }
            hint = i
            return true
        }
    }
    /// Per process; the last one looked up is held aside, so the stops of one process's loop hash nothing.
    private var processes = PerIDTable<ProcessState>()
    private var actions: [Int32: [Int32: Action]] = [:]
    private var altstacks: [Int32: (base: Address, size: UInt64)?] = [:]
    private var entryArch: [Int32: UInt32] = [:]
    private var sigreturnWords: [Int32: [UInt64]] = [:]
    private var lastKernelStack: [Int32: [Frame]] = [:]
    /// The counts at each task's entry stop, when read (--kernel-stack).
    private var entrySwitches: [Int32: ContextSwitchCount] = [:]

    /// Needs no model: the tracer thread never waits for the kernel's config (the output thread reads it).
    public init(readKernelStack: Bool, stepIntoHandlers: Bool = true) {
        self.readKernelStack = readKernelStack
        self.stepIntoHandlers = stepIntoHandlers
    }

    // MARK: TraceExtension

    public var observesStops: Bool { true }

    public func observe(_ observation: inout StopObservation, at stop: TaskStop) {
        observe(pid: stop.pid, tid: stop.tid, memory: stop.memory, &observation)
    }

    public func syscallEntered(_ record: inout SyscallRecord, at stop: TaskStop) {
        atSyscallEntry(pid: stop.pid, tid: stop.tid, memory: stop.memory, record: &record)
    }

    public func intoHandler(_ record: inout SignalRecord, delivery: StopObservation, at stop: TaskStop) -> HandlerStep {
        stepIntoHandlers ? intoHandler(pid: stop.pid, tid: stop.tid, ptrace: stop.ptrace, record: &record, delivery: delivery) : .notTaken
    }

    /// A forked child starts with a copy of its parent's address space (shared under vfork and CLONE_VM): its
    /// maps and ELF class are the parent's, so a short-lived child costs no /proc read (#12). Handlers are not
    /// copied (CLONE_CLEAR_SIGHAND resets them); a stop the child already made keeps what it read.
    public func processForked(parent: Int32, child: Int32) {
        guard let p = processes[known: parent], p.maps != nil || p.elf32 != nil else { return }
        let c = process(child)
        if c.maps == nil, let m = p.maps { c.maps = m }
        if c.elf32 == nil, let e = p.elf32 { c.elf32 = e }
    }

    /// Forgets a task that is gone, and its process's state with its last task: a long trace of a
    /// program that makes many threads keeps only what its live tasks need.
    public func taskGone(pid: Int32, tid: Int32, processGone: Bool) {
        altstacks[tid] = nil
        entryArch[tid] = nil
        sigreturnWords[tid] = nil
        lastKernelStack[tid] = nil
        entrySwitches[tid] = nil
        if let fd = stackFDs.removeValue(forKey: tid) { close(fd) }
        if processGone {
            processes.remove(pid)
            actions[pid] = nil
            lastSampledStep[pid] = nil
            shapesStepped = shapesStepped.filter { $0.pid != pid }
            caughtMasks[pid] = nil
        }
    }

    /// Entries held for tasks and processes (tests check that it stays bounded).
    var stateCount: Int {
        altstacks.count + entryArch.count + sigreturnWords.count + lastKernelStack.count + entrySwitches.count
            + stackFDs.count + processes.count + actions.count + shapesStepped.count + lastSampledStep.count
            + caughtMasks.count
    }

    // MARK: observation

    func observe(pid: Int32, tid: Int32, memory: TraceeMemoryReader, _ obs: inout StopObservation) {
        // GET_SYSCALL_INFO's arch at this exit's entry (looked up once: the execve test and the observation use it).
        let arch = obs.kind == .syscallExit ? entryArch[ifAny: tid] : nil
        if obs.kind == .syscallExit, let e = obs.entryRegs, isExecve(e.origRax.signed, arch: arch) {
            // execve resets handlers to default and drops the sigaltstack.
            let p = process(pid)
            p.maps = nil; p.elf32 = nil; actions[pid] = nil; altstacks[tid] = nil
            shapesStepped = shapesStepped.filter { $0.pid != pid }
            caughtMasks[pid] = nil
        }
        let process = process(pid)
        obs.maps = mapsFor(process, tid: tid, covering: obs.regs.rsp, obs.regs.rip)
        obs.is32BitTask = is32(process, tid: tid)
        if readKernelStack {
            let frames = kernelStackText(pid: pid, tid: tid).map(ProcKernelStack.parse) ?? []
            obs.kernelStack = frames
            obs.kernelStackReadAtStop = true
            lastKernelStack[tid] = frames
            if obs.kind == .syscallEntry || obs.kind == .syscallExit {
                obs.contextSwitches = ProcFS.read(ProcFS.taskPath(pid, tid, "status")).flatMap { ContextSwitchCount.parse(status: $0) }
            }
        }
        // These per-task tables are empty at most stops: `ifAny` and `update` then hash nothing.
        if let a = altstacks[ifAny: tid] { obs.sigaltstack = a }
        switch obs.kind {
        case .syscallEntry:
            entryArch.update(tid, obs.syscallInfo?.arch)
            entrySwitches.update(tid, obs.contextSwitches)
        case .syscallExit:
            obs.entryAuditArch = arch
            obs.entryContextSwitches = entrySwitches.removeIfAny(tid)
            obs.sigreturnFrameWords = sigreturnWords.removeIfAny(tid)
        case .signalDelivery where obs.bytesBeforeIP == nil:
            // The tracer fills them from its per-process cache; read here only for a tracer that did not.
            let rip = obs.regs.rip.rawValue
            obs.bytesBeforeIP = memory.readExactly(rip &- 2, count: 2)
        default: break
        }
    }

    /// /proc/PID/task/TID/stack, re-read with pread on a descriptor kept per task (it is a seq_file:
    /// a read at offset 0 walks the stack again), so a stop costs no path lookup.
    private var stackFDs: [Int32: Int32] = [:]
    private var stackBuffer = [UInt8](repeating: 0, count: 16 * 1024)

    func kernelStackText(pid: Int32, tid: Int32, retry: Bool = true) -> String? {
        var fd = stackFDs[tid] ?? -1
        if fd < 0 {
            if stackFDs.count >= 512 { closeStackFDs() }
            fd = open("/proc/\(pid)/task/\(tid)/stack", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            stackFDs[tid] = fd
        }
        let n = stackBuffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else {
            // A descriptor of an exited task whose tid came back: open the new task's file once.
            close(fd)
            stackFDs[tid] = nil
            return retry ? kernelStackText(pid: pid, tid: tid, retry: false) : nil
        }
        return String(decoding: stackBuffer[0..<n], as: UTF8.self)
    }

    func closeStackFDs() {
        for fd in stackFDs.values { close(fd) }
        stackFDs.removeAll()
    }

    deinit { closeStackFDs() }

    /// execve's and execveat's numbers under each ABI (two each: looked through at every exit, no hashing).
    static let execveNumbers: (x86_64: [Int64], i386: [Int64]) = (numbers(.x86_64), numbers(.i386))
    static func numbers(_ abi: SyscallABI) -> [Int64] {
        ["execve", "execveat"].compactMap { SyscallTable.for(abi: abi).number(of: $0).map(Int64.init) }
    }

    func isExecve(_ nr: Int64, arch: UInt32?) -> Bool {
        let abi = arch.flatMap(SyscallABI.init(auditArch:)) ?? .x86_64
        return (abi == .i386 ? Self.execveNumbers.i386 : Self.execveNumbers.x86_64).contains(nr)
    }

    /// /proc/PID/maps, re-read only when the cached copy misses an address the checks need.
    /// The cached maps of `pid` while they cover the stack pointer and ip, else re-read (called at every stop)
    /// through the stopped task's /proc/TID: a zombie leader's /proc/PID/maps is empty.
    func mapsFor(_ p: ProcessState, tid: Int32, covering sp: Address, _ ip: Address) -> [MemoryMapping] {
        if p.covers(sp, ip), let m = p.maps { return m }
        let m = ProcFS.maps(tid)
        mapsReads += 1
        p.maps = m
        return m
    }

    /// The state of process `pid`, made when first asked for.
    func process(_ pid: Int32) -> ProcessState { processes.state(pid) { ProcessState() } }

    /// The ELF class of the process's executable (byte 4: 1 = 32-bit, 2 = 64-bit), through /proc/TID/exe.
    func is32(_ p: ProcessState, tid: Int32) -> Bool? {
        if let v = p.elf32 { return v }
        let fd = open("/proc/\(tid)/exe", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var h = [UInt8](repeating: 0, count: 5)
        guard h.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress, 5) }) == 5, h[0] == 0x7F, h[1] == 0x45 else { return nil }
        let v = h[4] == 1
        p.elf32 = v
        return v
    }

    // MARK: syscall entry records

    func atSyscallEntry(pid: Int32, tid: Int32, memory: TraceeMemoryReader, record rec: inout SyscallRecord) {
        if readKernelStack { rec.kernelStack = lastKernelStack.removeValue(forKey: tid) }
        let i386 = rec.abi == .i386
        // The raw arguments as they are: no per-stop copy for the many calls that are none of these.
        let a = rec.rawArgs
        guard a.count == 6 else { return }
        switch (i386, rec.nr) {
        case (false, 13), (true, 174):  // rt_sigaction(sig, act, oldact, sigsetsize)
            guard a[1].rawValue != 0, let sig = Int32(exactly: a[0].rawValue & 0xFFFF_FFFF) else { return }
            let n = i386 ? 12 : 24
            guard let b = memory.readExactly(a[1].rawValue, count: n) else { return }
            let w = i386 ? stride(from: 0, to: 12, by: 4).map { le(b, $0, 4) } : stride(from: 0, to: 24, by: 8).map { le(b, $0, 8) }
            actions[pid, default: [:]][sig] = Action(handler: w[0], flags: w[1], restorer: w[2])
        case (false, 131), (true, 186):  // sigaltstack(ss, old_ss)
            guard a[0].rawValue != 0 else { return }
            let n = i386 ? 12 : 24
            guard let b = memory.readExactly(a[0].rawValue, count: n) else { return }
            let (sp, flags, size) = i386 ? (le(b, 0, 4), le(b, 4, 4), le(b, 8, 4)) : (le(b, 0, 8), le(b, 8, 4), le(b, 16, 8))
            altstacks[tid] = flags & SigactionFlags.ssDisable != 0 ? .some(nil) : (base: Address(sp), size: size)  // SS_DISABLE
        case (false, 15):  // rt_sigreturn: the ucontext it will restore sits at rsp
            if let r = rec.entryRegs, let b = memory.readExactly(r.rsp.rawValue, count: 40 * 8) {
                sigreturnWords[tid] = stride(from: 0, to: 320, by: 8).map { le(b, $0, 8) }
            }
        default: break
        }
    }

    func le(_ b: [UInt8], _ at: Int, _ n: Int) -> UInt64 { littleEndian(b, at: at, count: n) }

    // MARK: handler entry

    /// SigCgt of /proc/PID/task/TID/status: whether the process has a handler for `signo`.
    func isCaught(pid: Int32, tid: Int32, signo: Int32) -> Bool {
        guard signo > 0 && signo <= 64, signo != SIGKILL, signo != SIGSTOP,
              let mask = ProcFS.status(pid: pid, tid: tid)?.sigCgt else { return false }
        return mask & (UInt64(1) << UInt64(signo - 1)) != 0
    }

    /// What makes one signal frame differ from another: each is stepped into the first time it is seen.
    struct FrameShape: Hashable {
        var pid: Int32
        var signo: Int32
        /// The handler as rt_sigaction set it (0 when the trace did not see that call).
        var handler: UInt64
        /// 0: on the interrupted stack; 1: switching to the sigaltstack; 2: nested on the sigaltstack.
        var stack: UInt8
    }
    private var shapesStepped: Set<FrameShape> = []
    private var lastSampledStep: [Int32: UInt64] = [:]
    /// After a shape's first step, at most one step per process per this interval: a signal's round trip
    /// must stay shorter than a fast timer's period, or the program never leaves its handlers (#12).
    public var stepSampleIntervalNs: UInt64 = 50_000_000
    /// /proc/TID/maps reads (tests check that forked children inherit their parent's).
    private(set) var mapsReads = 0
    /// Steps taken (tests check the bound).
    private(set) var stepsTaken = 0

    func frameShape(pid: Int32, tid: Int32, signo: Int32, interruptedSP: UInt64) -> FrameShape {
        let act = actions[pid]?[signo]
        var stack: UInt8 = 0
        if let act, act.flags & SigactionFlags.onstack != 0, let a = altstacks[tid], let alt = a {
            let onAlt = interruptedSP > alt.base.rawValue && interruptedSP <= alt.base.rawValue &+ alt.size
            stack = onAlt ? 2 : 1
        }
        return FrameShape(pid: pid, signo: signo, handler: act?.handler ?? 0, stack: stack)
    }

    /// Whether to step this delivery: a frame shape not stepped before, or the process's sample is due.
    func shouldStep(_ shape: FrameShape, now: UInt64) -> Bool {
        if !shapesStepped.contains(shape) { return true }
        guard let last = lastSampledStep[shape.pid] else { return true }
        return now &- last >= stepSampleIntervalNs
    }

    /// SigCgt read once per process image (a SIGCHLD per fork would read /proc each time otherwise).
    private var caughtMasks: [Int32: UInt64] = [:]

    /// Whether the signal is caught: from the rt_sigaction calls seen, else SigCgt as first read.
    func caught(pid: Int32, tid: Int32, signo: Int32) -> Bool {
        guard signo > 0 && signo <= 64, signo != SIGKILL, signo != SIGSTOP else { return false }
        if let act = actions[pid]?[signo] { return act.handler > 1 }  // SIG_DFL 0, SIG_IGN 1
        if caughtMasks[pid] == nil { caughtMasks[pid] = ProcFS.status(pid: pid, tid: tid)?.sigCgt }
        guard let mask = caughtMasks[pid] else { return false }
        return mask & (UInt64(1) << UInt64(signo - 1)) != 0
    }

    func intoHandler(pid: Int32, tid: Int32, ptrace: Ptrace, record rec: inout SignalRecord, delivery: StopObservation) -> HandlerStep {
        guard let signo = delivery.signo, caught(pid: pid, tid: tid, signo: signo) else { return .notTaken }
        let shape = frameShape(pid: pid, tid: tid, signo: signo, interruptedSP: delivery.regs.rsp.rawValue)
        let now = sc_monotonic_ns()
        guard shouldStep(shape, now: now) else {
            rec.handlerStepped = false
            return .notTaken
        }
        // SigCgt now is the truth when what we hold may be stale (a call the trace did not see); read only before a step.
        guard isCaught(pid: pid, tid: tid, signo: signo) else { return .notTaken }
        guard (try? ptrace.restart(tid, .step(signal: signo))) != nil else { return .notTaken }
        shapesStepped.insert(shape)
        lastSampledStep[pid] = now
        stepsTaken += 1
        guard let stop = try? ptrace.wait(tid) else { return .stepped(nil) }
        // signal_delivered() reports the finished frame as a SIGTRAP ptrace_notify stop before the handler runs.
        guard stop == .signalDelivery(signal: SIGTRAP), let regs = try? ptrace.registers(tid) else {
            return .otherStop(stop)
        }
        // That notification carries si_code SIGTRAP; a hardware single-step trap (TRAP_TRACE) means no
        // frame was built (another thread reset the handler meanwhile): our own trap, dropped on resume.
        if let si = try? ptrace.siginfo(tid), Int32(truncatingIfNeeded: littleEndian(si, at: 8, count: 4)) != SIGTRAP {
            return .stepped(nil)
        }
        var obs = StopObservation(kind: .handlerEntry, tid: tid, regs: regs, maps: mapsFor(process(pid), tid: tid, covering: regs.rsp, regs.rip),
                                  interruptedRegs: delivery.regs, signo: signo)
        obs.is32BitTask = is32(process(pid), tid: tid)
        obs.signalCode = delivery.signalCode
        if let a = altstacks[tid], let alt = a { obs.sigaltstack = alt }
        if let act = actions[pid]?[signo] {
            obs.saHandler = Address(act.handler); obs.saFlags = act.flags; obs.saRestorer = Address(act.restorer)
        }
        obs.handlerStackWords = frameWords(TraceeMemoryReader(tid: tid, ptrace: ptrace), rsp: regs.rsp.rawValue)
        rec.handlerStepped = true
        return .stepped(obs)
    }

    /// The signal frame and the FPU state above it: up to 2 KiB from rsp, less where the mapping ends.
    func frameWords(_ memory: TraceeMemoryReader, rsp: UInt64) -> [UInt64]? {
        for n in [2048, 1024, 512] {
            if let b = memory.read(rsp, count: n), b.count >= 512 {
                return stride(from: 0, to: b.count & ~7, by: 8).map { le(b, $0, 8) }
            }
        }
        return nil
    }
}

fileprivate extension Dictionary {
    /// `self[key]`, without hashing `key` when the dictionary is empty.
    subscript(ifAny key: Key) -> Value? { isEmpty ? nil : self[key] }

    /// `removeValue(forKey:)`, without hashing `key` when the dictionary is empty.
    mutating func removeIfAny(_ key: Key) -> Value? { isEmpty ? nil : removeValue(forKey: key) }

    /// `self[key] = value`, without hashing `key` when that changes nothing (nil into an empty dictionary).
    mutating func update(_ key: Key, _ value: Value?) {
        if value != nil || !isEmpty { self[key] = value }
    }
}
