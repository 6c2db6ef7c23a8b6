import Glibc
import StackCross

/// Readers of /proc/PID and /proc/PID/task/TID files. Parsing lives in StackCross (ProcParsers).
public enum ProcFS {
    /// The whole of a small /proc file; nil when it cannot be opened or read (task gone, EACCES).
    public static func read(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The exact bytes of a small /proc file (maps, whose paths need not be UTF-8); nil as `read`.
    public static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 8192) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    public static func exists(_ pid: Int32) -> Bool {
        access("/proc/\(pid)", F_OK) == 0
    }

    /// Thread ids of a process, ascending; empty when the process is gone.
    public static func taskIDs(_ pid: Int32) -> [Int32] {
        guard let dir = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(dir) }
        var out: [Int32] = []
        while let e = readdir(dir) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let t = Int32(name) { out.append(t) }
        }
        return out.sorted()
    }

    static func taskPath(_ pid: Int32, _ tid: Int32, _ file: String) -> String { "/proc/\(pid)/task/\(tid)/\(file)" }

    public static func stat(pid: Int32, tid: Int32? = nil) -> ProcStat? {
        read(tid.map { taskPath(pid, $0, "stat") } ?? "/proc/\(pid)/stat").flatMap(ProcStat.parse)
    }

    public static func status(pid: Int32, tid: Int32? = nil) -> ProcStatus? {
        read(tid.map { taskPath(pid, $0, "status") } ?? "/proc/\(pid)/status").map(ProcStatus.parse)
    }

    /// Whether a task's exit has begun past the point PTRACE_SEIZE accepts it (exit_state set: state
    /// Z or X) or it is gone: the EPERM such a task gives is an exit, not a permission problem.
    public static func hasExited(pid: Int32, tid: Int32) -> Bool {
        guard let st = stat(pid: pid, tid: tid) else { return true }
        return st.state == "Z" || st.state == "X"
    }

    /// The raw text of /proc/PID/task/TID/stack (root only); nil when unreadable.
    public static func kernelStackText(pid: Int32, tid: Int32) -> String? { read(taskPath(pid, tid, "stack")) }

    /// The raw text of /proc/PID/task/TID/syscall, without the trailing newline.
    public static func syscallText(pid: Int32, tid: Int32) -> String? {
        read(taskPath(pid, tid, "syscall")).map { String($0.prefix(while: { $0 != "\n" })) }
    }

    public static func maps(_ pid: Int32) -> [MemoryMapping] {
        read("/proc/\(pid)/maps").map(MemoryMapping.parse) ?? []
    }

    /// The target of /proc/PID/exe; nil for kernel threads and when not permitted.
    public static func exe(_ pid: Int32) -> String? { readLink("/proc/\(pid)/exe") }

    /// The exact bytes of /proc/PID/exe's target (a path need not be UTF-8), for records.
    public static func exeBytes(_ pid: Int32) -> [UInt8]? { readLinkBytes("/proc/\(pid)/exe") }

    /// The target of a symlink (/proc/PID/exe, /proc/PID/fd/N); nil when it cannot be read.
    static func readLink(_ path: String) -> String? {
        readLinkBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func readLinkBytes(_ path: String) -> [UInt8]? {
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buf, 4096)
        guard n > 0 else { return nil }
        return buf[0..<n].map { UInt8(bitPattern: $0) }
    }

    /// The thread's comm (/proc/PID/task/TID/comm) without its newline.
    public static func comm(pid: Int32, tid: Int32) -> String? {
        read(taskPath(pid, tid, "comm")).map { String($0.prefix(while: { $0 != "\n" })) }
    }
}

extension ProcFS {
    /// VmHWM of /proc/self/status (the peak resident set, "17408 kB"), for --debug-peak-rss.
    public static func peakRSS() -> String? {
        guard let s = read("/proc/self/status") else { return nil }
        return s.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { String($0.dropFirst(6).drop { $0 == " " || $0 == "\t" }) }
    }
}
