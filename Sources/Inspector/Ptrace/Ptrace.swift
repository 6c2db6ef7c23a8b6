import CStackCross
import Glibc
import StackCross

/// What a ptrace or waitpid request failed with, as a value. ESRCH (the tracee is gone, or not
/// stopped) and EPERM are ordinary outcomes a caller decides about; anything else is reported.
public enum PtraceError: Error, Equatable, CustomStringConvertible {
    /// ESRCH: the task is gone (or not in a stop the request needs).
    case noSuchProcess(tid: Int32)
    /// EPERM on attach: no permission to trace it, or already traced.
    case permission(tid: Int32)
    /// Any other errno: a bug of ours or a kernel that refuses the request.
    case failed(request: String, tid: Int32, errno: Int32)

    /// The errno text alone ("No such process"), for a message that names the task itself.
    public var reason: String {
        switch self {
        case .noSuchProcess: String(cString: strerror(ESRCH))
        case .permission: String(cString: strerror(EPERM))
        case .failed(_, _, let e): String(cString: strerror(e))
        }
    }

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

/// PTRACE_O_* as a typed set (the C mirrors are tied to the kernel's values in ptrace.c).
public struct PtraceOptions: OptionSet, Sendable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }
    public static let traceSysGood = PtraceOptions(rawValue: UInt(SC_O_TRACESYSGOOD))
    public static let traceFork = PtraceOptions(rawValue: UInt(SC_O_TRACEFORK))
    public static let traceVfork = PtraceOptions(rawValue: UInt(SC_O_TRACEVFORK))
    public static let traceClone = PtraceOptions(rawValue: UInt(SC_O_TRACECLONE))
    public static let traceExec = PtraceOptions(rawValue: UInt(SC_O_TRACEEXEC))
    public static let traceExit = PtraceOptions(rawValue: UInt(SC_O_TRACEEXIT))
    public static let traceSeccomp = PtraceOptions(rawValue: UInt(SC_O_TRACESECCOMP))
    public static let exitKill = PtraceOptions(rawValue: UInt(SC_O_EXITKILL))
}

/// How a stopped tracee is let go: to its next syscall stop, freely, one instruction, or (group
/// stop under SEIZE) left stopped but still reporting.
public enum Restart: Equatable, Sendable {
    case syscall(signal: Int32)
    case cont(signal: Int32)
    case step(signal: Int32)
    case listen
}

/// The one door to ptrace and waitpid. A tracee answers only the thread that attached it, so a
/// `Ptrace` belongs to the thread that made it, and every request checks that (in debug builds),
/// as delve routes every request to one locked OS thread. Only this folder calls `sc_ptrace_*`
/// and `sc_waitpid*`.
public struct Ptrace: Sendable {
    /// The tracer thread: the one that made this handle.
    public let thread: pid_t

    public init() { thread = sc_gettid() }

    /// Whether the calling thread may make requests through this handle.
    public var isOnTracerThread: Bool { sc_gettid() == thread }

    @inline(__always)
    func checkThread() {
        assert(isOnTracerThread, "ptrace request from thread \(sc_gettid()), but the tracer thread is \(thread)")
    }

    @inline(__always)
    func check(_ result: Int, _ request: @autoclosure () -> String, _ tid: Int32) throws(PtraceError) {
        if result < 0 { throw PtraceError.from(request(), tid: tid) }
    }

    public func seize(_ tid: Int32, options: PtraceOptions = []) throws(PtraceError) {
        checkThread()
        try check(sc_ptrace_seize(tid, options.rawValue), "PTRACE_SEIZE", tid)
    }

    public func interrupt(_ tid: Int32) throws(PtraceError) {
        checkThread()
        try check(sc_ptrace_interrupt(tid), "PTRACE_INTERRUPT", tid)
    }

    /// Detaches, delivering `signal` (0: none) as the tracee resumes.
    public func detach(_ tid: Int32, signal: Int32 = 0) throws(PtraceError) {
        checkThread()
        try check(sc_ptrace_detach(tid, signal), "PTRACE_DETACH", tid)
    }

    public func restart(_ tid: Int32, _ how: Restart) throws(PtraceError) {
        checkThread()
        switch how {
        case .syscall(let s): try check(sc_ptrace_syscall(tid, s), "PTRACE_SYSCALL", tid)
        case .cont(let s): try check(sc_ptrace_cont(tid, s), "PTRACE_CONT", tid)
        case .step(let s): try check(sc_ptrace_singlestep(tid, s), "PTRACE_SINGLESTEP", tid)
        case .listen: try check(sc_ptrace_listen(tid), "PTRACE_LISTEN", tid)
        }
    }

    /// PTRACE_GETREGS as the C struct, for the tracer's hot path (no array, no copy per field).
    func rawRegisters(_ tid: Int32) throws(PtraceError) -> sc_user_regs {
        checkThread()
        var r = sc_user_regs()
        try check(sc_ptrace_getregs(tid, &r), "PTRACE_GETREGS", tid)
        return r
    }

    /// PTRACE_SETREGS (fault injection: orig_rax at the entry stop, rax at the exit stop).
    func setRawRegisters(_ tid: Int32, _ r: sc_user_regs) throws(PtraceError) {
        checkThread()
        var r = r
        try check(sc_ptrace_setregs(tid, &r), "PTRACE_SETREGS", tid)
    }

    public func registers(_ tid: Int32) throws(PtraceError) -> Registers {
        Registers(try rawRegisters(tid))
    }

    /// PTRACE_GET_SYSCALL_INFO as the C struct; op none when the stop is not a syscall stop.
    func rawSyscallInfo(_ tid: Int32) throws(PtraceError) -> sc_syscall_info {
        checkThread()
        var i = sc_syscall_info()
        try check(sc_ptrace_get_syscall_info(tid, &i), "PTRACE_GET_SYSCALL_INFO", tid)
        return i
    }

    /// PTRACE_GET_SYSCALL_INFO; nil when the stop is not a syscall stop (op none).
    public func syscallInfo(_ tid: Int32) throws(PtraceError) -> SyscallInfo? {
        SyscallInfo(try rawSyscallInfo(tid))
    }

    /// PTRACE_GETSIGINFO: the 128-byte siginfo of a signal-delivery stop.
    func siginfo(_ tid: Int32) throws(PtraceError) -> [UInt8] {
        checkThread()
        var si = [UInt8](repeating: 0, count: 128)
        let r = si.withUnsafeMutableBytes { sc_ptrace_getsiginfo(tid, $0.baseAddress) }
        try check(r, "PTRACE_GETSIGINFO", tid)
        return si
    }

    func eventMessage(_ tid: Int32) throws(PtraceError) -> UInt {
        checkThread()
        var msg: UInt = 0
        try check(sc_ptrace_geteventmsg(tid, &msg), "PTRACE_GETEVENTMSG", tid)
        return msg
    }

    /// Blocks until `tid` changes state (waitpid with __WALL, EINTR retried).
    public func wait(_ tid: Int32) throws(PtraceError) -> WaitStop {
        checkThread()
        var status: Int32 = 0
        try check(Int(sc_waitpid(tid, &status, sc_wall())), "waitpid", tid)
        return decode(tid, status)
    }

    /// Non-blocking waitpid: nil when `tid` has nothing to report yet.
    public func poll(_ tid: Int32) throws(PtraceError) -> WaitStop? {
        checkThread()
        var status: Int32 = 0
        let r = sc_waitpid(tid, &status, sc_wall() | sc_wnohang())
        try check(Int(r), "waitpid", tid)
        return r == 0 ? nil : decode(tid, status)
    }

    /// What the next wait on any tracee gave.
    public enum AnyWait: Equatable {
        case stop(tid: Int32, WaitStop)
        /// WNOHANG and nothing to report.
        case nothing
        /// A signal woke the wait (EINTR): the caller looks at what it deferred.
        case interrupted
        /// ECHILD: no tracee and no child is left.
        case noChildren
    }

    /// waitpid(-1) with __WALL. `blocking: true` sleeps and returns `.interrupted` on a signal
    /// (it does not retry EINTR, so SIGINT and the periodic wake-up reach the tracer).
    public func waitAny(blocking: Bool) -> AnyWait {
        checkThread()
        var status: Int32 = 0
        let r = sc_waitpid_interruptible(-1, &status, blocking ? 0 : sc_wnohang())
        if r > 0 { return .stop(tid: r, decode(r, status)) }
        if r == 0 { return .nothing }
        return errno == EINTR ? .interrupted : .noChildren
    }

    /// A raw status decoded, with the event message of an event stop that carries one.
    func decode(_ tid: Int32, _ status: Int32) -> WaitStop {
        guard PtraceEvent.Kind(status: status)?.hasMessage == true else { return WaitStop(raw: status) }
        return WaitStop(raw: status, eventMessage: (try? eventMessage(tid)) ?? 0)
    }
}

/// process_vm_readv of one range. Returns the bytes read, or -1 with errno.
@inline(__always)
func processVMRead(_ tid: Int32, _ address: UInt64, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
    sc_read_memory(tid, address, buffer, count)
}

extension Ptrace {
    /// PTRACE_PEEKDATA, word by word, for memory process_vm_readv cannot reach (it honours page
    /// protections, PEEKDATA does not). Returns the bytes read, or -1.
    func peek(_ tid: Int32, _ address: UInt64, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        checkThread()
        return sc_peek_memory(tid, address, buffer, count)
    }
}

extension Registers {
    /// The same 27 words in the same order (user_regs_struct's; `TraceHotPathTests` holds it field by field),
    /// so the set is taken as it is: one 216-byte copy, at every stop.
    init(_ r: sc_user_regs) {
        self = unsafeBitCast(r, to: Registers.self)
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
