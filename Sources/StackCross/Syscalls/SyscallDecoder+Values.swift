/// Values strace spells in a fixed way: signal sets, wait statuses, IPv6 addresses.
extension SyscallDecoder {
    /// `[INT TERM]`, or `~[KILL STOP]` when most signals are in the set, as strace prints a sigset_t.
    public static func sigsetString(_ mask: UInt64) -> String {
        func names(_ m: UInt64) -> String {
            (1 ... 64).filter { m & (1 << UInt64($0 - 1)) != 0 }
                .map { String(Signals.displayName(Int32($0)).dropFirst(3)) }.joined(separator: " ")
        }
        return mask.nonzeroBitCount > 32 ? "~[" + names(~mask) + "]" : "[" + names(mask) + "]"
    }

    /// A wait status the strace way: `{WIFEXITED(s) && WEXITSTATUS(s) == 0}`.
    public static func waitStatus(_ s: Int32) -> String {
        let low = s & 0x7F
        if s & 0xFFFF == 0xFFFF { return "{WIFCONTINUED(s)}" }
        if low == 0 { return "{WIFEXITED(s) && WEXITSTATUS(s) == \((s >> 8) & 0xFF)}" }
        if low == 0x7F {
            return "{WIFSTOPPED(s) && WSTOPSIG(s) == \(Signals.displayName((s >> 8) & 0xFF))}"
        }
        let core = s & 0x80 != 0 ? " && WCOREDUMP(s)" : ""
        return "{WIFSIGNALED(s) && WTERMSIG(s) == \(Signals.displayName(low))\(core)}"
    }

    /// RFC 5952 text of a 16-byte IPv6 address (longest zero run as ::).
    static func ipv6(_ b: [UInt8]) -> String {
        let groups = (0 ..< 8).map { Int(b[2 * $0]) << 8 | Int(b[2 * $0 + 1]) }
        var best = (start: -1, len: 0)
        var k = 0
        while k < 8 {
            if groups[k] == 0 {
                var e = k
                while e < 8, groups[e] == 0 { e += 1 }
                if e - k > best.len, e - k > 1 { best = (k, e - k) }
                k = e
            } else { k += 1 }
        }
        func hexs(_ r: ArraySlice<Int>) -> String { r.map { String($0, radix: 16) }.joined(separator: ":") }
        if best.start < 0 { return hexs(groups[...]) }
        return hexs(groups[..<best.start]) + "::" + hexs(groups[(best.start + best.len)...])
    }
}
