import StackCross

// TEMPORARY: name lookups until the Syscalls tables land on main; then these call them.
enum TraceNames {
    static func syscallName(abi: TraceABI, nr: Int64) -> String { "syscall_\(nr)" }
    static func errnoName(ret: Int64) -> String? {
        guard ret < 0, ret >= -4095 else { return nil }
        switch ret {
        case -512: return "ERESTARTSYS"
        case -513: return "ERESTARTNOINTR"
        case -514: return "ERESTARTNOHAND"
        case -516: return "ERESTART_RESTARTBLOCK"
        default: return "E\(-ret)"
        }
    }
    static func signalName(_ signo: Int32) -> String { "SIG\(signo)" }
    static func signalCodeName(signo: Int32, code: Int32) -> String? { nil }
    static func decodeArgs(abi: TraceABI, nr: Int64, name: String, args: [Address], ret: Int64?,
                           memory: LiveTraceeMemory, stringLimit: Int) -> [String] {
        args.map { $0.description }
    }
}
