import Glibc

/// strace -yy's socket endpoints from the tables in /proc/PID/net (tcp, tcp6, udp, udp6, unix), by
/// inode: `TCP:[127.0.0.1:41234->127.0.0.1:80]`, `UDP:[127.0.0.1:53]`, `TCPv6:[[::1]:8080]`,
/// `UNIX-STREAM:[1234,"/run/x.sock"]`. Pure: the live side reads the files, these parse them.
public enum ProcNetSockets {
    /// The inet tables, with the protocol name strace prints for each.
    public static let inetTables: [(file: String, proto: String, v6: Bool)] = [
        ("tcp", "TCP", false), ("tcp6", "TCPv6", true), ("udp", "UDP", false), ("udp6", "UDPv6", true),
    ]

    /// The endpoint text of `inode` in one /proc/net/{tcp,tcp6,udp,udp6} table, or nil when it is not there.
    /// A socket without a peer (listening, bound) shows its local address only.
    public static func inet(_ table: String, proto: String, v6: Bool, inode: UInt64) -> String? {
        let want = String(inode)
        for line in table.split(separator: "\n").dropFirst() {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count > 9, f[9] == want, let local = address(f[1], v6: v6), let remote = address(f[2], v6: v6) else { continue }
            let connected = !f[2].hasSuffix(":0000")
            return "\(proto):[\(local)\(connected ? "->" + remote : "")]"
        }
        return nil
    }

    /// `0100007F:EC45` (the address as the kernel's words, in host order; the port big-endian) → `127.0.0.1:60485`;
    /// IPv6 as `[::1]:60485`.
    static func address(_ s: Substring, v6: Bool) -> String? {
        let parts = s.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16) else { return nil }
        let hex = Array(parts[0].utf8)
        guard hex.count == (v6 ? 32 : 8) else { return nil }
        // Each 32-bit word is printed as a host-order (little-endian) number: its bytes come reversed.
        var bytes = [UInt8]()
        for w in stride(from: 0, to: hex.count, by: 8) {
            guard let word = UInt32(String(decoding: hex[w..<(w + 8)], as: UTF8.self), radix: 16) else { return nil }
            bytes += [UInt8(word & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word >> 16 & 0xFF), UInt8(word >> 24)]
        }
        var buf = [CChar](repeating: 0, count: 64)
        let ok = bytes.withUnsafeBytes { inet_ntop(v6 ? AF_INET6 : AF_INET, $0.baseAddress, &buf, 64) } != nil
        guard ok else { return nil }
        let text = String(cString: buf)
        return v6 ? "[\(text)]:\(port)" : "\(text):\(port)"
    }

    /// The endpoint text of `inode` in /proc/net/unix: `UNIX-STREAM:[inode->peer,"path"]` (the peer's inode
    /// is not in this table: the caller asks sock_diag).
    public static func unix(_ table: String, inode: UInt64, peer: UInt64? = nil) -> String? {
        let want = String(inode)
        for line in table.split(separator: "\n").dropFirst() {
            let f = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: true)
            guard f.count >= 7, f[6] == want else { continue }
            let type = ["0001": "STREAM", "0002": "DGRAM", "0005": "SEQPACKET"][String(f[4])].map { "UNIX-" + $0 } ?? "UNIX"
            let path = f.count > 7 ? SyscallDecoder.quote(Array(f[7].utf8)) : nil
            return "\(type):[\(inode)\(peer.map { "->\($0)" } ?? "")\(path.map { "," + $0 } ?? "")]"
        }
        return nil
    }

    /// Whether an fd's text is an endpoint made here (a kernel link is `/…`, `socket:[…]`, `pipe:[…]`,
    /// `anon_inode:…`; endpoints start with the upper-case protocol name).
    public static func isEndpoint(_ text: [UInt8]) -> Bool {
        guard let first = text.first, (0x41...0x5A).contains(first), let colon = text.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return colon + 1 < text.count && text[colon + 1] == UInt8(ascii: "[") && text.last == UInt8(ascii: "]")
            && text[..<colon].allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "v") }
    }

    /// The inode of a `socket:[N]` fd link.
    public static func inode(ofLink link: [UInt8]) -> UInt64? {
        let prefix = Array("socket:[".utf8)
        guard link.starts(with: prefix), link.last == UInt8(ascii: "]") else { return nil }
        return UInt64(String(decoding: link[prefix.count..<(link.count - 1)], as: UTF8.self))
    }
}
