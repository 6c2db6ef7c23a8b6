import Foundation

/// The file-system family as strace 6.1 decodes it (src/quota.c, fsconfig.c, mount_setattr.c, open.c):
/// quotactl's QCMD and per-command data, fsconfig's key/value/aux by command, struct mount_attr.
public enum FsArg: Sendable, Equatable {
    /// quotactl's command word: `QCMD(Q_GETQUOTA, USRQUOTA)`.
    case qcmd
    /// quotactl's id (a uid, Q_QUOTAON's format, or not shown) and addr (per command; read at exit for gets).
    case quotaId, quotaData
    /// fsconfig's cmd, key, value and aux: their display depends on the command.
    case fsconfigCmd, fsconfigKey, fsconfigValue, fsconfigAux
    /// mount_setattr's struct mount_attr of the size in argument `sizeArg`.
    case mountAttr(sizeArg: Int)
    /// mount's filesystemtype, mountflags (MS_MGC_VAL apart) and data, shown as its flags say.
    case mountType, mountFlags, mountData
    /// struct statfs, filled in by statfs/fstatfs.
    case outStatfs
    /// _sysctl's struct __sysctl_args.
    case sysctlArgs
    /// kexec_file_load's cmdline: exactly `lenArg` bytes.
    case lengthString(lenArg: Int)
    /// A NUL-terminated string read as at most `max` bytes (reboot's RESTART2 argument).
    case boundedString(max: Int)
    /// An xattr value of `sizeArg` bytes (set*), or as long as the return (get*); listxattr's list.
    case xattrValue(sizeArg: Int), outXattrValue, outXattrList
    /// utimes/futimesat's timeval pair and utimensat's timespec pair, with their time comments.
    case utimeval, utimespec
    /// utime's struct utimbuf: two times in seconds, with their comments.
    case utimbuf

    /// Output-like: rendered again at exit (quotactl's gets fill their data then).
    var isOutput: Bool { true }
}

extension SyscallDecoder {
    /// Signatures of this family (consulted before the suite's and the common ones).
    static let fsSignatures: [String: [ArgKind]] = [
        "quotactl": [.fs(.qcmd), .path, .fs(.quotaId), .fs(.quotaData)],
        "quotactl_fd": [.fd, .fs(.qcmd), .fs(.quotaId), .fs(.quotaData)],
        "fsconfig": [.fd, .fs(.fsconfigCmd), .fs(.fsconfigKey), .fs(.fsconfigValue), .fs(.fsconfigAux)],
        "fsmount": [.fd, .flagsOf("fsmount"), .flagsOf("fsmount_attr")],
        "move_mount": [.dirfd, .path, .dirfd, .path, .flagsOf("move_mount")],
        "open_tree": [.dirfd, .path, .flagsOf("open_tree")],
        "fspick": [.dirfd, .path, .flagsOf("fspick")],
        "mount_setattr": [.dirfd, .path, .flagsOf("mount_setattr"), .fs(.mountAttr(sizeArg: 4)), .ulong],
        "mount": [.path, .path, .fs(.mountType), .fs(.mountFlags), .fs(.mountData)],
        "statfs": [.path, .fs(.outStatfs)], "fstatfs": [.fd, .fs(.outStatfs)],
        "_sysctl": [.fs(.sysctlArgs)],
        "delete_module": [.str, .flagsOf("delete_module")],
        "kexec_file_load": [.fd, .fd, .ulong, .fs(.lengthString(lenArg: 2)), .flagsOf("kexec_file")],
        "reboot": [.valueOf("boot1"), .valueOf("boot2"), .valueOf("boot3"), .fs(.boundedString(max: 255))],
        "setxattr": [.path, .str, .fs(.xattrValue(sizeArg: 3)), .ulong, .flagsOf("xattr")],
        "lsetxattr": [.path, .str, .fs(.xattrValue(sizeArg: 3)), .ulong, .flagsOf("xattr")],
        "fsetxattr": [.fd, .str, .fs(.xattrValue(sizeArg: 3)), .ulong, .flagsOf("xattr")],
        "getxattr": [.path, .str, .fs(.outXattrValue), .ulong], "lgetxattr": [.path, .str, .fs(.outXattrValue), .ulong],
        "fgetxattr": [.fd, .str, .fs(.outXattrValue), .ulong],
        "listxattr": [.path, .fs(.outXattrList), .ulong], "llistxattr": [.path, .fs(.outXattrList), .ulong],
        "flistxattr": [.fd, .fs(.outXattrList), .ulong],
        "removexattr": [.path, .str], "lremovexattr": [.path, .str], "fremovexattr": [.fd, .str],
        "utimes": [.path, .fs(.utimeval)], "futimesat": [.dirfd, .path, .fs(.utimeval)],
        "utimensat": [.dirfd, .path, .fs(.utimespec), .atFlags], "utime": [.path, .fs(.utimbuf)],
    ]

    /// Tables by the name ArgKind.flagsOf/.valueOf carries (after the suite's).
    static let fsTables: [String: StraceTable] = [
        "fsmount": StraceTable(StraceXlat.fsmountFlags, unknown: "FSMOUNT_???"),
        "fsmount_attr": StraceTable(StraceXlat.fsmountAttrFlags, unknown: "MOUNT_ATTR_???"),
        "move_mount": StraceTable(StraceXlat.moveMountFlags, unknown: "MOVE_MOUNT_???"),
        "open_tree": StraceTable(StraceXlat.openTreeFlags, unknown: "OPEN_TREE_???"),
        "fspick": StraceTable(StraceXlat.fspickFlags, unknown: "FSPICK_???"),
        "mount_setattr": StraceTable(StraceXlat.mountSetattrFlags, unknown: "AT_???"),
        // delete_module.c's own table: O_NONBLOCK and O_TRUNC.
        "delete_module": StraceTable([(0o4000, "O_NONBLOCK"), (0o1000, "O_TRUNC")], unknown: "O_???"),
    ]

    static let quotaCmds = StraceTable(StraceXlat.quotacmds, unknown: "Q_???")
    static let quotaTypes = StraceTable(StraceXlat.quotatypes, unknown: "???QUOTA")
    static let quotaFormats = StraceTable(StraceXlat.quotaFormats, unknown: "QFMT_VFS_???")
    // FSCONFIG_* are an enum in linux/mount.h: no value for the generator to read.
    static let fsconfigCmds = StraceTable([(0, "FSCONFIG_SET_FLAG"), (1, "FSCONFIG_SET_STRING"), (2, "FSCONFIG_SET_BINARY"),
                                           (3, "FSCONFIG_SET_PATH"), (4, "FSCONFIG_SET_PATH_EMPTY"), (5, "FSCONFIG_SET_FD"),
                                           (6, "FSCONFIG_CMD_CREATE"), (7, "FSCONFIG_CMD_RECONFIGURE")], unknown: "FSCONFIG_???")
    // MOUNT_ATTR_IDMAP and _NOSYMFOLLOW join fsmount's attributes in struct mount_attr (mount_attr_attr.in).
    static let mountAttrAttrs = StraceTable(StraceXlat.fsmountAttrFlags + [(0x100000, "MOUNT_ATTR_IDMAP"), (0x200000, "MOUNT_ATTR_NOSYMFOLLOW")],
                                            unknown: "MOUNT_ATTR_???")

    /// strace's QCMD(cmd, type) for a quotactl command word.
    static func qcmdText(_ qcmd: UInt32) -> String {
        func unknownHex(_ v: UInt32, _ note: String) -> String { (v == 0 ? "0" : "0x" + String(v, radix: 16)) + " /* \(note) */" }
        let cmd = qcmd >> 8, type = qcmd & 0xFF
        let c = quotaCmds.pairs.first { $0.0 == UInt64(cmd) }?.1 ?? unknownHex(cmd, "Q_???")
        let t = quotaTypes.pairs.first { $0.0 == UInt64(type) }?.1 ?? unknownHex(type, "???QUOTA")
        return "QCMD(\(c), \(t))"
    }

    /// Which of quotactl's id and addr a command shows (strace's decode_cmd_data).
    enum QuotaShape { case none, addrOnly, idAndAddr }
    static func quotaShape(_ cmd: UInt32) -> QuotaShape {
        switch cmd {
        case 0x800001, 0x800003, 0x5807: return .none  // Q_SYNC, Q_QUOTAOFF, Q_XQUOTASYNC
        case 0x800004, 0x800005, 0x800006, 0x5805, 0x5808, 0x5801, 0x5802, 0x5806: return .addrOnly
        default: return .idAndAddr
        }
    }

    /// The calls `fsArguments` changes (any other comes back as it was given).
    static let fsArgumentCalls: Set<String> = ["quotactl", "quotactl_fd"]

    /// Calls of this family whose shown arguments depend on another argument.
    static func fsArguments(_ name: String, _ out: [String], args: [UInt64]) -> [String] {
        guard name == "quotactl" || name == "quotactl_fd", out.count == 4, args.count >= 2 else { return out }
        let qcmd = UInt32(truncatingIfNeeded: args[name == "quotactl" ? 0 : 1])
        switch quotaShape(qcmd >> 8) {
        case .none: return Array(out.prefix(2))
        case .addrOnly: return [out[0], out[1], out[3]]
        case .idAndAddr: return out
        }
    }

    /// -X raw / verbose for this family's constants that are not plain xlat values (quotactl's QCMD is
    /// a decimal number with the macro as its comment); nil when the generic restyling applies.
    static func fsConstants(_ r: SyscallRecord, _ mode: StraceLineStyles.Constants) -> SyscallRecord? {
        if r.name == "openat2", r.args.count > 2 {
            // open_how's flags and resolve are constants too (the struct text names them reversibly).
            var s = StraceLineStyles.constants(r, mode, generic: true)
            let open = Flags.openAccess.names.map { (UInt64($0.key), $0.value) } + Flags.openBits.bits
            s.args[2] = restyleFields(s.args[2], [("flags", open), ("resolve", StraceXlat.openResolveFlags)], mode)
            return s
        }
        if r.name == "mount", r.args.count > 3, r.rawArgs.count > 3 {
            // The old magic and the flags are two constants: `0xc0ed0000|0xf`.
            var s = StraceLineStyles.constants(r, mode, generic: true)
            var f = r.rawArgs[3].rawValue
            let magic = f & 0xFFFF_0000 == 0xC0ED_0000
            if magic { f &= ~0xFFFF_0000 }
            let text = r.args[3], rest = magic ? String(text.dropFirst("MS_MGC_VAL".count).drop { $0 == "|" }) : text
            let flags = StraceLineStyles.styled(raw: f == 0 ? "0" : "0x" + String(f, radix: 16), name: rest, mode)
            let m = StraceLineStyles.styled(raw: "0xc0ed0000", name: "MS_MGC_VAL", mode)
            s.args[3] = magic ? (f == 0 ? m : m + "|" + flags) : flags
            return s
        }
        if ["setrlimit", "getrlimit", "ugetrlimit", "prlimit64"].contains(r.name) {
            // struct rlimit's limits: the number, the name or `N*1024` as its comment.
            var s = StraceLineStyles.constants(r, mode, generic: true)
            for k in s.args.indices where s.args[k].hasPrefix("{rlim_cur=") {
                s.args[k] = restyleValues(s.args[k], ["rlim_cur", "rlim_max"], mode, parse: rlimValue)
            }
            return s
        }
        if ["stat", "lstat", "fstat", "newfstatat"].contains(r.name) {
            // struct stat's device numbers (`0xfe00 /* makedev(0xfe, 0) */`) and modes (`0100640 /* S_IFREG|0640 */`).
            var s = StraceLineStyles.constants(r, mode, generic: true)
            for k in s.args.indices where s.args[k].hasPrefix("{st_") {
                s.args[k] = restyleValues(s.args[k], ["st_dev", "st_rdev"], mode, parse: devValue)
                s.args[k] = restyleValues(s.args[k], ["st_mode"], mode, parse: modeValue)
            }
            return s
        }
        guard r.name == "quotactl" || r.name == "quotactl_fd" else { return nil }
        var s = r
        let at = r.name == "quotactl" ? 0 : 1
        guard at < r.rawArgs.count, at < s.args.count else { return s }
        let qcmd = UInt32(truncatingIfNeeded: r.rawArgs[at].rawValue)
        s.args[at] = mode == .raw ? String(qcmd) : "\(qcmd) /* \(s.args[at]) */"
        // Q_QUOTAON's format is a named constant: `0x1 /* QFMT_VFS_OLD */`.
        if qcmd >> 8 == 0x800002, s.args.count > 2, r.rawArgs.count > 2 {
            let f = UInt32(truncatingIfNeeded: r.rawArgs[2].rawValue)
            s.args[2] = StraceLineStyles.styled(raw: f == 0 ? "0" : "0x" + String(f, radix: 16), name: s.args[2], mode)
        }
        if let last = s.args.last, last.hasPrefix("{") {
            s.args[s.args.count - 1] = restyleFields(last, [
                ("dqi_flags", StraceXlat.ifDqinfoFlags), ("dqi_valid", StraceXlat.ifDqinfoValid),
                ("dqb_valid", StraceXlat.ifDqblkValid), ("d_flags", StraceXlat.xfsDqblkFlags),
            ], mode)
        }
        return s
    }

    /// `name=A|B|0x40` fields of a struct's text as -X shows them: raw `0x43`, verbose `0x43 /* A|B|0x40 */`.
    /// The names are read back through `pairs`; a field whose text does not parse is left alone.
    static func restyleFields(_ text: String, _ fields: [(String, [(UInt64, String)])], _ mode: StraceLineStyles.Constants) -> String {
        var out = text
        for (field, pairs) in fields {
            guard let r = out.range(of: (out.hasPrefix("{" + field + "=") ? "{" : " ") + field + "=") else { continue }
            let start = r.upperBound
            let end = out[start...].firstIndex { $0 == "," || $0 == "}" } ?? out.endIndex
            let shown = String(out[start..<end])
            guard let v = flagValue(shown, pairs) else { continue }
            out.replaceSubrange(start..<end, with: StraceLineStyles.styled(raw: v == 0 ? "0" : "0x" + String(v, radix: 16), name: shown, mode))
        }
        return out
    }

    /// `name=shown` fields whose shown text `parse` turns into the number -X prints (nil: left alone).
    static func restyleValues(_ text: String, _ fields: [String], _ mode: StraceLineStyles.Constants,
                              parse: (String) -> String?) -> String {
        var out = text
        for field in fields {
            guard let r = out.range(of: field + "="), r.lowerBound == out.index(after: out.startIndex) || out[out.index(before: r.lowerBound)] == " " else { continue }
            let start = r.upperBound
            // makedev(…) holds a comma: its value ends at the closing parenthesis.
            let stop: String.Index
            if out[start...].hasPrefix("makedev("), let close = out[start...].firstIndex(of: ")") {
                stop = out.index(after: close)
            } else {
                stop = out[start...].firstIndex { $0 == "," || $0 == "}" } ?? out.endIndex
            }
            let shown = String(out[start..<stop])
            guard let raw = parse(shown) else { continue }
            out.replaceSubrange(start..<stop, with: StraceLineStyles.styled(raw: raw, name: shown, mode))
        }
        return out
    }

    /// print_rlim64_t's number behind `RLIM64_INFINITY` / `8192*1024`.
    static func rlimValue(_ shown: String) -> String? {
        if shown == "RLIM64_INFINITY" { return String(UInt64.max) }
        if shown == "RLIM_INFINITY" { return String(UInt32.max) }
        if shown.hasSuffix("*1024"), let n = UInt64(shown.dropLast(5)) { return String(n &* 1024) }
        return UInt64(shown) == nil ? nil : shown
    }

    /// The dev_t behind `makedev(0xfe, 0)`, in hex (glibc's makedev).
    static func devValue(_ shown: String) -> String? {
        guard shown.hasPrefix("makedev("), shown.hasSuffix(")") else { return nil }
        let parts = shown.dropFirst(8).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        func num(_ t: String) -> UInt64? { t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t) }
        guard parts.count == 2, let major = num(parts[0]), let minor = num(parts[1]) else { return nil }
        let d = (minor & 0xFF) | (major & 0xFFF) << 8 | (minor & ~0xFF) << 12 | (major & ~0xFFF) << 32
        return d == 0 ? "0" : "0x" + String(d, radix: 16)
    }

    /// The mode behind `S_IFREG|S_ISUID|0640`, in octal as strace prints it (`0104640`).
    static func modeValue(_ shown: String) -> String? {
        var v: UInt64 = 0
        for part in shown.split(separator: "|") {
            switch part {
            case "S_ISUID": v |= 0o4000
            case "S_ISGID": v |= 0o2000
            case "S_ISVTX": v |= 0o1000
            default:
                if let t = Flags.fileTypes.names.first(where: { $0.value == part })?.key { v |= UInt64(t); continue }
                guard let o = UInt64(part, radix: 8) else { return nil }
                v |= o
            }
        }
        return v == 0 ? "0" : "0" + String(v, radix: 8)
    }

    /// The number behind `A|B|0x40` (or `0x7 /* X_??? */`); nil for a name not in `pairs`.
    static func flagValue(_ shown: String, _ pairs: [(UInt64, String)]) -> UInt64? {
        var v: UInt64 = 0
        let bare = shown.range(of: " /* ").map { String(shown[..<$0.lowerBound]) } ?? shown
        for part in bare.split(separator: "|") {
            if part.hasPrefix("0x"), let x = UInt64(part.dropFirst(2), radix: 16) { v |= x; continue }
            if part == "0" { continue }
            guard let n = pairs.first(where: { $0.1 == part })?.0 else { return nil }
            v |= n
        }
        return v
    }

    /// strace's sprinttime_ex: local time, then `.` and the fraction in `width` digits when there is one.
    static func timeComment(sec: Int64, part: UInt64, width: Int) -> String? {
        let full = timeText(sec: sec, nsec: 0)
        // localtime fails for a year past int: strace prints no comment.
        guard full != "?" else { return nil }
        guard part > 0, full.count > 5 else { return full }
        let digits = String(part), frac = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return String(full.dropLast(5)) + "." + frac + String(full.suffix(5))
    }

    /// -v: quotactl's structs whole (their times and valid bits, not `...`).
    static func fsVerbose(abi: SyscallABI, name: String, rawArgs: [UInt64], args: [String], memory: TraceeMemory?,
                          at stop: DecodeStop, constants: StraceLineStyles.Constants) -> [String]? {
        if name == "statx", case .exit = stop, args.count == 5, args[4].hasPrefix("{"), rawArgs.count > 4 {
            let ctx = Context(abi: abi, name: name, args: rawArgs, memory: memory, limit: 32, stop: stop)
            ctx.constants = constants
            guard let s = ctx.statxVerbose(rawArgs[4]) else { return nil }
            return Array(args.prefix(4)) + [s]
        }
        if name == "getdents" || name == "getdents64", abi == .x86_64, case .exit(let ret) = stop, args.count == 3, rawArgs.count > 2 {
            // The entries one by one (strace's decode_dents); a failed call keeps its address.
            guard ret >= 0, UInt64(ret) <= rawArgs[2] & 0xFFFF_FFFF else { return nil }
            let ctx = Context(abi: abi, name: name, args: rawArgs, memory: memory, limit: 32, stop: stop)
            ctx.constants = constants
            guard let s = ctx.direntList(rawArgs[1], length: Int(ret), is64: name == "getdents64") else { return nil }
            return [args[0], s, args[2]]
        }
        guard name == "quotactl" || name == "quotactl_fd", let last = args.last, last.hasPrefix("{") else { return nil }
        let ctx = Context(abi: abi, name: name, args: rawArgs, memory: memory, limit: 32, stop: stop)
        ctx.constants = constants
        var out = args
        out[out.count - 1] = ctx.quotaData(3, verbose: true)
        return out
    }
}

extension SyscallDecoder.Context {
    func renderFs(_ kind: FsArg, _ i: Int) -> String {
        let v = raw(i)
        switch kind {
        case .qcmd: return SyscallDecoder.qcmdText(UInt32(truncatingIfNeeded: v))
        case .quotaId:
            let cmd = UInt32(truncatingIfNeeded: raw(name == "quotactl" ? 0 : 1)) >> 8
            if cmd == 0x800002 { return SyscallDecoder.quotaFormats.value(UInt64(UInt32(truncatingIfNeeded: v))) }
            return SyscallDecoder.uidString(UInt32(truncatingIfNeeded: v))
        case .quotaData: return quotaData(i, verbose: false)
        case .fsconfigCmd: return SyscallDecoder.fsconfigCmds.value(v & 0xFFFF_FFFF)
        case .fsconfigKey:
            // Keys of the SET_* commands are strings (at most 256 bytes), the others addresses.
            guard (0 ... 5).contains(UInt32(truncatingIfNeeded: raw(1))) else { return ptr(v) }
            return boundedString(v, max: 256)
        case .fsconfigValue:
            let aux = int32(4)
            switch UInt32(truncatingIfNeeded: raw(1)) {
            case 1: return boundedString(v, max: 256)
            case 3, 4: return cString(v, limit: SyscallDecoder.pathLimit - 1)
            case 2 where aux >= 0 && aux <= 1 << 20:
                // The blob: aux bytes, in hex, cut at -s.
                guard v != 0 else { return "NULL" }
                let n = min(Int(aux), limit)
                guard let b = read(v, n) else { return ptr(v) }
                return SyscallDecoder.quote(b, truncated: Int(aux) > n, hex: true)
            default: return ptr(v)
            }
        case .fsconfigAux:
            let aux = int32(i)
            switch UInt32(truncatingIfNeeded: raw(1)) {
            case 3, 4:
                guard aux == Flags.atFDCWD else { return SyscallDecoder.fdString(aux, memory: memory) }
                return memory?.fdPathBytes(Flags.atFDCWD).map { "AT_FDCWD<\(SyscallDecoder.escapePath($0))>" } ?? "AT_FDCWD"
            case 5: return SyscallDecoder.fdString(aux, memory: memory)
            default: return String(aux)
            }
        case .mountAttr(let sizeArg): return mountAttr(v, size: raw(sizeArg))
        case .mountType:
            // A remount, bind, move or propagation change ignores the type: its address only.
            return mountIgnores().type ? ptr(v) : cString(v, limit: limit)
        case .mountData: return mountIgnores().data ? ptr(v) : cString(v, limit: limit)
        case .mountFlags:
            // The old magic in the upper half is named apart: `MS_MGC_VAL|MS_RDONLY`.
            var f = v
            let magic = f & 0xFFFF_0000 == 0xC0ED_0000
            if magic { f &= ~0xFFFF_0000 }
            let flags = table("mount").flags(f)
            return magic ? (f == 0 ? "MS_MGC_VAL" : "MS_MGC_VAL|" + flags) : flags
        case .outStatfs:
            guard case .exit = stop, successfulReturn != nil else { return ptr(v) }
            return statfs(v)
        case .sysctlArgs:
            guard let b = read(v, 80) else { return ptr(v) }
            return "{name=\(ptr(le(b, 0, 8))), nlen=\(signed(b, 8, 4)), oldval=\(ptr(le(b, 16, 8))), "
                + "oldlenp=\(ptr(le(b, 24, 8))), newval=\(ptr(le(b, 32, 8))), newlen=\(le(b, 40, 8))}"
        case .lengthString(let lenArg):
            // printstrn: all `len` bytes (NULs too) or the address; -s cuts them.
            guard v != 0 else { return "NULL" }
            let len = Int(clamping: raw(lenArg)), n = min(len, limit)
            guard let b = read(v, n) else { return ptr(v) }
            captured = TraceeString(bytes: b, truncated: len > n)
            return SyscallDecoder.quote(b, truncated: len > n)
        case .boundedString(let max): return boundedString(v, max: max)
        case .xattrValue(let sizeArg): return xattrValue(v, size: raw(sizeArg))
        case .outXattrValue:
            guard let ret = successfulReturn else { return ptr(v) }
            return xattrValue(v, size: UInt64(ret))
        case .outXattrList:
            guard let ret = successfulReturn, raw(i + 1) != 0 else { return ptr(v) }
            guard v != 0 else { return "NULL" }
            let n = min(Int(ret), limit)
            guard let b = read(v, n) else { return ptr(v) }
            return SyscallDecoder.quote(b, truncated: Int(ret) > n)
        case .utimeval: return timePair(v, unit: 6)
        case .utimespec: return timePair(v, unit: 9)
        case .utimbuf:
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 16) else { return ptr(v) }
            let f = [("actime", signed(b, 0, 8)), ("modtime", signed(b, 8, 8))].map { name, sec in
                "\(name)=\(sec)" + (sec == 0 ? "" : SyscallDecoder.timeComment(sec: sec, part: 0, width: 0).map { " /* \($0) */" } ?? "")
            }
            return "{" + f.joined(separator: ", ") + "}"
        }
    }

    /// struct statx whole, as strace -v prints it (fields the mask does not say are filled left out).
    func statxVerbose(_ addr: UInt64) -> String? {
        guard let b = read(addr, 256) else { return nil }
        let mask = le(b, 0, 4)
        let attrs = StraceTable(StraceXlat.statxAttrs, unknown: "STATX_ATTR_???")
        var f = ["stx_mask=\(StraceTable(StraceXlat.statxMasks, unknown: "STATX_???").flags(mask))",
                 "stx_blksize=\(le(b, 4, 4))", "stx_attributes=\(attrs.flags(le(b, 8, 8)))"]
        if mask & 0x4 != 0 { f.append("stx_nlink=\(le(b, 16, 4))") }
        if mask & 0x8 != 0 { f.append("stx_uid=\(SyscallDecoder.uidString(UInt32(le(b, 20, 4))))") }
        if mask & 0x10 != 0 { f.append("stx_gid=\(SyscallDecoder.uidString(UInt32(le(b, 24, 4))))") }
        if mask & 0x3 != 0 { f.append("stx_mode=\(Flags.fileMode(le(b, 28, 2)))") }
        if mask & 0x100 != 0 { f.append("stx_ino=\(le(b, 32, 8))") }
        if mask & 0x200 != 0 { f.append("stx_size=\(le(b, 40, 8))") }
        if mask & 0x400 != 0 { f.append("stx_blocks=\(le(b, 48, 8))") }
        f.append("stx_attributes_mask=\(attrs.flags(le(b, 56, 8)))")
        for (bit, name, off) in [(UInt64(0x20), "stx_atime", 64), (0x800, "stx_btime", 80), (0x80, "stx_ctime", 96), (0x40, "stx_mtime", 112)]
        where mask & bit != 0 {
            let sec = signed(b, off, 8), nsec = le(b, off + 8, 4)
            let c = sec == 0 && nsec == 0 ? nil : SyscallDecoder.timeComment(sec: sec, part: nsec, width: 9)
            f.append("\(name)={tv_sec=\(sec), tv_nsec=\(nsec)}" + (c.map { " /* \($0) */" } ?? ""))
        }
        f += ["stx_rdev_major=\(le(b, 128, 4))", "stx_rdev_minor=\(le(b, 132, 4))", "stx_dev_major=\(le(b, 136, 4))",
              "stx_dev_minor=\(le(b, 140, 4))"]
        if mask & 0x1000 != 0 { f.append("stx_mnt_id=\(hexOrZero(le(b, 144, 8)))") }
        if mask & 0x2000 != 0 { f += ["stx_dio_mem_align=\(le(b, 152, 4))", "stx_dio_offset_align=\(le(b, 156, 4))"] }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// getdents/getdents64 -v: `[{d_ino=…, d_off=…, d_reclen=…, d_name="…", d_type=DT_DIR}, …]` (64: d_type first).
    func direntList(_ addr: UInt64, length: Int, is64: Bool) -> String? {
        guard length > 0 else { return "[]" }
        guard let b = read(addr, min(length, 1 << 20)) else { return nil }
        let header = is64 ? 19 : 18
        var items = [String](), off = 0
        while off + header <= b.count {
            let reclen = max(Int(le(b, off + 16, 2)), header)
            let end = min(off + reclen, b.count)
            var f = "{d_ino=\(le(b, off, 8)), d_off=\(le(b, off + 8, 8)), d_reclen=\(le(b, off + 16, 2))"
            let types = StraceTable(StraceXlat.direntTypes, unknown: "DT_???")
            // linux_dirent: the name, then d_type in the record's last byte; linux_dirent64: d_type, then the name.
            let nameStart = off + header, nameEnd = is64 ? end : end - 1
            let nameBytes = nameStart < nameEnd ? Array(b[nameStart..<min(nameEnd, nameStart + 255)].prefix { $0 != 0 }) : []
            let name = SyscallDecoder.quote(nameBytes)
            if is64 {
                f += ", d_type=\(types.value(UInt64(b[off + 18]))), d_name=\(name)}"
            } else {
                f += ", d_name=\(name), d_type=\(types.value(UInt64(b[end - 1])))}"
            }
            items.append(f)
            off += reclen
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// mount's filesystemtype and data are ignored (shown as addresses) for these flags (strace's mount.c).
    func mountIgnores() -> (type: Bool, data: Bool) {
        var f = raw(3)
        if f & 0xFFFF_0000 == 0xC0ED_0000 { f &= ~0xFFFF_0000 }
        if f & 32 != 0 { return (true, false) }  // MS_REMOUNT
        let moves: UInt64 = 4096 | 8192 | 1 << 20 | 1 << 18 | 1 << 19 | 1 << 17  // BIND, MOVE, propagation
        return f & moves != 0 ? (true, true) : (false, false)
    }

    /// x86_64 struct statfs (120 bytes); f_flags only when ST_VALID says they are.
    func statfs(_ addr: UInt64) -> String {
        guard let b = read(addr, 88) else { return ptr(addr) }
        let type = le(b, 0, 8)
        let t = StraceXlat.fsmagic.first { $0.0 == type }?.1 ?? hexOrZero(type)
        var s = "{f_type=\(t), f_bsize=\(le(b, 8, 8)), f_blocks=\(le(b, 16, 8)), f_bfree=\(le(b, 24, 8)), "
            + "f_bavail=\(le(b, 32, 8)), f_files=\(le(b, 40, 8)), f_ffree=\(le(b, 48, 8)), "
            + "f_fsid={val=[\(hexOrZero(le(b, 56, 4))), \(hexOrZero(le(b, 60, 4)))]}, f_namelen=\(le(b, 64, 8)), f_frsize=\(le(b, 72, 8))"
        let flags = le(b, 80, 8)
        if flags & 0x20 != 0 { s += ", f_flags=\(StraceTable(StraceXlat.statfsFlags, unknown: "ST_???").flags(flags))" }
        return s + "}"
    }

    /// print_xattr_val: the address past XATTR_SIZE_MAX, else the bytes (-s cut) without a trailing NUL.
    func xattrValue(_ addr: UInt64, size: UInt64) -> String {
        guard size <= 65536 else { return ptr(addr) }
        guard addr != 0 else { return "NULL" }
        let n = min(Int(size), limit)
        guard var b = read(addr, n) else { return ptr(addr) }
        captured = TraceeString(bytes: b, truncated: Int(size) > n)
        let cut = Int(size) > n
        if !cut, b.last == 0 { b.removeLast() }
        return SyscallDecoder.quote(b, truncated: cut)
    }

    /// A pair of times (utimes' timevals, `unit` 6; utimensat's timespecs, 9) with strace's time comments;
    /// utimensat's UTIME_NOW and UTIME_OMIT by name.
    func timePair(_ addr: UInt64, unit: Int) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 32) else { return ptr(addr) }
        let field = unit == 6 ? "tv_usec" : "tv_nsec", max: UInt64 = unit == 6 ? 999_999 : 999_999_999
        let items = [0, 16].map { off -> String in
            let sec = signed(b, off, 8), part = le(b, off + 8, 8)
            if unit == 9, part == (1 << 30) - 1 { return "UTIME_NOW" }
            if unit == 9, part == (1 << 30) - 2 { return "UTIME_OMIT" }
            let t = "{tv_sec=\(sec), \(field)=\(part)}"
            guard !(sec == 0 && part == 0), part <= max, let c = SyscallDecoder.timeComment(sec: sec, part: part, width: unit) else { return t }
            return t + " /* \(c) */"
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// printstr_ex(addr, max, QUOTE_0_TERMINATED): up to the NUL, at most `max` and -s bytes, `...` when cut.
    func boundedString(_ addr: UInt64, max: Int) -> String {
        guard addr != 0 else { return "NULL" }
        let n = min(max, limit)
        guard let m = memory, let r = m.readCString(addr, limit: n) else { return ptr(addr) }
        if r.truncated, r.bytes.count < n { return ptr(addr) }
        // No NUL among the bytes read: `...`, even when the NUL comes next (strace's umoven of n bytes).
        let cut = r.bytes.count >= n
        captured = TraceeString(bytes: r.bytes, truncated: cut)
        return SyscallDecoder.quote(r.bytes, truncated: cut)
    }

    /// quotactl's addr for the command in its cmd argument, strace's decode_cmd_data.
    func quotaData(_ i: Int, verbose: Bool) -> String {
        let v = raw(i)
        let cmd = UInt32(truncatingIfNeeded: raw(name == "quotactl" ? 0 : 1)) >> 8
        let gets: Set<UInt32> = [0x800007, 0x800009, 0x5803, 0x5809, 0x800004, 0x800005, 0x5805, 0x5808]
        if gets.contains(cmd) {
            // Filled in by the call: shown at a successful exit only.
            guard successfulReturn != nil else { return ptr(v) }
        }
        switch cmd {
        case 0x800002: return cString(v, limit: SyscallDecoder.pathLimit - 1)  // Q_QUOTAON: the quota file
        case 0x800007, 0x800008: return dqblk(v, next: false, verbose: verbose)
        case 0x800009: return dqblk(v, next: true, verbose: verbose)
        case 0x5803, 0x5809, 0x5804: return xfsDiskQuota(v, verbose: verbose)
        case 0x800004:
            guard let b = read(v, 4) else { return ptr(v) }
            return "[\(SyscallDecoder.quotaFormats.value(le(b, 0, 4)))]"
        case 0x800005, 0x800006:
            guard let b = read(v, 24) else { return ptr(v) }
            return "{dqi_bgrace=\(le(b, 0, 8)), dqi_igrace=\(le(b, 8, 8)), "
                + "dqi_flags=\(StraceTable(StraceXlat.ifDqinfoFlags, unknown: "DQF_???").flags(le(b, 16, 4))), "
                + "dqi_valid=\(StraceTable(StraceXlat.ifDqinfoValid, unknown: "IIF_???").flags(le(b, 20, 4)))}"
        case 0x5801, 0x5802:
            guard let b = read(v, 4) else { return ptr(v) }
            return "[\(StraceTable(StraceXlat.xfsQuotaFlags, unknown: "FS_QUOTA_???").flags(le(b, 0, 4)))]"
        case 0x5806:
            guard let b = read(v, 4) else { return ptr(v) }
            return "[\(StraceTable(StraceXlat.xfsDqblkFlags, unknown: "FS_???_QUOTA").flags(le(b, 0, 4)))]"
        case 0x5805, 0x5808: return ptr(v)
        default: return ptr(v)
        }
    }

    /// struct if_dqblk (packed, 68 bytes) / if_nextdqblk (72 bytes, with dqb_id).
    func dqblk(_ addr: UInt64, next: Bool, verbose: Bool) -> String {
        guard let b = read(addr, next ? 72 : 68) else { return ptr(addr) }
        let names = ["dqb_bhardlimit", "dqb_bsoftlimit", "dqb_curspace", "dqb_ihardlimit", "dqb_isoftlimit", "dqb_curinodes"]
        var f = names.enumerated().map { "\($0.element)=\(le(b, $0.offset * 8, 8))" }
        if verbose {
            f += ["dqb_btime=\(le(b, 48, 8))", "dqb_itime=\(le(b, 56, 8))",
                  "dqb_valid=\(StraceTable(StraceXlat.ifDqblkValid, unknown: "QIF_???").flags(le(b, 64, 4)))"]
            if next { f.append("dqb_id=\(le(b, 68, 4))") }
        } else {
            if next { f.append("dqb_id=\(le(b, 68, 4))") }
            f.append("...")
        }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// XFS's struct fs_disk_quota (112 bytes).
    func xfsDiskQuota(_ addr: UInt64, verbose: Bool) -> String {
        guard let b = read(addr, 112) else { return ptr(addr) }
        var f = ["d_version=\(Int8(bitPattern: b[0]))",
                 "d_flags=\(StraceTable(StraceXlat.xfsDqblkFlags, unknown: "FS_???_QUOTA").flags(UInt64(b[1])))",
                 "d_fieldmask=\(hexOrZero(le(b, 2, 2)))", "d_id=\(le(b, 4, 4))"]
        let names = ["d_blk_hardlimit", "d_blk_softlimit", "d_ino_hardlimit", "d_ino_softlimit", "d_bcount", "d_icount"]
        f += names.enumerated().map { "\($0.element)=\(le(b, 8 + $0.offset * 8, 8))" }
        if verbose {
            f += ["d_itimer=\(signed(b, 56, 4))", "d_btimer=\(signed(b, 60, 4))", "d_iwarns=\(le(b, 64, 2))",
                  "d_bwarns=\(le(b, 66, 2))", "d_rtb_hardlimit=\(le(b, 72, 8))", "d_rtb_softlimit=\(le(b, 80, 8))",
                  "d_rtbcount=\(le(b, 88, 8))", "d_rtbtimer=\(signed(b, 96, 4))", "d_rtbwarns=\(le(b, 100, 2))"]
        } else {
            f.append("...")
        }
        return "{" + f.joined(separator: ", ") + "}"
    }

    func hexOrZero(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    /// struct mount_attr (32 bytes; MOUNT_ATTR_SIZE_VER0), then any non-zero bytes past it up to the size.
    func mountAttr(_ addr: UInt64, size: UInt64) -> String {
        guard size >= 32 else { return ptr(addr) }
        guard let b = read(addr, 32) else { return ptr(addr) }
        let set = le(b, 0, 8), clr = le(b, 8, 8), userns = le(b, 24, 8)
        let prop = StraceTable(StraceXlat.mountAttrPropagation, unknown: "MS_???").value(le(b, 16, 8))
        let idmap = (set | clr) & 0x100000 != 0
        let fd = userns > UInt64(Int32.max) || !idmap ? String(userns) : SyscallDecoder.fdString(Int32(userns), memory: memory)
        var s = "{attr_set=\(SyscallDecoder.mountAttrAttrs.flags(set)), attr_clr=\(SyscallDecoder.mountAttrAttrs.flags(clr)), "
            + "propagation=\(prop), userns_fd=\(fd)"
        s += nonzeroTail(addr, from: 32, size: size)
        return s + "}"
    }

    /// strace's print_nonzero_bytes after an extensible struct: `, /* bytes 24..31 */ "\x80…"`, `, ???`
    /// when unreadable, nothing when the bytes past the known struct (up to a page) are all zero.
    func nonzeroTail(_ addr: UInt64, from start: Int, size: UInt64) -> String {
        guard size > UInt64(start) else { return "" }
        let total = Int(min(size, 4096))
        guard total > start else { return "" }
        guard let b = read(addr &+ UInt64(start), total - start) else { return ", ???" }
        if b.allSatisfy({ $0 == 0 }) { return "" }
        let n = min(b.count, limit)
        return ", /* bytes \(start)..\(total - 1) */ " + SyscallDecoder.quote(b.prefix(n), truncated: n < b.count, hex: true)
    }
}
