/// Bytes that came out of a tracee (paths, buffers). Untrusted and not necessarily UTF-8.
/// JSON: a plain string when the bytes are valid UTF-8, otherwise `{"base64": "…"}`,
/// so every byte survives a round trip.
public struct TraceeString: Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var bytes: [UInt8]
    /// True when the tracee's data was longer than what was read (cut at -s).
    public var truncated: Bool = false

    public init(bytes: [UInt8], truncated: Bool = false) { self.bytes = bytes; self.truncated = truncated }
    public init(stringLiteral value: String) { self.bytes = Array(value.utf8) }

    /// The text when the bytes are valid UTF-8.
    public var utf8: String? {
        var it = bytes.makeIterator()
        var d = UTF8()
        var out = String.UnicodeScalarView()
        while true {
            switch d.decode(&it) {
            case .scalarValue(let s): out.append(s)
            case .emptyInput: return String(out)
            case .error: return nil
            }
        }
    }

    /// A lossy display form (U+FFFD for invalid bytes); never use it to store.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    private enum Keys: String, CodingKey { case base64, truncated }

    public init(from decoder: Decoder) throws {
        if let c = try? decoder.singleValueContainer(), let s = try? c.decode(String.self) {
            self.bytes = Array(s.utf8)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        let b64 = try c.decode(String.self, forKey: .base64)
        guard let data = Base64.decode(b64) else {
            throw DecodingError.dataCorruptedError(forKey: .base64, in: c, debugDescription: "bad base64")
        }
        self.bytes = data
        self.truncated = try c.decodeIfPresent(Bool.self, forKey: .truncated) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        if let s = utf8, !truncated {
            var c = encoder.singleValueContainer()
            try c.encode(s)
        } else {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(Base64.encode(bytes), forKey: .base64)
            if truncated { try c.encode(true, forKey: .truncated) }
        }
    }
}

/// RFC 4648 base64, so the pure core needs no Foundation.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(s) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var n = UInt32(bytes[i]) << 16
            if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        var out = [UInt8]()
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "=") { break }
            let v = table[Int(c)]
            if v < 0 { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(acc >> UInt32(bits) & 0xff))
            }
        }
        return out
    }
}
