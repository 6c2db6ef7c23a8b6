/// The x86_64 user register set as PTRACE_GETREGS returns it (struct user_regs_struct).
/// The first 21 fields are the saved `struct pt_regs`, in the kernel's slot order.
public struct Registers: Codable, Hashable, Sendable {
    public var r15: Address, r14: Address, r13: Address, r12: Address
    public var rbp: Address, rbx: Address, r11: Address, r10: Address, r9: Address, r8: Address
    public var rax: Address, rcx: Address, rdx: Address, rsi: Address, rdi: Address
    public var origRax: Address
    public var rip: Address, cs: Address, eflags: Address, rsp: Address, ss: Address
    public var fsBase: Address, gsBase: Address
    public var ds: Address, es: Address, fs: Address, gs: Address

    /// The 27 values in user_regs_struct order.
    public init(values v: [UInt64]) {
        precondition(v.count == 27, "user_regs_struct has 27 fields")
        r15 = Address(v[0]); r14 = Address(v[1]); r13 = Address(v[2]); r12 = Address(v[3])
        rbp = Address(v[4]); rbx = Address(v[5]); r11 = Address(v[6]); r10 = Address(v[7])
        r9 = Address(v[8]); r8 = Address(v[9]); rax = Address(v[10]); rcx = Address(v[11])
        rdx = Address(v[12]); rsi = Address(v[13]); rdi = Address(v[14]); origRax = Address(v[15])
        rip = Address(v[16]); cs = Address(v[17]); eflags = Address(v[18]); rsp = Address(v[19])
        ss = Address(v[20]); fsBase = Address(v[21]); gsBase = Address(v[22])
        ds = Address(v[23]); es = Address(v[24]); fs = Address(v[25]); gs = Address(v[26])
    }

    /// The 27 values read from memory laid out as user_regs_struct (no array: a tracer's hot path).
    public init(userRegsStruct p: UnsafeRawPointer) {
        func v(_ i: Int) -> Address { Address(p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        r15 = v(0); r14 = v(1); r13 = v(2); r12 = v(3); rbp = v(4); rbx = v(5); r11 = v(6); r10 = v(7)
        r9 = v(8); r8 = v(9); rax = v(10); rcx = v(11); rdx = v(12); rsi = v(13); rdi = v(14); origRax = v(15)
        rip = v(16); cs = v(17); eflags = v(18); rsp = v(19); ss = v(20); fsBase = v(21); gsBase = v(22)
        ds = v(23); es = v(24); fs = v(25); gs = v(26)
    }

    /// The 27 values in user_regs_struct order.
    public var values: [UInt64] {
        [r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, origRax,
         rip, cs, eflags, rsp, ss, fsBase, gsBase, ds, es, fs, gs].map(\.rawValue)
    }

    /// The value at user_regs_struct index `i` (0..<27), without building the 27-element array
    /// (register deltas are written and read on every stop).
    public subscript(index i: Int) -> UInt64 {
        get {
            switch i {
            case 0: return r15.rawValue
            case 1: return r14.rawValue
            case 2: return r13.rawValue
            case 3: return r12.rawValue
            case 4: return rbp.rawValue
            case 5: return rbx.rawValue
            case 6: return r11.rawValue
            case 7: return r10.rawValue
            case 8: return r9.rawValue
            case 9: return r8.rawValue
            case 10: return rax.rawValue
            case 11: return rcx.rawValue
            case 12: return rdx.rawValue
            case 13: return rsi.rawValue
            case 14: return rdi.rawValue
            case 15: return origRax.rawValue
            case 16: return rip.rawValue
            case 17: return cs.rawValue
            case 18: return eflags.rawValue
            case 19: return rsp.rawValue
            case 20: return ss.rawValue
            case 21: return fsBase.rawValue
            case 22: return gsBase.rawValue
            case 23: return ds.rawValue
            case 24: return es.rawValue
            case 25: return fs.rawValue
            case 26: return gs.rawValue
            default: preconditionFailure("user_regs_struct has 27 fields")
            }
        }
        set {
            switch i {
            case 0: r15 = Address(newValue)
            case 1: r14 = Address(newValue)
            case 2: r13 = Address(newValue)
            case 3: r12 = Address(newValue)
            case 4: rbp = Address(newValue)
            case 5: rbx = Address(newValue)
            case 6: r11 = Address(newValue)
            case 7: r10 = Address(newValue)
            case 8: r9 = Address(newValue)
            case 9: r8 = Address(newValue)
            case 10: rax = Address(newValue)
            case 11: rcx = Address(newValue)
            case 12: rdx = Address(newValue)
            case 13: rsi = Address(newValue)
            case 14: rdi = Address(newValue)
            case 15: origRax = Address(newValue)
            case 16: rip = Address(newValue)
            case 17: cs = Address(newValue)
            case 18: eflags = Address(newValue)
            case 19: rsp = Address(newValue)
            case 20: ss = Address(newValue)
            case 21: fsBase = Address(newValue)
            case 22: gsBase = Address(newValue)
            case 23: ds = Address(newValue)
            case 24: es = Address(newValue)
            case 25: fs = Address(newValue)
            case 26: gs = Address(newValue)
            default: preconditionFailure("user_regs_struct has 27 fields")
            }
        }
    }

    /// The registers that carry a syscall's six arguments under `abi`, as the kernel reads them.
    public func syscallArguments(_ abi: SyscallABI) -> [Address] {
        abi == .i386 ? [rbx, rcx, rdx, rsi, rdi, rbp] : [rdi, rsi, rdx, r10, r8, r9]
    }

    /// Field names in user_regs_struct order (the pt_regs slot names for the first 21).
    public static let names = [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
        "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
        "fs_base", "gs_base", "ds", "es", "fs", "gs",
    ]
}
