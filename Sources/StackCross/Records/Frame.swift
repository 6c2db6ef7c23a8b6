/// One stack frame, user or kernel.
/// User frames come from the unwinder; kernel frames from /proc/PID/task/TID/stack,
/// where the kernel hides the pc (it prints `[<0>]`), so `pc` is 0 there.
public struct Frame: Codable, Hashable, Sendable {
    public var pc: Address
    public var symbol: String?
    /// Offset of `pc` from the start of `symbol`.
    public var offset: UInt64?
    /// Symbol size where known (the `/len` of a kernel frame).
    public var length: UInt64?
    /// Module path (user) or kernel module name; nil for the core kernel.
    public var module: String?
    public var buildId: String?
    public var file: String?
    public var line: Int?
    /// True for a frame that DWARF says was inlined into the next one out.
    public var inlined: Bool?
    /// True when `pc` is an exact position (innermost frame, signal frame) rather than a return address.
    public var isActivation: Bool?
    /// Set on a synthetic last frame that says why unwinding stopped ("unwind stopped: …").
    public var note: String?

    public init(pc: Address, symbol: String? = nil, offset: UInt64? = nil, length: UInt64? = nil,
                module: String? = nil, buildId: String? = nil, file: String? = nil, line: Int? = nil,
                inlined: Bool? = nil, isActivation: Bool? = nil, note: String? = nil) {
        self.pc = pc; self.symbol = symbol; self.offset = offset; self.length = length
        self.module = module; self.buildId = buildId; self.file = file; self.line = line
        self.inlined = inlined; self.isActivation = isActivation; self.note = note
    }

    /// `symbol+0xoff` or the raw pc, for text views.
    public var shortName: String {
        if let s = symbol {
            if let o = offset { return "\(s)+0x\(String(o, radix: 16))" }
            return s
        }
        if let m = module { return "\(m)@\(pc)" }
        return pc.description
    }
}
