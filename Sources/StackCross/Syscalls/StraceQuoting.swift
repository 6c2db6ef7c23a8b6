/// How strace writes values and tracee bytes in its lines: hex in the ABI's width, fds with their
/// paths, quoted strings, escaped names. One escaper for every terminal text.
extension SyscallDecoder {
    // MARK: - Rendering

    static func hex(_ v: UInt64, abi: SyscallABI) -> String {
        "0x" + String(abi.word(v), radix: 16)
    }

    static func fdString(_ fd: Int32, memory: TraceeMemory?) -> String {
        guard fd >= 0, let path = memory?.fdPathBytes(fd) else { return String(fd) }
        return "\(fd)<\(escapePath(path))>"
    }

    /// A path shown inside `<…>` as strace -y shows it: quoted like a string but without the quotes,
    /// `<` and `>` in octal too, so every byte can be read back and the line stays one line.
    public static func escapePath(_ path: [UInt8]) -> String {
        // -yy's socket endpoints (`TCP:[a:p->b:q]`, `UNIX-STREAM:[1->2,"/x"]`) come already quoted.
        if ProcNetSockets.isEndpoint(path) { return String(decoding: path, as: UTF8.self) }
        if let cut = DeviceNumbers.suffixStart(path) { return escapePath(Array(path[..<cut])) + String(decoding: path[cut...], as: UTF8.self) }
        if path.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C && $0 != 0x3C && $0 != 0x3E }) {
            return String(decoding: path, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(path.count + 8)
        appendEscaped(path, quoted: true, angles: true, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// strace's quoting: `"…"` with \t \n \v \f \r \" \\ escaped and other non-printable bytes in octal
    /// (three digits when a digit follows); `...` after the quote when `truncated`.
    public static func quote(_ bytes: some Collection<UInt8>, truncated: Bool = false, hex: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((hex ? 4 * bytes.count : bytes.count) + 8)
        out.append(UInt8(ascii: "\""))
        if hex {
            for c in bytes {
                out.append(92)
                out.append(UInt8(ascii: "x"))
                out.append(hexDigit(c >> 4))
                out.append(hexDigit(c & 15))
            }
        } else {
            appendEscaped(bytes, quoted: true, to: &out)
        }
        out.append(UInt8(ascii: "\""))
        if truncated { out.append(contentsOf: "...".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A tracee-supplied name (path, symbol, file name) for terminal text, escaped as `quote` does
    /// but without the quotes: one line, no control bytes; printable ASCII comes back unchanged.
    public static func escaped(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 92 }) { return s }
        var out: [UInt8] = []
        appendEscaped(s.utf8, quoted: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The one escaper of terminal text (strace's): printable ASCII as is, `\\`, \t \n \v \f \r, `\"`
    /// when `quoted`, every other byte (controls, DEL, non-ASCII) in octal; `<` and `>` too when `angles`.
    public static func appendEscaped(_ bytes: some Sequence<UInt8>, quoted: Bool = false, angles: Bool = false, to out: inout [UInt8]) {
        var it = bytes.makeIterator()
        var next = it.next()
        while let c = next {
            next = it.next()
            // One append per byte written (an array literal per escape would be built and thrown away).
            switch c {
            case UInt8(ascii: "\"") where quoted: out.append(92); out.append(c)
            case 92: out.append(92); out.append(92)
            case 9: out.append(92); out.append(UInt8(ascii: "t"))
            case 10: out.append(92); out.append(UInt8(ascii: "n"))
            case 11: out.append(92); out.append(UInt8(ascii: "v"))
            case 12: out.append(92); out.append(UInt8(ascii: "f"))
            case 13: out.append(92); out.append(UInt8(ascii: "r"))
            case 0x3C where !angles, 0x3E where !angles: out.append(c)
            case 0x20 ..< 0x3C, 0x3D, 0x3F ..< 0x7F: out.append(c)
            default:
                out.append(92)
                // Only an octal digit after the escape would be read as part of it (strace's test).
                let nextIsDigit = next.map { (48 ... 55).contains($0) } ?? false
                if nextIsDigit || c >> 6 != 0 {
                    out.append(48 + (c >> 6))
                    out.append(48 + ((c >> 3) & 7))
                } else if c >> 3 != 0 {
                    out.append(48 + ((c >> 3) & 7))
                }
                out.append(48 + (c & 7))
            }
        }
    }
}
