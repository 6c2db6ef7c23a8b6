import CStackCross
import Glibc
import StackCross

/// What a ptrace or waitpid call can fail with. ESRCH and EPERM are ordinary outcomes.
public enum PtraceError: Error, Equatable, CustomStringConvertible {
    /// ESRCH: the task is gone (or not stopped for a request that needs a stop).
    case noSuchProcess(tid: Int32)
    /// EPERM on attach: no permission to trace it, or already traced.
    case permission(tid: Int32)
    /// Any other errno: a bug of ours or a kernel that refuses the request.
    case failed(request: String, tid: Int32, errno: Int32)

    public var description: String {
        switch self {
        case .noSuchProcess(let tid): "no such process: \(tid)"
        case .permission(let tid): "ptrace \(tid): operation not permitted"
        case .failed(let req, let tid, let e): "\(req) \(tid): \(String(cString: strerror(e)))"
        }
    }

    static func from(_ request: String, tid: Int32, errno e: Int32 = errno) -> PtraceError {
        switch e {
        case ESRCH: .noSuchProcess(tid: tid)
        case EPERM: .permission(tid: tid)
        default: .failed(request: request, tid: tid, errno: e)
        }
    }
}

/// A raw wait status, decoded once (see sc_decode_wait_status).
public enum WaitStop: Equatable, Sendable {
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

/// Typed ptrace requests. Every call must come from the thread that seized the tracee.
public enum Ptrace {
    public static func seize(_ tid: Int32, options: UInt = 0) throws {
        if sc_ptrace_seize(tid, options) != 0 { throw PtraceError.from("PTRACE_SEIZE", tid: tid) }
    }

    public static func interrupt(_ tid: Int32) throws {
        if sc_ptrace_interrupt(tid) != 0 { throw PtraceError.from("PTRACE_INTERRUPT", tid: tid) }
    }

    /// Detaches, delivering `signal` (0: none) as the tracee resumes.
    public static func detach(_ tid: Int32, signal: Int32 = 0) throws {
        if sc_ptrace_detach(tid, signal) != 0 { throw PtraceError.from("PTRACE_DETACH", tid: tid) }
    }

    public static func cont(_ tid: Int32, signal: Int32 = 0) throws {
        if sc_ptrace_cont(tid, signal) != 0 { throw PtraceError.from("PTRACE_CONT", tid: tid) }
    }

    public static func registers(_ tid: Int32) throws -> Registers {
        var r = sc_user_regs()
        if sc_ptrace_getregs(tid, &r) != 0 { throw PtraceError.from("PTRACE_GETREGS", tid: tid) }
        return Registers(r)
    }

    /// PTRACE_GET_SYSCALL_INFO; nil when the stop is not a syscall stop (op none).
    public static func syscallInfo(_ tid: Int32) throws -> SyscallInfo? {
        var i = sc_syscall_info()
        let n = sc_ptrace_get_syscall_info(tid, &i)
        if n < 0 { throw PtraceError.from("PTRACE_GET_SYSCALL_INFO", tid: tid) }
        return SyscallInfo(i)
    }

    /// Blocks until `tid` changes state (waitpid with __WALL).
    public static func wait(_ tid: Int32) throws -> WaitStop {
        var status: Int32 = 0
        let r = sc_waitpid(tid, &status, sc_wall())
        if r < 0 { throw PtraceError.from("waitpid", tid: tid) }
        return WaitStop(raw: status)
    }

    /// Non-blocking waitpid: nil when `tid` has nothing to report yet.
    public static func poll(_ tid: Int32) throws -> WaitStop? {
        var status: Int32 = 0
        let r = sc_waitpid(tid, &status, sc_wall() | sc_wnohang())
        if r < 0 { throw PtraceError.from("waitpid", tid: tid) }
        return r == 0 ? nil : WaitStop(raw: status)
    }
}

extension Registers {
    init(_ r: sc_user_regs) {
        self.init(values: [r.r15, r.r14, r.r13, r.r12, r.rbp, r.rbx, r.r11, r.r10, r.r9, r.r8,
                           r.rax, r.rcx, r.rdx, r.rsi, r.rdi, r.orig_rax, r.rip, r.cs, r.eflags, r.rsp, r.ss,
                           r.fs_base, r.gs_base, r.ds, r.es, r.fs, r.gs])
    }

    /// The 17 registers libdw wants for x86_64, in DWARF order: rax, rdx, rcx, rbx, rsi, rdi,
    /// rbp, rsp, r8-r15, rip.
    var dwarfOrder: [UInt64] {
        [rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15, rip].map(\.rawValue)
    }

    /// The 9 registers libdw wants for i386, in DWARF order: eax, ecx, edx, ebx, esp, ebp, esi, edi, eip.
    var dwarfOrderI386: [UInt64] {
        [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip].map { $0.rawValue & 0xffff_ffff }
    }
}

extension SyscallInfo {
    init?(_ i: sc_syscall_info) {
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

/// Reads tracee memory with process_vm_readv, falling back to PTRACE_PEEKDATA for pages
/// process_vm_readv cannot reach (it honours page protections, PEEKDATA does not).
public enum TraceeMemoryReader {
    /// The page-by-page reader of StoppedTraceeMemory, so both paths fall back to PEEKDATA the same way.
    public static func read(pid: Int32, address: UInt64, count: Int) -> [UInt8]? {
        StoppedTraceeMemory(tid: pid, fds: nil).read(address, count: count)
    }
}
