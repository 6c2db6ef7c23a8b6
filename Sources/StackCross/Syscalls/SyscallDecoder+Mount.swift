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
    ]

    /// Tables by the name ArgKind.flagsOf/.valueOf carries (after the suite's).
    static let fsTables: [String: StraceTable] = [
        "fsmount": StraceTable(StraceXlat.fsmountFlags, unknown: "FSMOUNT_???"),
        "fsmount_attr": StraceTable(StraceXlat.fsmountAttrFlags, unknown: "MOUNT_ATTR_???"),
        "move_mount": StraceTable(StraceXlat.moveMountFlags, unknown: "MOVE_MOUNT_???"),
        "open_tree": StraceTable(StraceXlat.openTreeFlags, unknown: "OPEN_TREE_???"),
        "fspick": StraceTable(StraceXlat.fspickFlags, unknown: "FSPICK_???"),
        "mount_setattr": StraceTable(StraceXlat.mountSetattrFlags, unknown: "AT_???"),
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
        return s
    }

    /// -v: quotactl's structs whole (their times and valid bits, not `...`).
    static func fsVerbose(abi: SyscallABI, name: String, rawArgs: [UInt64], args: [String], memory: TraceeMemory?,
                          at stop: DecodeStop) -> [String]? {
        guard name == "quotactl" || name == "quotactl_fd", let last = args.last, last.hasPrefix("{") else { return nil }
        var ctx = Context(abi: abi, name: name, args: rawArgs, memory: memory, limit: 32, stop: stop)
        var out = args
        out[out.count - 1] = ctx.quotaData(3, verbose: true)
        return out
    }
}

extension SyscallDecoder.Context {
    mutating func renderFs(_ kind: FsArg, _ i: Int) -> String {
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
            case 3, 4: return cString(v, limit: SyscallDecoder.pathLimit)
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
        }
    }

    /// printstr_ex(addr, max, QUOTE_0_TERMINATED): up to the NUL, at most `max` and -s bytes, `...` when cut.
    mutating func boundedString(_ addr: UInt64, max: Int) -> String {
        guard addr != 0 else { return "NULL" }
        let n = min(max, limit)
        guard let m = memory, let r = m.readCString(addr, limit: n) else { return ptr(addr) }
        if r.truncated, r.bytes.count < n { return ptr(addr) }
        captured = TraceeString(bytes: r.bytes, truncated: r.truncated)
        return SyscallDecoder.quote(r.bytes, truncated: r.truncated)
    }

    /// quotactl's addr for the command in its cmd argument, strace's decode_cmd_data.
    mutating func quotaData(_ i: Int, verbose: Bool) -> String {
        let v = raw(i)
        let cmd = UInt32(truncatingIfNeeded: raw(name == "quotactl" ? 0 : 1)) >> 8
        let gets: Set<UInt32> = [0x800007, 0x800009, 0x5803, 0x5809, 0x800004, 0x800005, 0x5805, 0x5808]
        if gets.contains(cmd) {
            // Filled in by the call: shown at a successful exit only.
            guard successfulReturn != nil else { return ptr(v) }
        }
        switch cmd {
        case 0x800002: return cString(v, limit: SyscallDecoder.pathLimit)  // Q_QUOTAON: the quota file
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
