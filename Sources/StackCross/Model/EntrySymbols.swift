/// The kernel's entry symbols: the outermost frame of /proc/TID/stack names the way in.
public enum EntrySymbols {
    public static let syscall64 = "entry_SYSCALL_64"
    public static let int80 = ["asm_int80_emulation", "entry_INT80_compat"]
    public static let syscallCompat = "entry_SYSCALL_compat"
    public static let sysenterCompat = "entry_SYSENTER_compat"
    /// Interrupt entries (idtentry's sysvec and common stubs); NMI counts as one.
    public static let interruptPrefixes = ["asm_sysvec_", "asm_common_interrupt", "asm_spurious_interrupt"]
    static let nmi = "asm_exc_nmi"
    static let exceptionPrefix = "asm_exc_"

    /// The way in an outermost kernel frame names; nil for a frame that is no entry symbol.
    public static func entryKind(outermostFrame outer: String) -> EntryKind? {
        if outer.hasPrefix(syscall64) { return .syscall }
        if int80.contains(where: outer.hasPrefix) { return .int80 }
        if outer.hasPrefix(syscallCompat) { return .syscall32 }
        if outer.hasPrefix(sysenterCompat) { return .sysenter }
        if outer == nmi || interruptPrefixes.contains(where: outer.hasPrefix) { return .interrupt }
        if outer.hasPrefix(exceptionPrefix) { return .exception }
        return nil
    }
}
