/// The x86_64 signal frame get_sigframe()/setup_rt_frame() build on the user stack
/// (struct rt_sigframe: pretcode, struct ucontext, struct siginfo; the XSAVE area above it).
public struct SignalFrameLayout: Codable, Hashable, Sendable {
    public var redZone: UInt64
    public var xstateSize: UInt64
    public var frameSize: UInt64

    public init(config: KernelConfig, xstateSize: UInt64? = nil) {
        redZone = config.redZone
        self.xstateSize = xstateSize ?? config.xstateSigframeSize
        frameSize = config.rtSigframeSize
    }

    /// Offsets from the frame start (the handler's rsp).
    public static let ucontextOffset: UInt64 = 8
    /// uc_flags, uc_link, uc_stack (24 bytes) precede uc_mcontext.
    public static let mcontextOffset: UInt64 = 48
    public static let siginfoOffset: UInt64 = 312
    /// uc_stack.ss_sp / ss_flags / ss_size, as word indexes from the frame start.
    public static let ucStackSpWord = 3, ucStackFlagsWord = 4, ucStackSizeWord = 5
    /// struct sigcontext_64 field order (r8 … eflags, then segments, err, trapno, oldmask, cr2, fpstate).
    public enum SigcontextField: Int, CaseIterable, Sendable {
        case r8, r9, r10, r11, r12, r13, r14, r15, di, si, bp, bx, dx, ax, cx, sp, ip, flags
        case segments, err, trapno, oldmask, cr2, fpstate
    }
    /// Word index (from the frame start) of a sigcontext field.
    public static func word(_ f: SigcontextField) -> Int { Int(mcontextOffset / 8) + f.rawValue }
    /// Word index of si_signo (low 32 bits) and si_code (low 32 bits of the next word).
    public static let siginfoWord = Int(siginfoOffset / 8)
    /// struct _fpx_sw_bytes inside the FXSAVE area: magic1 then extended_size.
    public static let fpxSwBytesOffset: UInt64 = 464
    public static let fpXstateMagic1: UInt32 = 0x4650_5853

    /// Smallest and largest distance from the base (rsp - red zone, or the sigaltstack top) to the frame,
    /// red zone included for the user-stack case.
    public var minimumBytes: UInt64 { redZone + xstateSize + frameSize + 8 }
    public var maximumBytes: UInt64 { redZone + xstateSize + 63 + frameSize + 15 + 8 }

    /// Where the FPU state and the frame go for a given base: the interrupted sp minus the red zone,
    /// or the sigaltstack top (where no red zone is skipped).
    public func place(base: UInt64) -> (fpstate: UInt64, frame: UInt64) {
        let fp = (base &- xstateSize) & ~UInt64(63)
        let frame = ((fp &- frameSize) & ~UInt64(15)) &- 8
        return (fp, frame)
    }
}

/// /proc/PID/task/TID/syscall as the model reads it (parsed by `ProcSyscallState`).
public struct ProcSyscallLine: Hashable, Sendable {
    public var nr: Int64?
    public var args: [Address]
    public var sp: Address?
    public var pc: Address?
    public var running: Bool

    public static func parse(_ text: String) -> ProcSyscallLine? {
        switch ProcSyscallState.parse(text) {
        case .running?: ProcSyscallLine(nr: nil, args: [], sp: nil, pc: nil, running: true)
        case .notInSyscall(let sp, let pc)?: ProcSyscallLine(nr: -1, args: [], sp: sp, pc: pc, running: false)
        case .inSyscall(let nr, let args, let sp, let pc)?: ProcSyscallLine(nr: nr, args: args, sp: sp, pc: pc, running: false)
        case nil: nil
        }
    }
}

/// sa_flags bits the model reads (include/uapi/asm-generic/signal-defs.h, asm/signal.h).
public enum SigactionFlags {
    public static let siginfo: UInt64 = 0x4
    public static let restorer: UInt64 = 0x0400_0000
    public static let onstack: UInt64 = 0x0800_0000
    public static let restart: UInt64 = 0x1000_0000
    /// sigaltstack's ss_flags: the alternate stack is disabled.
    public static let ssDisable: UInt64 = 2
}
