import Glibc
import StackCross

/// vDSO images read from tracees while they were alive, by pid and address (an execve maps another,
/// 32-bit programs a 32-bit one): stacks copied at a stop may be
/// unwound after the process has moved on or exited, when /proc/PID/mem no longer has the image.
public final class VdsoImages: @unchecked Sendable {
    public static let shared = VdsoImages()
    private let lock = NSLockLike()
    // Never freed: libelf reads an image for as long as any Dwfl holds the module. Every process of
    // one kind (64-bit, 32-bit) has the same image, so each distinct one is kept once, whatever the
    // number of processes: a pid costs one entry here, not 8 KiB.
    private var images: [Key: (pointer: UnsafeMutableRawPointer, size: Int)] = [:]
    private var distinct: [[UInt8]: UnsafeMutableRawPointer] = [:]
    struct Key: Hashable { var pid: Int32; var start: UInt64 }

    /// How many different images are held, and for how many processes (for tests).
    var distinctImages: Int { lock.withLock { Set(images.values.map { $0.pointer }).count } }
    var processes: Int { lock.withLock { Set(images.keys.map { $0.pid }).count } }

    public func image(pid: Int32, start: UInt64) -> (pointer: UnsafeMutableRawPointer, size: Int)? {
        lock.withLock { images[Key(pid: pid, start: start)] }
    }

    /// Reads the [vdso] mapping of `pid` (through `tid`, stopped) unless it is known already.
    public func capture(pid: Int32, tid: Int32, mapping: MemoryMapping) {
        let key = Key(pid: pid, start: mapping.start.rawValue)
        if lock.withLock({ images[key] != nil }) { return }
        let size = Int(mapping.end.rawValue - mapping.start.rawValue)
        guard size > 0, size <= 1 << 20,
              let bytes = TraceeMemoryReader(tid: tid).readExactly(mapping.start.rawValue, count: size) else { return }
        lock.withLock {
            let p = distinct[bytes] ?? {
                let p = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
                bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: size) }
                distinct[bytes] = p
                return p
            }()
            images[key] = (p, size)
        }
    }
}
