/// bpf(2) as strace 6.1's bpf.c prints it: the command by name, then `union bpf_attr` as the command
/// reads it (as many fields as `size` covers, `...` for non-zero bytes past them). Commands without a
/// decoder here show the address, as strace does for an attr it cannot fetch.
extension SyscallDecoder.Context {
    func bpfAttr() -> String {
        let cmd = UInt32(truncatingIfNeeded: raw(0)), addr = raw(1), size = Int(UInt32(truncatingIfNeeded: raw(2)))
        guard size > 0, size <= 4096, let known = SyscallDecoder.bpfAttrSizes[cmd] else { return ptr(addr) }
        guard let data = read(addr, size) else { return ptr(addr) }
        // The attr as the kernel sees it: the bytes given, zeros past them.
        let b = data + [UInt8](repeating: 0, count: max(0, known - size))
        let len = min(size, known)
        func u32(_ o: Int) -> UInt64 { le(b, o, 4) }
        func fd(_ o: Int) -> String { SyscallDecoder.fdString(Int32(truncatingIfNeeded: le(b, o, 4)), memory: memory) }
        func addr64(_ o: Int) -> String { ptr(le(b, o, 8)) }
        var f = [String]()
        switch cmd {
        case 0:  // BPF_MAP_CREATE
            f = ["map_type=" + xval(StraceXlat.bpfMapTypes, u32(0), "BPF_MAP_TYPE_???"), "key_size=\(u32(4))",
                 "value_size=\(u32(8))", "max_entries=\(u32(12))"]
            repeat {
                if len <= 16 { break }
                f.append("map_flags=" + xflags(StraceXlat.bpfMapFlags, u32(16), "BPF_F_???"))
                if len <= 20 { break }
                f.append("inner_map_fd=" + fd(20))
                if len <= 24 { break }
                if u32(16) & 4 != 0 {  // BPF_F_NUMA_NODE
                    f.append("numa_node=\(u32(24))" + (u32(24) == 0xFFFF_FFFF ? " /* NUMA_NO_NODE */" : ""))
                }
                if len <= 28 { break }
                f.append("map_name=" + cstringField(Array(b[28 ..< 28 + min(16, len - 28)])))
                if len <= 44 { break }
                f.append("map_ifindex=\(u32(44))")
                if len <= 48 { break }
                f += ["btf_fd=" + fd(48), "btf_key_type_id=\(u32(52))", "btf_value_type_id=\(u32(56))"]
                if len <= 60 { break }
                f.append("btf_vmlinux_value_type_id=\(u32(60))")
                if len <= 64 { break }
                f.append("map_extra=\(le(b, 64, 8))")
            } while false
        case 1, 21:  // BPF_MAP_LOOKUP_ELEM, BPF_MAP_LOOKUP_AND_DELETE_ELEM
            f = ["map_fd=" + fd(0), "key=" + addr64(8), "value=" + addr64(16)]
            if len > 24 { f.append("flags=" + xflags(StraceXlat.bpfMapLookupElemFlags, le(b, 24, 8), "BPF_???")) }
        case 2:  // BPF_MAP_UPDATE_ELEM
            f = ["map_fd=" + fd(0), "key=" + addr64(8), "value=" + addr64(16),
                 "flags=" + xval(StraceXlat.bpfMapUpdateElemFlags, le(b, 24, 8), "BPF_???")]
        case 3: f = ["map_fd=" + fd(0), "key=" + addr64(8)]  // BPF_MAP_DELETE_ELEM
        case 4: f = ["map_fd=" + fd(0), "key=" + addr64(8), "next_key=" + addr64(16)]  // BPF_MAP_GET_NEXT_KEY
        case 22: f = ["map_fd=" + fd(0)]  // BPF_MAP_FREEZE
        case 6, 7:  // BPF_OBJ_PIN, BPF_OBJ_GET
            f = ["pathname=" + str(le(b, 0, 8), limit: SyscallDecoder.pathLimit), "bpf_fd=" + fd(8)]
            if len > 12 { f.append("file_flags=" + xflags(StraceXlat.bpfFileModeFlags, u32(12), "BPF_F_???")) }
        case 8:  // BPF_PROG_ATTACH
            f = ["target_fd=" + fd(0), "attach_bpf_fd=" + fd(4), "attach_type=" + xval(StraceXlat.bpfAttachType, u32(8), "BPF_???"),
                 "attach_flags=" + xflags(StraceXlat.bpfAttachFlags, u32(12), "BPF_F_???")]
            if len > 16 { f.append("replace_bpf_fd=" + fd(16)) }
        case 9: f = ["target_fd=" + fd(0), "attach_type=" + xval(StraceXlat.bpfAttachType, u32(8), "BPF_???")]  // BPF_PROG_DETACH
        case 11, 12, 23, 31:  // BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID: next_id is filled in by the kernel
            var next = "next_id=\(u32(4))"
            if stop != .entry, let e = entryArgs, e.count > 1, let was = SyscallDecoder.field("next_id", in: e[1]),
               was != String(u32(4)) {
                next = "next_id=\(was) => \(u32(4))"
            }
            f = ["start_id=\(u32(0))", next]
            if len > 8 { f.append("open_flags=" + xflags(StraceXlat.bpfFileModeFlags, u32(8), "BPF_F_???")) }
        case 13, 14:  // BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID
            f = [(cmd == 13 ? "prog_id=" : "map_id=") + String(u32(0)), "next_id=\(u32(4))"]
            if len > 8 { f.append("open_flags=" + xflags(StraceXlat.bpfFileModeFlags, u32(8), "BPF_F_???")) }
        case 19: f = ["btf_id=\(u32(0))"]  // BPF_BTF_GET_FD_BY_ID
        case 30: f = ["link_id=\(u32(0))"]  // BPF_LINK_GET_FD_BY_ID
        case 15:  // BPF_OBJ_GET_INFO_BY_FD: info_len is in/out
            var infoLen = "info_len=\(u32(4))"
            if stop != .entry, let e = entryArgs, e.count > 1, let was = SyscallDecoder.field("info_len", in: e[1]),
               was != String(u32(4)) {
                infoLen = "info_len=\(was) => \(u32(4))"
            }
            f = ["info={bpf_fd=" + fd(0) + ", " + infoLen + ", info=" + addr64(8) + "}"]
        default: return ptr(addr)
        }
        // decode_attr_extra_data: `...` when a byte past the known fields is set.
        if size > known, data[known...].contains(where: { $0 != 0 }) { f.append("...") }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// PRINT_FIELD_CSTRING_SZ: the bytes up to a NUL, `...` when none ends them.
    func cstringField(_ b: [UInt8]) -> String {
        guard let z = b.firstIndex(of: 0) else { return SyscallDecoder.quote(b, truncated: true) }
        return SyscallDecoder.quote(b[..<z])
    }

    /// printpath/printstr: a NUL-terminated string of at most `limit` bytes.
    func str(_ addr: UInt64, limit: Int) -> String {
        guard addr != 0 else { return "NULL" }
        guard let m = memory, let r = m.readCString(addr, limit: limit) else { return ptr(addr) }
        if r.truncated, r.bytes.count < limit { return ptr(addr) }
        return SyscallDecoder.quote(r.bytes, truncated: r.truncated)
    }
}

extension SyscallDecoder {
    /// sizeof each command's part of union bpf_attr as strace 6.1 knows it (bpf_attr.h), by command.
    static let bpfAttrSizes: [UInt32: Int] = [
        0: 72, 1: 32, 2: 32, 3: 16, 4: 24, 6: 16, 7: 16, 8: 20, 9: 12, 11: 12, 12: 12, 13: 12, 14: 12, 15: 16,
        19: 4, 21: 32, 22: 4, 23: 12, 30: 4, 31: 12,
    ]

    /// The value of `name=` in a decoded structure (the entry text of an in/out field).
    static func field(_ name: String, in text: String) -> String? {
        guard let r = text.range(of: name + "=") else { return nil }
        return String(text[r.upperBound...].prefix { $0.isNumber })
    }
}
