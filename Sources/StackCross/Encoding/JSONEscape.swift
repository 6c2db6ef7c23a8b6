/// The one JSON string escaper: the trace writer, the exporters and the HTML data island all
/// write strings through it, so a tracee's text is escaped the same way everywhere.
/// Escaped: `"` and `\`, C0 controls and DEL, U+2028/U+2029 (line breaks to JavaScript);
/// with `htmlSafe` also `<`, `>`, `&`, so the text can sit inside a `<script>` element.
enum JSONEscape {
    /// The most bytes one input byte can become (`\u00XX`).
    static let maxExpansion = 6

    @inline(__always)
    static func needsEscape(_ b: UInt8, htmlSafe: Bool) -> Bool {
        b < 0x20 || b == 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0xE2
            || (htmlSafe && (b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "&")))
    }

    /// Writes `bytes` (valid UTF-8) escaped, without quotes, at `p`, which has room for
    /// `bytes.count * maxExpansion`; returns how many bytes were written.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, htmlSafe: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        // Most texts need no escape: copy the run before the first byte that may in one move.
        var plain = 0
        while plain < bytes.count, !needsEscape(bytes[plain], htmlSafe: htmlSafe) { plain += 1 }
        if plain > 0, let base = bytes.baseAddress {
            p.update(from: base, count: plain)
            n = plain
        }
        var i = plain
        @inline(__always) func put(_ b: UInt8) { p[n] = b; n += 1 }
        func unicode(_ v: UInt16) {
            put(UInt8(ascii: "\\")); put(UInt8(ascii: "u"))
            put(hexDigit(UInt8(v >> 12))); put(hexDigit(UInt8(v >> 8 & 0xF)))
            put(hexDigit(UInt8(v >> 4 & 0xF))); put(hexDigit(UInt8(v & 0xF)))
        }
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            guard needsEscape(b, htmlSafe: htmlSafe) else { put(b); continue }
            switch b {
            case UInt8(ascii: "\""): put(UInt8(ascii: "\\")); put(b)
            case UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(b)
            case UInt8(ascii: "\n"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "n"))
            case UInt8(ascii: "\t"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "t"))
            case UInt8(ascii: "\r"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "r"))
            case 0xE2:
                // U+2028/U+2029 are E2 80 A8/A9; any other character starting with E2 is copied.
                if i + 1 < bytes.count, bytes[i] == 0x80, bytes[i + 1] == 0xA8 || bytes[i + 1] == 0xA9 {
                    unicode(bytes[i + 1] == 0xA8 ? 0x2028 : 0x2029)
                    i += 2
                } else {
                    put(b)
                }
            default: unicode(UInt16(b))
            }
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
