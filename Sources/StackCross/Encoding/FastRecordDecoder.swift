/// A direct JSON → TraceRecord parser for the report's hot path: JSONDecoder's Codable machinery
/// costs most of the time of reading a trace. It accepts only what it fully understands and
/// returns nil for anything else (unknown shapes, odd numbers, invalid text, missing fields), so the
/// caller falls back to JSONDecoder, which then decides — and words the error for a corrupt line.
public enum FastRecordDecoder {
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> TraceRecord? {
        guard let line = decodeLine(bytes), case .record(let box) = line.kind, line.extras == nil else { return nil }
        return box.record
    }

    /// Any line of a trace, schema 1 or 2. The header and the interned records are recognised by their
    /// `type` coming first, as stackcross writes them.
    public static func decodeLine(_ bytes: UnsafeRawBufferPointer) -> DecodedLine? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var c = Cursor(p: base, n: bytes.count)
        do {
            let r: DecodedLine
            // No leading type: an empty key, which names no record type.
            switch leadingType(bytes) ?? Key(p: base, n: 0) {
            case "header": r = DecodedLine(.header(try c.header()))
            case "stack": r = try c.stackRecord()
            case "frame": r = try c.frameRecord()
            case "module": r = try c.moduleRecord()
            case "mapping": r = try c.mappingRecord()
            default: r = try c.record()
            }
            c.skipWS()
            return c.i == c.n ? r : nil
        } catch {
            return nil
        }
    }

    public static func decodeLine(_ bytes: [UInt8]) -> DecodedLine? { bytes.withUnsafeBytes { decodeLine($0) } }

    /// The value of a `"type"` that opens the object (`{"type":"stack",…`), without parsing the rest.
    static func leadingType(_ b: UnsafeRawBufferPointer) -> Key? {
        let prefix: StaticString = #"{"type":""#
        let m = prefix.utf8CodeUnitCount
        guard let base = b.baseAddress?.assumingMemoryBound(to: UInt8.self), b.count > m + 1,
              Key(p: base, n: m).equals(prefix) else { return nil }
        var end = m
        while end < b.count, end < m + 16, base[end] != UInt8(ascii: "\"") { end += 1 }
        guard end < b.count, base[end] == UInt8(ascii: "\"") else { return nil }
        return Key(p: base + m, n: end - m)
    }

    /// An object key in place: the bytes between its quotes. Only keys without escapes and in ASCII are read
    /// this way (`Cursor.key`); the decoder's switches compare them with their literal names byte by byte,
    /// where building a String per key and comparing Strings cost a third of the decoding.
    struct Key {
        let p: UnsafePointer<UInt8>
        let n: Int

        @inline(__always) func equals(_ name: StaticString) -> Bool {
            guard name.hasPointerRepresentation else {
                return n == 1 && UInt32(p[0]) == name.unicodeScalar.value
            }
            guard name.utf8CodeUnitCount == n else { return false }
            let q = name.utf8Start
            for j in 0..<n where q[j] != p[j] { return false }
            return true
        }

        @inline(__always) static func ~= (name: StaticString, key: Key) -> Bool { key.equals(name) }

        var string: String { String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) }

        /// Up to 7 bytes packed little-endian into one word, with the length in the top byte (nil when
        /// longer): a register name's one compare. The length keeps `"ss\u0000"` from packing as `"ss"`.
        var packed: UInt64? { Self.pack(UnsafeBufferPointer(start: p, count: n)) }

        static func pack(_ b: UnsafeBufferPointer<UInt8>) -> UInt64? {
            guard b.count <= 7 else { return nil }
            var v = UInt64(b.count) << 56
            for (j, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(j)) }
            return v
        }
    }

    public static func decode(_ bytes: [UInt8]) -> TraceRecord? { bytes.withUnsafeBytes { decode($0) } }

    struct Unsupported: Error {}

    struct Cursor {
        let p: UnsafePointer<UInt8>
        let n: Int
        var i = 0
        var depth = 0
        static let maxSkipDepth = 64

        init(p: UnsafePointer<UInt8>, n: Int) { self.p = p; self.n = n }

        mutating func skipWS() {
            while i < n, p[i] == 0x20 || p[i] == 0x0a || p[i] == 0x0d || p[i] == 0x09 { i += 1 }
        }

        mutating func peek() throws -> UInt8 {
            skipWS()
            guard i < n else { throw Unsupported() }
            return p[i]
        }

        mutating func expect(_ b: UInt8) throws {
            guard try peek() == b else { throw Unsupported() }
            i += 1
        }

        /// `null` (consumed) or not.
        mutating func null() throws -> Bool {
            guard try peek() == UInt8(ascii: "n") else { return false }
            guard i + 4 <= n, p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") else { throw Unsupported() }
            i += 4
            return true
        }

        mutating func bool() throws -> Bool {
            let b = try peek()
            if b == UInt8(ascii: "t"), i + 4 <= n, p[i + 1] == UInt8(ascii: "r"), p[i + 2] == UInt8(ascii: "u"), p[i + 3] == UInt8(ascii: "e") {
                i += 4
                return true
            }
            if b == UInt8(ascii: "f"), i + 5 <= n, p[i + 1] == UInt8(ascii: "a"), p[i + 2] == UInt8(ascii: "l"),
               p[i + 3] == UInt8(ascii: "s"), p[i + 4] == UInt8(ascii: "e") {
                i += 5
                return false
            }
            throw Unsupported()
        }

        /// An integer literal (no fraction, no exponent: those go to JSONDecoder).
        mutating func integer() throws -> (negative: Bool, magnitude: UInt64) {
            _ = try peek()
            var neg = false
            if p[i] == UInt8(ascii: "-") { neg = true; i += 1 }
            let start = i
            var v: UInt64 = 0
            while i < n, p[i] >= 0x30, p[i] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(p[i] - 0x30))
                if o1 || o2 { throw Unsupported() }
                v = a
                i += 1
            }
            if i == start || (p[start] == 0x30 && i - start > 1) { throw Unsupported() }
            if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") { throw Unsupported() }
            return (neg, v)
        }

        mutating func int64() throws -> Int64 {
            let (neg, m) = try integer()
            if neg {
                guard m <= UInt64(Int64.max) + 1 else { throw Unsupported() }
                return m == UInt64(Int64.max) + 1 ? Int64.min : -Int64(m)
            }
            guard m <= UInt64(Int64.max) else { throw Unsupported() }
            return Int64(m)
        }

        mutating func int32() throws -> Int32 {
            let v = try int64()
            guard let r = Int32(exactly: v) else { throw Unsupported() }
            return r
        }

        mutating func uint64() throws -> UInt64 {
            let (neg, m) = try integer()
            if neg { guard m == 0 else { throw Unsupported() } }
            return m
        }

        /// An ABI name; anything else goes to JSONDecoder, which words the error.
        mutating func abi() throws -> SyscallABI {
            guard let abi = SyscallABI(rawValue: try string()) else { throw Unsupported() }
            return abi
        }

        /// A clone record's kind; anything else goes to JSONDecoder, which words the error.
        mutating func cloneKind() throws -> CloneRecord.Kind {
            guard let k = CloneRecord.Kind(rawValue: try string()) else { throw Unsupported() }
            return k
        }

        /// A crossing's phase; anything else goes to JSONDecoder, which words the error.
        mutating func phase() throws -> CrossingPhase {
            guard let p = CrossingPhase(rawValue: try string()) else { throw Unsupported() }
            return p
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            let start = i
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    let s = try text(start, i)
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { return try escapedString(from: start) }
                if b < 0x20 { throw Unsupported() }
                i += 1
            }
            throw Unsupported()
        }

        func text(_ a: Int, _ b: Int) throws -> String {
            try Self.validUTF8(UnsafeBufferPointer(start: p + a, count: b - a))
        }

        /// The text of bytes that must be valid UTF-8 (JSONDecoder rejects anything else).
        /// Not String(validating:): unspecialized generic code, slow on this path.
        static func validUTF8(_ buf: UnsafeBufferPointer<UInt8>) throws -> String {
            let s = String(decoding: buf, as: UTF8.self)
            var ascii = true
            for b in buf where b >= 0x80 { ascii = false; break }
            // decoding repairs invalid sequences with U+FFFD: a repaired string differs from the bytes.
            if !ascii, !s.utf8.elementsEqual(buf) { throw Unsupported() }
            return s
        }

        /// The slow path: a string with backslash escapes.
        mutating func escapedString(from start: Int) throws -> String {
            var out = [UInt8](UnsafeBufferPointer(start: p + start, count: i - start))
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return try out.withUnsafeBufferPointer { try Self.validUTF8($0) }
                }
                if b < 0x20 { throw Unsupported() }
                if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
                guard i + 1 < n else { throw Unsupported() }
                let e = p[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5c)
                case UInt8(ascii: "/"): out.append(0x2f)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard i + 6 <= n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else { throw Unsupported() }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw Unsupported() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw Unsupported() }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw Unsupported()
                }
            }
            throw Unsupported()
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= n else { throw Unsupported() }
            var v: UInt32 = 0
            for k in 0..<4 {
                let b = p[i + k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x41...0x46: d = UInt32(b - 0x41 + 10)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: throw Unsupported()
                }
                v = v << 4 | d
            }
            i += 4
            return v
        }

        /// Marks field `bit` of an object as read. JSONDecoder keeps the first of a repeated key and this
        /// decoder would keep the last: a repeated known key goes to JSONDecoder, so both read a line alike.
        @inline(__always) static func first(_ seen: inout UInt64, _ bit: Int) throws {
            guard seen & (1 << UInt64(bit)) == 0 else { throw Unsupported() }
            seen |= 1 << UInt64(bit)
        }

        /// A key read in place, or nil (nothing consumed) for one with escapes or bytes beyond ASCII, which
        /// `object` reads as a String instead (validating its UTF-8 as `string` does).
        mutating func key() throws -> Key? {
            try expect(UInt8(ascii: "\""))
            let start = i
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return Key(p: p + start, n: i - 1 - start)
                }
                if b == UInt8(ascii: "\\") || b >= 0x80 { i = start - 1; return nil }
                if b < 0x20 { throw Unsupported() }
                i += 1
            }
            throw Unsupported()
        }

        /// Calls `field` with each key; the callee must consume the value (or call `skip`).
        mutating func object(_ field: (inout Cursor, Key) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            if try peek() == UInt8(ascii: "}") { i += 1; return }
            while true {
                if let k = try key() {
                    try expect(UInt8(ascii: ":"))
                    try field(&self, k)
                } else {
                    var k = try string()
                    try expect(UInt8(ascii: ":"))
                    try k.withUTF8 { u in
                        guard let base = u.baseAddress else { throw Unsupported() }
                        try field(&self, Key(p: base, n: u.count))
                    }
                }
                let b = try peek()
                i += 1
                if b == UInt8(ascii: "}") { return }
                guard b == UInt8(ascii: ",") else { throw Unsupported() }
            }
        }

        mutating func array(_ element: (inout Cursor) throws -> Void) throws {
            try expect(UInt8(ascii: "["))
            if try peek() == UInt8(ascii: "]") { i += 1; return }
            while true {
                try element(&self)
                let b = try peek()
                i += 1
                if b == UInt8(ascii: "]") { return }
                guard b == UInt8(ascii: ",") else { throw Unsupported() }
            }
        }

        /// Skips any value (unknown keys are ignored, as JSONDecoder ignores them). Nesting is bounded:
        /// a crafted line nested deeper goes to JSONDecoder, whose own limit words the error, instead
        /// of recursing off the end of a decoding thread's stack.
        mutating func skip() throws {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxSkipDepth else { throw Unsupported() }
            switch try peek() {
            case UInt8(ascii: "{"): try object { c, _ in try c.skip() }
            case UInt8(ascii: "["): try array { c in try c.skip() }
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
            case UInt8(ascii: "n"): _ = try null()
            default:
                // Any number literal, validated loosely: JSONDecoder would accept it as an ignored value.
                let start = i
                while i < n, "+-.eE0123456789".utf8.contains(p[i]) { i += 1 }
                if i == start { throw Unsupported() }
            }
        }

        // MARK: record types

        mutating func optional<T>(_ read: (inout Cursor) throws -> T) throws -> T? {
            if try null() { return nil }
            return try read(&self)
        }
    }
}
