/// Socket option values strace 6.1 decodes as structs (src/net.c, print_group_req.c): multicast
/// memberships, packet rings and memberships, the ICMP filter; getsockopt's linger, peer
/// credentials and pending error, field by field as far as the returned length reaches.
extension SyscallDecoder.Context {
    /// setsockopt's value at the entry, getsockopt's at the exit (`length`: the value's length); nil: not one of these.
    func netSockOpt(_ addr: UInt64, length len: Int) -> String? {
        guard addr != 0 else { return nil }
        let level = int32(1), opt = int32(2), set = name == "setsockopt"
        // print_getsockopt: a length the kernel never returns shows the address.
        if !set, len <= 0, [Int32(1), 0, 41, 263, 255].contains(level) { return ptr(addr) }
        switch (level, opt, set) {
        case (0, 35, true), (0, 36, true):  // IP_ADD/DROP_MEMBERSHIP: struct ip_mreq
            guard len >= 8 else { return ptr(addr) }
            guard let b = read(addr, 8) else { return ptr(addr) }
            return "{imr_multiaddr=\(inetAddr(b, 0)), imr_interface=\(inetAddr(b, 4))}"
        case (41, 20, true), (41, 21, true), (41, 27, true), (41, 28, true):  // IPV6_ADD/DROP_MEMBERSHIP, JOIN/LEAVE_ANYCAST
            guard len >= 20 else { return ptr(addr) }
            guard let b = read(addr, 20) else { return ptr(addr) }
            let sp = SockaddrPrinter(bytes: [10, 0] + b, mode: constants) { String($0) }
            return "{inet_pton(AF_INET6, \"\(SyscallDecoder.ipv6(Array(b[0 ..< 16])))\", &ipv6mr_multiaddr), "
                + "ipv6mr_interface=\(sp.ifindex(le(b, 16, 4)))}"
        case (0, 42, true), (0, 45, true), (41, 42, true), (41, 45, true):  // MCAST_JOIN/LEAVE_GROUP: struct group_req
            guard len >= 136 else { return ptr(addr) }
            guard let b = read(addr, 136) else { return ptr(addr) }
            let memory = memory
            let group = SockaddrPrinter(bytes: Array(b[8 ..< 136]), mode: constants) { SyscallDecoder.fdString($0, memory: memory) }
            return "{gr_interface=\(group.ifindex(le(b, 0, 4))), gr_group=\(group.text())}"
        case (263, 5, true), (263, 13, true):  // PACKET_RX_RING, PACKET_TX_RING: struct tpacket_req
            guard len == 16, let b = read(addr, 16) else { return ptr(addr) }
            return "{tp_block_size=\(le(b, 0, 4)), tp_block_nr=\(le(b, 4, 4)), tp_frame_size=\(le(b, 8, 4)), tp_frame_nr=\(le(b, 12, 4))}"
        case (263, 1, true), (263, 2, true):  // PACKET_ADD/DROP_MEMBERSHIP: struct packet_mreq
            guard len == 16, let b = read(addr, 16) else { return ptr(addr) }
            let sp = SockaddrPrinter(bytes: [17, 0] + b, mode: constants) { String($0) }
            let alen = Int(le(b, 6, 2))
            return "{mr_ifindex=\(sp.ifindex(le(b, 0, 4))), mr_type=" + sp.x.xval(le(b, 4, 2), StraceXlat.packetMreqType, "PACKET_MR_???")
                + ", mr_alen=\(alen), mr_address=" + macAddress(Array(b[8 ..< 8 + min(alen, 8)])) + "}"
        case (255, 1, true):  // ICMP_FILTER
            return icmpFilter(addr, length: len)
        case (1, 13, false):  // SO_LINGER
            return partialStruct(addr, length: min(len, 8), [("l_onoff", { String(Int32(truncatingIfNeeded: $0)) }),
                                                            ("l_linger", { String(Int32(truncatingIfNeeded: $0)) })])
        case (1, 17, false):  // SO_PEERCRED
            return partialStruct(addr, length: min(len, 12), [("pid", { String(Int32(truncatingIfNeeded: $0)) }),
                                                             ("uid", { SyscallDecoder.uidString(UInt32(truncatingIfNeeded: $0)) }),
                                                             ("gid", { SyscallDecoder.uidString(UInt32(truncatingIfNeeded: $0)) })])
        case (1, 4, false):  // SO_ERROR
            guard len >= 4 else { return read(addr, max(len, 0)).map { SyscallDecoder.quote($0, hex: true) } ?? ptr(addr) }
            guard let b = read(addr, 4) else { return ptr(addr) }
            let err = le(b, 0, 4)
            let errName = Errno.name(Int32(truncatingIfNeeded: err))
            switch constants {
            case .abbrev: return "[\(errName ?? String(err))]"
            case .raw: return "[\(err)]"
            case .verbose: return "[\(err)\(errName.map { " /* \($0) */" } ?? "")]"
            }
        case (1, _, _) where ![13, 26, 51, 74].contains(opt):
            return solSocketValue(addr, length: len, set: set)
        default: return nil
        }
    }

    /// SOL_SOCKET options strace reads as ints (print_getsockopt / print_setsockopt's list).
    static let intSocketOptions: Set<Int32> = [
        1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 27, 29, 30, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43, 44, 45,
        46, 49, 53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 75,
    ]

    /// A SOL_SOCKET value: `[int]` for the int options (short: the address at the entry, hex bytes at the
    /// exit); any other option an int when exactly 4 bytes long, else its bytes as a string.
    func solSocketValue(_ addr: UInt64, length len: Int, set: Bool) -> String {
        func int() -> String { read(addr, 4).map { "[\(Int32(truncatingIfNeeded: le($0, 0, 4)))]" } ?? ptr(addr) }
        if Self.intSocketOptions.contains(int32(2)) {
            if len >= 4 { return int() }
            if set { return ptr(addr) }
            return read(addr, len).map { SyscallDecoder.quote($0, hex: true) } ?? ptr(addr)
        }
        if len == 4 { return int() }
        // printstrn: at most -s bytes, `...` past them; unreadable or a negative length: the address.
        guard len >= 0 else { return ptr(addr) }
        let n = min(len, limit)
        guard let b = read(addr, n) else { return ptr(addr) }
        return SyscallDecoder.quote(b, truncated: len > n)
    }

    /// MAYBE_PRINT_FIELD_LEN: each 32-bit field the length covers, a partly covered one as hex bytes.
    func partialStruct(_ addr: UInt64, length: Int, _ fields: [(String, (UInt64) -> String)]) -> String {
        guard length > 0, let b = read(addr, length) else { return ptr(addr) }
        var parts = [String]()
        for (k, (name, show)) in fields.enumerated() where length > 4 * k {
            let end = 4 * k + 4
            parts.append(name + "=" + (length >= end ? show(le(b, 4 * k, 4)) : SyscallDecoder.quote(b[(4 * k) ..< length], hex: true)))
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// print_mac_addr: `ff:ff:…`, as hex bytes under -X raw, both under -X verbose.
    func macAddress(_ a: [UInt8]) -> String {
        let mac = a.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
        switch constants {
        case .abbrev: return mac
        case .raw: return SyscallDecoder.quote(a, hex: true)
        case .verbose: return SyscallDecoder.quote(a, hex: true) + " /* \(mac) */"
        }
    }

    /// struct icmp_filter: the set bits by name, or `~[…]` the clear ones when most are set.
    func icmpFilter(_ addr: UInt64, length: Int) -> String {
        guard length > 0 else { return ptr(addr) }
        let n = min(length, 4)
        guard let b = read(addr, n) else { return ptr(addr) }
        var data = UInt32(0xFFFF_FFFF)
        for k in 0 ..< n { data = data & ~(UInt32(0xFF) << (8 * k)) | UInt32(b[k]) << (8 * k) }
        var prefix = ""
        if data.nonzeroBitCount > 16 { data = ~data; prefix = "~" }
        let names = (0 ..< 32).filter { data & (1 << $0) != 0 }.map {
            XlatPrinter(mode: constants).xval(UInt64($0), StraceXlat.icmpFilterFlags, "ICMP_???")
        }
        return prefix + "[" + names.joined(separator: " ") + "]"
    }
}
