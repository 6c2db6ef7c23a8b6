/// One 8-byte slot of `struct pt_regs`, in the kernel's order (lowest address first).
/// PTRACE_GETREGS returns the same 21 fields first, so slot N is `Registers.values[N]`.
public enum PtRegsSlot: Int, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, origAx, ip, cs, flags, sp, ss

    /// Byte offset inside pt_regs (r15 0 … ss 160).
    public var offset: UInt64 { UInt64(rawValue) * 8 }
    /// The kernel's field name.
    public var description: String { kernelName.description }
    /// The kernel's field name, for texts built in place.
    public var kernelName: StaticString {
        switch self {
        case .r15: "r15"
        case .r14: "r14"
        case .r13: "r13"
        case .r12: "r12"
        case .bp: "bp"
        case .bx: "bx"
        case .r11: "r11"
        case .r10: "r10"
        case .r9: "r9"
        case .r8: "r8"
        case .ax: "ax"
        case .cx: "cx"
        case .dx: "dx"
        case .si: "si"
        case .di: "di"
        case .origAx: "orig_ax"
        case .ip: "ip"
        case .cs: "cs"
        case .flags: "flags"
        case .sp: "sp"
        case .ss: "ss"
        }
    }
    /// The user_regs_struct name ptrace uses for the same value.
    public var userRegsName: String { Registers.names[rawValue] }
    /// ip, cs, flags, sp, ss: the frame IRET pops (the CPU pushes it on interrupts and exceptions).
    public var isHardwareFrame: Bool { rawValue >= PtRegsSlot.ip.rawValue }
    public func value(in r: Registers) -> Address {
        switch self {
        case .r15: r.r15
        case .r14: r.r14
        case .r13: r.r13
        case .r12: r.r12
        case .bp: r.rbp
        case .bx: r.rbx
        case .r11: r.r11
        case .r10: r.r10
        case .r9: r.r9
        case .r8: r.r8
        case .ax: r.rax
        case .cx: r.rcx
        case .dx: r.rdx
        case .si: r.rsi
        case .di: r.rdi
        case .origAx: r.origRax
        case .ip: r.rip
        case .cs: r.cs
        case .flags: r.eflags
        case .sp: r.rsp
        case .ss: r.ss
        }
    }

    /// sizeof(struct pt_regs).
    public static let size: UInt64 = 168
}

/// Selector values and flag bits the model predicts.
public enum X86 {
    public static let userCS64: UInt64 = 0x33
    public static let userCS32: UInt64 = 0x23
    public static let userDS: UInt64 = 0x2b
    public static let kernelCS: UInt64 = 0x10
    public static let kernelDS: UInt64 = 0x18
    /// EFLAGS bits.
    public static let flagFixed: UInt64 = 0x2
    public static let flagTF: UInt64 = 0x100
    public static let flagIF: UInt64 = 0x200
    public static let flagDF: UInt64 = 0x400
    public static let flagRF: UInt64 = 0x10000
    public static let enosys: Int64 = -38
    public static let eintr: Int64 = -4
    /// Kernel-internal restart codes (include/linux/errno.h).
    public static let erestartsys: Int64 = -512
    public static let erestartnointr: Int64 = -513
    public static let erestartnohand: Int64 = -514
    public static let erestartRestartblock: Int64 = -516
    /// The end of the user half of the address space (47-bit virtual addresses).
    public static let userSpaceEnd: UInt64 = 0x0000_8000_0000_0000
    /// The canary end_of_stack() holds (STACK_END_MAGIC).
    public static let stackEndMagic: UInt32 = 0x57ac_6e9d
}

/// The layout of one task's kernel stack under a configuration.
public struct KernelStackLayout: Codable, Hashable, Sendable {
    public var threadSize: UInt64
    /// Bytes between the stack top and pt_regs (FRED: 16).
    public var topPadding: UInt64
    public init(config: KernelConfig) {
        threadSize = config.threadSize
        topPadding = config.topPadding
    }
    /// How far below the stack top pt_regs begins: 168, or 184 on FRED kernels.
    public var ptRegsOffsetFromTop: UInt64 { PtRegsSlot.size + topPadding }
    /// How far below the stack top a slot lives (ss at 8, r15 at 168 without FRED).
    public func offsetFromTop(_ slot: PtRegsSlot) -> UInt64 { ptRegsOffsetFromTop - slot.offset }
    /// task_pt_regs(): pt_regs for a stack whose lowest address is `base`.
    public func ptRegsAddress(stackBase base: UInt64) -> UInt64 { base + threadSize - ptRegsOffsetFromTop }
    /// struct inactive_task_frame: r15, r14, r13, r12, bx, bp, return address (56 bytes).
    public static let inactiveTaskFrame = ["r15", "r14", "r13", "r12", "bx", "bp", "ret_addr"]
    public static let inactiveTaskFrameSize: UInt64 = 56
    /// struct fork_frame: the inactive task frame right below pt_regs (224 bytes for a new task).
    public var forkFrameSize: UInt64 { Self.inactiveTaskFrameSize + PtRegsSlot.size }
}

