import Glibc
import Logging
import StackCross

/// Why attaching to a process failed. Each case is an ordinary outcome with a message for the user.
public enum AttachError: Error, CustomStringConvertible, Equatable {
    case noSuchProcess(Int32)
    case ownProcess(Int32)
    /// EPERM from PTRACE_SEIZE, with what /proc tells about the likely cause.
    case permission(Int32, detail: String)
    case failed(String)

    public var description: String {
        switch self {
        case .noSuchProcess(let p): "no such process: \(p)"
        case .ownProcess(let p): "refusing to attach to stackcross itself (pid \(p))"
        case .permission(let p, let d): "cannot attach to \(p): ptrace permission denied (\(d))"
        case .failed(let m): m
        }
    }
}

/// How a thread was when stackcross stopped it.
public struct StoppedThread: Sendable {
    public var tid: Int32
    public var stop: WaitStop
    /// A real signal whose delivery stop came before our interrupt: delivered again at detach.
    public var pendingSignal: Int32
}

/// The threads of one process held in ptrace stops. Made by `withStoppedProcess`, which detaches
/// every thread on every way out.
public final class StoppedProcess {
    public let pid: Int32
    public private(set) var threads: [Int32: StoppedThread] = [:]
    /// Threads seized but not yet reported stopped.
    private var waiting: Set<Int32> = []
    /// Threads that never stopped in time (kept traced until stackcross exits, which detaches them).
    public private(set) var unstopped: [Int32] = []
    private var known: Set<Int32> = []
    /// Runs between PTRACE_SEIZE and PTRACE_INTERRUPT of each thread (tests use it to race a signal).
    var afterSeize: ((Int32) -> Void)?
    /// The ptrace handle of the thread that stops the process: every request goes through it.
    public let ptrace = Ptrace()
    /// PTRACE_INTERRUPT (tests replace it to make it fail).
    lazy var interrupt: (Int32) throws -> Void = { [ptrace] in try ptrace.interrupt($0) }
    let logger: Logger

    init(pid: Int32, logger: Logger) { self.pid = pid; self.logger = logger }

    /// Tids never to seize (zombie threads cannot stop).
    func skip(_ tids: Set<Int32>) { known.formUnion(tids) }

    /// Tids stopped, ascending.
    public var stoppedTids: [Int32] { threads.keys.sorted() }

    /// PTRACE_SEIZE + PTRACE_INTERRUPT each new tid; a tid that has vanished is dropped quietly.
    /// Returns how many tids were new.
    @discardableResult
    func seize(_ tids: [Int32], onNew: (Int32) -> Void) throws -> Int {
        var new = 0
        for t in tids where !known.contains(t) {
            known.insert(t)
            new += 1
            onNew(t)
            do {
                try ptrace.seize(t)
            } catch PtraceError.noSuchProcess {
                continue
            } catch PtraceError.permission {
                // A thread that exited since /proc listed it (a zombie, or autoreaped but not yet unhashed) is gone, not forbidden.
                if ProcFS.hasExited(pid: pid, tid: t) { continue }
                throw AttachError.permission(pid, detail: Self.permissionDetail(pid: pid, tid: t))
            }
            afterSeize?(t)
            do {
                try interrupt(t)
            } catch PtraceError.noSuchProcess {
                continue
            } catch {
                release(t)
                throw error
            }
            waiting.insert(t)
        }
        return new
    }

    /// Waits until every seized thread reports a stop (or exits). Sleeps in sigtimedwait for the
    /// SIGCHLD each tracee stop sends, so it wakes as soon as a thread stops; 1 ms at most per wait
    /// in case the signal goes to another thread of ours.
    func waitForStops(timeout: Double) throws {
        var chld = sigset_t()
        sigemptyset(&chld)
        sigaddset(&chld, SIGCHLD)
        var oldMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &chld, &oldMask)
        defer { pthread_sigmask(SIG_SETMASK, &oldMask, nil) }
        let deadline = monotonicSeconds() + timeout
        while !waiting.isEmpty {
            for t in waiting.sorted() {
                let s: WaitStop?
                do { s = try ptrace.poll(t) } catch {
                    // ECHILD: not our tracee any more (it exited and was reaped).
                    waiting.remove(t)
                    continue
                }
                guard let s else { continue }
                switch s {
                case .exited, .killed:
                    waiting.remove(t)
                case .signalDelivery(let sig):
                    waiting.remove(t)
                    threads[t] = StoppedThread(tid: t, stop: s, pendingSignal: sig)
                case .continued:
                    continue
                default:
                    waiting.remove(t)
                    threads[t] = StoppedThread(tid: t, stop: s, pendingSignal: 0)
                }
            }
            if waiting.isEmpty { break }
            if monotonicSeconds() > deadline {
                logger.warning("threads did not stop in time", metadata: ["tids": "\(waiting.sorted())"])
                unstopped.append(contentsOf: waiting.sorted())
                waiting.removeAll()
                break
            }
            var ts = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            _ = sigtimedwait(&chld, nil, &ts)
        }
    }

    /// Detaches every stopped thread, giving back the signals it was about to receive.
    func detachAll() {
        // An error between seize and waitForStops (EPERM on a later thread) leaves seized threads
        // whose interrupt stop is not collected yet: collect it, or they stay stopped and traced.
        if !waiting.isEmpty { try? waitForStops(timeout: 1) }
        for t in threads.keys.sorted() {
            let sig = threads[t]!.pendingSignal
            do { try ptrace.detach(t, signal: sig) } catch {
                logger.debug("detach failed", metadata: ["tracee.tid": "\(t)", "error": "\(error)"])
            }
        }
        threads.removeAll()
    }

    /// A thread seized but whose PTRACE_INTERRUPT failed: PTRACE_DETACH works only on a stopped tracee,
    /// so detach it now if it already is in a stop, else ask once more for the stop and leave it to
    /// `detachAll`, which collects that stop (or its exit) and detaches it.
    func release(_ t: Int32) {
        if (try? ptrace.detach(t)) != nil { return }
        do { try interrupt(t) } catch PtraceError.noSuchProcess { return } catch {
            logger.warning("thread could not be stopped to detach it", metadata: ["tracee.tid": "\(t)", "error": "\(error)"])
        }
        waiting.insert(t)
    }

    /// A thread that went away while stopped (SIGKILL): nothing to detach.
    func forget(_ tid: Int32) { threads[tid] = nil }

    static func permissionDetail(pid: Int32, tid: Int32) -> String {
        PtraceDenial.explain(denialFacts(pid: pid, tid: tid))
    }

    /// What /proc tells about an EPERM from PTRACE_SEIZE on `tid` of `pid`.
    static func denialFacts(pid: Int32, tid: Int32) -> PtraceDenialFacts {
        var f = PtraceDenialFacts(pid: pid)
        let target = ProcFS.status(pid: pid, tid: tid)
        f.tracerPid = target?.tracerPid ?? 0
        if f.tracerPid != 0 { f.tracerName = ProcFS.comm(pid: f.tracerPid, tid: f.tracerPid) }
        f.yamaScope = ProcFS.read("/proc/sys/kernel/yama/ptrace_scope").flatMap { Int($0.prefix { $0 != "\n" }) }
        let own = ProcFS.status(pid: getpid())
        let ownCaps = own?.fields["CapEff"].flatMap { UInt64($0, radix: 16) } ?? 0
        let ownPermitted = own?.fields["CapPrm"].flatMap { UInt64($0, radix: 16) } ?? 0
        f.hasCapSysPtrace = ownCaps & PtraceDenialFacts.capSysPtrace != 0
        f.uid = getuid()
        f.gid = getgid()
        let ids: (String) -> [UInt32] = { k in (target?.fields[k] ?? "").split(whereSeparator: { $0 == "\t" || $0 == " " }).prefix(3).compactMap { UInt32($0) } }
        f.targetUids = ids("Uid")
        f.targetGids = ids("Gid")
        f.targetExtraCaps = (target?.fields["CapPrm"].flatMap { UInt64($0, radix: 16) } ?? 0) & ~ownPermitted
        f.targetIsAncestor = ancestors(of: getpid()).contains(pid)
        f.targetIsDescendant = ancestors(of: pid).contains(getpid())
        if let ours = ProcFS.readLink("/proc/self/ns/user"), let theirs = ProcFS.readLink("/proc/\(pid)/ns/user") {
            f.sameUserNamespace = ours == theirs
        }
        return f
    }

    /// The parent chain of `pid` up to (not including) pid 0.
    static func ancestors(of pid: Int32) -> [Int32] {
        var out: [Int32] = []
        var p = pid
        while let pp = ProcFS.stat(pid: p)?.ppid, pp > 0, out.count < 4096 {
            out.append(pp)
            p = pp
        }
        return out
    }
}

/// Seizes and interrupts every thread of `pid`, re-reading /proc/PID/task until two passes find no
/// new thread, runs `body` with all of them stopped, and detaches every one on every way out.
/// `onNewThread` runs for each tid before it is stopped (to read its /proc files first).
public func withStoppedProcess<T>(pid: Int32, knownTids: [Int32], skipping: Set<Int32> = [], logger: Logger,
                                  stopTimeout: Double = 3,
                                  onNewThread: (Int32) -> Void, afterSeize: ((Int32) -> Void)? = nil,
                                  interrupt: ((Int32) throws -> Void)? = nil,
                                  _ body: (StoppedProcess) throws -> T) throws -> T {
    let p = StoppedProcess(pid: pid, logger: logger)
    p.skip(skipping)
    p.afterSeize = afterSeize
    if let interrupt { p.interrupt = interrupt }
    defer { p.detachAll() }
    try p.seize(knownTids, onNew: onNewThread)
    try p.waitForStops(timeout: stopTimeout)
    // Threads created while we were stopping the others: catch them until two passes find none.
    var quiet = 0
    while quiet < 2 {
        let now = ProcFS.taskIDs(pid)
        if now.isEmpty { break }
        let new = try p.seize(now, onNew: onNewThread)
        try p.waitForStops(timeout: stopTimeout)
        quiet = new == 0 ? quiet + 1 : 0
    }
    if p.stoppedTids.isEmpty { throw AttachError.noSuchProcess(pid) }
    return try body(p)
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func realtimeNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
