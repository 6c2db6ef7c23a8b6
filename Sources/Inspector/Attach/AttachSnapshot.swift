import Glibc
import Logging
import StackCross

/// What `stackcross attach` may be asked to do.
public struct AttachOptions: Sendable {
    /// Read /proc/PID/task/TID/stack (root only) before stopping each thread.
    public var kernelStacks = true
    public var maxFrames = 256
    /// Seconds to wait for a thread to report its ptrace stop.
    public var stopTimeout: Double = 3
    public var kernelConfig: KernelConfig = .default
    /// When set, gives the kernel configuration at the model stage (after every thread is detached),
    /// so that reading it can overlap the attach.
    public var kernelConfigLoader: (@Sendable () -> KernelConfig)?
    /// Which modules' DWARF gives file:line and inlined frames.
    public var sourceLines: SourceLines = .inFile
    /// Names a syscall by number and ABI ("syscall_N" for a number the ABI lacks).
    public var syscallName: @Sendable (_ nr: Int64, _ abi: SyscallABI) -> String = { nr, abi in
        SyscallTable.for(abi: abi).displayName(nr)
    }
    public init() {}
}

/// What /proc said about a thread before stackcross stopped it.
struct PreStopView {
    var stat: ProcStat?
    var kernelStack: [Frame]?
    var kernelStackError: String?
    var syscall: String?

    static func read(pid: Int32, tid: Int32, kernel: Bool) -> PreStopView {
        var v = PreStopView()
        // The kernel stack first: it is the one thing that changes the moment the thread is stopped.
        if kernel {
            if let text = ProcFS.kernelStackText(pid: pid, tid: tid) {
                v.kernelStack = ProcKernelStack.parse(text)
            } else {
                v.kernelStackError = "/proc/\(pid)/task/\(tid)/stack unreadable: \(String(cString: strerror(errno))) (root only)"
            }
        }
        v.syscall = ProcFS.syscallText(pid: pid, tid: tid)
        v.stat = ProcFS.stat(pid: pid, tid: tid)
        return v
    }
}

/// What was read from one thread while it was stopped.
struct StoppedCapture {
    var regs: Registers?
    var syscallInfo: SyscallInfo?
    var bytesBeforeIP: [UInt8]?
    /// /proc/PID/task/TID/syscall read while stopped: the kernel's view of the same pt_regs.
    var procSyscallAtStop: String?
    var stack: RawStack?
    var error: String?
}

/// `stackcross attach`: a whole-process snapshot of user and kernel stacks.
public enum SnapshotCapture {
    public static func snapshot(pid requested: Int32, options: AttachOptions = AttachOptions(),
                                logger: Logger = Logger(label: "stackcross.attach")) throws -> Snapshot {
        guard requested > 0 else { throw AttachError.noSuchProcess(requested) }
        guard let status = ProcFS.status(pid: requested) else { throw AttachError.noSuchProcess(requested) }
        // A thread id names its process: snapshot the whole thread group.
        let pid = status.tgid ?? requested
        if pid == getpid() { throw AttachError.ownProcess(pid) }
        let t0 = monotonicSeconds()
        if let st = ProcFS.stat(pid: pid), st.isKernelThread {
            return kernelThreadSnapshot(pid: pid, stat: st, options: options)
        }

        var pre: [Int32: PreStopView] = [:]
        let tids = ProcFS.taskIDs(pid)
        for t in tids { pre[t] = PreStopView.read(pid: pid, tid: t, kernel: options.kernelStacks) }
        let zombies = Set(pre.filter { $0.value.stat?.state == "Z" || $0.value.stat?.state == "X" }.map(\.key))
        if !tids.isEmpty, zombies.count == tids.count {
            throw AttachError.failed("process \(pid) is a zombie: it has exited and waits for its parent to reap it")
        }
        // A zombie leader has no address space left (empty /proc/PID/maps, no exe, no memory): a live
        // thread's /proc/TID and process_vm_readv(TID) still reach the process's.
        let spacePid = zombies.contains(pid) ? (tids.first { !zombies.contains($0) } ?? pid) : pid
        let exe = ProcFS.exe(spacePid) ?? status.name ?? "?"
        let tPre = monotonicSeconds()

        // Modules are reported before anything stops: the threads are held only while walked.
        var space: DwflAddressSpace?
        var spaceError: String?
        do { space = try DwflAddressSpace(pid: spacePid) } catch { spaceError = "\(error)" }
        space?.sourceLines = options.sourceLines
        let t1 = monotonicSeconds()

        var captures: [Int32: StoppedCapture] = [:]
        var maps: [MemoryMapping] = []
        var stopped: [Int32: StoppedThread] = [:]
        var unstopped: [Int32] = []
        let memory = LiveTraceeMemory(pid: spacePid, ptrace: Ptrace())
        var tStopped = 0.0, tCaptured = 0.0
        try SignalDeferral.run {
            try withStoppedProcess(pid: pid, knownTids: tids.filter { !zombies.contains($0) }, skipping: zombies, logger: logger,
                                   stopTimeout: options.stopTimeout,
                                   onNewThread: { t in
                                       if pre[t] == nil { pre[t] = PreStopView.read(pid: pid, tid: t, kernel: options.kernelStacks) }
                                   }) { p in
                tStopped = monotonicSeconds()
                maps = ProcFS.maps(spacePid)
                let exec = maps.filter(\.isExecutable)
                let isExecutable: (UInt64) -> Bool = { pc in exec.isEmpty || exec.contains { $0.contains(Address(pc)) } }
                for t in p.stoppedTids {
                    captures[t] = capture(tid: t, ptrace: p.ptrace, pid: pid, space: space, spaceError: spaceError, memory: memory,
                                          options: options, isExecutable: isExecutable)
                }
                stopped = p.threads
                unstopped = p.unstopped
                tCaptured = monotonicSeconds()
            }
        }
        let t2 = monotonicSeconds()

        let model = KernelStackModel(config: options.kernelConfigLoader?() ?? options.kernelConfig)
        let threads = pre.keys.sorted().compactMap { t in
            threadSnapshot(t, pid: pid, pre: pre[t]!, capture: captures[t], zombie: zombies.contains(t),
                           unstopped: unstopped.contains(t), pendingSignal: stopped[t]?.pendingSignal ?? 0,
                           space: space, maps: maps, model: model, options: options, logger: logger)
        }
        let t3 = monotonicSeconds()
        let ms = { (a: Double, b: Double) in "\(Int((b - a) * 1_000_000))" }
        logger.debug("attach timings", metadata: [
            "proc.us": "\(ms(t0, tPre))", "modules.us": "\(ms(tPre, t1))", "stopping.us": "\(ms(t1, tStopped))",
            "capture.us": "\(ms(tStopped, tCaptured))", "detach.us": "\(ms(tCaptured, t2))",
            "symbolize.us": "\(ms(t2, t3))",
        ])
        return Snapshot(pid: pid, exe: exe, timeNs: realtimeNs(), threads: threads)
    }

    /// One thread of the snapshot: what /proc showed before the stop, what the stop captured, the
    /// crossing the model judges from both. nil for a thread that exited before it could be stopped.
    static func threadSnapshot(_ t: Int32, pid: Int32, pre v: PreStopView, capture: StoppedCapture?, zombie: Bool,
                               unstopped: Bool, pendingSignal: Int32, space: DwflAddressSpace?, maps: [MemoryMapping],
                               model: KernelStackModel, options: AttachOptions, logger: Logger) -> ThreadSnapshot? {
        var ts = ThreadSnapshot(tid: t, name: v.stat?.comm ?? ProcFS.comm(pid: pid, tid: t) ?? "?",
                                state: v.stat.map { String($0.state) } ?? "?",
                                kernelStack: v.kernelStack ?? [], procSyscall: v.syscall)
        if zombie {
            ts.error = "zombie thread: it has exited and has no user state"
            return ts
        }
        if unstopped {
            ts.error = "did not stop within \(options.stopTimeout) s (state \(ts.state))"
            return ts
        }
        // Exited between the /proc read and the stop: dropped quietly.
        guard let c = capture else { return nil }
        ts.registers = c.regs
        if let s = c.stack, let space { ts.userStack = space.symbolize(s) }
        ts.error = c.error ?? v.kernelStackError
        if let regs = c.regs {
            var obs = StopObservation(kind: .snapshot, tid: t, regs: regs, syscallInfo: c.syscallInfo,
                                      bytesBeforeIP: c.bytesBeforeIP, procSyscall: v.syscall,
                                      kernelStack: v.kernelStack, kernelStackReadAtStop: false, maps: maps)
            obs.procSyscallAtStop = c.procSyscallAtStop
            var crossing = model.crossing(for: obs)
            if crossing.syscall == nil {
                crossing.syscall = syscallCall(regs: regs, info: c.syscallInfo, procSyscall: v.syscall, options: options)
            }
            ts.crossing = crossing
        }
        if pendingSignal != 0 {
            logger.debug("signal re-delivered at detach", metadata: ["tracee.tid": "\(t)", "signal": "\(pendingSignal)"])
        }
        return ts
    }

    /// Everything read from one stopped thread; a thread that fails is reported, not fatal.
    static func capture(tid: Int32, ptrace: Ptrace, pid: Int32, space: DwflAddressSpace?, spaceError: String?,
                        memory: LiveTraceeMemory, options: AttachOptions,
                        isExecutable: @escaping (UInt64) -> Bool) -> StoppedCapture {
        var c = StoppedCapture()
        do {
            let regs = try ptrace.registers(tid)
            c.regs = regs
            c.syscallInfo = try? ptrace.syscallInfo(tid)
            if regs.rip.rawValue >= 2 {
                c.bytesBeforeIP = TraceeMemoryReader(tid: tid, ptrace: ptrace).read(regs.rip.rawValue - 2, count: 2)
            }
            c.procSyscallAtStop = ProcFS.syscallText(pid: pid, tid: tid)
            if let space {
                c.stack = space.walk(tid: tid, regs: regs, memory: memory, maxFrames: options.maxFrames,
                                     isExecutable: isExecutable)
            } else {
                c.error = "user stack not unwound: \(spaceError ?? "no modules")"
            }
        } catch {
            c.error = "\(error)"
        }
        return c
    }

    /// The syscall a thread is in: from the registers (orig_rax), else from /proc's view before the stop.
    static func syscallCall(regs: Registers, info: SyscallInfo?, procSyscall: String?, options: AttachOptions) -> SyscallCall? {
        let abi = info?.abi ?? SyscallABI(codeSegment: regs.cs.rawValue)
        if let info, let nr = info.nr, let args = info.args {
            return SyscallCall(abi: abi, nr: nr, name: options.syscallName(nr, abi), args: args)
        }
        let nr = regs.origRax.signed
        if nr >= 0 {
            return SyscallCall(abi: abi, nr: nr, name: options.syscallName(nr, abi), args: regs.syscallArguments(abi))
        }
        if let text = procSyscall, case .inSyscall(let nr, let args, _, _)? = ProcSyscallState.parse(text) {
            return SyscallCall(abi: abi, nr: nr, name: options.syscallName(nr, abi), args: args)
        }
        return nil
    }

    /// A kernel thread has no user side: its snapshot is its kernel stacks.
    static func kernelThreadSnapshot(pid: Int32, stat: ProcStat, options: AttachOptions) -> Snapshot {
        var threads: [ThreadSnapshot] = []
        for t in ProcFS.taskIDs(pid) {
            let v = PreStopView.read(pid: pid, tid: t, kernel: options.kernelStacks)
            threads.append(ThreadSnapshot(tid: t, name: v.stat?.comm ?? stat.comm, state: v.stat.map { String($0.state) } ?? "?",
                                          kernelStack: v.kernelStack ?? [], procSyscall: v.syscall,
                                          error: v.kernelStackError ?? "kernel thread: no user stack, registers or crossing"))
        }
        return Snapshot(pid: pid, exe: "[\(stat.comm)]", timeNs: realtimeNs(), threads: threads)
    }
}
