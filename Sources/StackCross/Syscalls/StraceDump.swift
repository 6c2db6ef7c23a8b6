/// strace's -e read=FD / -e write=FD hex dumps (util.c's dumpstr): 16 bytes a line,
/// ` | 00000  76 6d 0a …  vm. … |`, the offset at least 5 hex digits.
public enum StraceDump {
    /// The calls dumped: read-like ones dump what they returned, write-like ones their whole buffer.
    public enum Direction: Sendable { case read, write }

    /// The calls strace dumps from one buffer (the vector ones, readv/sendmsg…, are not dumped here).
    public static func direction(of name: String) -> Direction? {
        switch name {
        case "read", "pread64", "recvfrom", "recv", "mq_timedreceive": return .read
        case "write", "pwrite64", "sendto", "send", "mq_timedsend": return .write
        default: return nil
        }
    }

    public static func lines(_ bytes: [UInt8]) -> [String] {
        let len = bytes.count
        var offsetDigits = 5
        if len > 1 << 20 { offsetDigits = 1 + (63 - (UInt64(len - 1)).leadingZeroBitCount) / 4 }
        let hexDigits = Array("0123456789abcdef".utf8)
        var out: [String] = []
        var start = 0
        while start < len {
            var hex: [UInt8] = [], ascii: [UInt8] = []
            for i in start ..< start + 16 {
                if i < len {
                    let b = bytes[i]
                    hex += [hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)], 0x20]
                    ascii.append(b >= 0x20 && b < 0x7F ? b : UInt8(ascii: "."))
                } else {
                    hex += [0x20, 0x20, 0x20]
                    ascii.append(0x20)
                }
                if (i + 1) % 8 == 0 { hex.append(0x20) }
            }
            let off = String(start, radix: 16)
            out.append(" | " + String(repeating: "0", count: max(0, offsetDigits - off.count)) + off + "  "
                       + String(decoding: hex + ascii, as: UTF8.self) + " |")
            start += 16
        }
        return out
    }
}
