import Glibc

/// The one reader of tracee memory. process_vm_readv, one page-bounded chunk at a time (it fails a
/// whole range that crosses into an unmapped page); given the tracer's `Ptrace` handle, what that
/// cannot reach (a page without read permission) is read with PTRACE_PEEKDATA on the tracer thread.
public struct TraceeMemoryReader: Sendable {
    public let tid: Int32
    /// Set only where the reader runs on the tracer thread with `tid` stopped.
    let ptrace: Ptrace?

    public init(tid: Int32, ptrace: Ptrace? = nil) {
        self.tid = tid
        self.ptrace = ptrace
    }

    /// Fills `buffer` from `address`; returns the bytes read (fewer at the first unreadable page).
    public func read(into buffer: UnsafeMutableRawPointer, _ address: UInt64, count: Int) -> Int {
        var done = 0
        while done < count {
            let addr = address &+ UInt64(done)
            let want = min(count - done, Int(4096 - (addr & 4095)))
            var n = processVMRead(tid, addr, into: buffer + done, count: want)
            if n <= 0, let ptrace, ptrace.isOnTracerThread { n = ptrace.peek(tid, addr, into: buffer + done, count: want) }
            if n <= 0 { break }
            done += n
            if n < want { break }
        }
        return done
    }

    /// `count` bytes at `address`, fewer where the memory ends; nil when none can be read.
    public func read(_ address: UInt64, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        // Read straight into the array's storage (no zero fill first): every stop of a traced write reads its buffer.
        var got = 0
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            got = read(into: buffer.baseAddress!, address, count: count)
            initialized = max(0, min(got, count))
        }
        return got > 0 ? out : nil
    }

    /// Exactly `count` bytes at `address`, or nil.
    public func readExactly(_ address: UInt64, count: Int) -> [UInt8]? {
        guard let b = read(address, count: count), b.count == count else { return nil }
        return b
    }

    /// One process_vm_readv of the whole range, as a stack copy wants it: one call, no chunks.
    /// Returns the bytes read, or -1 with errno.
    public func copy(into buffer: UnsafeMutableRawPointer, _ address: UInt64, count: Int) -> Int {
        processVMRead(tid, address, into: buffer, count: count)
    }

    /// A NUL-terminated string of at most `limit` bytes; `truncated` when no NUL came within it.
    public func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        guard address != 0 else { return nil }
        var out: [UInt8] = []
        var addr = address
        var chunk = [UInt8](repeating: 0, count: 256)
        while out.count < limit {
            let toPageEnd = Int(4096 - (addr & 4095))
            let want = min(chunk.count, toPageEnd, limit - out.count)
            let n = chunk.withUnsafeMutableBytes { read(into: $0.baseAddress!, addr, count: want) }
            if n <= 0 { return out.isEmpty ? nil : (out, true) }
            if let z = chunk[0..<n].firstIndex(of: 0) {
                out.append(contentsOf: chunk[0..<z])
                return (out, false)
            }
            out.append(contentsOf: chunk[0..<n])
            addr &+= UInt64(n)
        }
        // At the limit: truncated unless the very next byte is the NUL.
        var next: UInt8 = 1
        if read(into: &next, addr, count: 1) == 1, next == 0 { return (out, false) }
        return (out, true)
    }
}
