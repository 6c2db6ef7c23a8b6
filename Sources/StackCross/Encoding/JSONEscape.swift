/// The one JSON string escaper: the trace writer, the exporters and the HTML data island all
/// write strings through it, so a tracee's text is escaped the same way everywhere.
/// Escaped: `"` and `\`, C0 controls and DEL, U+2028/U+2029 (line breaks to JavaScript);
/// with `htmlSafe` also `<`, `>`, `&`, so the text can sit inside a `<script>` element.
enum JSONEscape {
    /// The most bytes one input byte can become (`\u00XX`).
    static let maxExpansion = 6

    /// Whether `b` may need an escape: 0xE2 starts U+2028/U+2029 (and other characters, copied as they are).
    @inline(__always)
    static func mayNeedEscape(_ b: UInt8, htmlSafe: Bool) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b >= 0x7F && (b == 0x7F || b == 0xE2)
            || htmlSafe && (b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "&"))
    }

    /// Writes `bytes` (valid UTF-8) escaped, without quotes, at `p`, which has room for
    /// `bytes.count * maxExpansion`; returns how many bytes were written.
    @inline(__always)
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, htmlSafe: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        // Most texts need no escape: copy the run before the first byte that may in one move.
        var plain = 0
        while plain < bytes.count, !mayNeedEscape(bytes[plain], htmlSafe: htmlSafe) { plain += 1 }
        if plain > 0, let base = bytes.baseAddress { p.update(from: base, count: plain) }
        if plain == bytes.count { return plain }
        return plain + writeEscaping(UnsafeBufferPointer(rebasing: bytes[plain...]), htmlSafe: htmlSafe, to: p + plain)
    }

    /// The rest of a string from its first byte that may need an escape.
    static func writeEscaping(_ bytes: UnsafeBufferPointer<UInt8>, htmlSafe: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            guard mayNeedEscape(b, htmlSafe: htmlSafe) else { p[n] = b; n += 1; continue }
            var code: UInt16
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                p[n] = UInt8(ascii: "\\"); p[n + 1] = b; n += 2; continue
            case UInt8(ascii: "\n"): p[n] = UInt8(ascii: "\\"); p[n + 1] = UInt8(ascii: "n"); n += 2; continue
            case UInt8(ascii: "\t"): p[n] = UInt8(ascii: "\\"); p[n + 1] = UInt8(ascii: "t"); n += 2; continue
            case UInt8(ascii: "\r"): p[n] = UInt8(ascii: "\\"); p[n + 1] = UInt8(ascii: "r"); n += 2; continue
            case 0xE2:
                // U+2028/U+2029 are E2 80 A8/A9; any other character starting with E2 is copied.
                guard i + 1 < bytes.count, bytes[i] == 0x80, bytes[i + 1] == 0xA8 || bytes[i + 1] == 0xA9 else {
                    p[n] = b; n += 1; continue
                }
                code = bytes[i + 1] == 0xA8 ? 0x2028 : 0x2029
                i += 2
            default:
                code = UInt16(b)
            }
            p[n] = UInt8(ascii: "\\"); p[n + 1] = UInt8(ascii: "u")
            p[n + 2] = hexDigit(UInt8(code >> 12)); p[n + 3] = hexDigit(UInt8(code >> 8 & 0xF))
            p[n + 4] = hexDigit(UInt8(code >> 4 & 0xF)); p[n + 5] = hexDigit(UInt8(code & 0xF))
            n += 6
        }
        return n
    }

    /// `s` as a quoted JSON string literal.
    static func literal(_ s: String, htmlSafe: Bool) -> String {
        var s = s
        return s.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * maxExpansion + 2) { t in
                guard let p = t.baseAddress else { return "\"\"" }
                p[0] = UInt8(ascii: "\"")
                let n = 1 + write(bytes, htmlSafe: htmlSafe, to: p + 1)
                p[n] = UInt8(ascii: "\"")
                return String(decoding: UnsafeBufferPointer(start: p, count: n + 1), as: UTF8.self)
            }
        }
    }
}
