/// The 21 slots of `struct pt_regs` as a report draws them, with the model's prediction for a
/// slot taken from the crossing check that names it.
public enum PtRegsView {
    /// user_regs_struct / pt_regs slot names, lowest offset first (offset = index × 8).
    public static let slots = Array(Registers.names.prefix(21))
    /// The kernel's own spelling of the same slots (struct pt_regs field names).
    public static let kernelNames = [
        "r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
        "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
    ]

    /// The slot a check is about, when its name is a slot or a path ending in one
    /// ("rcx", "pt_regs.cx", "ptregs.orig_rax", "entry.pt_regs.rip"); nil for other checks.
    public static func slot(ofCheck name: String) -> Int? {
        let lower = name.lowercased()
        if let i = slotIndex(lower) { return i }
        let parts = lower.split(whereSeparator: { ".:/[] ".contains($0) }).map(String.init)
        guard parts.count >= 2, let last = parts.last, let i = slotIndex(last) else { return nil }
        // Only names that say they are about the saved registers, so "rcx==rip" style checks stay general.
        let scoped = parts.dropLast().contains { $0.contains("regs") || $0 == "slot" }
        return scoped ? i : nil
    }

    private static func slotIndex(_ s: String) -> Int? {
        if let i = slots.firstIndex(of: s) { return i }
        if let i = kernelNames.firstIndex(of: s) { return i }
        if s == "rflags" { return 18 }
        return nil
    }

    /// Per slot: the check that predicts it, if any.
    public static func slotChecks(_ c: Crossing?) -> [Int: Check] {
        var out: [Int: Check] = [:]
        for ch in c?.checks ?? [] {
            if let i = slot(ofCheck: ch.name), out[i] == nil || !ch.ok { out[i] = ch }
        }
        return out
    }
}
