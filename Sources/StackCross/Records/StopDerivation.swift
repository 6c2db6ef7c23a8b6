/// What a record does not write because the rest of it already says so. The trace writer leaves a
/// value out when these rules give it back, and the reader fills it in with the same rules: each rule
/// lives here once, so the two cannot drift apart.
public enum StopDerivation {
    /// GET_SYSCALL_INFO as the registers of the same stop predict it (nil where no syscall info is taken).
    public static func predictedInfo(_ kind: StopObservation.Kind, regs: Registers, abi: SyscallABI) -> SyscallInfo? {
        let i386 = abi == .i386
        switch kind {
        case .syscallEntry:
            let mask: UInt64 = i386 ? 0xFFFF_FFFF : .max
            return SyscallInfo(op: .entry, arch: abi.auditArch, instructionPointer: regs.rip, stackPointer: regs.rsp,
                               nr: regs.origRax.signed, args: regs.syscallArguments(abi).map { Address($0.rawValue & mask) })
        case .syscallExit:
            let rval = i386 ? Int64(Int32(truncatingIfNeeded: regs.rax.rawValue)) : regs.rax.signed
            return SyscallInfo(op: .exit, arch: abi.auditArch, instructionPointer: regs.rip, stackPointer: regs.rsp,
                               rval: rval, isError: rval < 0 && rval >= -4095)
        case .signalDelivery, .handlerEntry, .snapshot:
            return nil
        }
    }

    /// The raw argument registers of a call, from its entry registers.
    public static func rawArgs(_ regs: Registers, abi: SyscallABI) -> [Address] {
        let mask: UInt64 = abi == .i386 ? 0xFFFF_FFFF : .max
        return regs.syscallArguments(abi).map { Address($0.rawValue & mask) }
    }

    /// Whether `args` are `rawArgs(regs, abi:)`, without building that array (the writer asks at every record).
    public static func rawArgs(_ regs: Registers, abi: SyscallABI, equal args: [Address]) -> Bool {
        guard args.count == 6 else { return false }
        let mask: UInt64 = abi == .i386 ? 0xFFFF_FFFF : .max
        // The registers `Registers.syscallArguments(abi)` lists, in its order.
        let r = abi == .i386 ? (regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi, regs.rbp)
            : (regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9)
        return args[0].rawValue == r.0.rawValue & mask && args[1].rawValue == r.1.rawValue & mask
            && args[2].rawValue == r.2.rawValue & mask && args[3].rawValue == r.3.rawValue & mask
            && args[4].rawValue == r.4.rawValue & mask && args[5].rawValue == r.5.rawValue & mask
    }
}
