/// What a successful syscall may change that a tracer caches: the one place that classifies
/// syscalls by effect (the fd-path cache, the bytes-before-ip cache and the module maps all ask it).
public struct SyscallEffects: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// An fd may name something else, or nothing, afterwards.
    public static let changesFdTable = SyscallEffects(rawValue: 1)
    /// Other code may be mapped where code was (the two bytes before an ip may differ).
    public static let mapsCode = SyscallEffects(rawValue: 2)
    /// /proc/PID/maps may differ (the modules an unwinder knows).
    public static let changesMappings = SyscallEffects(rawValue: 4)

    static let fdTableChangers: Set<String> = [
        "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64", "open", "openat", "openat2", "creat",
        "open_by_handle_at", "socket", "socketpair", "socketcall", "accept", "accept4", "pipe", "pipe2",
        "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "epoll_create", "epoll_create1",
        "inotify_init", "inotify_init1", "fanotify_init", "memfd_create", "memfd_secret", "userfaultfd",
        "perf_event_open", "pidfd_open", "pidfd_getfd", "io_uring_setup", "bpf", "fsopen", "fsmount", "fspick",
        "open_tree", "mq_open", "recvmsg", "recvmmsg", "recvmmsg_time64", "landlock_create_ruleset",
        "execve", "execveat", "unshare", "rename", "renameat", "renameat2", "seccomp", "ioctl",
    ]
    static let codeMappers: Set<String> = ["mmap", "mmap2", "munmap", "mremap", "shmat", "shmdt", "remap_file_pages"]
    static let mappingChangers: Set<String> = codeMappers.union(["mprotect", "brk", "execve", "execveat"])

    /// The effects of the syscall called `name` (any ABI).
    public static func of(_ name: String) -> SyscallEffects {
        var e: SyscallEffects = []
        if fdTableChangers.contains(name) { e.insert(.changesFdTable) }
        if codeMappers.contains(name) { e.insert(.mapsCode) }
        if mappingChangers.contains(name) { e.insert(.changesMappings) }
        return e
    }

    /// The numbers of `abi`'s syscalls that have all of `effects`.
    public static func numbers(_ abi: SyscallABI, with effects: SyscallEffects) -> Set<Int64> {
        let t = SyscallTable.for(abi: abi)
        return Set(t.allNumbers.filter { of(t.displayName(Int64($0))).isSuperset(of: effects) }.map(Int64.init))
    }
}
