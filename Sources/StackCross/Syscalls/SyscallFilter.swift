/// strace's syscall classes (-e trace=%file…), as hand-kept data in the generated file.
public enum SyscallClass {
    /// Accepted spellings (after the leading %) to the data key; "%%stat" is kept as "%stat".
    static let aliases: [String: String] = ["net": "network", "%stat": "%stat", "%statfs": "%statfs"]

    /// Every class name as written after `%`: file, process, network, net, signal, … %stat, %statfs.
    public static var names: [String] { generatedMembers.keys.sorted() + ["net"] }

    /// Member syscall names of a class (`file`, `net`, `%stat`…, without the first %); nil when unknown.
    public static func members(of cls: String) -> [String]? {
        generatedMembers[aliases[cls] ?? cls]
    }

    /// The classes a syscall belongs to (`["desc", "file"]` for openat), sorted.
    public static func classes(of name: String) -> [String] {
        generatedMembers.filter { $0.value.contains(name) }.map(\.key).sorted()
    }
}

/// A set of syscall numbers per ABI, as selected by strace-style `-e trace=` expressions.
public struct SyscallFilter: Sendable, Hashable {
    /// For one ABI: either exactly `numbers`, or (complement) every number except `numbers`.
    public struct Selection: Sendable, Hashable {
        public var numbers: Set<Int>
        public var complement: Bool

        public init(numbers: Set<Int>, complement: Bool) { self.numbers = numbers; self.complement = complement }

        public func contains(_ nr: Int) -> Bool { numbers.contains(nr) != complement }

        static let none = Selection(numbers: [], complement: false)
        static let all = Selection(numbers: [], complement: true)

        var inverted: Selection { Selection(numbers: numbers, complement: !complement) }

        func union(_ o: Selection) -> Selection {
            switch (complement, o.complement) {
            case (false, false): Selection(numbers: numbers.union(o.numbers), complement: false)
            case (true, false): Selection(numbers: numbers.subtracting(o.numbers), complement: true)
            case (false, true): Selection(numbers: o.numbers.subtracting(numbers), complement: true)
            case (true, true): Selection(numbers: numbers.intersection(o.numbers), complement: true)
            }
        }
    }

    public var x86_64: Selection
    public var i386: Selection

    public init(x86_64: Selection, i386: Selection) { self.x86_64 = x86_64; self.i386 = i386 }

    public static let all = SyscallFilter(x86_64: .all, i386: .all)
    public static let none = SyscallFilter(x86_64: .none, i386: .none)

    /// Whether every syscall of every ABI is traced (no seccomp filter is needed).
    public var tracesAll: Bool { self == .all }

    public func selection(abi: SyscallABI) -> Selection {
        switch abi {
        case .x86_64: x86_64
        case .i386: i386
        }
    }

    /// Whether syscall `nr` of `abi` is traced (an out-of-table number too, under negation or `all`).
    public func contains(abi: SyscallABI, nr: Int64) -> Bool {
        selection(abi: abi).contains(Int(nr))
    }

    /// The traced numbers of `abi` among those its table defines, ascending.
    public func numbers(abi: SyscallABI) -> [Int] {
        let s = selection(abi: abi)
        return SyscallTable.for(abi: abi).allNumbers.filter { s.contains($0) }
    }

    public func union(_ o: SyscallFilter) -> SyscallFilter {
        SyscallFilter(x86_64: x86_64.union(o.x86_64), i386: i386.union(o.i386))
    }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var message: String
        public var description: String { message }
    }

    /// Several `-e` options: the union of what each selects.
    public static func parse(_ expressions: [String]) throws -> SyscallFilter {
        guard let first = expressions.first else { return .all }
        var f = try parse(first)
        for e in expressions.dropFirst() { f = f.union(try parse(e)) }
        return f
    }

    /// One strace -e expression: `[trace=][!]ITEM[,ITEM…]` where ITEM is a syscall name, `%class`
    /// (`%file`, `%net`, `%%stat`…), a bare class name that is not a syscall (`file`), `/regex`,
    /// `all` or `none`; `name?` ignores a name no ABI has. An unknown name throws, naming it.
    public static func parse(_ expression: String) throws -> SyscallFilter {
        var text = Substring(expression)
        if let eq = text.firstIndex(of: "=") {
            let qualifier = text[..<eq]
            guard qualifier == "trace" || qualifier == "t" else {
                throw ParseError(message: "unsupported -e qualifier '\(qualifier)': only trace= is supported")
            }
            text = text[text.index(after: eq)...]
        }
        var negate = false
        while text.first == "!" {
            negate.toggle()
            text = text.dropFirst()
        }
        guard !text.isEmpty else { throw ParseError(message: "empty syscall set in -e '\(expression)'") }
        var result = SyscallFilter.none
        for rawItem in text.split(separator: ",", omittingEmptySubsequences: false) {
            result = result.union(try item(String(rawItem), in: expression))
        }
        if negate { result = SyscallFilter(x86_64: result.x86_64.inverted, i386: result.i386.inverted) }
        return result
    }

    static func names(_ names: [String]) -> SyscallFilter {
        func sel(_ t: SyscallTable) -> Selection {
            Selection(numbers: Set(names.compactMap { t.number(of: $0) }), complement: false)
        }
        return SyscallFilter(x86_64: sel(.x86_64), i386: sel(.i386))
    }

    static func known(_ name: String) -> Bool {
        SyscallTable.all.contains { $0.number(of: name) != nil }
    }

    static func item(_ raw: String, in expression: String) throws -> SyscallFilter {
        var name = raw
        let optional = name.hasSuffix("?")
        if optional { name.removeLast() }
        if name.isEmpty { throw ParseError(message: "empty syscall name in -e '\(expression)'") }
        if name == "all" { return .all }
        if name == "none" { return .none }
        if name.hasPrefix("%") {
            if let m = SyscallClass.members(of: String(name.dropFirst())) { return names(m) }
            if optional { return .none }
            throw ParseError(message: "unknown syscall class '\(name)' (known: "
                + SyscallClass.names.map { "%" + $0 }.joined(separator: " ") + ")")
        }
        if name.hasPrefix("/") {
            let pattern = String(name.dropFirst())
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(pattern) } catch {
                throw ParseError(message: "bad syscall regex '\(pattern)' in -e '\(expression)'")
            }
            func sel(_ t: SyscallTable) -> Selection {
                Selection(numbers: Set(t.allNumbers.filter { t.name(Int64($0))!.contains(regex) }), complement: false)
            }
            let f = SyscallFilter(x86_64: sel(.x86_64), i386: sel(.i386))
            if f == .none, !optional { throw ParseError(message: "syscall regex '\(pattern)' matches no syscall") }
            return f
        }
        if known(name) { return names([name]) }
        // strace still takes the old class spellings without % when no syscall has that name.
        if let m = SyscallClass.members(of: name), !name.hasPrefix("%") { return names(m) }
        if optional { return .none }
        throw ParseError(message: "unknown syscall '\(name)' in -e '\(expression)'")
    }
}
