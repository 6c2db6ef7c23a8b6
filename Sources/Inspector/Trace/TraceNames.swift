import StackCross

/// Name lookups for the tracer, from the Syscalls tables.
enum TraceNames {
    static func syscallName(abi: SyscallABI, nr: Int64) -> String {
        (abi == .i386 ? SyscallTable.i386 : SyscallTable.x86_64).displayName(nr)
    }
    static func errnoName(ret: Int64) -> String? {
        guard Errno.isError(ret) else { return nil }
        return Errno.name(forReturn: ret) ?? "E\(-ret)"
    }
    static func signalName(_ signo: Int32) -> String { Signals.displayName(signo) }
    static func signalCodeName(signo: Int32, code: Int32) -> String? { Signals.codeName(signo: signo, code: code) }
}
