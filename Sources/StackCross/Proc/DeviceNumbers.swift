/// -yy / --decode-fds=dev: a device fd's path carries its type and numbers, `/dev/null<char 1:3>`
/// (strace's printdev). The tracer appends the suffix to the path bytes; the quoting keeps it as is.
public enum DeviceNumbers {
    /// The suffix for a device of `mode` (st_mode) and `rdev`, nil for other files.
    public static func suffix(mode: UInt32, rdev: UInt64) -> [UInt8]? {
        let type = mode & 0o170000
        guard type == 0o020000 || type == 0o060000 else { return nil }
        // glibc's major()/minor() for a 64-bit dev_t.
        let major = ((rdev >> 8) & 0xFFF) | ((rdev >> 32) & ~UInt64(0xFFF))
        let minor = (rdev & 0xFF) | ((rdev >> 12) & ~UInt64(0xFF))
        return Array("<\(type == 0o060000 ? "block" : "char") \(major & 0xFFFF_FFFF):\(minor & 0xFFFF_FFFF)>".utf8)
    }

    /// `text` with every fd's `<path>` (a `<` right after a digit, outside quoted strings) taken out:
    /// fds inside structs and sets as --decode-fds=none shows them (`[3 4]`, `{fd=3, …}`).
    public static func bareFds(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "<")) else { return text }
        let b = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var i = 0, quoted = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\""), quoted || i == 0 || b[i - 1] != UInt8(ascii: "\\") { quoted.toggle() }
            if quoted, c == UInt8(ascii: "\\"), i + 1 < b.count { out += [c, b[i + 1]]; i += 2; continue }
            guard !quoted, c == UInt8(ascii: "<"), i > 0, (0x30 ... 0x39).contains(b[i - 1]), let end = closing(b, from: i) else {
                out.append(c); i += 1; continue
            }
            i = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The `>` closing the fd path opened at `open`: paths have their own `<>` escaped, so only a device
    /// suffix nests, and a socket's `->` is not a bracket.
    static func closing(_ b: [UInt8], from open: Int) -> Int? {
        var depth = 0
        for j in open ..< b.count {
            if b[j] == UInt8(ascii: "<") { depth += 1 }
            if b[j] == UInt8(ascii: ">"), b[j - 1] != UInt8(ascii: "-") {
                depth -= 1
                if depth == 0 { return j }
            }
        }
        return nil
    }

    /// A shown fd argument (`4</dev/zero<char 1:5>>`) without its device suffix, as -P compares paths.
    public static func withoutSuffix(_ arg: String) -> String {
        guard arg.hasSuffix(">>"), let cut = suffixStart(Array(arg.utf8.dropLast())) else { return arg }
        return String(decoding: Array(arg.utf8)[..<cut], as: UTF8.self) + ">"
    }

    /// Where a path's device suffix (`<char N:M>` / `<block N:M>` at its end) starts, if it has one.
    /// A file literally named so is read as a device too: only under -yy, which asks for these.
    public static func suffixStart(_ path: [UInt8]) -> Int? {
        guard path.last == UInt8(ascii: ">"), let lt = path.lastIndex(of: UInt8(ascii: "<")), lt > 0 else { return nil }
        let inner = path[(lt + 1) ..< (path.count - 1)]
        guard let space = inner.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let kind = String(decoding: inner[..<space], as: UTF8.self)
        let nums = inner[(space + 1)...].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard kind == "char" || kind == "block", nums.count == 2,
              nums.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (0x30 ... 0x39).contains($0) } }) else { return nil }
        return lt
    }
}
