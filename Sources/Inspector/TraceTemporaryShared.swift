// TEMPORARY: the attach engineer's WaitStop and sc_* conversions (Ptrace.swift), under other names so
// both can be on main at once. When theirs lands, switch TraceSession to WaitStop and delete this file.
import CStackCross
import StackCross

/// A raw wait status, decoded once (see sc_decode_wait_status).
public enum TraceWaitStop: Equatable, Sendable {
    case exited(code: Int32)
    case killed(signal: Int32)
    /// A group stop under PTRACE_SEIZE (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU).
    case groupStop(signal: Int32)
    /// PTRACE_EVENT_* stop; PTRACE_INTERRUPT gives event 128 (PTRACE_EVENT_STOP) with SIGTRAP.
    case eventStop(event: Int32, signal: Int32)
    /// A signal is about to be delivered; the tracer decides whether it is.
    case signalDelivery(signal: Int32)
    case syscallStop
    case continued

    init(raw: Int32) {
        let s = sc_decode_wait_status(raw)
        switch Int(s.kind) {
        case Int(SC_WAIT_EXITED.rawValue): self = .exited(code: s.value)
        case Int(SC_WAIT_KILLED.rawValue): self = .killed(signal: s.signal)
        case Int(SC_WAIT_SYSCALL_STOP.rawValue): self = .syscallStop
        case Int(SC_WAIT_GROUP_STOP.rawValue): self = .groupStop(signal: s.signal)
        case Int(SC_WAIT_EVENT_STOP.rawValue): self = .eventStop(event: s.event, signal: s.signal)
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
}

extension Registers {
    init(userRegs r: sc_user_regs) {
        self.init(values: [r.r15, r.r14, r.r13, r.r12, r.rbp, r.rbx, r.r11, r.r10, r.r9, r.r8,
                           r.rax, r.rcx, r.rdx, r.rsi, r.rdi, r.orig_rax, r.rip, r.cs, r.eflags, r.rsp, r.ss,
                           r.fs_base, r.gs_base, r.ds, r.es, r.fs, r.gs])
    }
}

extension SyscallInfo {
    init?(syscallInfo i: sc_syscall_info) {
        guard let op = Op(rawValue: i.op), op != .none else { return nil }
        let ip = Address(i.instruction_pointer), sp = Address(i.stack_pointer)
        switch op {
        case .entry:
            let a = i.u.entry.args
            self.init(op: op, arch: i.arch, instructionPointer: ip, stackPointer: sp, nr: Int64(bitPattern: i.u.entry.nr),
                      args: [a.0, a.1, a.2, a.3, a.4, a.5].map { Address($0) })
        case .seccomp:
            let a = i.u.seccomp.args
            self.init(op: op, arch: i.arch, instructionPointer: ip, stackPointer: sp, nr: Int64(bitPattern: i.u.seccomp.nr),
                      args: [a.0, a.1, a.2, a.3, a.4, a.5].map { Address($0) })
        case .exit:
            self.init(op: op, arch: i.arch, instructionPointer: ip, stackPointer: sp, rval: i.u.exit.rval,
                      isError: i.u.exit.is_error != 0)
        case .none:
            return nil
        }
    }
}
