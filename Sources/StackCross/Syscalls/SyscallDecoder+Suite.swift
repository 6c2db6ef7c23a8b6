/// Decodings of the call families strace 6.1's own tests check (Benchmarks/strace-suite.sh): named
/// constants from strace's xlat tables, in/out lengths, int pointers, timers and socket options.
public struct StraceTable: Sendable {
    public let pairs: [(UInt64, String)]
    /// strace's note for an unknown value (`KCMP_???`).
    public let unknown: String?
    public init(_ pairs: [(UInt64, String)], unknown: String?) { self.pairs = pairs; self.unknown = unknown }

    /// printflags: `A|B|0x40`, `0x7 /* O_??? */` when no bit is known, `0` for none.
    public func flags(_ v: UInt64) -> String {
        FlagSet(pairs, unknown: unknown).format(v)
    }

    /// printxval: the name, else `0x7 /* X_??? */` (0 reads `0`).
    public func value(_ v: UInt64) -> String {
        if let n = pairs.first(where: { $0.0 == v })?.1 { return n }
        let number = v == 0 ? "0" : "0x" + String(v, radix: 16)
        return number + (unknown.map { " /* \($0) */" } ?? "")
    }
}

extension SyscallDecoder {
    /// Tables by the name ArgKind.flagsOf/.valueOf carries.
    static let suiteTables: [String: StraceTable] = [
        "fan_class": StraceTable(StraceXlat.fanClasses, unknown: "FAN_CLASS_???"),
        "module_init": StraceTable(StraceXlat.moduleInitFlags, unknown: "MODULE_INIT_???"),
        "fsopen": StraceTable(StraceXlat.fsopenFlags, unknown: "FSOPEN_???"),
        "pidfd_open": StraceTable(StraceXlat.pidfdOpenFlags, unknown: "PIDFD_???"),
        "open_cloexec": StraceTable(StraceXlat.memfdSecretFlags, unknown: "O_???"),
        "mlock": StraceTable(StraceXlat.mlockFlags, unknown: "MLOCK_???"),
        "sync_file_range": StraceTable(StraceXlat.syncFileRangeFlags, unknown: "SYNC_FILE_RANGE_???"),
        "splice": StraceTable(StraceXlat.spliceFlags, unknown: "SPLICE_F_???"),
        "falloc": StraceTable(StraceXlat.fallocFlags, unknown: "FALLOC_FL_???"),
        "flock": StraceTable(StraceXlat.flockcmds, unknown: "LOCK_???"),
        "setns": StraceTable(StraceXlat.setnsTypes, unknown: "CLONE_NEW???"),
        "unshare": StraceTable(StraceXlat.unshareFlags, unknown: "CLONE_???"),
        "shm": StraceTable(StraceXlat.shmFlags, unknown: "SHM_???"),
        "kexec_file": StraceTable(StraceXlat.kexecFileLoadFlags, unknown: "KEXEC_FILE_???"),
        "kcmp": StraceTable([(0, "KCMP_FILE"), (1, "KCMP_VM"), (2, "KCMP_FILES"), (3, "KCMP_FS"), (4, "KCMP_SIGHAND"),
                             (5, "KCMP_IO"), (6, "KCMP_SYSVSEM"), (7, "KCMP_EPOLL_TFD")], unknown: "KCMP_???"),
        "mpol": StraceTable([(0, "MPOL_DEFAULT"), (1, "MPOL_PREFERRED"), (2, "MPOL_BIND"), (3, "MPOL_INTERLEAVE"),
                             (4, "MPOL_LOCAL"), (5, "MPOL_PREFERRED_MANY")], unknown: "MPOL_???"),
        "mbind": StraceTable([(1, "MPOL_MF_STRICT"), (2, "MPOL_MF_MOVE"), (4, "MPOL_MF_MOVE_ALL")], unknown: "MPOL_MF_???"),
        "move_pages": StraceTable([(2, "MPOL_MF_MOVE"), (4, "MPOL_MF_MOVE_ALL")], unknown: "MPOL_???"),
        "get_mempolicy": StraceTable(StraceXlat.getMempolicyFlags, unknown: "MPOL_F_???"),
        "membarrier_cmd": StraceTable(StraceXlat.membarrierCmds, unknown: "MEMBARRIER_CMD_???"),
        "membarrier_flags": StraceTable(StraceXlat.membarrierFlags, unknown: "MEMBARRIER_CMD_FLAG_???"),
        "perf_event_open": StraceTable(StraceXlat.perfEventOpenFlags, unknown: "PERF_FLAG_???"),
        "pkey": StraceTable(StraceXlat.pkeyAccess, unknown: "PKEY_???"),
        "priority": StraceTable([(0, "PRIO_PROCESS"), (1, "PRIO_PGRP"), (2, "PRIO_USER")], unknown: "PRIO_???"),
        "epoll_ctl": StraceTable(StraceXlat.epollctls, unknown: "EPOLL_CTL_???"),
        "epoll_flags": StraceTable(StraceXlat.epollflags, unknown: "EPOLL_???"),
        "memfd_create": StraceTable(StraceXlat.memfdCreateFlags, unknown: "MFD_???"),
        "sfd": StraceTable(StraceXlat.sfdFlags, unknown: "SFD_???"),
        "tfd_create": StraceTable([(0o2000000, "TFD_CLOEXEC"), (0o4000, "TFD_NONBLOCK")], unknown: "TFD_???"),
        "tfd_settime": StraceTable([(1, "TFD_TIMER_ABSTIME"), (2, "TFD_TIMER_CANCEL_ON_SET")], unknown: "TFD_TIMER_???"),
        "itimer": StraceTable(StraceXlat.itimerWhich, unknown: "ITIMER_???"),
        "xattr": StraceTable(StraceXlat.xattrflags, unknown: "XATTR_???"),
        "clock": StraceTable(StraceXlat.clocknames, unknown: "CLOCK_???"),
        "timer_flags": StraceTable([(1, "TIMER_ABSTIME")], unknown: "TIMER_???"),
        "swap": StraceTable(StraceXlat.swapFlags, unknown: "SWAP_FLAG_???"),
        "madvise": StraceTable(StraceXlat.madviseCmds, unknown: "MADV_???"),
        "boot1": StraceTable(StraceXlat.bootflags1, unknown: "LINUX_REBOOT_MAGIC_???"),
        "boot2": StraceTable(StraceXlat.bootflags2, unknown: "LINUX_REBOOT_MAGIC_???"),
        "boot3": StraceTable(StraceXlat.bootflags3, unknown: "LINUX_REBOOT_CMD_???"),
        "socketlayer": StraceTable(StraceXlat.socketlayers, unknown: "SOL_???"),
        "sock_flags": StraceTable([(0o2000000, "SOCK_CLOEXEC"), (0o4000, "SOCK_NONBLOCK")], unknown: "SOCK_???"),
        "seccomp_op": StraceTable([(0, "SECCOMP_SET_MODE_STRICT"), (1, "SECCOMP_SET_MODE_FILTER"),
                                   (2, "SECCOMP_GET_ACTION_AVAIL"), (3, "SECCOMP_GET_NOTIF_SIZES")], unknown: "SECCOMP_???"),
        "rename": StraceTable([(1, "RENAME_NOREPLACE"), (2, "RENAME_EXCHANGE"), (4, "RENAME_WHITEOUT")], unknown: "RENAME_???"),
        "inotify_init": StraceTable([(0o4000, "IN_NONBLOCK"), (0o2000000, "IN_CLOEXEC")], unknown: "IN_???"),
        "ioprio_who": StraceTable(StraceXlat.ioprioWho, unknown: "IOPRIO_WHO_???"),
        "sched_policy": StraceTable(StraceXlat.schedulers, unknown: "SCHED_???"),
        "uffd": StraceTable([(1, "UFFD_USER_MODE_ONLY"), (0o4000, "O_NONBLOCK"), (0o2000000, "O_CLOEXEC")], unknown: "UFFD_???"),
        "mount": StraceTable(StraceXlat.mountFlags, unknown: "MS_???"),
    ]

    /// Signatures of the calls the suite's families add (one of `signatureTables`).
    static let suiteSignatures: [String: [ArgKind]] = [
        "fanotify_init": [.fanInitFlags, .openFlags],
        "finit_module": [.fd, .str, .flagsOf("module_init")],
        "fsopen": [.str, .flagsOf("fsopen")], "pidfd_open": [.int, .flagsOf("pidfd_open")],
        "userfaultfd": [.flagsOf("uffd")], "memfd_secret": [.flagsOf("open_cloexec")],
        "mlock2": [.ptr, .ulong, .flagsOf("mlock")],
        "sync_file_range": [.fd, .long, .long, .flagsOf("sync_file_range")],
        "splice": [.fd, .loff, .fd, .loff, .ulong, .flagsOf("splice")],
        "copy_file_range": [.fd, .loff, .fd, .loff, .ulong, .uint],
        "tee": [.fd, .fd, .ulong, .flagsOf("splice")],
        "fallocate": [.fd, .flagsOf("falloc"), .long, .long], "flock": [.fd, .flagsOf("flock")],
        "swapon": [.path, .swapFlags], "setns": [.fd, .flagsOf("setns")], "unshare": [.flagsOf("unshare")],
        "shmat": [.int, .ptr, .flagsOf("shm")],
        "membarrier": [.valueOf("membarrier_cmd"), .flagsOf("membarrier_flags"), .int],
        "perf_event_open": [.ptr, .int, .int, .int, .flagsOf("perf_event_open")],
        "pkey_alloc": [.hex, .flagsOf("pkey")],
        "getpriority": [.valueOf("priority"), .int], "setpriority": [.valueOf("priority"), .int, .int],
        "epoll_ctl": [.fd, .valueOf("epoll_ctl"), .fd, .ptr], "epoll_create1": [.flagsOf("epoll_flags")],
        "signalfd4": [.fd, .sigset, .ulong, .flagsOf("sfd")],
        "timerfd_create": [.valueOf("clock"), .flagsOf("tfd_create")],
        "timerfd_settime": [.fd, .flagsOf("tfd_settime"), .itimerspec, .outItimerspec],
        "timerfd_gettime": [.fd, .outItimerspec],
        "timer_settime": [.int, .flagsOf("timer_flags"), .itimerspec, .outItimerspec],
        "timer_gettime": [.int, .outItimerspec],
        "setitimer": [.valueOf("itimer"), .itimerval, .outItimerval], "getitimer": [.valueOf("itimer"), .outItimerval],
        "clock_settime": [.clockID, .timespec], "clock_adjtime": [.clockID, .ptr],
        "settimeofday": [.timeval, .timezone], "gettimeofday": [.outTimeval, .outTimezone],
        "getresuid": [.outUid, .outUid, .outUid], "getresgid": [.outUid, .outUid, .outUid],
        "getcpu": [.outUint, .outUint, .ptr],
        "mknod": [.path, .fileMode, .dev], "mknodat": [.dirfd, .path, .fileMode, .dev], "ustat": [.dev, .ptr],
        "getsockopt": [.fd, .sockLevel, .sockOptName, .sockOptVal, .inOutLen],
        "setsockopt": [.fd, .sockLevel, .sockOptName, .sockOptVal, .int],
        "accept": [.fd, .outSockaddr, .inOutLen], "accept4": [.fd, .outSockaddr, .inOutLen, .flagsOf("sock_flags")],
        "getsockname": [.fd, .outSockaddr, .inOutLen], "getpeername": [.fd, .outSockaddr, .inOutLen],
        "renameat2": [.dirfd, .path, .dirfd, .path, .flagsOf("rename")],
        "inotify_init1": [.flagsOf("inotify_init")],
        "sched_setscheduler": [.int, .valueOf("sched_policy"), .intPtr],
        "ioperm": [.hex, .hex, .int], "sendfile": [.fd, .fd, .loffInOut, .ulong],
        "sched_get_priority_min": [.valueOf("sched_policy")], "sched_get_priority_max": [.valueOf("sched_policy")],
        "sched_getparam": [.int, .outInt], "sched_setparam": [.int, .intPtr],
        "io_setup": [.uint, .outHexWord], "io_destroy": [.hex], "io_submit": [.hex, .long, .ptr],
        "io_cancel": [.hex, .ptr, .ptr], "io_getevents": [.hex, .long, .long, .ptr, .timespec],
        "io_pgetevents": [.hex, .long, .long, .ptr, .timespec, .ptr],
        "ppoll": [.ptr, .uint, .timespec, .sigset, .ulong],
        "futex_waitv": [.ptr, .uint, .hex, .timespec, .valueOf("clock")],
        "mq_open": [.str, .openFlags, .mode, .ptr],
        "kexec_load": [.ptr, .ulong, .ptr, .kexecFlags],
        "recvfrom": [.fd, .outBuffer, .ulong, .msgFlags, .outSockaddr, .inOutLen],
        "move_pages": [.int, .ulong, .ptrArray(countArg: 1), .intArray(countArg: 1), .outErrnoArray(countArg: 1),
                       .flagsOf("move_pages")],
    ]

    /// Options of a socket level, for getsockopt/setsockopt's third argument.
    static func sockOptTable(level: Int32, get: Bool) -> StraceTable {
        switch level {
        case 1: return StraceTable(StraceXlat.sockOptions + (get ? StraceXlat.getsockOptions : []), unknown: "SO_???")
        case 0: return StraceTable(StraceXlat.sockIpOptions + (get ? StraceXlat.getsockIpOptions : []), unknown: "IP_???")
        case 41: return StraceTable(StraceXlat.sockIpv6Options + (get ? StraceXlat.getsockIpv6Options : []), unknown: "IPV6_???")
        case 263: return StraceTable(StraceXlat.sockPacketOptions, unknown: "PACKET_???")
        case 270: return StraceTable(StraceXlat.sockNetlinkOptions, unknown: "NETLINK_???")
        case 255: return StraceTable(StraceXlat.sockRawOptions, unknown: "RAW_???")
        case 6: return StraceTable(StraceXlat.sockTcpOptions, unknown: "TCP_???")
        case 17: return StraceTable(StraceXlat.sockUdpOptions, unknown: "UDP_???")
        default: return StraceTable([], unknown: nil)
        }
    }

    /// The calls `suiteArguments` changes (any other comes back as it was given).
    static let suiteArgumentCalls: Set<String> = ["mknod", "mknodat", "mq_open", "rt_sigtimedwait", "reboot", "kcmp"]

    /// Calls whose shown arguments depend on another argument, strace style.
    static func suiteArguments(_ name: String, _ out: [String], args: [UInt64]) -> [String] {
        func a(_ i: Int) -> UInt64 { i < args.count ? args[i] : 0 }
        switch name {
        case "mknod", "mknodat":
            // The device number only for character and block devices.
            let modeAt = name == "mknod" ? 1 : 2
            let type = a(modeAt) & 0o170000
            return type == 0o020000 || type == 0o060000 ? out : Array(out.prefix(modeAt + 1))
        case "mq_open":
            // mode and attr only matter (and are shown) with O_CREAT.
            return Flags.openTakesMode(a(1)) ? out : Array(out.prefix(2))
        case "rt_sigtimedwait":
            // A set of another size than the kernel's sigset_t is shown by address.
            guard a(3) != 8, out.count == 4 else { return out }
            return [a(0) == 0 ? "NULL" : "0x" + String(a(0), radix: 16)] + out.dropFirst()
        case "reboot":
            return UInt32(truncatingIfNeeded: a(2)) == 0xA1B2_C3D4 ? out : Array(out.prefix(3))
        case "kcmp":
            switch UInt32(truncatingIfNeeded: a(2)) {
            case 0: return Array(out.prefix(3)) + [String(Int32(truncatingIfNeeded: a(3))), String(Int32(truncatingIfNeeded: a(4)))]
            case 1 ... 6: return Array(out.prefix(3))
            case 7: return Array(out.prefix(3)) + [String(Int32(truncatingIfNeeded: a(3))), out.count > 4 ? out[4] : "NULL"]
            default: return Array(out.prefix(3)) + [SyscallDecoder.xval(a(3)), SyscallDecoder.xval(a(4))]
            }
        default: return out
        }
    }
}

extension SyscallDecoder.Context {
    func table(_ key: String) -> StraceTable {
        SyscallDecoder.suiteTables[key] ?? SyscallDecoder.fsTables[key] ?? SyscallDecoder.procTable(key)
    }

    /// The suite's argument kinds at entry (and for inputs); nil for kinds handled elsewhere.
    func renderSuite(_ kind: ArgKind, _ i: Int) -> String? {
        let v = raw(i)
        switch kind {
        case .flagsOf(let key):
            return table(key).flags(SyscallDecoder.longFlagArgs.contains(name) ? v : v & 0xFFFF_FFFF)
        case .valueOf(let key): return table(key).value(v & 0xFFFF_FFFF)
        case .fanInitFlags:
            // The notification class is a 2-bit value inside the flags.
            let cls = table("fan_class").value(v & 0xC), rest = v & 0xFFFF_FFFF & ~0xC
            return rest == 0 ? cls : cls + "|" + StraceTable(StraceXlat.fanInitFlags, unknown: cls.contains("???") ? nil : "FAN_???").flags(rest)
        case .kexecFlags:
            let arch = v & 0xFFFF_0000, rest = v & ~0xFFFF_0000
            let a = StraceTable(StraceXlat.kexecArchValues, unknown: "KEXEC_ARCH_???").value(arch)
            return rest == 0 ? a : a + "|" + StraceTable(StraceXlat.kexecLoadFlags, unknown: "KEXEC_???").flags(rest)
        case .mpolMode:
            let mode = v & 0xFFFF_FFFF, flags = mode & 0xE000
            let base = mode & ~0xE000
            let f = StraceTable(StraceXlat.mpolModeFlags, unknown: nil).flags(flags)
            // An unknown mode reads as the flags, then the rest in hex (strace's print_mode).
            if table("mpol").pairs.contains(where: { $0.0 == base }) == false, flags != 0 {
                return f + (base == 0 ? "" : "|0x" + String(base, radix: 16))
            }
            let m = table("mpol").value(base)
            return flags == 0 ? m : m + "|" + f
        case .swapFlags:
            // SWAP_FLAG_PREFER carries a priority in the low 15 bits.
            let prio = v & 0x7FFF, f = v & 0xFFFF_FFFF & ~0x7FFF
            if f & 0x8000 == 0 { return f == 0 ? String(prio) : table("swap").flags(f) + "|" + String(prio) }
            return table("swap").flags(f) + "|" + String(prio)
        case .fileMode:
            let m = v & 0xFFFF
            // A type strace has no name for shows as plain octal (0177777).
            return Flags.fileTypes.names[Int64(m & 0o170000)] != nil ? Flags.fileMode(m) : Flags.octal(m)
        // The kernel takes these dev_t arguments as 32-bit (new_decode_dev).
        case .dev: return SyscallDecoder.makedev(v & 0xFFFF_FFFF)
        case .intPtr:
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 4) else { return ptr(v) }
            return "[\(Int32(truncatingIfNeeded: le(b, 0, 4)))]"
        case .sockLevel: return table("socketlayer").value(v & 0xFFFF_FFFF)
        case .sockOptName:
            return SyscallDecoder.sockOptTable(level: int32(1), get: name == "getsockopt").value(v & 0xFFFF_FFFF)
        case .sockOptVal:
            // setsockopt: an int option of at least 4 bytes shows as [value].
            guard name == "setsockopt" else { return ptr(v) }
            guard v != 0 else { return "NULL" }
            if let st = sockOptStruct(v, length: Int(int32(4))) { return st }
            guard intOption, int32(4) >= 4, let b = read(v, 4) else { return ptr(v) }
            return "[\(Int32(truncatingIfNeeded: le(b, 0, 4)))]"
        case .inOutLen:
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 4) else { return ptr(v) }
            return "[\(Int32(truncatingIfNeeded: le(b, 0, 4)))]"
        case .loff, .loffInOut:
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 8) else { return ptr(v) }
            return "[\(Int64(bitPattern: le(b, 0, 8)))]"
        case .timeval: return timeval(v)
        case .timezone: return timezone(v)
        case .itimerval: return pairOf(v, size: 16) { timeval($0) }
        case .itimerspec: return pairOf(v, size: 16) { timespec($0, time64: true) }
        case .ptrArray(let c):
            return array(v, count: Int(clamping: min(raw(c), 1 << 20)), elemSize: wordSize) { ptr(le($0, 0, wordSize)) }
        case .intArray(let c):
            return array(v, count: Int(clamping: min(raw(c), 1 << 20)), elemSize: 4) { String(signed($0, 0, 4)) }
        default: return nil
        }
    }

    /// The suite's output kinds at a successful exit.
    func renderSuiteOutput(_ kind: ArgKind, _ i: Int, ret: Int64) -> String? {
        let v = raw(i)
        switch kind {
        case .inOutLen:
            guard let b = read(v, 4) else { return nil }
            let now = Int32(truncatingIfNeeded: le(b, 0, 4))
            if let before = entryArgs.flatMap({ i < $0.count ? $0[i] : nil }), before != "[\(now)]", before.hasPrefix("[") {
                return "[\(before.dropFirst().dropLast()) => \(now)]"
            }
            return "[\(now)]"
        case .sockOptVal:
            // setsockopt's value was read at the entry.
            if name == "setsockopt", let e = entryArgs, i < e.count, !e[i].isEmpty { return e[i] }
            // getsockopt: an int option the kernel filled as 4 bytes.
            if let lb = read(raw(4), 4), let st = sockOptStruct(v, length: Int(Int32(truncatingIfNeeded: le(lb, 0, 4)))) {
                return st
            }
            guard intOption, let lb = read(raw(4), 4), Int32(truncatingIfNeeded: le(lb, 0, 4)) == 4, let b = read(v, 4) else { return nil }
            return "[\(Int32(truncatingIfNeeded: le(b, 0, 4)))]"
        case .outInt, .outUint, .outUid:
            guard let b = read(v, 4) else { return nil }
            let x = le(b, 0, 4)
            if kind == .outInt { return "[\(Int32(truncatingIfNeeded: x))]" }
            if kind == .outUid { return "[\(SyscallDecoder.uidString(UInt32(truncatingIfNeeded: x)))]" }
            return "[\(x)]"
        case .outTimezone: return timezone(v)
        case .loffInOut:
            // sendfile: the offset before, then after the call (`[0] => [35499]`).
            guard let b = read(v, 8) else { return nil }
            let now = "[\(Int64(bitPattern: le(b, 0, 8)))]"
            guard let before = entryArgs.flatMap({ i < $0.count ? $0[i] : nil }), before.hasPrefix("[") else { return now }
            return "\(before) => \(now)"
        case .outHexWord:
            guard let b = read(v, 8) else { return nil }
            return "[\(ptr(le(b, 0, 8)))]"
        case .outMpol:
            guard let b = read(v, 4) else { return nil }
            return "[\(table("mpol").value(le(b, 0, 4)))]"
        case .outItimerval: return pairOf(v, size: 16) { timeval($0) }
        case .outItimerspec: return pairOf(v, size: 16) { timespec($0, time64: true) }
        case .outErrnoArray(let c):
            // move_pages' status: a negative errno by name (-EFAULT), else the node number.
            return array(v, count: Int(clamping: min(raw(c), 1 << 20)), elemSize: 4) { b in
                let s = Int32(truncatingIfNeeded: le(b, 0, 4))
                guard s < 0, s > -4096, let e = Errno.name(-s) else { return String(s) }
                return SyscallDecoder.xstyled(raw: String(s), name: "-" + e, style)
            }
        default: return nil
        }
    }

    /// SOL_SOCKET options whose value is an int (not SO_LINGER, SO_PEERCRED, filters, timeouts, names).
    var intOption: Bool {
        guard int32(1) == 1 else { return false }
        return ![13, 17, 20, 21, 22, 23, 24, 25, 26, 28, 31, 48, 50, 51, 52, 57, 59, 66, 67, 68].contains(int32(2))
    }

    /// SO_LINGER's struct linger and SO_PEERCRED's struct ucred, when the length covers them.
    func sockOptStruct(_ addr: UInt64, length: Int) -> String? {
        if let s = netSockOpt(addr, length: length) { return s }
        guard int32(1) == 1 else { return nil }
        switch int32(2) {
        case 13:
            guard length >= 8, let b = read(addr, 8) else { return nil }
            return "{l_onoff=\(signed(b, 0, 4)), l_linger=\(signed(b, 4, 4))}"
        case 17 where name == "getsockopt":
            guard length >= 12, let b = read(addr, 12) else { return nil }
            return "{pid=\(signed(b, 0, 4)), uid=\(le(b, 4, 4)), gid=\(le(b, 8, 4))}"
        default: return nil
        }
    }

    /// struct flock for fcntl's F_SETLK family: type, whence, start, length.
    func flock(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        // sizeof(struct flock) is 32: strace reads it whole, so a short mapping shows the address.
        guard let b = read(addr, 32) else { return ptr(addr) }
        let type = StraceTable([(0, "F_RDLCK"), (1, "F_WRLCK"), (2, "F_UNLCK")], unknown: "F_???").value(le(b, 0, 2))
        return "{l_type=\(type), l_whence=\(Flags.seekWhence.format(Int64(Int16(truncatingIfNeeded: le(b, 2, 2)))))"
            + ", l_start=\(signed(b, 8, 8)), l_len=\(signed(b, 16, 8))}"
    }

    func timeval(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 16) else { return ptr(addr) }
        return "{tv_sec=\(signed(b, 0, 8)), tv_usec=\(le(b, 8, 8))}"
    }

    func timezone(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 8) else { return ptr(addr) }
        return "{tz_minuteswest=\(signed(b, 0, 4)), tz_dsttime=\(signed(b, 4, 4))}"
    }

    /// struct itimerval / itimerspec: an interval and a value.
    func pairOf(_ addr: UInt64, size: Int, _ show: (UInt64) -> String) -> String {
        guard addr != 0 else { return "NULL" }
        guard read(addr, 2 * size) != nil else { return ptr(addr) }
        return "{it_interval=\(show(addr)), it_value=\(show(addr &+ UInt64(size)))}"
    }
}

extension SyscallDecoder {
    /// A dev_t strace style: `makedev(0x1, 0x7)` (glibc's major/minor split).
    static func makedev(_ d: UInt64) -> String {
        let major = (d >> 8) & 0xFFF | (d >> 32) & 0xFFFF_F000
        let minor = d & 0xFF | (d >> 12) & 0xFFFF_FF00
        func hex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
        return "makedev(\(hex(major)), \(hex(minor)))"
    }
}
