/// The system-call ABI a stop was made under: which table numbers it, which registers carry its
/// arguments, how wide its values are. Records spell it `"x86_64"` or `"i386"`.
public enum SyscallABI: String, Codable, Hashable, Sendable, CaseIterable {
    case x86_64
    case i386

    /// AUDIT_ARCH_X86_64 and AUDIT_ARCH_I386 (seccomp_data.arch, PTRACE_GET_SYSCALL_INFO's arch).
    public static let auditArchX86_64: UInt32 = 0xC000_003E
    public static let auditArchI386: UInt32 = 0x4000_0003

    /// The ABI of an AUDIT_ARCH_* value; nil for any other architecture (x32 included).
    public init?(auditArch: UInt32) {
        switch auditArch {
        case Self.auditArchX86_64: self = .x86_64
        case Self.auditArchI386: self = .i386
        default: return nil
        }
    }

    public var auditArch: UInt32 { self == .i386 ? Self.auditArchI386 : Self.auditArchX86_64 }

    /// The ABI a user code segment runs: 32-bit code (`X86.userCS32`) calls the i386 table.
    public init(codeSegment cs: UInt64) { self = cs == X86.userCS32 ? .i386 : .x86_64 }

    public var name: String { rawValue }

    /// A register or argument value as the ABI sees it: i386 values are 32 bits wide.
    @inline(__always)
    public func word(_ v: UInt64) -> UInt64 { self == .i386 ? v & 0xFFFF_FFFF : v }
}

/// The instruction that entered the kernel, as the two bytes before the saved user ip show it.
public enum SyscallInstruction: Sendable {
    /// `0f 05`: SYSCALL (64-bit, or the 32-bit vDSO path on AMD).
    case syscall
    /// `cd 80`: int $0x80.
    case int80
    /// `0f 34`: SYSENTER (the 32-bit vDSO path on Intel).
    case sysenter

    public var bytes: [UInt8] {
        switch self {
        case .syscall: [0x0F, 0x05]
        case .int80: [0xCD, 0x80]
        case .sysenter: [0x0F, 0x34]
        }
    }

    /// The instruction those two bytes encode; nil for anything else.
    public init?(bytesBeforeIP b: [UInt8]?) {
        guard let b, b.count == 2 else { return nil }
        switch (b[0], b[1]) {
        case (0x0F, 0x05): self = .syscall
        case (0xCD, 0x80): self = .int80
        case (0x0F, 0x34): self = .sysenter
        default: return nil
        }
    }
}
