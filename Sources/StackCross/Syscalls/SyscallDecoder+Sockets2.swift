import Glibc

/// strace's printxval / printflags (src/xlat.c) for fields inside structs, under -X abbrev|raw|verbose.
struct XlatPrinter {
    let mode: StraceLineStyles.Constants

    /// print_xlat_val: `%#llx` (so zero is `0`).
    static func hex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    /// PRINT_VAL_0X: `%#0*llx` padded to the field's width in hex digits.
    static func paddedHex(_ v: UInt64, bytes: Int) -> String {
        let width = bytes * 2
        if v == 0 { return String(repeating: "0", count: width) }
        let digits = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, width - 2 - digits.count)) + digits
    }

    /// printxval_ex; `verbose`: PRINT_FIELD_XVAL_VERBOSE (the number with its name unless -X raw).
    func xval(_ v: UInt64, _ table: [(UInt64, String)], _ dflt: String?, verbose: Bool = false) -> String {
        let m: StraceLineStyles.Constants = verbose && mode != .raw ? .verbose : mode
        if m == .raw { return Self.hex(v) }
        if let name = table.first(where: { $0.0 == v })?.1 {
            return m == .verbose ? "\(Self.hex(v)) /* \(name) */" : name
        }
        return Self.hex(v) + (dflt.map { " /* \($0) */" } ?? "")
    }

    /// printflags_ex; `verbose`: PRINT_FIELD_FLAGS_VERBOSE.
    func flags(_ v: UInt64, _ table: [(UInt64, String)], _ dflt: String?, verbose: Bool = false) -> String {
        let m: StraceLineStyles.Constants = verbose && mode != .raw ? .verbose : mode
        if m == .raw { return v != 0 || dflt != nil ? Self.hex(v) : "" }
        var names = [String]()
        var rest = v
        for (bit, name) in table where rest != 0 || names.isEmpty {
            if rest == bit || (bit != 0 && rest & bit == bit) {
                names.append(name)
                rest &= ~bit
            }
            if rest == 0 { break }
        }
        if names.isEmpty {
            if v != 0 { return Self.hex(v) + (dflt.map { " /* \($0) */" } ?? "") }
            return dflt != nil ? "0" : ""
        }
        if rest != 0 { names.append(Self.hex(rest)) }
        let text = names.joined(separator: "|")
        return m == .verbose ? "\(Self.hex(v)) /* \(text) */" : text
    }
}

/// struct sockaddr as strace 6.1 prints it (src/sockaddr.c): each family's fields, and the raw
/// `sa_data` when the family is unknown or the address is shorter than its struct.
struct SockaddrPrinter {
    /// The address bytes, zero-padded past the caller's length as strace's buffer is.
    let b: [UInt8]
    let len: Int
    let x: XlatPrinter
    /// fd to text (`3</dev/null>` under -y) for sxdp_shared_umem_fd.
    let fd: (Int32) -> String

    init(bytes: [UInt8], mode: StraceLineStyles.Constants, fd: @escaping (Int32) -> String) {
        len = bytes.count
        b = bytes + [UInt8](repeating: 0, count: max(0, 129 - bytes.count))
        x = XlatPrinter(mode: mode)
        self.fd = fd
    }

    func u(_ off: Int, _ n: Int) -> UInt64 { littleEndian(b, at: off, count: n) }
    func be16(_ off: Int) -> UInt64 { UInt64(b[off]) << 8 | UInt64(b[off + 1]) }
    var raw: Bool { x.mode == .raw }
    var abbrev: Bool { x.mode == .abbrev }

    /// print_quoted_string with QUOTE_FORCE_HEX.
    func hexString(_ off: Int, _ n: Int) -> String { SyscallDecoder.quote(b[off ..< off + n], hex: true) }

    /// print_quoted_string(QUOTE_0_TERMINATED [| QUOTE_EXPECT_TRAILING_0]): at most size-1 bytes up to a NUL.
    func cString(_ off: Int, size: Int, expectTrailing0: Bool) -> String {
        let n = max(0, size - 1)
        let body = b[off ..< off + n]
        let end = body.firstIndex(of: 0) ?? body.endIndex
        let unterminated = end == body.endIndex && b[off + n] != 0
        return SyscallDecoder.quote(b[off ..< end], truncated: expectTrailing0 && unterminated)
    }

    /// The whole `{sa_family=…, …}`.
    func text() -> String {
        let family = u(0, 2)
        var s = "{sa_family=" + x.xval(family, StraceXlat.addrfams, "AF_???")
        if len > 2 { s += ", " + data(family) }
        return s + "}"
    }

    /// sa_printers: the family's fields when the address is at least its struct's size.
    func data(_ family: UInt64) -> String {
        let printers: [UInt64: (Int, () -> String)] = [
            1: (3, unix), 2: (16, { inet(at: 0) }), 4: (16, ipx), 9: (18, x25), 10: (24, { inet6(at: 0, length: len) }), 16: (12, netlink),
            17: (20, packet), 33: (36, rxrpc), 36: (20, ieee802154), 38: (25, alg), 39: (16, nfc), 40: (16, vsock),
            42: (12, qrtr), 44: (16, xdp), 45: (12, mctp),
        ]
        guard let (minLen, printer) = printers[family], len >= minLen else { return rawData() }
        return printer()
    }

    func rawData() -> String { "sa_data=" + SyscallDecoder.quote(b[2 ..< len]) }

    func unix() -> String {
        let pathLen = min(len, 110) - 2
        if b[2] != 0 { return "sun_path=" + cString(2, size: pathLen + 1, expectTrailing0: false) }
        return "sun_path=@" + SyscallDecoder.quote(b[3 ..< 3 + max(0, pathLen - 1)])
    }

    /// PRINT_FIELD_NET_PORT.
    func port(_ name: String, at off: Int) -> String {
        var s = name + "="
        if !abbrev { s += hexString(off, 2) }
        if raw { return s }
        let h = "htons(\(be16(off)))"
        return s + (x.mode == .verbose ? " /* \(h) */" : h)
    }

    func inet(at o: Int) -> String {
        let dotted = "inet_addr(\"\(b[o + 4]).\(b[o + 5]).\(b[o + 6]).\(b[o + 7])\")"
        var s = port("sin_port", at: o + 2) + ", sin_addr="
        switch x.mode {
        case .abbrev: s += dotted
        case .raw: s += hexString(o + 4, 4)
        case .verbose: s += hexString(o + 4, 4) + " /* \(dotted) */"
        }
        return s
    }

    func inet6(at o: Int, length: Int) -> String {
        var s = port("sin6_port", at: o + 2) + ", sin6_flowinfo="
        let flow = "htonl(\(u(o + 4, 4).byteSwapped32))"
        switch x.mode {
        case .abbrev: s += flow
        case .raw: s += hexString(o + 4, 4)
        case .verbose: s += hexString(o + 4, 4) + " /* \(flow) */"
        }
        let a = Array(b[o + 8 ..< o + 24])
        let text = "\"" + SyscallDecoder.ipv6(a) + "\""
        switch x.mode {
        case .abbrev: s += ", inet_pton(AF_INET6, \(text), &sin6_addr)"
        case .raw: s += ", sin6_addr=" + hexString(o + 8, 16)
        case .verbose: s += ", sin6_addr=" + hexString(o + 8, 16) + " /* inet_pton(AF_INET6, \(text)) */"
        }
        guard length > 24 else { return s }
        let linkLocal = (a[0] == 0xFE && a[1] & 0xC0 == 0x80) || (a[0] == 0xFF && a[1] & 0x0F == 0x02)
        return s + ", sin6_scope_id=" + (linkLocal ? ifindex(u(o + 24, 4)) : String(u(o + 24, 4)))
    }

    /// print_ifindex: `if_nametoindex("lo")` for an interface this host has.
    func ifindex(_ i: UInt64) -> String {
        var buf = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard i != 0, i <= UInt64(UInt32.max), if_indextoname(UInt32(i), &buf) != nil else { return String(i) }
        let name = "if_nametoindex(" + SyscallDecoder.quote(Array(String(cString: buf).utf8)) + ")"
        switch x.mode {
        case .abbrev: return name
        case .raw: return String(i)
        case .verbose: return "\(i) /* \(name) */"
        }
    }

    func ipx() -> String {
        var s = port("sipx_port", at: 2) + ", sipx_network=htonl(\(XlatPrinter.hex(u(4, 4).byteSwapped32)))"
        s += ", sipx_node=[" + b[8 ..< 14].map { XlatPrinter.paddedHex(UInt64($0), bytes: 1) }.joined(separator: ", ") + "]"
        s += ", sipx_type=" + XlatPrinter.paddedHex(u(14, 1), bytes: 1)
        if b[15] != 0 { s += ", sipx_zero=" + XlatPrinter.hex(u(15, 1)) }
        return s
    }

    func x25() -> String { "sx25_addr={x25_addr=" + cString(2, size: 16, expectTrailing0: true) + "}" }

    func netlink() -> String {
        var s = u(2, 2) != 0 ? "nl_pad=\(XlatPrinter.hex(u(2, 2))), " : ""
        s += "nl_pid=\(Int32(truncatingIfNeeded: u(4, 4))), nl_groups=" + XlatPrinter.paddedHex(u(8, 4), bytes: 4)
        return s
    }

    func packet() -> String {
        var s = "sll_protocol="
        if !abbrev { s += hexString(2, 2) }
        if !raw {
            let p = "htons(" + XlatPrinter(mode: .abbrev).xval(be16(2), StraceXlat.ethernetProtocols, "ETH_P_???") + ")"
            s += x.mode == .verbose ? " /* \(p) */" : p
        }
        s += ", sll_ifindex=" + ifindex(u(4, 4))
        s += ", sll_hatype=" + x.xval(u(8, 2), StraceXlat.arpHardwareTypes, "ARPHRD_???")
        s += ", sll_pkttype=" + x.xval(u(10, 1), StraceXlat.afPacketTypes, "PACKET_???")
        let halen = Int(b[11])
        s += ", sll_halen=\(halen)"
        guard halen > 0 else { return s }
        let oob = len - 12
        var items = [String]()
        for i in 0 ..< halen {
            if i >= oob { items.append("..."); break }
            items.append(XlatPrinter.paddedHex(UInt64(b[12 + i]), bytes: 1))
        }
        return s + ", sll_addr=[" + items.joined(separator: ", ") + "]"
    }

    func rxrpc() -> String {
        var s = "srx_service=" + x.xval(u(2, 2), StraceXlat.rxrpcServices, "???_SERVICE", verbose: true)
        s += ", transport_type=" + x.xval(u(4, 2), StraceXlat.socktypes, "SOCK_???")
        let tlen = Int(u(6, 2))
        s += ", transport_len=\(tlen), transport={"
        let transportLen = min(tlen, len - 8)
        let rest = max(0, transportLen - 2)
        let restText = rest > 0 ? ", " + SyscallDecoder.quote(b[10 ..< 10 + rest]) : ""
        let family = u(8, 2)
        switch family {
        case 2:
            s += "sin={sin_family=" + x.xval(family, StraceXlat.addrfams, "AF_???")
            s += (tlen >= 16 ? ", " + inet(at: 8) : restText) + "}"
        case 10:
            s += "sin6={sin6_family=" + x.xval(family, StraceXlat.addrfams, "AF_???")
            s += (tlen >= 24 ? ", " + inet6(at: 8, length: transportLen) : restText) + "}"
        default:
            s += "family=" + x.xval(family, StraceXlat.addrfams, "AF_???") + restText
        }
        return s + "}"
    }

    func ieee802154() -> String {
        let type = u(4, 4)
        var s = "addr={addr_type=" + x.xval(type, StraceXlat.ieee802154AddrTypes, "IEEE802154_ADDR_???", verbose: true)
        s += ", pan_id=" + x.xval(u(8, 2), StraceXlat.ieee802154PanIds, nil, verbose: true)
        switch type {
        case 0: break
        case 2: s += ", short_addr=" + x.xval(u(10, 2), StraceXlat.ieee802154Addrs, nil, verbose: true)
        default:
            s += ", hwaddr="
            if !abbrev { s += hexString(10, 8) }
            if !raw {
                let mac = b[10 ..< 18].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
                s += x.mode == .verbose ? " /* \(mac) */" : mac
            }
        }
        return s + "}"
    }

    func alg() -> String {
        var s = "salg_type=" + cString(2, size: 14, expectTrailing0: true)
        s += ", salg_feat=" + x.flags(u(16, 4), StraceXlat.algSockaddrFlags, "CRYPTO_ALG_???", verbose: true)
        s += ", salg_mask=" + x.flags(u(20, 4), StraceXlat.algSockaddrFlags, "CRYPTO_ALG_???", verbose: true)
        return s + ", salg_name=" + cString(24, size: len - 24, expectTrailing0: true)
    }

    func nfc() -> String {
        var s = "dev_idx=" + ifindex(u(4, 4)) + ", target_idx=" + XlatPrinter.hex(u(8, 4))
        s += ", nfc_protocol=" + x.xval(u(12, 4), StraceXlat.nfcSockaddrProtocols, "NFC_PROTO_???")
        // sockaddr_nfc_llcp on x86_64: service_name_len is 8-aligned at 88, the struct 96 bytes.
        guard len >= 96 else { return s + (len > 16 ? ", ..." : "") }
        let snsz = u(88, 8)
        s += ", dsap=" + x.xval(u(16, 1), StraceXlat.nfcSaps, nil, verbose: true)
        s += ", ssap=" + x.xval(u(17, 1), StraceXlat.nfcSaps, nil, verbose: true)
        s += ", service_name=" + SyscallDecoder.quote(b[18 ..< 18 + Int(min(63, snsz))])
        return s + ", service_name_len=\(snsz)"
    }

    func vsock() -> String {
        var s = u(2, 2) != 0 ? "svm_reserved1=\(XlatPrinter.hex(u(2, 2))), " : ""
        s += "svm_cid=" + x.xval(u(8, 4), StraceXlat.vsockCids, nil)
        s += ", svm_port=" + x.xval(u(4, 4), StraceXlat.vsockPorts, nil)
        s += ", svm_flags=" + x.flags(u(12, 1), StraceXlat.vsockFlags, "VMADDR_FLAG_???")
        if b[13 ..< 16].contains(where: { $0 != 0 }) { s += ", svm_zero=" + hexString(13, 3) }
        return s
    }

    func qrtr() -> String {
        "sq_node=" + x.xval(u(4, 4), StraceXlat.qipcrtrNodes, nil) + ", sq_port=" + x.xval(u(8, 4), StraceXlat.qipcrtrPorts, nil)
    }

    func xdp() -> String {
        let flags = u(2, 2)
        var s = "sxdp_flags=" + x.flags(flags, StraceXlat.xdpSockaddrFlags, "XDP_???")
        s += ", sxdp_ifindex=" + ifindex(u(4, 4)) + ", sxdp_queue_id=\(u(8, 4))"
        if flags & 1 != 0 {
            s += ", sxdp_shared_umem_fd=" + fd(Int32(truncatingIfNeeded: u(12, 4)))
        } else if u(12, 4) != 0 {
            s += ", sxdp_shared_umem_fd=" + XlatPrinter.hex(u(12, 4))
        }
        return s
    }

    func mctp() -> String {
        var s = u(2, 2) != 0 ? "__smctp_pad0=\(XlatPrinter.hex(u(2, 2))), " : ""
        s += "smctp_network=" + x.xval(u(4, 4), StraceXlat.mctpNets, nil)
        s += ", smctp_addr={s_addr=" + x.xval(u(8, 1), StraceXlat.mctpAddrs, nil) + "}"
        s += ", smctp_type=\(XlatPrinter.hex(u(9, 1))), smctp_tag=\(XlatPrinter.hex(u(10, 1)))"
        if b[11] != 0 { s += ", __smctp_pad1=\(XlatPrinter.hex(u(11, 1)))" }
        return s
    }
}

private extension UInt64 {
    /// ntohl of the low 32 bits.
    var byteSwapped32: UInt64 { UInt64(UInt32(truncatingIfNeeded: self).byteSwapped) }
}
