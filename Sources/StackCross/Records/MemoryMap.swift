/// One line of /proc/PID/maps.
public struct MemoryMapping: Codable, Hashable, Sendable {
    public var start: Address
    public var end: Address
    /// "r-xp" and the like.
    public var perms: String
    public var offset: UInt64
    public var inode: UInt64
    /// Path or pseudo-name ("[stack]", "[vdso]", "[heap]"); empty for anonymous memory.
    public var path: String

    public init(start: Address, end: Address, perms: String, offset: UInt64, inode: UInt64, path: String) {
        self.start = start; self.end = end; self.perms = perms; self.offset = offset; self.inode = inode; self.path = path
    }

    public func contains(_ a: Address) -> Bool { a >= start && a < end }
    public var isExecutable: Bool { perms.dropFirst(2).first == "x" }

    /// Parses the text of /proc/PID/maps; lines that do not parse are skipped.
    public static func parse(_ text: String) -> [MemoryMapping] {
        text.split(separator: "\n").compactMap { parseLine($0) }
    }

    /// `start-end perms offset dev inode [path]`.
    public static func parseLine(_ line: Substring) -> MemoryMapping? {
        var fields: [Substring] = []
        var rest = line[...]
        for _ in 0..<5 {
            rest = rest.drop(while: { $0 == " " })
            guard let sp = rest.firstIndex(of: " ") else { fields.append(rest); rest = ""; break }
            fields.append(rest[..<sp])
            rest = rest[sp...]
        }
        guard fields.count == 5 else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let s = Address(hex: range[0]), let e = Address(hex: range[1]),
              let off = UInt64(fields[2], radix: 16), let inode = UInt64(fields[4]) else { return nil }
        let path = String(rest.drop(while: { $0 == " " }))
        return MemoryMapping(start: s, end: e, perms: String(fields[1]), offset: off, inode: inode, path: path)
    }
}
