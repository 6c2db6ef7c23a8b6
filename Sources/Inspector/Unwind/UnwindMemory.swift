import Glibc

/// Where the unwinder's stack reads come from: the live stopped tracee, or a copy of its stack top.
public protocol UnwindMemory: AnyObject {
    /// The 8-byte word at `address`; nil when it cannot be read.
    func readWord(at address: UInt64) -> UInt64?
}

/// Reads a stopped tracee with process_vm_readv, one page at a time, remembering the pages it read.
public final class LiveTraceeMemory: UnwindMemory {
    let reader: TraceeMemoryReader
    private var pages: [UInt64: [UInt8]] = [:]
    private static let pageSize: UInt64 = 4096

    public init(pid: Int32, ptrace: Ptrace? = nil) { reader = TraceeMemoryReader(tid: pid, ptrace: ptrace) }

    /// Forget what was read (the tracee ran since).
    public func invalidate() { pages.removeAll(keepingCapacity: true) }

    public func readWord(at address: UInt64) -> UInt64? {
        let base = address & ~(Self.pageSize - 1)
        let off = Int(address - base)
        if off + 8 > Int(Self.pageSize) {
            // A word that straddles two pages: read it directly.
            guard let b = reader.readExactly(address, count: 8) else { return nil }
            return b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        }
        let page: [UInt8]
        if let p = pages[base] {
            page = p
        } else {
            guard let p = reader.read(base, count: Int(Self.pageSize)) else { return nil }
            pages[base] = p
            page = p
        }
        guard off + 8 <= page.count else { return nil }
        return page.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: off, as: UInt64.self) }
    }
}

/// A copy of the top of a user stack taken at a stop: `count` bytes at `pointer` were at `base`
/// (the stack pointer) in the tracee. The unwinder reads only from the copy.
public final class StackCopyMemory: UnwindMemory {
    public private(set) var base: UInt64 = 0
    private var pointer: UnsafeRawPointer?
    public private(set) var count = 0
    private var owned: [UInt8] = []
    /// Set when the unwinder asked for a word past the end of the copy (the stack was deeper).
    public private(set) var readPastEnd = false
    /// Every word the unwinder read, when recording: what a memoized walk depends on.
    var recording = false
    private(set) var reads: [(address: UInt64, value: UInt64)] = []

    public init() {}
    public convenience init(base: UInt64, bytes: [UInt8]) {
        self.init()
        owned = bytes
        owned.withUnsafeBytes { reset(base: base, pointer: $0.baseAddress, count: $0.count) }
    }

    /// Points at another copy; `pointer` must stay valid until the next reset.
    public func reset(base: UInt64, pointer: UnsafeRawPointer?, count: Int) {
        self.base = base; self.pointer = pointer; self.count = count; readPastEnd = false
        reads.removeAll(keepingCapacity: true)
    }

    public func readWord(at address: UInt64) -> UInt64? {
        guard let pointer, address >= base else { return nil }
        let off = address - base
        guard off <= UInt64(count), UInt64(count) - off >= 8 else {
            readPastEnd = true
            return nil
        }
        let v = pointer.loadUnaligned(fromByteOffset: Int(off), as: UInt64.self)
        if recording { reads.append((address, v)) }
        return v
    }
}
