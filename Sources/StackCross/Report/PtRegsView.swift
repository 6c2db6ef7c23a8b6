/// The 21 slots of `struct pt_regs` as a report draws them, each with the model's prediction:
/// from the model's slot-by-slot `pt_regs` check (`exit.pt_regs` at the exit stop), whose
/// expected text lists `slot=prediction` pairs and whose actual text lists the slots that
/// disagree, and else from a check named after the slot (`pt_regs.cs`).
public enum PtRegsView {
    /// user_regs_struct names, lowest offset first (offset = index × 8).
    public static let slots = PtRegsSlot.allCases.map(\.userRegsName)
    /// The kernel's own names (struct pt_regs fields).
    public static let kernelNames = PtRegsSlot.allCases.map(\.description)

    public struct Prediction: Equatable, Sendable {
        public var slot: PtRegsSlot
        /// What the model predicted: a value (`0x33`, `-38`) or a property (`IF|0x2 set, RF clear`).
        public var predicted: String
        public var ok: Bool
        /// The check it came from.
        public var check: String
    }

    /// Predictions at the entry stop (or the snapshot's stop), or at the exit stop.
    public static func predictions(_ c: Crossing?, atExit: Bool = false) -> [PtRegsSlot: Prediction] {
        var out: [PtRegsSlot: Prediction] = [:]
        let prefix = atExit ? "exit." : ""
        for ch in c?.checks ?? [] where ch.name == prefix + "pt_regs" {
            let bad = ch.ok ? [] : badSlots(ch.actual)
            for (slot, text) in parseExpected(ch.expected) {
                out[slot] = Prediction(slot: slot, predicted: text, ok: !bad.contains(slot), check: ch.name)
            }
        }
        for ch in c?.checks ?? [] {
            guard ch.name.hasPrefix("exit.") == atExit else { continue }
            let bare = String(ch.name.dropFirst(prefix.count))
            guard bare != "pt_regs", let s = slot(ofCheck: bare), out[s] == nil else { continue }
            out[s] = Prediction(slot: s, predicted: ch.expected, ok: ch.ok, check: ch.name)
        }
        return out
    }

    /// `ss=0x2b sp=0x7ffd… flags=IF|0x2 set, RF clear cs=0x33 … (note)` → slot → prediction.
    static func parseExpected(_ text: String) -> [(PtRegsSlot, String)] {
        var body = Substring(text)
        // Drop the trailing "(why)" note: the last balanced parenthesis group at the very end.
        if body.hasSuffix(")") {
            var depth = 0
            var i = body.endIndex
            while i > body.startIndex {
                i = body.index(before: i)
                if body[i] == ")" { depth += 1 } else if body[i] == "(" {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
            if depth == 0, i > body.startIndex, body[body.index(before: i)] == " " {
                body = body[..<body.index(before: i)]
            }
        }
        var out: [(PtRegsSlot, String)] = []
        for word in body.split(separator: " ", omittingEmptySubsequences: false) {
            if let eq = word.firstIndex(of: "="), let s = slotNamed(String(word[..<eq])) {
                out.append((s, String(word[word.index(after: eq)...])))
            } else if !out.isEmpty {
                out[out.count - 1].1 += " " + word
            }
        }
        return out
    }

    /// `cs=0x23 (predicted 0x33); sp=…` → the slots named.
    static func badSlots(_ text: String) -> Set<PtRegsSlot> {
        var out = Set<PtRegsSlot>()
        for part in text.split(separator: ";") {
            let p = part.drop { $0 == " " }
            if let eq = p.firstIndex(of: "="), let s = slotNamed(String(p[..<eq])) { out.insert(s) }
        }
        return out
    }

    static func slotNamed(_ s: String) -> PtRegsSlot? {
        if let i = kernelNames.firstIndex(of: s) { return PtRegsSlot(rawValue: i) }
        if let i = slots.firstIndex(of: s) { return PtRegsSlot(rawValue: i) }
        return nil
    }

    /// The model's single-slot checks (KernelStackModel), used where its pt_regs check is silent.
    static let modelSlotChecks: [String: PtRegsSlot] = [
        "selectors.cs": .cs, "selectors.ss": .ss, "entry.rax": .ax, "entry.orig_rax": .origAx,
        "entry.ip": .ip, "entry.sp": .sp, "syscall.rcx": .cx, "syscall.r11": .r11,
    ]

    /// The slot a check is about when its name is a slot or `pt_regs.<slot>` ("pt_regs.cx",
    /// "ptregs.orig_rax"); nil for other checks, so "rcx==rip" style checks stay general.
    public static func slot(ofCheck name: String) -> PtRegsSlot? {
        let lower = name.lowercased()
        if let s = modelSlotChecks[lower] { return s }
        if let s = slotNamed(lower) { return s }
        let parts = lower.split(whereSeparator: { ".:/[] ".contains($0) }).map(String.init)
        guard parts.count >= 2, let last = parts.last, let s = slotNamed(last) ?? (last == "rflags" ? .flags : nil) else { return nil }
        return parts.dropLast().contains { $0.contains("regs") } ? s : nil
    }
}
