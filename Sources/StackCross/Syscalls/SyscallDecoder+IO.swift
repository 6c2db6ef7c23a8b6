/// The dec-io family's decodings, as strace 6.1 prints them: fanotify_mark, remap_file_pages,
/// memfd_create, ioprio_get/set (and io_uring_register in +IoUring.swift). Their arguments are
/// `ArgKind.io(key)`: each renders itself, -X included (StraceLineStyles leaves them alone).
extension SyscallDecoder {
    /// Signatures of the dec-io calls (consulted before the suite's and the hand-kept ones).
    static let ioSignatures: [String: [ArgKind]] = [
        // The dirfd is a .dirfd (its path goes with --decode-fds); ioArguments names FAN_NOFD.
        "fanotify_mark": [.fd, .io("fan_mark_flags"), .io("fan_mask"), .dirfd, .path],
        "remap_file_pages": [.ptr, .ulong, .io("prot64"), .ulong, .io("mmap_flags")],
        "memfd_create": [.io("memfd_name"), .io("memfd_flags")],
        "ioprio_get": [.io("ioprio_which"), .io("ioprio_who")],
        "ioprio_set": [.io("ioprio_which"), .io("ioprio_who"), .io("ioprio")],
        "io_uring_register": [.fd, .io("uring_register_op"), .io("uring_register_arg"), .uint],
        "io_uring_setup": [.uint, .ioOut("uring_params")],
        "io_uring_enter": [.fd, .uint, .uint, .io("uring_enter_flags"), .sigset, .ulong],
        "close_range": [.io("u32"), .io("u32"), .io("close_range_flags")],
        // x86_64 passes the offset whole in pos_l; pos_h is not shown.
        "preadv2": [.fd, .outIovec(countArg: 2), .ulong, .long, .skip, .io("rwf_flags")],
        "pwritev2": [.fd, .inIovec(countArg: 2), .ulong, .long, .skip, .io("rwf_flags")],
        "vmsplice": [.fd, .inIovec(countArg: 2), .ulong, .io("splice_flags")],
        "landlock_create_ruleset": [.io("landlock_ruleset_attr"), .ulong, .io("landlock_create_flags")],
        "landlock_add_rule": [.fd, .io("landlock_rule_type"), .io("landlock_rule_attr"), .io("x32")],
        "landlock_restrict_self": [.fd, .io("x32")],
        "bpf": [.io("bpf_cmd"), .ioOut("bpf_attr"), .uint],
        "keyctl": [.io("keyctl_cmd"), .ioOut("keyctl1"), .ioOut("keyctl2"), .ioOut("keyctl3"), .ioOut("keyctl4")],
    ]

    /// ioprio_get's return value: `0 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0))`, bare under -X raw.
    static func ioprioReturn(_ r: Int64, style: StraceLineStyles.Constants) -> String {
        style == .raw ? String(r) : "\(r) (\(ioprioValue(UInt32(truncatingIfNeeded: r), style: style)))"
    }

    /// The calls `ioArguments` changes (any other comes back as it was given).
    static let ioArgumentCalls: Set<String> = ["fanotify_mark"]

    /// Arguments whose text depends on another's value, after the kinds rendered them.
    static func ioArguments(_ name: String, _ out: [String], args: [UInt64], style: StraceLineStyles.Constants) -> [String] {
        switch name {
        case "fanotify_mark" where out.count > 3 && args.count > 3 && Int32(truncatingIfNeeded: args[3]) == -1:
            // FAN_NOFD, where a dirfd would be.
            var o = out
            o[3] = style == .abbrev ? "FAN_NOFD" : style == .raw ? "-1" : "-1 /* FAN_NOFD */"
            return o
        default: return out
        }
    }

    /// strace's sprint_ioprio: the class (13 bits up, named as -X says) and the data below it.
    static func ioprioValue(_ v: UInt32, style: StraceLineStyles.Constants) -> String {
        let c = UInt64(v >> 13), raw = c == 0 ? "0" : "0x" + String(c, radix: 16)
        var cls = StraceTable(StraceXlat.ioprioClass, unknown: "IOPRIO_CLASS_???").value(c)
        if style == .verbose, cls != raw, !cls.hasPrefix(raw + " /* ") { cls = "\(raw) /* \(cls) */" }
        return "IOPRIO_PRIO_VALUE(\(cls), \(Int32(bitPattern: v & 0x1FFF)))"
    }
}

extension SyscallDecoder.Context {
    /// -X: constants inside structures and composite arguments follow it too, which a restyling of the
    /// top-level arguments (StraceLineStyles) cannot do.
    var style: StraceLineStyles.Constants { constants }

    static func hexOrZero(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    /// printxval under -X: the name, the number, or both; an unknown value reads `0x18 /* X_??? */`
    /// (`decimal`: strace's XLAT_STYLE_FMT_U, `255 /* X_??? */`).
    func xval(_ pairs: [(UInt64, String)], _ v: UInt64, _ unknown: String?, decimal: Bool = false) -> String {
        let raw = decimal ? String(v) : Self.hexOrZero(v)
        guard let name = pairs.first(where: { $0.0 == v })?.1 else {
            return style == .raw ? raw : raw + (unknown.map { " /* \($0) */" } ?? "")
        }
        return styled(raw: raw, name: name)
    }

    /// printxval_d: a signed value's name (FAN_NOFD), else the number.
    func xvalSigned(_ pairs: [(Int64, String)], _ v: Int64) -> String {
        guard let name = pairs.first(where: { $0.0 == v })?.1 else { return String(v) }
        return styled(raw: String(v), name: name)
    }

    /// printflags under -X: `A|B|0x40`, `0x43`, or `0x43 /* A|B|0x40 */`.
    func xflags(_ pairs: [(UInt64, String)], _ v: UInt64, _ unknown: String?) -> String {
        let names = FlagSet(pairs, unknown: unknown).format(v)
        return style == .abbrev ? names : StraceLineStyles.styled(raw: Self.hexOrZero(v), name: names, style)
    }

    func styled(raw: String, name: String) -> String {
        switch style {
        case .abbrev: return name
        case .raw: return raw
        case .verbose: return raw == name ? raw : "\(raw) /* \(name) */"
        }
    }

    /// A composite value strace prints as `0x…` under -X raw, its decoding alone by default, and both
    /// (`0x… /* decoding */`) under -X verbose; `zeroRaw`: 0 reads `0` in every style.
    func composite(_ v: UInt64, _ decoded: () -> String, zeroRaw: Bool = false) -> String {
        let raw = Self.hexOrZero(v)
        if zeroRaw, v == 0 { return raw }
        switch style {
        case .raw: return raw
        case .abbrev: return decoded()
        case .verbose: return "\(raw) /* \(decoded()) */"
        }
    }

    /// The dec-io argument kinds.
    func renderIO(_ key: String, _ i: Int) -> String {
        let v = raw(i)
        switch key {
        case "fan_mark_flags": return xflags(StraceXlat.fanMarkFlags, v & 0xFFFF_FFFF, "FAN_MARK_???")
        case "fan_mask": return xflags(StraceXlat.fanEventFlags, v, "FAN_???")
        case "prot64": return xflags(StraceXlat.mmapProt, v, "PROT_???")
        case "mmap_flags": return composite(v, { mmapFlags(v) })
        case "memfd_name": return cString(v, limit: min(limit, 250))  // MFD_NAME_MAX_LEN + 1
        case "memfd_flags": return composite(v & 0xFFFF_FFFF, { memfdFlags(v & 0xFFFF_FFFF) }, zeroRaw: true)
        case "ioprio_which": return xval(StraceXlat.ioprioWho, v & 0xFFFF_FFFF, "IOPRIO_WHO_???")
        case "ioprio_who": return String(int32(i))
        case "ioprio":
            // The number in decimal, its class and data as the decoding.
            let p = UInt32(truncatingIfNeeded: v)
            switch style {
            case .raw: return String(Int32(bitPattern: p))
            case .abbrev: return SyscallDecoder.ioprioValue(p, style: style)
            case .verbose: return "\(Int32(bitPattern: p)) /* \(SyscallDecoder.ioprioValue(p, style: style)) */"
            }
        case "uring_register_op":
            return xval(StraceXlat.uringRegisterOpcodes, v & 0xFFFF_FFFF, "IORING_REGISTER_???")
        case "uring_register_arg": return uringRegisterArg()
        case "uring_enter_flags": return xflags(StraceXlat.uringEnterFlags, v & 0xFFFF_FFFF, "IORING_ENTER_???")
        case "uring_params": return uringParams(v)
        case "bpf_cmd": return xval(StraceXlat.bpfCommands, v & 0xFFFF_FFFF, "BPF_???")
        case "bpf_attr": return bpfAttr()
        case "keyctl_cmd": return xval(StraceXlat.keyctlCommands, v & 0xFFFF_FFFF, "KEYCTL_???")
        case "keyctl1", "keyctl2", "keyctl3", "keyctl4":
            // The command says which arguments there are; absent ones are dropped as empty.
            let k = Int(key.dropFirst(6))! - 1
            let shown = keyctlArguments()
            return k < shown.count ? shown[k] : ""
        case "u32": return String(v & 0xFFFF_FFFF)
        case "x32": return Self.hexOrZero(v & 0xFFFF_FFFF)
        case "close_range_flags": return xflags(StraceXlat.closeRangeFlags, v & 0xFFFF_FFFF, "CLOSE_RANGE_???")
        case "rwf_flags": return xflags(StraceXlat.rwfFlags, v & 0xFFFF_FFFF, "RWF_???")
        case "splice_flags": return xflags(StraceXlat.spliceFlags, v & 0xFFFF_FFFF, "SPLICE_F_???")
        case "landlock_create_flags":
            return xflags(StraceXlat.landlockCreateRulesetFlags, v & 0xFFFF_FFFF, "LANDLOCK_CREATE_RULESET_???")
        case "landlock_rule_type": return xval(StraceXlat.landlockRuleTypes, v & 0xFFFF_FFFF, "LANDLOCK_RULE_???")
        case "landlock_ruleset_attr":
            // struct landlock_ruleset_attr: its one field, `...` when the size says there is more.
            let size = raw(1)
            guard size >= 8, let b = read(v, 8) else { return ptr(v) }
            let f = "handled_access_fs=" + xflags(StraceXlat.landlockRulesetAccessFs, le(b, 0, 8), "LANDLOCK_ACCESS_FS_???")
            return "{" + f + (size > 8 ? ", ...}" : "}")
        case "landlock_rule_attr":
            // struct landlock_path_beneath_attr (packed: 8 + 4 bytes) for LANDLOCK_RULE_PATH_BENEATH.
            guard raw(1) & 0xFFFF_FFFF == 1, let b = read(v, 12) else { return ptr(v) }
            return "{allowed_access=" + xflags(StraceXlat.landlockRulesetAccessFs, le(b, 0, 8), "LANDLOCK_ACCESS_FS_???")
                + ", parent_fd=" + SyscallDecoder.fdString(Int32(truncatingIfNeeded: le(b, 8, 4)), memory: memory) + "}"
        default: return ptr(v)
        }
    }

    /// print_mmap_flags: the mapping type, the other flags, then `21<<MAP_HUGE_SHIFT`.
    func mmapFlags(_ v: UInt64) -> String {
        var parts = [StraceTable(StraceXlat.mmapFlags, unknown: "MAP_???").value(v & 0xF)]
        let huge = v & (0x3F << 26), rest = v & ~0xF & ~(0x3F << 26)
        if rest != 0 { parts.append(FlagSet(StraceXlat.mmapFlags.filter { $0.0 & 0xF == 0 }).format(rest)) }
        if huge != 0 { parts.append("\(huge >> 26)<<MAP_HUGE_SHIFT") }
        return parts.joined(separator: "|")
    }

    /// memfd_create's flags: MFD_* names, then the huge page size as `30<<MFD_HUGE_SHIFT`.
    func memfdFlags(_ v: UInt64) -> String {
        let huge = v & (0x3F << 26), rest = v & ~(0x3F << 26)
        var parts = [String]()
        if rest != 0 || huge == 0 { parts.append(FlagSet(StraceXlat.memfdCreateFlags, unknown: "MFD_???").format(rest)) }
        if huge != 0 { parts.append("\(huge >> 26)<<MFD_HUGE_SHIFT") }
        return parts.joined(separator: "|")
    }

    /// strace's print_array (print_array_ex): NULL, `[]`, the address when the first element cannot be
    /// read or the size overflows, `... /* 0x… */` at a later unreadable one, `...` past -s elements.
    func straceArray(_ addr: UInt64, count: UInt64, elemSize: Int, indices: ((UInt64) -> String)? = nil,
                     _ show: ([UInt8]) -> String) -> String {
        guard addr != 0 else { return "NULL" }
        guard count > 0 else { return "[]" }
        let (size, o1) = count.multipliedReportingOverflow(by: UInt64(elemSize))
        let (end, o2) = addr.addingReportingOverflow(size)
        guard !o1, !o2, end > addr else { return ptr(addr) }
        var items = [String]()
        var k: UInt64 = 0
        while k < count {
            let at = addr &+ k &* UInt64(elemSize)
            guard let b = read(at, elemSize) else {
                if k == 0 { return ptr(addr) }
                items.append("... /* \(ptr(at)) */")
                break
            }
            if k >= UInt64(limit) { items.append("..."); break }
            items.append((indices.map { "[\($0(k))]=" } ?? "") + show(b))
            k += 1
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// An fd array element, `3</dev/full>` under -y.
    func fdElement(_ b: [UInt8]) -> String {
        SyscallDecoder.fdString(Int32(truncatingIfNeeded: le(b, 0, 4)), memory: memory)
    }

    /// print_nonzero_bytes: the bytes of [from, total) past a known structure when any is set, as
    /// `/* bytes 32..39 */ "\xa0…"`; `???` when they cannot be read; nil when all are zero.
    func nonzeroBytes(_ addr: UInt64, from: Int, total: Int) -> String? {
        guard from < total else { return nil }
        guard let b = read(addr &+ UInt64(from), total - from) else { return "???" }
        guard b.contains(where: { $0 != 0 }) else { return nil }
        let n = min(b.count, limit)
        return "/* bytes \(from)..\(total - 1) */ " + SyscallDecoder.quote(b.prefix(n), truncated: n < b.count, hex: true)
    }
}
