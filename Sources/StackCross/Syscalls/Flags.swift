/// Named bit sets and enumerations for strace-style argument decoding (x86/asm-generic values).
public struct FlagSet: Sendable {
    /// Checked in order; a multi-bit name (O_SYNC) listed before its parts claims them together.
    public let bits: [(UInt64, String)]
    /// What to print when no bit is set (nil: "0").
    public let zero: String?
    /// strace's note for a value with no known bit (`O_???` gives `0x7 /* O_??? */`); nil: none.
    public let unknown: String?

    public init(_ bits: [(UInt64, String)], zero: String? = nil, unknown: String? = nil) {
        self.bits = bits; self.zero = zero; self.unknown = unknown
    }

    /// `A|B|0x40` style; unnamed leftover bits in hex.
    public func format(_ value: UInt64) -> String {
        var parts = [String]()
        var rest = value
        for (bit, name) in bits where bit != 0 && rest & bit == bit {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 {
            let note = parts.isEmpty ? unknown.map { " /* \($0) */" } ?? "" : ""
            parts.append("0x" + String(rest, radix: 16) + note)
        }
        return parts.isEmpty ? (zero ?? "0") : parts.joined(separator: "|")
    }
}

/// Values that name one thing each (SEEK_SET, FUTEX_WAIT, ARCH_SET_FS…).
public struct ValueNames: Sendable {
    public let names: [Int64: String]
    /// strace's note for an unknown value (`F_???` gives `0x7 /* F_??? */`); nil: none.
    public let unknown: String?
    public init(_ pairs: [(Int64, String)], unknown: String? = nil) {
        names = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        self.unknown = unknown
    }
    /// The name, else the number (decimal, or hex when `hex`).
    public func format(_ value: Int64, hex: Bool = false) -> String {
        if let n = names[value] { return n }
        let number = hex ? "0x" + String(UInt64(bitPattern: value), radix: 16) : String(value)
        return number + (unknown.map { " /* \($0) */" } ?? "")
    }
    /// strace's verbose style: the number, then the name as a comment (`1 /* SYSLOG_ACTION_OPEN */`).
    public func formatCommented(_ value: Int64) -> String {
        guard let n = names[value] ?? unknown else { return String(value) }
        return "\(value) /* \(n) */"
    }
}

public enum Flags {
    public static let openAccess = ValueNames([(0, "O_RDONLY"), (1, "O_WRONLY"), (2, "O_RDWR"), (3, "O_ACCMODE")])
    public static let openBits = FlagSet([
        (0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"), (0o2000, "O_APPEND"),
        (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o4000000, "__O_SYNC"), (0o10000, "O_DSYNC"), (0o20000, "O_ASYNC"),
        (0o40000, "O_DIRECT"), (0o100000, "O_LARGEFILE"), (0o400000, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"),
        (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH"), (0o20200000, "O_TMPFILE"), (0o20000000, "__O_TMPFILE"), (0o200000, "O_DIRECTORY"),
    ])
    /// open(2) flags: the access mode by name, then the other bits (`O_RDONLY|O_CLOEXEC`).
    public static func open(_ v: UInt64) -> String {
        let rest = v & ~3
        let acc = openAccess.format(Int64(v & 3))
        return rest == 0 ? acc : acc + "|" + openBits.format(rest)
    }
    /// Whether open's mode argument is meaningful (O_CREAT or O_TMPFILE).
    public static func openTakesMode(_ v: UInt64) -> Bool { v & 0o100 != 0 || v & 0o20000000 != 0 }

    public static let prot = FlagSet([
        (1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC"), (8, "PROT_SEM"),
        (0x0100_0000, "PROT_GROWSDOWN"), (0x0200_0000, "PROT_GROWSUP"),
    ], zero: "PROT_NONE")

    public static let mapType = ValueNames([(1, "MAP_SHARED"), (2, "MAP_PRIVATE"), (3, "MAP_SHARED_VALIDATE")])
    public static let mapBits = FlagSet([
        (0x10, "MAP_FIXED"), (0x20, "MAP_ANONYMOUS"), (0x40, "MAP_32BIT"), (0x100, "MAP_GROWSDOWN"),
        (0x800, "MAP_DENYWRITE"), (0x1000, "MAP_EXECUTABLE"), (0x2000, "MAP_LOCKED"), (0x4000, "MAP_NORESERVE"),
        (0x8000, "MAP_POPULATE"), (0x10000, "MAP_NONBLOCK"), (0x20000, "MAP_STACK"), (0x40000, "MAP_HUGETLB"),
        (0x80000, "MAP_SYNC"), (0x100000, "MAP_FIXED_NOREPLACE"), (0x400_0000, "MAP_UNINITIALIZED"),
    ])
    /// mmap(2) flags: the sharing type, then the other bits (`MAP_PRIVATE|MAP_ANONYMOUS`).
    public static func map(_ v: UInt64) -> String {
        let rest = v & ~0xF
        let type = v & 0xF == 0 ? "" : mapType.format(Int64(v & 0xF), hex: true)
        if rest == 0 { return type.isEmpty ? "0" : type }
        return (type.isEmpty ? "" : type + "|") + mapBits.format(rest)
    }

    public static let clone = FlagSet([
        (0x100, "CLONE_VM"), (0x200, "CLONE_FS"), (0x400, "CLONE_FILES"), (0x800, "CLONE_SIGHAND"),
        (0x1000, "CLONE_PIDFD"), (0x2000, "CLONE_PTRACE"), (0x4000, "CLONE_VFORK"), (0x8000, "CLONE_PARENT"),
        (0x10000, "CLONE_THREAD"), (0x20000, "CLONE_NEWNS"), (0x40000, "CLONE_SYSVSEM"), (0x80000, "CLONE_SETTLS"),
        (0x100000, "CLONE_PARENT_SETTID"), (0x200000, "CLONE_CHILD_CLEARTID"), (0x400000, "CLONE_DETACHED"),
        (0x800000, "CLONE_UNTRACED"), (0x100_0000, "CLONE_CHILD_SETTID"), (0x200_0000, "CLONE_NEWCGROUP"),
        (0x400_0000, "CLONE_NEWUTS"), (0x800_0000, "CLONE_NEWIPC"), (0x1000_0000, "CLONE_NEWUSER"),
        (0x2000_0000, "CLONE_NEWPID"), (0x4000_0000, "CLONE_NEWNET"), (0x8000_0000, "CLONE_IO"),
        (0x1_0000_0000, "CLONE_CLEAR_SIGHAND"), (0x2_0000_0000, "CLONE_INTO_CGROUP"),
    ])
    /// clone(2) flags with the exit signal in the low byte (`CLONE_CHILD_SETTID|SIGCHLD`).
    public static func cloneFlags(_ v: UInt64) -> String {
        let sig = Int32(v & 0xFF)
        let rest = v & ~0xFF
        var parts = [String]()
        if rest != 0 { parts.append(clone.format(rest)) }
        if sig != 0 { parts.append(Signals.displayName(sig)) }
        return parts.isEmpty ? "0" : parts.joined(separator: "|")
    }

    public static let at = FlagSet([
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"),
        (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH"), (0x8000, "AT_RECURSIVE"),
    ])
    /// faccessat2's AT_EACCESS shares AT_REMOVEDIR's bit.
    public static let atAccess = FlagSet([
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_EACCESS"), (0x1000, "AT_EMPTY_PATH"),
    ], unknown: "AT_???")
    public static let atFDCWD: Int32 = -100

    public static let statxMask = FlagSet([
        (0xFFF, "STATX_ALL"), (0x7FF, "STATX_BASIC_STATS"), (0x1, "STATX_TYPE"), (0x2, "STATX_MODE"),
        (0x4, "STATX_NLINK"), (0x8, "STATX_UID"), (0x10, "STATX_GID"), (0x20, "STATX_ATIME"), (0x40, "STATX_MTIME"),
        (0x80, "STATX_CTIME"), (0x100, "STATX_INO"), (0x200, "STATX_SIZE"), (0x400, "STATX_BLOCKS"),
        (0x800, "STATX_BTIME"), (0x1000, "STATX_MNT_ID"), (0x2000, "STATX_DIOALIGN"),
        (0x4000, "STATX_MNT_ID_UNIQUE"), (0x8000, "STATX_SUBVOL"), (0x10000, "STATX_WRITE_ATOMIC"),
    ])

    public static let futexCommands = ValueNames([
        (0, "FUTEX_WAIT"), (1, "FUTEX_WAKE"), (2, "FUTEX_FD"), (3, "FUTEX_REQUEUE"), (4, "FUTEX_CMP_REQUEUE"),
        (5, "FUTEX_WAKE_OP"), (6, "FUTEX_LOCK_PI"), (7, "FUTEX_UNLOCK_PI"), (8, "FUTEX_TRYLOCK_PI"),
        (9, "FUTEX_WAIT_BITSET"), (10, "FUTEX_WAKE_BITSET"), (11, "FUTEX_WAIT_REQUEUE_PI"),
        (12, "FUTEX_CMP_REQUEUE_PI"), (13, "FUTEX_LOCK_PI2"),
    ])
    /// futex op: command, `_PRIVATE` suffix, `|FUTEX_CLOCK_REALTIME` (`FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME`).
    public static func futexOp(_ v: UInt64) -> String {
        let op = Int32(truncatingIfNeeded: v)
        let cmd = Int64(op & 0x7F)
        var s = futexCommands.names[cmd] ?? "FUTEX_\(cmd)"
        if op & 128 != 0 { s += "_PRIVATE" }
        if op & 256 != 0 { s += "|FUTEX_CLOCK_REALTIME" }
        let rest = op & ~(0x7F | 128 | 256)
        if rest != 0 { s += "|0x" + String(UInt32(bitPattern: rest), radix: 16) }
        return s
    }

    public static let fcntlCommands = ValueNames([
        (0, "F_DUPFD"), (1, "F_GETFD"), (2, "F_SETFD"), (3, "F_GETFL"), (4, "F_SETFL"), (5, "F_GETLK"),
        (6, "F_SETLK"), (7, "F_SETLKW"), (8, "F_SETOWN"), (9, "F_GETOWN"), (10, "F_SETSIG"), (11, "F_GETSIG"),
        (12, "F_GETLK64"), (13, "F_SETLK64"), (14, "F_SETLKW64"), (15, "F_SETOWN_EX"), (16, "F_GETOWN_EX"),
        (36, "F_OFD_GETLK"), (37, "F_OFD_SETLK"), (38, "F_OFD_SETLKW"), (1024, "F_SETLEASE"), (1025, "F_GETLEASE"),
        (1026, "F_NOTIFY"), (1030, "F_DUPFD_CLOEXEC"), (1031, "F_SETPIPE_SZ"), (1032, "F_GETPIPE_SZ"),
        (1033, "F_ADD_SEALS"), (1034, "F_GET_SEALS"),
    ])
    public static let fdFlags = FlagSet([(1, "FD_CLOEXEC")])

    public static let seekWhence = ValueNames([
        (0, "SEEK_SET"), (1, "SEEK_CUR"), (2, "SEEK_END"), (3, "SEEK_DATA"), (4, "SEEK_HOLE"),
    ])
    public static let accessMode = FlagSet([(4, "R_OK"), (2, "W_OK"), (1, "X_OK")], zero: "F_OK", unknown: "?_OK")
    public static let sigprocmaskHow = ValueNames([(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")])
    public static let saFlags = FlagSet([
        (1, "SA_NOCLDSTOP"), (2, "SA_NOCLDWAIT"), (4, "SA_SIGINFO"), (0x400_0000, "SA_RESTORER"),
        (0x800_0000, "SA_ONSTACK"), (0x1000_0000, "SA_RESTART"), (0x4000_0000, "SA_NODEFER"),
        (0x8000_0000, "SA_RESETHAND"),
    ])
    public static let ssFlags = FlagSet([(1, "SS_ONSTACK"), (2, "SS_DISABLE"), (0x8000_0000, "SS_AUTODISARM")])

    public static let addressFamilies = ValueNames([
        (0, "AF_UNSPEC"), (1, "AF_UNIX"), (2, "AF_INET"), (10, "AF_INET6"), (16, "AF_NETLINK"), (17, "AF_PACKET"),
        (38, "AF_ALG"), (40, "AF_VSOCK"),
    ])
    public static let socketTypes = ValueNames([
        (1, "SOCK_STREAM"), (2, "SOCK_DGRAM"), (3, "SOCK_RAW"), (4, "SOCK_RDM"), (5, "SOCK_SEQPACKET"),
        (6, "SOCK_DCCP"), (10, "SOCK_PACKET"),
    ])
    public static let socketFlags = FlagSet([(0o2000000, "SOCK_CLOEXEC"), (0o4000, "SOCK_NONBLOCK")])
    /// socket(2) type: `SOCK_STREAM|SOCK_CLOEXEC`.
    public static func socketType(_ v: UInt64) -> String {
        let rest = v & ~0xF
        let t = socketTypes.format(Int64(v & 0xF))
        return rest == 0 ? t : t + "|" + socketFlags.format(rest)
    }
    public static let ipProtocols = ValueNames([
        (0, "IPPROTO_IP"), (1, "IPPROTO_ICMP"), (6, "IPPROTO_TCP"), (17, "IPPROTO_UDP"), (41, "IPPROTO_IPV6"),
        (58, "IPPROTO_ICMPV6"), (255, "IPPROTO_RAW"),
    ])
    public static let msgFlags = FlagSet([
        (1, "MSG_OOB"), (2, "MSG_PEEK"), (4, "MSG_DONTROUTE"), (8, "MSG_CTRUNC"), (0x20, "MSG_TRUNC"),
        (0x40, "MSG_DONTWAIT"), (0x80, "MSG_EOR"), (0x100, "MSG_WAITALL"), (0x4000, "MSG_NOSIGNAL"),
        (0x8000, "MSG_MORE"), (0x10000, "MSG_WAITFORONE"), (0x4000_0000, "MSG_CMSG_CLOEXEC"),
    ])
    public static let shutdownHow = ValueNames([(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")])

    public static let archPrctl = ValueNames([
        (0x1001, "ARCH_SET_GS"), (0x1002, "ARCH_SET_FS"), (0x1003, "ARCH_GET_FS"), (0x1004, "ARCH_GET_GS"),
        (0x1011, "ARCH_GET_CPUID"), (0x1012, "ARCH_SET_CPUID"), (0x1021, "ARCH_GET_XCOMP_SUPP"),
        (0x1022, "ARCH_GET_XCOMP_PERM"), (0x1023, "ARCH_REQ_XCOMP_PERM"), (0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
        (0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"), (0x2001, "ARCH_MAP_VDSO_X32"), (0x2002, "ARCH_MAP_VDSO_32"),
        (0x2003, "ARCH_MAP_VDSO_64"), (0x4001, "ARCH_GET_UNTAG_MASK"), (0x4002, "ARCH_ENABLE_TAGGED_ADDR"),
        (0x4003, "ARCH_GET_MAX_TAG_BITS"), (0x4004, "ARCH_FORCE_TAGGED_SVA"), (0x5001, "ARCH_SHSTK_ENABLE"),
        (0x5002, "ARCH_SHSTK_DISABLE"), (0x5003, "ARCH_SHSTK_LOCK"), (0x5004, "ARCH_SHSTK_UNLOCK"),
        (0x5005, "ARCH_SHSTK_STATUS"),
    ])
    public static let prctl = ValueNames([
        (1, "PR_SET_PDEATHSIG"), (2, "PR_GET_PDEATHSIG"), (3, "PR_GET_DUMPABLE"), (4, "PR_SET_DUMPABLE"),
        (8, "PR_SET_KEEPCAPS"), (7, "PR_GET_KEEPCAPS"), (15, "PR_SET_NAME"), (16, "PR_GET_NAME"),
        (21, "PR_GET_SECCOMP"), (22, "PR_SET_SECCOMP"), (23, "PR_CAPBSET_READ"), (24, "PR_CAPBSET_DROP"),
        (35, "PR_SET_MM"), (36, "PR_SET_CHILD_SUBREAPER"), (37, "PR_GET_CHILD_SUBREAPER"),
        (38, "PR_SET_NO_NEW_PRIVS"), (39, "PR_GET_NO_NEW_PRIVS"), (41, "PR_SET_THP_DISABLE"),
        (42, "PR_GET_THP_DISABLE"), (47, "PR_CAP_AMBIENT"), (0x5961_6D61, "PR_SET_PTRACER"),
        (0x5356_4D41, "PR_SET_VMA"),
    ])
    public static let madvise = ValueNames([
        (0, "MADV_NORMAL"), (1, "MADV_RANDOM"), (2, "MADV_SEQUENTIAL"), (3, "MADV_WILLNEED"), (4, "MADV_DONTNEED"),
        (8, "MADV_FREE"), (9, "MADV_REMOVE"), (10, "MADV_DONTFORK"), (11, "MADV_DOFORK"), (12, "MADV_MERGEABLE"),
        (13, "MADV_UNMERGEABLE"), (14, "MADV_HUGEPAGE"), (15, "MADV_NOHUGEPAGE"), (16, "MADV_DONTDUMP"),
        (17, "MADV_DODUMP"), (18, "MADV_WIPEONFORK"), (19, "MADV_KEEPONFORK"), (20, "MADV_COLD"),
        (21, "MADV_PAGEOUT"), (22, "MADV_POPULATE_READ"), (23, "MADV_POPULATE_WRITE"),
        (24, "MADV_DONTNEED_LOCKED"), (25, "MADV_COLLAPSE"), (100, "MADV_HWPOISON"),
    ])
    public static let mremap = FlagSet([(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")])
    public static let rlimitResources = ValueNames([
        (0, "RLIMIT_CPU"), (1, "RLIMIT_FSIZE"), (2, "RLIMIT_DATA"), (3, "RLIMIT_STACK"), (4, "RLIMIT_CORE"),
        (5, "RLIMIT_RSS"), (6, "RLIMIT_NPROC"), (7, "RLIMIT_NOFILE"), (8, "RLIMIT_MEMLOCK"), (9, "RLIMIT_AS"),
        (10, "RLIMIT_LOCKS"), (11, "RLIMIT_SIGPENDING"), (12, "RLIMIT_MSGQUEUE"), (13, "RLIMIT_NICE"),
        (14, "RLIMIT_RTPRIO"), (15, "RLIMIT_RTTIME"),
    ], unknown: "RLIMIT_???")
    public static let getrandom = FlagSet([(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")])
    public static let waitOptions = FlagSet([
        (1, "WNOHANG"), (4, "WEXITED"), (2, "WSTOPPED"), (8, "WCONTINUED"), (0x0100_0000, "WNOWAIT"),
        (0x8000_0000, "__WCLONE"), (0x4000_0000, "__WALL"), (0x2000_0000, "__WNOTHREAD"),
    ], unknown: "W???")
    public static let clocks = ValueNames([
        (0, "CLOCK_REALTIME"), (1, "CLOCK_MONOTONIC"), (2, "CLOCK_PROCESS_CPUTIME_ID"),
        (3, "CLOCK_THREAD_CPUTIME_ID"), (4, "CLOCK_MONOTONIC_RAW"), (5, "CLOCK_REALTIME_COARSE"),
        (6, "CLOCK_MONOTONIC_COARSE"), (7, "CLOCK_BOOTTIME"), (8, "CLOCK_REALTIME_ALARM"),
        (9, "CLOCK_BOOTTIME_ALARM"), (11, "CLOCK_TAI"),
    ])
    public static let timerFlags = FlagSet([(1, "TIMER_ABSTIME")])
    public static let pipeFlags = FlagSet([(0o4000, "O_NONBLOCK"), (0o40000, "O_DIRECT"), (0o2000000, "O_CLOEXEC"),
                                           (0o200, "O_NOTIFICATION_PIPE")])
    public static let cloexec = FlagSet([(0o2000000, "O_CLOEXEC")], unknown: "O_???")
    public static let ioctlRequests = ValueNames([
        (0x5401, "TCGETS"), (0x5402, "TCSETS"), (0x5403, "TCSETSW"), (0x5404, "TCSETSF"), (0x540E, "TIOCSCTTY"),
        (0x540F, "TIOCGPGRP"), (0x5410, "TIOCSPGRP"), (0x5413, "TIOCGWINSZ"), (0x5414, "TIOCSWINSZ"),
        (0x541B, "FIONREAD"), (0x5421, "FIONBIO"), (0x5422, "TIOCNOTTY"), (0x5450, "FIONCLEX"), (0x5451, "FIOCLEX"),
        (0x5452, "FIOASYNC"), (0x8004_5430, "TIOCGPTN"), (0x4004_5431, "TIOCSPTLCK"),
    ])
    public static let fileTypes = ValueNames([
        (0o140000, "S_IFSOCK"), (0o120000, "S_IFLNK"), (0o100000, "S_IFREG"), (0o060000, "S_IFBLK"),
        (0o040000, "S_IFDIR"), (0o020000, "S_IFCHR"), (0o010000, "S_IFIFO"),
    ])
    /// st_mode: `S_IFREG|0644`, `S_IFDIR|S_ISVTX|0777`; permission bits in octal with a leading 0.
    public static func fileMode(_ v: UInt64) -> String {
        let type = Int64(v & 0o170000)
        var parts = [String]()
        if type != 0 { parts.append(fileTypes.names[type] ?? "0" + String(type, radix: 8)) }
        for (bit, name) in [(UInt64(0o4000), "S_ISUID"), (0o2000, "S_ISGID"), (0o1000, "S_ISVTX")] where v & bit != 0 {
            parts.append(name)
        }
        parts.append(octal(v & 0o777))
        return parts.joined(separator: "|")
    }
    /// A mode argument as strace prints it (`%#03o`): 0644, 004, 000 for zero.
    public static func octal(_ v: UInt64) -> String {
        let digits = v == 0 ? "" : "0" + String(v, radix: 8)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
