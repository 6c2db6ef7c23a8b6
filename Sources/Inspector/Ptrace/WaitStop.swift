import CStackCross
import Glibc

/// A ptrace event stop, with what PTRACE_GETEVENTMSG tells about it decoded in (as pete's
/// `Stop::Clone(pid, new)`): the tracer never reads an event message itself.
public enum PtraceEvent: Equatable, Sendable {
    case fork(child: Int32)
    case vfork(child: Int32)
    case clone(child: Int32)
    /// execve succeeded; `formerTid` is the tid the exec'ing thread had (a non-leader takes the leader's).
    case exec(formerTid: Int32)
    case vforkDone(child: Int32)
    /// The task is about to exit, with its wait status.
    case exit(status: Int32)
    /// A SECCOMP_RET_TRACE filter matched; `data` is the filter's SECCOMP_RET_DATA.
    case seccomp(data: UInt32)
    /// PTRACE_EVENT_STOP: a new auto-attached tracee's first stop, PTRACE_INTERRUPT, or a listened group stop ending.
    case stop

    /// PTRACE_EVENT_* numbers, from the C mirrors (checked against the kernel's in ptrace.c).
    enum Kind: Int32 {
        case fork, vfork, clone, exec, vforkDone, exit, seccomp, stop

        init?(event: Int32) {
            switch event {
            case Int32(SC_EVENT_FORK): self = .fork
            case Int32(SC_EVENT_VFORK): self = .vfork
            case Int32(SC_EVENT_CLONE): self = .clone
            case Int32(SC_EVENT_EXEC): self = .exec
            case Int32(SC_EVENT_VFORK_DONE): self = .vforkDone
            case Int32(SC_EVENT_EXIT): self = .exit
            case Int32(SC_EVENT_SECCOMP): self = .seccomp
            case Int32(SC_EVENT_STOP): self = .stop
            default: return nil
            }
        }

        /// The event of a raw wait status, if it is an event stop.
        init?(status: Int32) {
            guard status & 0xFF == 0x7F, status >> 16 != 0 else { return nil }
            self.init(event: (status >> 16) & 0xFF)
        }

        var hasMessage: Bool { self != .stop }
    }

    init(_ kind: Kind, message m: UInt) {
        switch kind {
        case .fork: self = .fork(child: Int32(truncatingIfNeeded: m))
        case .vfork: self = .vfork(child: Int32(truncatingIfNeeded: m))
        case .clone: self = .clone(child: Int32(truncatingIfNeeded: m))
        case .exec: self = .exec(formerTid: Int32(truncatingIfNeeded: m))
        case .vforkDone: self = .vforkDone(child: Int32(truncatingIfNeeded: m))
        case .exit: self = .exit(status: Int32(truncatingIfNeeded: m))
        case .seccomp: self = .seccomp(data: UInt32(truncatingIfNeeded: m))
        case .stop: self = .stop
        }
    }
}

/// A raw wait status, decoded once (sc_decode_wait_status): everything after switches over this.
public enum WaitStop: Equatable, Sendable {
    case exited(code: Int32)
    case killed(signal: Int32)
    /// A group stop under PTRACE_SEIZE (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU).
    case groupStop(signal: Int32)
    /// A PTRACE_EVENT_* stop; PTRACE_INTERRUPT gives `.stop` with SIGTRAP.
    case event(PtraceEvent, signal: Int32)
    /// An event number this tracer does not know.
    case unknownEvent(Int32, signal: Int32)
    /// A signal is about to be delivered; the tracer decides whether it is.
    case signalDelivery(signal: Int32)
    case syscallStop
    case continued

    /// `eventMessage` is PTRACE_GETEVENTMSG's answer at an event stop (the layer reads it).
    init(raw: Int32, eventMessage: UInt = 0) {
        let s = sc_decode_wait_status(raw)
        switch Int(s.kind) {
        case Int(SC_WAIT_EXITED.rawValue): self = .exited(code: s.value)
        case Int(SC_WAIT_KILLED.rawValue): self = .killed(signal: s.signal)
        case Int(SC_WAIT_SYSCALL_STOP.rawValue): self = .syscallStop
        case Int(SC_WAIT_GROUP_STOP.rawValue): self = .groupStop(signal: s.signal)
        case Int(SC_WAIT_EVENT_STOP.rawValue):
            if let k = PtraceEvent.Kind(event: s.event) {
                self = .event(PtraceEvent(k, message: eventMessage), signal: s.signal)
            } else {
                self = .unknownEvent(s.event, signal: s.signal)
            }
        case Int(SC_WAIT_SIGNAL_STOP.rawValue): self = .signalDelivery(signal: s.signal)
        default: self = .continued
        }
    }

    /// True when the task is gone.
    public var isGone: Bool {
        switch self {
        case .exited, .killed: true
        default: false
        }
    }

    /// The event of an event stop.
    public var ptraceEvent: PtraceEvent? {
        if case .event(let e, _) = self { return e }
        return nil
    }
}
