import StackCross

/// Where file:line and inlined frames come from.
public enum SourceLines: String, Sendable, CaseIterable {
    /// Only modules whose own file carries DWARF (the program under study, built with -g).
    case inFile = "own"
    /// Every module, separate debuginfo files (/usr/lib/debug) included.
    case all
    /// None: symbols only.
    case none
}

/// One unwound frame before symbolization.
public struct RawFrame: Hashable, Sendable {
    public var pc: UInt64
    /// True for the innermost frame and signal frames: `pc` is exact, not a return address.
    public var isActivation: Bool
}

/// A walked stack: frames innermost first, and why the walk stopped early, if it did.
public struct RawStack: Sendable {
    public var frames: [RawFrame]
    public var stopReason: String?
}
