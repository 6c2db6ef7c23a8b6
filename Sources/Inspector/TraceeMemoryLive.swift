import CStackCross
import Glibc
import StackCross

/// The paths behind a process's fds (/proc/PID/fd/N), cached until a syscall may have changed the fd table.
final class FdPathCache {
    private var paths: [Int32: [UInt8]] = [:]
    private var missing: Set<Int32> = []
    let pid: Int32

    init(pid: Int32) { self.pid = pid }

    func path(_ fd: Int32) -> [UInt8]? {
        if let p = paths[fd] { return p }
        if missing.contains(fd) { return nil }
        let p = ProcFS.readLinkBytes("/proc/\(pid)/fd/\(fd)")
        if let p { paths[fd] = p } else { missing.insert(fd) }
        return p
    }

    func invalidate() {
        if !paths.isEmpty { paths.removeAll(keepingCapacity: true) }
        if !missing.isEmpty { missing.removeAll(keepingCapacity: true) }
    }
}

/// A stopped tracee's memory, read with process_vm_readv and, where that cannot reach (e.g. a
/// page without read permission), PTRACE_PEEKDATA from the tracer thread.
public struct StoppedTraceeMemory: TraceeMemory {
    public let tid: Int32
    let fds: FdPathCache?

    init(tid: Int32, fds: FdPathCache?) {
        self.tid = tid
        self.fds = fds
    }

    public init(tid: Int32, pid: Int32) {
        self.tid = tid
        self.fds = FdPathCache(pid: pid)
    }

    public func read(_ address: UInt64, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { readInto($0.baseAddress!, address, $0.count) }
        guard n > 0 else { return nil }
        if n < count { out.removeLast(count - n) }
        return out
    }

    /// Fills `buffer` from `address`, one page-bounded chunk at a time (process_vm_readv fails a
    /// whole range that crosses into an unmapped page). Returns the bytes read.
    func readInto(_ buffer: UnsafeMutableRawPointer, _ address: UInt64, _ count: Int) -> Int {
        var done = 0
        while done < count {
            let addr = address &+ UInt64(done)
            let toPageEnd = Int(4096 - (addr & 4095))
            let want = min(count - done, toPageEnd)
            var n = sc_read_memory(tid, addr, buffer + done, want)
            if n <= 0 { n = sc_peek_memory(tid, addr, buffer + done, want) }
            if n <= 0 { break }
            done += n
            if n < want { break }
        }
        return done
    }

    public func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        guard address != 0 else { return nil }
        var out: [UInt8] = []
        var addr = address
        var chunk = [UInt8](repeating: 0, count: 256)
        while out.count < limit {
            let toPageEnd = Int(4096 - (addr & 4095))
            let want = min(chunk.count, toPageEnd, limit - out.count)
            let n = chunk.withUnsafeMutableBytes { readInto($0.baseAddress!, addr, want) }
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
        if readInto(&next, addr, 1) == 1, next == 0 { return (out, false) }
        return (out, true)
    }

    public func fdPath(_ fd: Int32) -> String? {
        fdPathBytes(fd).map { String(decoding: $0, as: UTF8.self) }
    }

    public func fdPathBytes(_ fd: Int32) -> [UInt8]? {
        guard fd >= 0 else { return nil }
        return fds?.path(fd) ?? ProcFS.readLinkBytes("/proc/\(tid)/fd/\(fd)")
    }
}
