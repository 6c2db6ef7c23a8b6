import Foundation

/// struct msghdr and its control messages, as strace's msghdr.c prints them (sendmsg, recvmsg).
extension SyscallDecoder {
    /// The kernel's cap on control data (net.core.optmem_max, rounded up to 8), as strace reads it.
    static let optmemMax: Int = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/core/optmem_max", encoding: .utf8)) ?? ""
        guard let v = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), v > 0 else { return 8 * (2 * 1024 + 512) }
        return (v + 7) & ~7
    }()
}

extension Flags {
    public static let socketLevels = ValueNames([
        (0, "SOL_IP"), (1, "SOL_SOCKET"), (6, "SOL_TCP"), (17, "SOL_UDP"), (41, "SOL_IPV6"), (58, "SOL_ICMPV6"),
        (132, "SOL_SCTP"), (136, "SOL_UDPLITE"), (255, "SOL_RAW"), (263, "SOL_PACKET"), (270, "SOL_NETLINK"),
        (271, "SOL_TIPC"), (279, "SOL_ALG"), (282, "SOL_TLS"), (283, "SOL_XDP"),
    ], unknown: "SOL_???")
    public static let scmTypes = ValueNames([
        (1, "SCM_RIGHTS"), (2, "SCM_CREDENTIALS"), (3, "SCM_SECURITY"), (29, "SO_TIMESTAMP_OLD"),
        (35, "SO_TIMESTAMPNS_OLD"), (37, "SO_TIMESTAMPING_OLD"), (41, "SO_WIFI_STATUS"), (61, "SO_TXTIME"),
        (63, "SO_TIMESTAMP_NEW"), (64, "SO_TIMESTAMPNS_NEW"), (65, "SO_TIMESTAMPING_NEW"),
    ], unknown: "SCM_???")
    public static let ipCmsgTypes = ValueNames([
        (1, "IP_TOS"), (2, "IP_TTL"), (3, "SCM_SECURITY"), (6, "IP_RECVOPTS"), (7, "IP_RETOPTS"), (8, "IP_PKTINFO"),
        (11, "IP_RECVERR"), (20, "IP_ORIGDSTADDR"), (23, "IP_CHECKSUM"),
    ], unknown: "IP_???")
}

extension SyscallDecoder.Context {
    /// `{msg_name=…, msg_namelen=…, msg_iov=[…], msg_iovlen=…, msg_control=[…], msg_controllen=…, msg_flags=…}`;
    /// `dataSize` is how many iov bytes carry data (recvmsg's return), nil for all.
    func msghdr(_ addr: UInt64, dataSize: Int?) -> String {
        guard addr != 0 else { return "NULL" }
        let w = wordSize
        guard let b = read(addr, 7 * w) else { return ptr(addr) }
        let name = le(b, 0, w), namelen = Int32(truncatingIfNeeded: le(b, w, 4))
        let iov = le(b, 2 * w, w), iovlen = le(b, 3 * w, w)
        let control = le(b, 4 * w, w), controllen = le(b, 5 * w, w)
        let flags = le(b, 6 * w, 4)
        var out = "{msg_name=\(sockaddr(name, length: Int(namelen))), msg_namelen=\(namelen)"
        out += ", msg_iov=\(iovec(iov, count: Int(clamping: iovlen), total: dataSize)), msg_iovlen=\(iovlen)"
        if controllen != 0 { out += ", msg_control=" + msgControl(control, length: controllen) }
        return out + ", msg_controllen=\(controllen), msg_flags=\(Flags.msgFlags.format(flags))}"
    }

    /// The cmsghdr chain of msg_control, walked as strace's decode_msg_control does.
    func msgControl(_ addr: UInt64, length: UInt64) -> String {
        let header = wordSize == 8 ? 16 : 12
        let controlLen = Int(min(length, UInt64(SyscallDecoder.optmemMax)))
        guard controlLen >= header, let buf = read(addr, controlLen) else { return ptr(addr) }
        var items = [String]()
        var off = 0, left = controlLen
        while left >= header {
            let cmsgLen = le(buf, off, wordSize)
            let level = Int32(truncatingIfNeeded: le(buf, off + wordSize, 4))
            let type = Int32(truncatingIfNeeded: le(buf, off + wordSize + 4, 4))
            let len = Int(min(cmsgLen, UInt64(left)))
            let data = len > header ? Array(buf[(off + header) ..< (off + len)]) : []
            items.append("{cmsg_len=\(cmsgLen), cmsg_level=\(Flags.socketLevels.format(Int64(level))), cmsg_type="
                + cmsgTypeData(level: level, type: type, data) + "}")
            if len < header { left -= header; break }
            let step = Int((cmsgLen + UInt64(wordSize) - 1) & ~UInt64(wordSize - 1))
            if step >= left { left = 0; break }
            off += step
            left -= step
        }
        if left > 0 {
            items.append("... /* \(SyscallDecoder.hex(addr &+ UInt64(controlLen - left), abi: abi)) */")
        } else if UInt64(controlLen) < length {
            items.append("...")
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// A control message's type, then its data where strace decodes it (fds, credentials, security label).
    func cmsgTypeData(level: Int32, type: Int32, _ data: [UInt8]) -> String {
        switch level {
        case 1:
            let name = Flags.scmTypes.format(Int64(UInt32(bitPattern: type)), hex: true)
            switch type {
            case 1 where data.count >= 4:
                let fds = (0 ..< data.count / 4).map { Int32(truncatingIfNeeded: le(data, $0 * 4, 4)) }
                var shown = fds.prefix(limit).map { SyscallDecoder.fdString($0, memory: memory) }
                if fds.count > limit { shown.append("...") }
                return name + ", cmsg_data=[" + shown.joined(separator: ", ") + "]"
            case 2 where data.count >= 12:
                return name + ", cmsg_data={pid=\(le(data, 0, 4)), uid=\(le(data, 4, 4)), gid=\(le(data, 8, 4))}"
            case 3 where !data.isEmpty:
                return name + ", cmsg_data=" + SyscallDecoder.quote(data[...])
            default: return name + (cmsgData(level: level, type: type, data).map { ", cmsg_data=" + $0 } ?? "")
            }
        case 0:
            let name = Flags.ipCmsgTypes.format(Int64(UInt32(bitPattern: type)), hex: true)
            if type == 3, !data.isEmpty { return name + ", cmsg_data=" + SyscallDecoder.quote(data[...]) }
            return name + (cmsgData(level: level, type: type, data).map { ", cmsg_data=" + $0 } ?? "")
        default: return "0x" + String(UInt32(bitPattern: type), radix: 16)
        }
    }
}
