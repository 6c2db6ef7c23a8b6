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

/// Why a walk stopped before the outermost frame; its text is the note of the stack's last frame.
public enum UnwindStop: Sendable, Equatable, CustomStringConvertible {
    case noPC(String)
    case notExecutable(returnAddress: Address)
    /// A bad stack repeats a frame (pc and sp, when the unwinder says which).
    case frameRepeats(pc: Address?, sp: Address?)
    case stackPointerWentDown(sp: Address?, previous: Address?)
    case maxFrames(Int)
    /// libdw failed a step; one past an entry point without CFI for its caller is the stack's end.
    case libdw(String)
    case noFrames
    /// The copy of the stack ended (at --stack-bytes) where the walk needed more.
    case copyEnds(bytes: Int, limit: Int)
    /// Another unwinder or the copy said why (a backend's own message).
    case other(String)

    public var description: String {
        "unwind stopped: " + {
            switch self {
            case .noPC(let e): "no pc (\(e))"
            case .notExecutable(let a): "return address \(a) is in no executable mapping"
            case .frameRepeats(let pc?, let sp?): "frame repeats (pc \(pc), sp \(sp))"
            case .frameRepeats: "frame repeats"
            case .stackPointerWentDown(let sp?, let prev?): "stack pointer went down (\(sp) < \(prev))"
            case .stackPointerWentDown: "stack pointer went down"
            case .maxFrames(let n): "--max-frames \(n) reached"
            case .libdw(let e): "libdw: \(e)"
            case .noFrames: "no frames"
            case .copyEnds(let n, let limit): "the stack copy ends at +\(n) bytes (--stack-bytes \(limit))"
            case .other(let m): m
            }
        }()
    }
}

/// A walked stack: frames innermost first, and why the walk stopped early, if it did.
public struct RawStack: Sendable {
    public var frames: [RawFrame]
    public var stopReason: UnwindStop?
}
