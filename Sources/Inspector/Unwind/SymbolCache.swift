import StackCross

/// Symbolized frames shared across address spaces (and their reloads): key build-id + pc from
/// the module's load address, so one library's frames are looked up once per run.
public final class SymbolCache: @unchecked Sendable {
    public struct Key: Hashable {
        public var module: String
        public var relativePC: UInt64
        public var isActivation: Bool
    }
    private var entries: [Key: [Frame]] = [:]
    private let lock = NSLockLike()
    public init() {}
    func lookup(_ k: Key) -> [Frame]? { lock.withLock { entries[k] } }
    func store(_ k: Key, _ v: [Frame]) { lock.withLock { entries[k] = v } }
    public var count: Int { lock.withLock { entries.count } }
}
