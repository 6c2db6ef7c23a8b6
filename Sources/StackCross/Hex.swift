/// Lowercase hex as Address prints it ("0x7ffd…"): the one writer behind Address, the trace JSON,
/// the strace -k lines and the model's check texts (String(radix:) is generic and slow on those paths).

@inline(__always)
func hexDigit(_ d: UInt8) -> UInt8 { d < 10 ? UInt8(ascii: "0") &+ d : UInt8(ascii: "a") &+ (d &- 10) }

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
