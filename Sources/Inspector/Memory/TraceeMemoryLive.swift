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

/// A stopped tracee's memory and fd paths, as the syscall decoder asks for them (`TraceeMemory`),
/// read through the one `TraceeMemoryReader`.
///
/// At most 24 bytes (the field order matters), so that as a `TraceeMemory` it fits an existential's
/// inline buffer: handing it to the decoder at every stop then allocates nothing.
public struct StoppedTraceeMemory: TraceeMemory {
    let reader: TraceeMemoryReader
    /// -yy: sockets shown by their endpoints (`TCP:[127.0.0.1:41234->127.0.0.1:80]`), read at each use.
    var socketEndpoints = false
    /// -yy / --decode-fds=dev: device paths with their numbers (`/dev/null<char 1:3>`).
    var deviceNumbers = false
    let fds: FdPathCache?

    public var tid: Int32 { reader.tid }

    init(tid: Int32, ptrace: Ptrace?, fds: FdPathCache?) {
        reader = TraceeMemoryReader(tid: tid, ptrace: ptrace)
        self.fds = fds
    }

    public init(tid: Int32, pid: Int32) {
        reader = TraceeMemoryReader(tid: tid)
        fds = FdPathCache(pid: pid)
    }

    public func read(_ address: UInt64, count: Int) -> [UInt8]? { reader.read(address, count: count) }

    public func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        reader.readCString(address, limit: limit)
    }

    public func fdPath(_ fd: Int32) -> String? {
        fdPathBytes(fd).map { String(decoding: $0, as: UTF8.self) }
    }

    public func fdPathBytes(_ fd: Int32) -> [UInt8]? {
        // AT_FDCWD: the thread's cwd, read at every call as strace -y does (chdir changes no fd).
        if fd == Flags.atFDCWD { return ProcFS.readLinkBytes("/proc/\(tid)/cwd") }
        guard fd >= 0 else { return nil }
        let path = fds?.path(fd) ?? ProcFS.readLinkBytes("/proc/\(tid)/fd/\(fd)")
        if socketEndpoints, let p = path, let inode = ProcNetSockets.inode(ofLink: p) {
            return Array(SocketEndpoints.describe(tid: tid, fd: fd, inode: inode).utf8)
        }
        if deviceNumbers, let p = path, p.first == UInt8(ascii: "/"), let d = Self.deviceSuffix(p) { return p + d }
        return path
    }

    /// strace's printdev: stat the path (not the fd) and name a character or block device.
    static func deviceSuffix(_ path: [UInt8]) -> [UInt8]? {
        var st = stat()
        let ok = (path + [0]).withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &st) == 0 }
        }
        return ok ? DeviceNumbers.suffix(mode: st.st_mode, rdev: UInt64(st.st_rdev)) : nil
    }
}

/// -yy's lookups on the live system: the tracee's own network namespace tables, then the
/// socket's protocol name (strace's fallback `TCP:[inode]` for a socket not bound yet).
enum SocketEndpoints {
    static func describe(tid: Int32, fd: Int32, inode: UInt64) -> String {
        for t in ProcNetSockets.inetTables {
            if let table = ProcFS.read("/proc/\(tid)/net/\(t.file)"),
               let s = ProcNetSockets.inet(table, proto: t.proto, v6: t.v6, inode: inode) { return s }
        }
        if let table = ProcFS.read("/proc/\(tid)/net/unix") {
            var peer: UInt32 = 0
            let hasPeer = inode <= UInt64(UInt32.max) && sc_unix_peer(UInt32(inode), &peer) == 1
            if let s = ProcNetSockets.unix(table, inode: inode, peer: hasPeer ? UInt64(peer) : nil) { return s }
        }
        var buf = [CChar](repeating: 0, count: 64)
        guard sc_sock_proto_name("/proc/\(tid)/fd/\(fd)", &buf, 64) > 0 else { return "socket:[\(inode)]" }
        return "\(String(cString: buf)):[\(inode)]"
    }
}
