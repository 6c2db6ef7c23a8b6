/// PTRACE_GET_SYSCALL_INFO, as plain values.
public struct SyscallInfo: Codable, Hashable, Sendable {
    public enum Op: UInt8, Codable, Sendable { case none = 0, entry = 1, exit = 2, seccomp = 3 }
    public static let auditArchX86_64 = SyscallABI.auditArchX86_64
    public static let auditArchI386 = SyscallABI.auditArchI386

    public var op: Op
    public var arch: UInt32
    public var instructionPointer: Address
    public var stackPointer: Address
    /// Entry and seccomp stops.
    public var nr: Int64?
    public var args: [Address]?
    /// Exit stops.
    public var rval: Int64?
    public var isError: Bool?

    public init(op: Op, arch: UInt32, instructionPointer: Address, stackPointer: Address, nr: Int64? = nil,
                args: [Address]? = nil, rval: Int64? = nil, isError: Bool? = nil) {
        self.op = op; self.arch = arch; self.instructionPointer = instructionPointer; self.stackPointer = stackPointer
        self.nr = nr; self.args = args; self.rval = rval; self.isError = isError
    }

    /// The ABI of the stop (x86_64 for any arch but i386, as the tables have only these two).
    public var abi: SyscallABI { arch == Self.auditArchI386 ? .i386 : .x86_64 }
}

/// Everything one ptrace stop (or one thread of a snapshot) lets stackcross see. Inspector gathers
/// it; the model (pure) turns it into a `Crossing` with checks. Fields a stop cannot provide are nil.
public struct StopObservation: Sendable {
    public enum Kind: String, Sendable {
        /// A thread of an `attach` snapshot (stopped by PTRACE_INTERRUPT).
        case snapshot
        case syscallEntry
        case syscallExit
        /// A signal-delivery stop, before the signal is delivered.
        case signalDelivery
        /// The first instruction of a signal handler (after PTRACE_SINGLESTEP with the signal).
        case handlerEntry
    }

    // The fields live in a box shared by copies until one of them changes (copy-on-write): an observation
    // is about a kilobyte (three register sets) and is handed from the tracer to the judge and the writer.
    @usableFromInline final class Box: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline struct Fields {
        @usableFromInline var kind: Kind
        @usableFromInline var tid: Int32
        @usableFromInline var regs: Registers
        @usableFromInline var syscallInfo: SyscallInfo?
        @usableFromInline var bytesBeforeIP: [UInt8]?
        @usableFromInline var procSyscall: String?
        @usableFromInline var kernelStack: [Frame]?
        @usableFromInline var kernelStackReadAtStop: Bool
        @usableFromInline var maps: [MemoryMapping]?
        @usableFromInline var sigaltstack: (base: Address, size: UInt64)?
        @usableFromInline var entryRegs: Registers?
        @usableFromInline var interruptedRegs: Registers?
        @usableFromInline var signo: Int32?
        @usableFromInline var saFlags: UInt64?
        @usableFromInline var saRestorer: Address?
        @usableFromInline var handlerStackWords: [UInt64]?
        @usableFromInline var is32BitTask: Bool? = nil
        @usableFromInline var signalCode: Int32? = nil
        @usableFromInline var saHandler: Address? = nil
        @usableFromInline var sigreturnFrameWords: [UInt64]? = nil
        @usableFromInline var procSyscallAtStop: String? = nil
        @usableFromInline var entryAuditArch: UInt32? = nil
        @usableFromInline var contextSwitches: ContextSwitchCount? = nil
        @usableFromInline var entryContextSwitches: ContextSwitchCount? = nil
        @usableFromInline var injectedReturn: Int64? = nil
    }

    @usableFromInline var box: Box

    @inlinable mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
    }

    public var kind: Kind {
        @inlinable get { box.fields.kind }
        @inlinable _modify { makeUnique(); yield &box.fields.kind }
    }
    public var tid: Int32 {
        @inlinable get { box.fields.tid }
        @inlinable _modify { makeUnique(); yield &box.fields.tid }
    }
    public var regs: Registers {
        @inlinable get { box.fields.regs }
        @inlinable _modify { makeUnique(); yield &box.fields.regs }
    }
    public var syscallInfo: SyscallInfo? {
        @inlinable get { box.fields.syscallInfo }
        @inlinable _modify { makeUnique(); yield &box.fields.syscallInfo }
    }
    /// The two bytes before rip, read from the tracee (`0f 05` SYSCALL, `cd 80` int $0x80).
    public var bytesBeforeIP: [UInt8]? {
        @inlinable get { box.fields.bytesBeforeIP }
        @inlinable _modify { makeUnique(); yield &box.fields.bytesBeforeIP }
    }
    /// /proc/PID/task/TID/syscall, read at this stop (or before stopping, for a snapshot).
    public var procSyscall: String? {
        @inlinable get { box.fields.procSyscall }
        @inlinable _modify { makeUnique(); yield &box.fields.procSyscall }
    }
    /// /proc/PID/task/TID/stack, innermost first.
    public var kernelStack: [Frame]? {
        @inlinable get { box.fields.kernelStack }
        @inlinable _modify { makeUnique(); yield &box.fields.kernelStack }
    }
    /// Whether `kernelStack` was read while the thread was stopped by ptrace (innermost ptrace_stop)
    /// or before stopping it (the stack it was blocked in).
    public var kernelStackReadAtStop: Bool {
        @inlinable get { box.fields.kernelStackReadAtStop }
        @inlinable _modify { makeUnique(); yield &box.fields.kernelStackReadAtStop }
    }
    public var maps: [MemoryMapping]? {
        @inlinable get { box.fields.maps }
        @inlinable _modify { makeUnique(); yield &box.fields.maps }
    }
    /// The thread's sigaltstack (ss_sp, ss_size) when one is set.
    public var sigaltstack: (base: Address, size: UInt64)? {
        @inlinable get { box.fields.sigaltstack }
        @inlinable _modify { makeUnique(); yield &box.fields.sigaltstack }
    }
    /// At an exit stop: the registers seen at the matching entry stop.
    public var entryRegs: Registers? {
        @inlinable get { box.fields.entryRegs }
        @inlinable _modify { makeUnique(); yield &box.fields.entryRegs }
    }
    /// At a handler-entry stop: the registers at the signal-delivery stop just before.
    public var interruptedRegs: Registers? {
        @inlinable get { box.fields.interruptedRegs }
        @inlinable _modify { makeUnique(); yield &box.fields.interruptedRegs }
    }
    /// At a handler-entry stop: the signal and the handler's sa_flags / restorer where known.
    public var signo: Int32? {
        @inlinable get { box.fields.signo }
        @inlinable _modify { makeUnique(); yield &box.fields.signo }
    }
    public var saFlags: UInt64? {
        @inlinable get { box.fields.saFlags }
        @inlinable _modify { makeUnique(); yield &box.fields.saFlags }
    }
    public var saRestorer: Address? {
        @inlinable get { box.fields.saRestorer }
        @inlinable _modify { makeUnique(); yield &box.fields.saRestorer }
    }
    /// Words read from the new user stack at handler entry, starting at rsp.
    public var handlerStackWords: [UInt64]? {
        @inlinable get { box.fields.handlerStackWords }
        @inlinable _modify { makeUnique(); yield &box.fields.handlerStackWords }
    }
    /// Whether the task runs a 32-bit image (ELF class of /proc/PID/exe), when known.
    public var is32BitTask: Bool? {
        @inlinable get { box.fields.is32BitTask }
        @inlinable _modify { makeUnique(); yield &box.fields.is32BitTask }
    }
    /// At a signal-delivery or handler-entry stop: si_code (> 0 kernel-generated, ≤ 0 sent by a process).
    public var signalCode: Int32? {
        @inlinable get { box.fields.signalCode }
        @inlinable _modify { makeUnique(); yield &box.fields.signalCode }
    }
    /// At a handler-entry stop: sa_handler where known (from the recorded rt_sigaction).
    public var saHandler: Address? {
        @inlinable get { box.fields.saHandler }
        @inlinable _modify { makeUnique(); yield &box.fields.saHandler }
    }
    /// At an rt_sigreturn entry or exit stop: words read at the entry rsp (the ucontext the kernel restores).
    public var sigreturnFrameWords: [UInt64]? {
        @inlinable get { box.fields.sigreturnFrameWords }
        @inlinable _modify { makeUnique(); yield &box.fields.sigreturnFrameWords }
    }
    /// /proc/PID/task/TID/syscall read while the thread was stopped (`procSyscall` may predate the stop).
    public var procSyscallAtStop: String? {
        @inlinable get { box.fields.procSyscallAtStop }
        @inlinable _modify { makeUnique(); yield &box.fields.procSyscallAtStop }
    }
    /// At an exit stop: GET_SYSCALL_INFO's arch at the matching entry stop.
    public var entryAuditArch: UInt32? {
        @inlinable get { box.fields.entryAuditArch }
        @inlinable _modify { makeUnique(); yield &box.fields.entryAuditArch }
    }
    /// voluntary/nonvoluntary_ctxt_switches of /proc/PID/task/TID/status at this stop, and at the entry stop.
    public var contextSwitches: ContextSwitchCount? {
        @inlinable get { box.fields.contextSwitches }
        @inlinable _modify { makeUnique(); yield &box.fields.contextSwitches }
    }
    public var entryContextSwitches: ContextSwitchCount? {
        @inlinable get { box.fields.entryContextSwitches }
        @inlinable _modify { makeUnique(); yield &box.fields.entryContextSwitches }
    }
    /// At an exit stop of a call skipped by fault injection (orig_rax set to -1 at its entry): the value
    /// the tracer wrote into rax. `regs` hold it; `syscallInfo` is what the kernel returned (-ENOSYS).
    public var injectedReturn: Int64? {
        @inlinable get { box.fields.injectedReturn }
        @inlinable _modify { makeUnique(); yield &box.fields.injectedReturn }
    }

    public init(kind: Kind, tid: Int32, regs: Registers, syscallInfo: SyscallInfo? = nil, bytesBeforeIP: [UInt8]? = nil,
                procSyscall: String? = nil, kernelStack: [Frame]? = nil, kernelStackReadAtStop: Bool = true,
                maps: [MemoryMapping]? = nil, sigaltstack: (base: Address, size: UInt64)? = nil,
                entryRegs: Registers? = nil, interruptedRegs: Registers? = nil, signo: Int32? = nil,
                saFlags: UInt64? = nil, saRestorer: Address? = nil, handlerStackWords: [UInt64]? = nil) {
        box = Box(Fields(kind: kind, tid: tid, regs: regs, syscallInfo: syscallInfo, bytesBeforeIP: bytesBeforeIP,
                         procSyscall: procSyscall, kernelStack: kernelStack, kernelStackReadAtStop: kernelStackReadAtStop,
                         maps: maps, sigaltstack: sigaltstack, entryRegs: entryRegs, interruptedRegs: interruptedRegs,
                         signo: signo, saFlags: saFlags, saRestorer: saRestorer, handlerStackWords: handlerStackWords))
    }
}

extension StopObservation {
    /// Whether `entryRegs` are `other.regs` (false when there are none), read register by register where the
    /// two boxes hold them: the writer asks at every exit stop, and copying both 216-byte sets out of their
    /// boxes to compare them cost more than the comparison. The same as `entryRegs == other.regs`.
    @inlinable public func entryRegsAreRegs(of other: StopObservation) -> Bool {
        Self.same(box.fields.entryRegs, other.box.fields.regs)
    }

    /// Whether `interruptedRegs` are `other.regs` (false when there are none): as `entryRegsAreRegs(of:)`.
    @inlinable public func interruptedRegsAreRegs(of other: StopObservation) -> Bool {
        Self.same(box.fields.interruptedRegs, other.box.fields.regs)
    }

    /// Whether the stop holds `entryRegs` / `interruptedRegs` (a test of the optional's tag, no copy of the set).
    @inlinable public var hasEntryRegs: Bool { box.fields.entryRegs?.rip != nil }
    @inlinable public var hasInterruptedRegs: Bool { box.fields.interruptedRegs?.rip != nil }

    /// `a == b`, each register loaded where it is (inlined: the sets are not copied to pass them).
    @inlinable @inline(__always)
    static func same(_ a: Registers?, _ b: Registers) -> Bool {
        guard let a else { return false }
        return a.r15 == b.r15 && a.r14 == b.r14 && a.r13 == b.r13 && a.r12 == b.r12 && a.rbp == b.rbp && a.rbx == b.rbx
            && a.r11 == b.r11 && a.r10 == b.r10 && a.r9 == b.r9 && a.r8 == b.r8 && a.rax == b.rax && a.rcx == b.rcx
            && a.rdx == b.rdx && a.rsi == b.rsi && a.rdi == b.rdi && a.origRax == b.origRax && a.rip == b.rip
            && a.cs == b.cs && a.eflags == b.eflags && a.rsp == b.rsp && a.ss == b.ss && a.fsBase == b.fsBase
            && a.gsBase == b.gsBase && a.ds == b.ds && a.es == b.es && a.fs == b.fs && a.gs == b.gs
    }
}

extension StopObservation: CustomReflectable {
    /// The fields, as a plain struct would show them (tests compare observations by their dump).
    public var customMirror: Mirror {
        Mirror(self, children: Mirror(reflecting: box.fields).children, displayStyle: .struct)
    }
}

/// How often a task left its CPU: by blocking (voluntary) or by preemption.
public struct ContextSwitchCount: Hashable, Sendable {
    public var voluntary: UInt64
    public var nonvoluntary: UInt64
    public init(voluntary: UInt64, nonvoluntary: UInt64) { self.voluntary = voluntary; self.nonvoluntary = nonvoluntary }

    /// From the text of /proc/PID/task/TID/status.
    public static func parse(status text: String) -> ContextSwitchCount? {
        var v: UInt64?, n: UInt64?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("voluntary_ctxt_switches:") { v = UInt64(line.dropFirst(24).filter { $0 != " " && $0 != "\t" }) }
            else if line.hasPrefix("nonvoluntary_ctxt_switches:") { n = UInt64(line.dropFirst(27).filter { $0 != " " && $0 != "\t" }) }
        }
        guard let v, let n else { return nil }
        return ContextSwitchCount(voluntary: v, nonvoluntary: n)
    }
}
