import CStackCross
import Dispatch
import Glibc
import Logging
import StackCross

/// `stackcross profile`: what to sample and how.
public struct ProfileOptions: Sendable {
    public var hz = 49
    /// Seconds; nil: until SIGINT/SIGTERM or the process ends.
    public var duration: Double?
    /// Only these threads (nil: all, present and future).
    public var threads: Set<Int32>?
    public var kernelStacks = true
    public var stackBytes = 32 * 1024
    public var maxFrames = 256
    public var sourceLines: SourceLines = .inFile
    /// Samples waiting for the unwinder at most (a copy each); past that new samples are dropped.
    public var maxBacklog = 2048
    /// Seconds to wait for one thread's PTRACE_INTERRUPT stop.
    public var stopTimeout = 0.05
    public init() {}
}

/// What ended a profile and what it cost the target, for the CLI.
public struct ProfileResult: Sendable {
    public var summary: ProfileSummary
    /// The signal that ended it (to re-raise), if any.
    public var signal: Int32?
    public var writeFailure: String?
}

/// Samples every thread of a process: seizes each once, reads /proc for blocked threads and copies
/// their stack top without stopping them, stops only threads running in user mode (briefly, by
/// PTRACE_INTERRUPT), and unwinds every copy on a worker thread. Runs on the calling thread, which
/// becomes the tracer thread; every way out detaches every thread.
public final class ProfileSampler {
    let pid: Int32
    let options: ProfileOptions
    let logger: Logger
    let ptrace = Ptrace()
    let worker: ProfileWorker

    /// How a seized thread is held.
    enum Hold { case free, listening, interruptPending }
    private var held: [Int32: Hold] = [:]
    private var seen: Set<Int32> = []
    private var stopsByState: [String: Int] = [:]
    private var stopsByTid: [Int32: Int] = [:]
    private var droppedMoved = 0
    private var detachStops = 0
    private var ticks = 0
    private var maps: ModuleMapSnapshot?
    private var mapsReadNs: UInt64 = 0
    private var generation = 0

    /// `write` receives finished JSON lines (on the worker thread) and throws a message on failure.
    public init(pid: Int32, options: ProfileOptions, logger: Logger, write: @escaping ([UInt8]) -> String?) {
        self.pid = pid
        self.options = options
        self.logger = logger
        worker = ProfileWorker(pid: pid, options: options, write: write)
    }

    /// Samples until the duration ends, a deferred signal arrives, the process is gone or output fails.
    public func run(header: ProfileHeader, exe: String) throws -> ProfileResult {
        guard pid > 0, ProcFS.exists(pid) else { throw AttachError.noSuchProcess(pid) }
        if pid == getpid() { throw AttachError.ownProcess(pid) }
        let deferral = try SignalDeferral()
        var caught: Int32?
        defer { deferral.end(reraise: false) }
        // SIGCHLD is waited for with sigtimedwait while a thread is asked to stop.
        var chld = sigset_t(); sigemptyset(&chld); sigaddset(&chld, SIGCHLD)
        var oldMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &chld, &oldMask)
        defer { pthread_sigmask(SIG_SETMASK, &oldMask, nil) }

        let t0 = monoNs()
        worker.submit(.records([header as Encodable, ProfileStart(pid: pid, exe: exe, hz: options.hz)]))
        var ended = "duration"
        do {
            defer { detachAll() }
            try seizeNew()
            if held.isEmpty { throw AttachError.noSuchProcess(pid) }
            let period = UInt64(1_000_000_000 / max(1, options.hz))
            let end = options.duration.map { t0 + UInt64($0 * 1e9) }
            var next = t0
            loop: while true {
                drainStops()
                if let s = deferral.take() { caught = s; ended = "signal"; break }
                if worker.failure != nil { ended = "error"; break }
                if held.isEmpty || !ProcFS.exists(pid) { ended = "exited"; break }
                tick()
                next += period
                let now = monoNs()
                if let end, now >= end || next >= end { ended = "duration"; break loop }
                if next > now { sleepNs(next - now) } else { next = now }
                if let end, monoNs() >= end { break }
            }
        }
        let stats = worker.finish()
        var byTid: [String: Int] = [:]
        for (t, n) in stopsByTid { byTid[String(t)] = n }
        let summary = ProfileSummary(durationNs: monoNs() - t0, ticks: ticks, samples: stats.samples,
                                     droppedMoved: droppedMoved, droppedBacklog: stats.droppedBacklog,
                                     stopsByState: stopsByState, stopsByTid: byTid, detachStops: detachStops, ended: ended)
        worker.writeNow(summary)
        return ProfileResult(summary: summary, signal: caught, writeFailure: worker.failure)
    }

    // MARK: Threads

    /// Seizes the threads /proc lists that are new (and wanted).
    private func seizeNew() throws {
        for t in ProcFS.taskIDs(pid) where !seen.contains(t) {
            if let only = options.threads, !only.contains(t) { continue }
            seen.insert(t)
            do {
                try ptrace.seize(t)
                held[t] = .free
            } catch PtraceError.noSuchProcess {
                continue
            } catch PtraceError.permission {
                if ProcFS.hasExited(pid: pid, tid: t) { continue }
                throw AttachError.permission(pid, detail: StoppedProcess.permissionDetail(pid: pid, tid: t))
            }
        }
    }

    /// Collects whatever stops the threads reported on their own (signals, group stops, exits).
    private func drainStops() {
        while case .stop(let tid, let s) = ptrace.waitAny(blocking: false) { handle(tid, s) }
    }

    /// One reported stop outside a sample: signals go on to the thread, a group stop stays a stop.
    private func handle(_ tid: Int32, _ s: WaitStop) {
        guard held[tid] != nil else { return }
        switch s {
        case .exited, .killed:
            held[tid] = nil
        case .signalDelivery(let sig):
            try? ptrace.restart(tid, .cont(signal: sig))
        case .groupStop:
            // A stopped process stays stopped: LISTEN keeps it in the group stop, still traced.
            if (try? ptrace.restart(tid, .listen)) != nil { held[tid] = .listening }
        case .event(.stop, _):
            // Our late interrupt, or a listened group stop ending (SIGCONT): let it run.
            if (try? ptrace.restart(tid, .cont(signal: 0))) != nil { held[tid] = .free }
        case .continued:
            break
        default:
            try? ptrace.restart(tid, .cont(signal: 0))
        }
    }

    /// How waiting for one thread's interrupt stop ended.
    enum Awaited { case stopped, groupStopped(Int32), signal(Int32), gone, timedOut }

    /// Waits for the stop PTRACE_INTERRUPT asked of `tid`, passing signals on meanwhile unless `keepSignal`.
    private func awaitStop(_ tid: Int32, timeout: Double, keepSignal: Bool = false) -> Awaited {
        let deadline = monoNs() + UInt64(timeout * 1e9)
        var chld = sigset_t(); sigemptyset(&chld); sigaddset(&chld, SIGCHLD)
        while true {
            let s: WaitStop?
            do { s = try ptrace.poll(tid) } catch { return .gone }
            if let s {
                switch s {
                case .exited, .killed: return .gone
                case .event(.stop, _): return .stopped
                case .groupStop(let sig): return .groupStopped(sig)
                case .signalDelivery(let sig):
                    if keepSignal { return .signal(sig) }
                    try? ptrace.restart(tid, .cont(signal: sig))
                case .continued: break
                default: try? ptrace.restart(tid, .cont(signal: 0))
                }
                continue
            }
            if monoNs() >= deadline { return .timedOut }
            var ts = timespec(tv_sec: 0, tv_nsec: 200_000)
            _ = sigtimedwait(&chld, nil, &ts)
        }
    }

    /// Every thread let go: each is stopped once more (PTRACE_DETACH needs a stop) and detached with
    /// any signal it was about to get. A thread in a group stop stays stopped after the detach.
    private func detachAll() {
        for tid in held.keys.sorted() {
            do { try ptrace.interrupt(tid) } catch { held[tid] = nil; continue }
            detachStops += 1
            switch awaitStop(tid, timeout: 1, keepSignal: true) {
            case .stopped, .groupStopped: try? ptrace.detach(tid)
            case .signal(let sig): try? ptrace.detach(tid, signal: sig)
            case .gone: break
            case .timedOut:
                logger.warning("thread did not stop to be detached; it is detached when stackcross exits", metadata: ["tracee.tid": "\(tid)"])
            }
            held[tid] = nil
        }
    }

    // MARK: Sampling

    private func tick() {
        ticks += 1
        try? seizeNew()
        let now = monoNs()
        if maps == nil || now - mapsReadNs > 1_000_000_000 { refreshMaps(now) }
        for tid in held.keys.sorted() { sample(tid) }
    }

    private func refreshMaps(_ now: UInt64) {
        mapsReadNs = now
        guard let text = ProcFS.readBytes("/proc/\(pid)/maps"), !text.isEmpty else { return }
        let mappings = MemoryMapping.parse(String(decoding: text, as: UTF8.self))
        let same = maps.map { $0.executable == mappings.filter(\.isExecutable) } ?? false
        if !same { generation += 1 }
        maps = ModuleMapSnapshot(pid: pid, generation: generation, text: text, mappings: mappings)
        if let v = mappings.first(where: { $0.path == "[vdso]" }) { VdsoImages.shared.capture(pid: pid, tid: pid, mapping: v) }
    }

    /// One sample of one thread.
    private func sample(_ tid: Int32) {
        guard let hold = held[tid], hold != .interruptPending else { return }
        guard let stat = ProcFS.stat(pid: pid, tid: tid) else { return }
        let state = stat.state
        if state == "Z" || state == "X" { return }
        let timeNs = monoNs()
        let kernelText = options.kernelStacks && state != "R" ? ProcFS.kernelStackText(pid: pid, tid: tid) : nil
        guard let first = ProcFS.syscallText(pid: pid, tid: tid), let sys = ProcSyscallState.parse(first) else { return }
        var base = ProfileWorker.Sample(tid: tid, timeNs: timeNs, state: String(state), name: stat.comm)
        base.kernel = kernelText.map(ProcKernelStack.parse) ?? []
        switch sys {
        case .running:
            // On a CPU: stop it briefly for its registers and stack top, let it go, unwind later.
            sampleRunning(tid, base)
        case .inSyscall(let nr, _, let sp, let pc):
            base.syscall = SyscallTable.for(abi: .x86_64).displayName(nr)
            sampleBlocked(tid, base, sp: sp, pc: pc, before: first)
        case .notInSyscall(let sp, let pc):
            sampleBlocked(tid, base, sp: sp, pc: pc, before: first)
        }
    }

    /// A thread off the CPU is not stopped: its stack top is copied from /proc's sp and pc, and the
    /// sample is kept only if /proc shows the same place afterwards.
    private func sampleBlocked(_ tid: Int32, _ s: ProfileWorker.Sample, sp: Address, pc: Address, before: String) {
        var regs = Registers(values: Array(repeating: 0, count: 27))
        regs.rsp = sp
        regs.rip = pc
        let job = copyStack(tid, regs: regs)
        guard ProcFS.syscallText(pid: pid, tid: tid) == before else {
            job?.buffer.deallocate()
            droppedMoved += 1
            return
        }
        var s = s
        s.stack = job
        worker.submit(.sample(s))
    }

    private func sampleRunning(_ tid: Int32, _ s: ProfileWorker.Sample) {
        do { try ptrace.interrupt(tid) } catch { return }
        stopsByState[s.state, default: 0] += 1
        stopsByTid[tid, default: 0] += 1
        switch awaitStop(tid, timeout: options.stopTimeout) {
        case .stopped:
            var s = s
            if let regs = try? ptrace.registers(tid) {
                s.stack = copyStack(tid, regs: regs)
            }
            // Let it go before anything else: the unwinding happens on the worker.
            try? ptrace.restart(tid, .cont(signal: 0))
            if s.stack != nil { worker.submit(.sample(s)) }
        case .groupStopped:
            if (try? ptrace.restart(tid, .listen)) != nil { held[tid] = .listening }
        case .signal: break
        case .gone: held[tid] = nil
        case .timedOut: held[tid] = .interruptPending
        }
    }

    /// Copies the stack top from `regs.rsp` up (within its mapping) into a buffer the worker frees.
    private func copyStack(_ tid: Int32, regs: Registers) -> StackJob? {
        var m = maps?.mapping(containing: regs.rsp.rawValue)
        if m == nil { refreshMaps(monoNs()); m = maps?.mapping(containing: regs.rsp.rawValue) }
        guard let maps else { return nil }
        let rsp = regs.rsp.rawValue
        let want = m.map { Int(min(UInt64(options.stackBytes), $0.end.rawValue - rsp)) } ?? 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(want, 8), alignment: 16)
        var count = 0
        var note: String?
        if want > 0 {
            let n = TraceeMemoryReader(tid: tid).copy(into: buffer, rsp, count: want)
            if n > 0 { count = n } else { note = "cannot read the stack at \(regs.rsp): \(String(cString: strerror(errno)))" }
        } else {
            note = "the stack pointer \(regs.rsp) is in no mapping"
        }
        return StackJob(tid: tid, maps: maps, regs: regs, buffer: buffer, count: count, limit: options.stackBytes, copyNote: note)
    }
}

func monoNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Sleeps `ns`; a deferred signal cuts it short (EINTR), which the loop then sees.
func sleepNs(_ ns: UInt64) {
    var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    _ = nanosleep(&ts, nil)
}
