import StackCross

/// Where a trace's records go, as they happen. The CLI formats them; the engine never does.
/// Its methods are called on the trace's output thread, one at a time, in stop order.
public protocol TraceSink: AnyObject {
    /// Whether syscall records should carry the model's crossing (the checks cost time per call).
    var wantsCrossings: Bool { get }
    /// How much of each verdict the sink needs: a compact verdict only counts the checks that held.
    var crossingDetail: CrossingDetail { get }
    /// Whether the sink shows strace-like text: the engine then also renders return values (fd paths
    /// need the stopped tracee) and siginfo fields for it.
    var wantsText: Bool { get }
    /// A reported syscall has entered (its record has no `ret` yet): for live line output.
    func syscallEntered(_ record: SyscallRecord)
    /// Every reported syscall once, at its exit stop or when its task died inside it (`ret` nil).
    /// `observed`: the stops the record keeps for the model (nil when crossings are not judged).
    func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?)
    /// A signal-delivery stop; `siginfoFields` (si_pid…) only when `wantsText`.
    /// `observed`: the signal's stops for the model (nil when crossings are not judged).
    func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)])
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
    public var crossingDetail: CrossingDetail { .all }
    public var writeFailure: String? { nil }
}

/// What to trace and how.
public struct TraceOptions {
    /// -f: follow threads, forks and vforks (PTRACE_O_TRACECLONE/FORK/VFORK).
    public var followForks = false
    /// -s: longest string or buffer shown.
    public var stringLimit = 32
    /// -yy: fd paths of sockets as their endpoints (strace's `TCP:[a:p->b:q]`).
    public var socketEndpoints = false
    /// -yy / --decode-fds=dev: device fds as `/dev/null<char 1:3>`.
    public var deviceNumbers = false
    /// -v: execve's arrays and stat structs unabbreviated.
    public var verbose = false
    /// -X: how constants inside decoded structs show (sockaddr fields…).
    public var constants: StraceLineStyles.Constants = .abbrev
    /// -e trace=SET: the syscalls reported. With -f a spawned child gets a seccomp filter so that the others never stop it.
    public var filter: SyscallFilter = .all
    /// The model that judges crossings, built when first needed (see TraceModelLoader).
    public var model = TraceModelLoader { KernelStackModel() }
    /// Syscalls that must stop the tracee even when -e does not report them (--stack watches the
    /// ones that change the address space); they reach `TraceExtension.syscallExited` only.
    public var alsoStop: SyscallFilter = .none
    /// -e inject=/fault=: tampering rules, the last matching one wins (applied to traced calls only, as strace does).
    public var injections: [SyscallInjection] = []
    /// -e read=FD / -e write=FD: the fds whose read / write buffers are copied whole into the record (`dump`).
    public var dumpReads: Set<Int32> = []
    public var dumpWrites: Set<Int32> = []
    /// -E: the program's whole environment as exact bytes (`NAME=VALUE` each); nil: this process's environ.
    public var environment: [[UInt8]]?
    /// -u USER: run the program as this user (uid, gid, name for initgroups).
    public var runAs: (uid: UInt32, gid: UInt32, name: String)?
    /// -b execve: detach from a task at its execve (not the program's first, as strace); no seccomp filter then.
    public var detachOnExecve = false
    /// --syscall-limit=N: after N reported calls returned, detach from every task and let them run
    /// (no seccomp filter then: a process must never keep SECCOMP_RET_TRACE without a tracer).
    public var syscallLimit: Int?
    /// How often a tracer blocked in waitpid wakes to flush buffered output.
    public var flushIntervalMs: Int32 = 100
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
    /// --syscall-limit was reached: every task was detached and runs on.
    public var limitReached = false
}

public struct TraceError: Error, CustomStringConvertible {
    public var description: String
    init(_ m: String) { description = m }
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
