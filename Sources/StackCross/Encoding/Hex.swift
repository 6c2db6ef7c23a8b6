/// Lowercase hex as Address prints it ("0x7ffd…"): the one writer behind Address, the trace JSON,
/// the strace -k lines and the model's check texts (String(radix:) is generic and slow on those paths).

@inline(__always)
public func hexDigit(_ d: UInt8) -> UInt8 { d < 10 ? UInt8(ascii: "0") &+ d : UInt8(ascii: "a") &+ (d &- 10) }

/// The hex digits of `v` (no prefix) at `p`, which has room for 16; returns how many were written.
@inline(__always)
func writeHexDigits(_ v: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
    let len = v == 0 ? 1 : (67 - v.leadingZeroBitCount) / 4
    var x = v
    var i = len
    while i > 0 {
        i -= 1
        p[i] = hexDigit(UInt8(truncatingIfNeeded: x & 0xF))
        x >>= 4
    }
    return len
}

/// The decimal digits of `v` at `p`, which has room for 20; returns how many were written.
@inline(__always)
func writeDecimalDigits(_ v: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
    var len = 1, t = v
    while t >= 10 { t /= 10; len += 1 }
    var x = v, i = len
    repeat {
        i -= 1
        p[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: x % 10)
        x /= 10
    } while i > 0
    return len
}

/// `0x…` appended to a byte buffer.
func writeHex(_ v: UInt64, to b: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 18) { t in
        guard let p = t.baseAddress else { return }
        p[0] = UInt8(ascii: "0"); p[1] = UInt8(ascii: "x")
        let n = 2 + writeHexDigits(v, to: p + 2)
        b.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    }
}

/// `0x…` as a String.
func hex(_ v: UInt64) -> String {
    // Through a stack buffer: up to 15 bytes the result is a small string, with no allocation.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 18) { t in
        guard let p = t.baseAddress else { return "" }
        p[0] = UInt8(ascii: "0"); p[1] = UInt8(ascii: "x")
        let n = 2 + writeHexDigits(v, to: p + 2)
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// Bytes as two-digit hex pairs separated by spaces ("0f 05").
func hexBytes(_ b: [UInt8]) -> String {
    // Through a temporary buffer: for the usual two bytes before ip, the result is a small string and nothing is allocated.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(b.count * 3, 1)) { t in
        guard let p = t.baseAddress else { return "" }
        var n = 0
        for x in b {
            if n > 0 { p[n] = UInt8(ascii: " "); n += 1 }
            p[n] = hexDigit(x >> 4)
            p[n + 1] = hexDigit(x & 0xF)
            n += 2
        }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// Bytes as hex digits with nothing between them ("3f9a…", a build-id).
public func hexDigits(_ b: some Collection<UInt8>) -> String {
    var out = [UInt8]()
    out.reserveCapacity(b.count * 2)
    for x in b {
        out.append(hexDigit(x >> 4))
        out.append(hexDigit(x & 0xF))
    }
    return String(decoding: out, as: UTF8.self)
}

/// The little-endian unsigned value of `count` (1…8) bytes of `b` at `offset`; bytes past the end count as 0.
public func littleEndian(_ b: [UInt8], at offset: Int, count: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0 ..< count where offset + k < b.count { v |= UInt64(b[offset + k]) << (8 * UInt64(k)) }
    return v
}

/// A short text built in place and turned into a String once: the model's check texts, built for
/// every traced call, without an array's per-append checks or a temporary String per piece.
/// Capacity 0 allocates nothing until the first append (texts that are usually empty).
struct TextBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>?
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 128) {
        self.capacity = capacity
        base = capacity > 0 ? .allocate(capacity: capacity) : nil
    }
    deinit { base?.deallocate() }

    var isEmpty: Bool { count == 0 }
    var string: String {
        guard let base else { return "" }
        return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// Room for `k` more bytes; returns where they go.
    @inline(__always) private mutating func reserve(_ k: Int) -> UnsafeMutablePointer<UInt8> {
        if let base, count + k <= capacity { return base + count }
        let newCapacity = max(capacity * 2, count + k, 32)
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        if let base {
            q.update(from: base, count: count)
            base.deallocate()
        }
        base = q
        capacity = newCapacity
        return q + count
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let p = reserve(bytes.count)
        if let b = bytes.baseAddress { p.update(from: b, count: bytes.count) }
        count += bytes.count
    }
    /// withUTF8Buffer, not utf8Start: a StaticString may hold a single scalar instead of a pointer.
    mutating func append(_ s: StaticString) { s.withUTF8Buffer { append($0) } }
    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }
    mutating func append(byte b: UInt8) {
        reserve(1).pointee = b
        count += 1
    }
    /// `0x…`, as `hex(_:)` writes it.
    mutating func appendHex(_ v: UInt64) {
        let p = reserve(18)
        p[0] = UInt8(ascii: "0"); p[1] = UInt8(ascii: "x")
        count += 2 + writeHexDigits(v, to: p + 2)
    }
    mutating func appendDecimal(_ v: Int64) {
        var p = reserve(21)
        if v < 0 { p.pointee = UInt8(ascii: "-"); p += 1; count += 1 }
        count += writeDecimalDigits(v.magnitude, to: p)
    }
}

/// Copies a static string's UTF-8 to `p` (room for `s.utf8CodeUnitCount` bytes) and returns how many.
@inline(__always)
func copyStatic(_ s: StaticString, to p: UnsafeMutablePointer<UInt8>) -> Int {
    s.withUTF8Buffer { b in
        if let a = b.baseAddress { p.update(from: a, count: b.count) }
        return b.count
    }
}

/// `prefix` `0x…` `suffix` as one String, built on the stack: one allocation at most (none up to 15 bytes),
/// where `+` or interpolation costs one per piece. The model's check texts on the trace hot path use it.
func hexText(_ prefix: StaticString, _ v: UInt64, _ suffix: StaticString) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix.utf8CodeUnitCount + 18 + suffix.utf8CodeUnitCount) { t in
        guard let p = t.baseAddress else { return "" }
        var n = copyStatic(prefix, to: p)
        p[n] = UInt8(ascii: "0"); p[n + 1] = UInt8(ascii: "x")
        n += 2 + writeHexDigits(v, to: p + n + 2)
        n += copyStatic(suffix, to: p + n)
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// `prefix` decimal `suffix` as one String, built like `hexText`.
func decimalText(_ prefix: StaticString, _ v: Int64, _ suffix: StaticString) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix.utf8CodeUnitCount + 21 + suffix.utf8CodeUnitCount) { t in
        guard let p = t.baseAddress else { return "" }
        var n = copyStatic(prefix, to: p)
        if v < 0 { p[n] = UInt8(ascii: "-"); n += 1 }
        n += writeDecimalDigits(v.magnitude, to: p + n)
        n += copyStatic(suffix, to: p + n)
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}
