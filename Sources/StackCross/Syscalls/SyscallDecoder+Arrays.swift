/// Arrays and small per-call decodings strace's tests check: gid lists, CPU masks, uids, syslog.
extension SyscallDecoder {
    /// Flag arguments that are `unsigned long` in the kernel (all other generated flag arguments are 32-bit).
    static let longFlagArgs: Set<String> = [
        "unshare", "remap_file_pages", "kexec_load", "kexec_file_load", "mount", "pkey_alloc", "get_mempolicy",
        "set_mempolicy_home_node", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents", "ioperm",
    ]
    /// uid_t/gid_t arguments strace shows signed, so (uid_t)-1 reads -1.
    static let uidCalls: Set<String> = [
        "setuid", "setgid", "setfsuid", "setfsgid", "setreuid", "setregid", "setresuid", "setresgid",
        "chown", "lchown", "fchown", "fchownat", "setuid32", "setgid32", "setfsuid32", "setfsgid32",
        "setreuid32", "setregid32", "setresuid32", "setresgid32", "chown32", "lchown32", "fchown32",
    ]

    /// A uid/gid the strace way: -1 for (uid_t)-1, else unsigned decimal.
    public static func uidString(_ v: UInt32) -> String { v == UInt32.max ? "-1" : String(v) }

    /// syslog shows the arguments its action uses (strace's syslog.c): none for OPEN/CLOSE/SIZE_*,
    /// the buffer only for READ*, a log level for CONSOLE_LEVEL.
    static func syslogArguments(_ out: [String], args: [UInt64], abi: SyscallABI) -> [String] {
        guard out.count == 3 else { return out }
        let bufp = args.count > 1 && args[1] != 0 ? hex(args[1], abi: .x86_64) : "NULL"
        let len = Int64(Int32(truncatingIfNeeded: args.count > 2 ? args[2] : 0))
        switch Int32(truncatingIfNeeded: args.first ?? 0) {
        case 0, 1, 5, 6, 7, 9, 10: return [out[0]]
        case 2, 3, 4: return out
        case 8: return [out[0], bufp, Flags.syslogLevels.formatCommented(len)]
        default: return [out[0], bufp, String(len)]
        }
    }
}

extension SyscallDecoder.Context {
    /// strace's print_array: NULL, `[]` for no elements, the address when the first element is
    /// unreadable, `[a, b, ... /* 0x… */]` when a later one is, `...` after -s elements.
    func array(_ addr: UInt64, count: Int, elemSize: Int, _ show: ([UInt8]) -> String) -> String {
        guard addr != 0 else { return "NULL" }
        guard count > 0 else { return "[]" }
        var items = [String]()
        for k in 0 ..< count {
            let at = addr &+ UInt64(k * elemSize)
            guard let b = read(at, elemSize) else {
                if k == 0 { return ptr(addr) }
                items.append("... /* \(ptr(at)) */")
                break
            }
            if k == limit { items.append("..."); break }
            items.append(show(b))
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// getgroups/setgroups: gid_t entries (strace prints the address past NGROUPS_MAX).
    func groups(_ addr: UInt64, count: Int) -> String {
        guard count <= 65536 else { return ptr(addr) }
        return array(addr, count: count, elemSize: 4) { SyscallDecoder.uidString(UInt32(truncatingIfNeeded: le($0, 0, 4))) }
    }

    /// A CPU set as the numbers of its set bits, `[0 1]` (sched_getaffinity/setaffinity).
    func cpuMask(_ addr: UInt64, bytes: Int) -> String {
        guard addr != 0 else { return "NULL" }
        let n = min(max(bytes, 0), 1024)
        guard let b = read(addr, n) else { return ptr(addr) }
        var cpus = [String]()
        for (i, byte) in b.enumerated() where byte != 0 {
            for bit in 0 ..< 8 where byte & (1 << bit) != 0 { cpus.append(String(i * 8 + bit)) }
        }
        return "[" + cpus.joined(separator: " ") + "]"
    }
}

extension Flags {
    public static let mlockall = FlagSet([(1, "MCL_CURRENT"), (2, "MCL_FUTURE"), (4, "MCL_ONFAULT")],
                                         unknown: "MCL_???")
    public static let syslogActions = ValueNames([
        (0, "SYSLOG_ACTION_CLOSE"), (1, "SYSLOG_ACTION_OPEN"), (2, "SYSLOG_ACTION_READ"),
        (3, "SYSLOG_ACTION_READ_ALL"), (4, "SYSLOG_ACTION_READ_CLEAR"), (5, "SYSLOG_ACTION_CLEAR"),
        (6, "SYSLOG_ACTION_CONSOLE_OFF"), (7, "SYSLOG_ACTION_CONSOLE_ON"), (8, "SYSLOG_ACTION_CONSOLE_LEVEL"),
        (9, "SYSLOG_ACTION_SIZE_UNREAD"), (10, "SYSLOG_ACTION_SIZE_BUFFER"),
    ], unknown: "SYSLOG_ACTION_???")
    public static let syslogLevels = ValueNames([
        (0, "LOGLEVEL_EMERG"), (1, "LOGLEVEL_ALERT"), (2, "LOGLEVEL_CRIT"), (3, "LOGLEVEL_ERR"),
        (4, "LOGLEVEL_WARNING"), (5, "LOGLEVEL_NOTICE"), (6, "LOGLEVEL_INFO"), (7, "LOGLEVEL_DEBUG"),
        (8, "LOGLEVEL_DEBUG+1"),
    ], unknown: "LOGLEVEL_???")
    /// fadvise64 advice (x86 values: DONTNEED 4, NOREUSE 5).
    public static let fadvise = ValueNames([
        (0, "POSIX_FADV_NORMAL"), (1, "POSIX_FADV_RANDOM"), (2, "POSIX_FADV_SEQUENTIAL"),
        (3, "POSIX_FADV_WILLNEED"), (4, "POSIX_FADV_DONTNEED"), (5, "POSIX_FADV_NOREUSE"),
    ])
    public static let keySpecs = ValueNames([
        (-1, "KEY_SPEC_THREAD_KEYRING"), (-2, "KEY_SPEC_PROCESS_KEYRING"), (-3, "KEY_SPEC_SESSION_KEYRING"),
        (-4, "KEY_SPEC_USER_KEYRING"), (-5, "KEY_SPEC_USER_SESSION_KEYRING"), (-6, "KEY_SPEC_GROUP_KEYRING"),
        (-7, "KEY_SPEC_REQKEY_AUTH_KEY"), (-8, "KEY_SPEC_REQUESTOR_KEYRING"),
    ])
}
