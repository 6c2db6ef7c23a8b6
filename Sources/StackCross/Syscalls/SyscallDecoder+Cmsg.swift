/// Control-message data strace 6.1 decodes beyond fds and credentials (src/msghdr.c): socket
/// timestamps and the IP level's packet info, TTL, TOS, options, errors and addresses.
extension SyscallDecoder.Context {
    /// `cmsg_data=…` for a SOL_SOCKET timestamp or a SOL_IP message; nil when strace shows no data.
    func cmsgData(level: Int32, type: Int32, _ d: [UInt8]) -> String? {
        guard !d.isEmpty else { return nil }
        func timeval(_ o: Int) -> String { "{tv_sec=\(Int64(bitPattern: le(d, o, 8))), tv_usec=\(le(d, o + 8, 8))}" }
        func timespec(_ o: Int) -> String { "{tv_sec=\(Int64(bitPattern: le(d, o, 8))), tv_nsec=\(le(d, o + 8, 8))}" }
        func sized(_ n: Int, _ show: () -> String) -> String { d.count < n ? "???" : show() }
        switch (level, type) {
        case (1, 29), (1, 63): return sized(16) { timeval(0) }  // SO_TIMESTAMP_OLD / _NEW (64-bit here)
        case (1, 35), (1, 64): return sized(16) { timespec(0) }  // SO_TIMESTAMPNS_OLD / _NEW
        case (1, 37), (1, 65): return sized(48) { "[" + [0, 16, 32].map(timespec).joined(separator: ", ") + "]" }
        case (0, 8) where d.count >= 12:  // IP_PKTINFO
            let sp = SockaddrPrinter(bytes: [2, 0] + d, mode: .abbrev) { String($0) }
            return "{ipi_ifindex=\(sp.ifindex(le(d, 0, 4))), ipi_spec_dst=\(inetAddr(d, 4)), ipi_addr=\(inetAddr(d, 8))}"
        case (0, 2) where d.count >= 4, (0, 23) where d.count >= 4:  // IP_TTL, IP_CHECKSUM
            return shortArray((0 ..< d.count / 4).map { String(le(d, $0 * 4, 4)) })
        case (0, 1), (0, 6), (0, 7):  // IP_TOS, IP_RECVOPTS, IP_RETOPTS
            return shortArray(d.map { XlatPrinter.hex(UInt64($0)) })
        case (0, 11) where d.count >= 32:  // IP_RECVERR: struct sock_extended_err, then the offender
            let offender = SockaddrPrinter(bytes: Array(d[16 ..< 32]), mode: constants) { String($0) }.text()
            return "{ee_errno=\(le(d, 0, 4)), ee_origin=\(d[4]), ee_type=\(d[5]), ee_code=\(d[6]), ee_info=\(le(d, 8, 4)), "
                + "ee_data=\(le(d, 12, 4)), offender=\(offender)}"
        case (0, 20) where d.count >= 16:  // IP_ORIGDSTADDR
            return SockaddrPrinter(bytes: Array(d.prefix(128)), mode: constants) { String($0) }.text()
        default: return nil
        }
    }

    /// print_local_array: at most -s elements, then `...`.
    func shortArray(_ items: [String]) -> String {
        "[" + (items.prefix(limit) + (items.count > limit ? ["..."] : [])).joined(separator: ", ") + "]"
    }

    /// `inet_addr("127.0.0.1")` of the four bytes at `o`.
    func inetAddr(_ d: [UInt8], _ o: Int) -> String { "inet_addr(\"\(d[o]).\(d[o + 1]).\(d[o + 2]).\(d[o + 3])\")" }
}

extension SyscallDecoder {
    /// sendmmsg and recvmmsg (src/mmsghdr.c): only the fd at the entry, the message vector at the exit.
    static let socketSignatures: [String: [ArgKind]] = [
        "sendmmsg": [.fd, .outMmsgvec, .uint, .msgFlags],
        "recvmmsg": [.fd, .outMmsgvec, .uint, .msgFlags, .timespec],
    ]
}

extension SyscallDecoder.Context {
    /// `[{msg_hdr={…}, msg_len=5}, …]`: sendmmsg's vector even when the call failed (no msg_len then),
    /// recvmmsg's first `ret` messages with their data cut at msg_len.
    func mmsgvec(_ addr: UInt64, ret: Int64) -> String {
        let failed = Errno.errno(forReturn: ret) != nil
        let received = name != "sendmmsg"
        if received, failed { return ptr(addr) }
        guard addr != 0 else { return "NULL" }
        let count = received ? Int(ret) : Int(UInt32(truncatingIfNeeded: raw(2)))
        let withLen = failed ? 0 : Int(ret)
        guard count > 0 else { return "[]" }
        var items = [String]()
        for k in 0 ..< min(count, 1024) {
            let at = addr &+ UInt64(64 * k)
            guard let b = read(at, 64) else {
                if k == 0 { return ptr(addr) }
                items.append("... /* \(ptr(at)) */")
                break
            }
            if k == limit { items.append("..."); break }
            let msgLen = le(b, 56, 4)
            var item = "{msg_hdr=" + msghdr(at, dataSize: received ? Int(msgLen) : nil)
            if k < withLen { item += ", msg_len=\(msgLen)" }
            items.append(item + "}")
        }
        return "[" + items.joined(separator: ", ") + "]"
    }
}
