/// Which records a trace shows beyond -e trace=: strace's -P PATH, -e trace-fds=, -e status= (-z, -Z),
/// -e signal= and -e quiet= (-q, -qq, -qqq). Pure: decided from the record alone.
public struct TraceSelection: Sendable, Equatable {
    /// -P: calls touching one of these paths (a path argument, an fd argument or the returned fd naming it).
    public var paths: [[UInt8]] = []
    /// -e trace-fds=: calls with one of these fds as an fd argument; nil for all.
    public var fds: Set<Int64>?
    /// -e status=: nil for all.
    public var statuses: Set<Status>?
    /// -e signal=: the signals whose `--- SIG… ---` lines show; nil for all.
    public var signals: Set<Int32>?
    /// -e quiet=: the messages left out.
    public var quiet: Set<Quiet> = []

    public enum Status: String, Sendable, CaseIterable { case successful, failed, unfinished, unavailable, detached }
    /// strace's quiet items (`exits`, `superseded` are aliases).
    public enum Quiet: String, Sendable, CaseIterable {
        case attach, exit, pathResolution = "path-resolution", personality, threadExecve = "thread-execve"
    }

    public init() {}

    public struct ParseError: Error, Equatable { public var message: String }

    /// Whether a call's line waits for its exit (its status, or a path only known then, decides).
    public var stagesCalls: Bool { !paths.isEmpty || fds != nil || statuses != nil }

    /// -q given `count` times: attach/detach messages; -qq also `+++ exited`; -qqq everything.
    public mutating func setQ(count: Int) {
        if count >= 1 { quiet.formUnion([.attach, .personality]) }
        if count >= 2 { quiet.insert(.exit) }
        if count >= 3 { quiet = Set(Quiet.allCases) }
    }

    /// Applies one -e expression this type owns (status=, signal(s)=, quiet=/silent=, trace-fds=);
    /// false for any other expression.
    public mutating func apply(_ expression: String) throws -> Bool {
        guard let eq = expression.firstIndex(of: "=") else { return false }
        let key = String(expression[..<eq]), value = String(expression[expression.index(after: eq)...])
        switch key {
        case "status":
            statuses = try Self.set(value, all: Status.allCases, what: "status") { Status(rawValue: $0) }
        case "signal", "signals", "s":
            let all = (1...Signals.rtMax).map { $0 }
            signals = try Self.set(value, all: all, what: "signal") { Signals.number(of: $0) ?? Int32($0).flatMap { all.contains($0) ? $0 : nil } }
        case "quiet", "silent", "silence", "q":
            let aliases: [String: Quiet] = ["exits": .exit, "superseded": .threadExecve]
            quiet = try Self.set(value, all: Quiet.allCases, what: "quiet") { Quiet(rawValue: $0) ?? aliases[$0] }
        case "trace-fds", "trace-fd", "fd", "fds":
            let parsed = try Self.set(value, all: [], what: "descriptor", negatable: false) { Int64($0).flatMap { $0 >= 0 ? $0 : nil } }
            fds = value == "all" ? nil : parsed
        default:
            return false
        }
        return true
    }

    /// strace's qualify_tokens: `all`, `none`, a list, a leading `!` negating it.
    static func set<T: Hashable>(_ text: String, all: [T], what: String, negatable: Bool = true,
                                 _ parse: (String) -> T?) throws -> Set<T> {
        var s = Substring(text), negate = false
        while s.first == "!" { negate.toggle(); s = s.dropFirst() }
        if negate && !negatable { throw ParseError(message: "invalid \(what) '\(text)'") }
        var out = Set<T>()
        for item in s.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            switch item {
            case "all": out.formUnion(all)
            case "none": break
            default:
                guard let v = parse(item) else { throw ParseError(message: "invalid \(what) '\(item)'") }
                out.insert(v)
            }
        }
        if s.isEmpty { throw ParseError(message: "invalid \(what) '\(text)'") }
        return negate ? Set(all).subtracting(out) : out
    }

    /// -P and trace-fds: whether the call touches a selected path or fd.
    public func touches(_ r: SyscallRecord) -> Bool {
        if let fds {
            let kinds = SyscallDecoder.argKinds(abi: r.abi, nr: r.nr)
            let hit = zip(kinds, r.rawArgs).contains { k, a in
                (k == .fd || k == .dirfd) && fds.contains(Int64(Int32(truncatingIfNeeded: a.rawValue)))
            }
            if !hit { return false }
        }
        guard !paths.isEmpty else { return true }
        for p in paths {
            if r.strings?.values.contains(where: { $0.bytes == p }) == true { return true }
            if let rp = r.retPath?.bytes, rp == p || DeviceNumbers.suffixStart(rp).map({ Array(rp[..<$0]) == p }) == true { return true }
            // An fd argument shows its path (`3</etc/passwd>`): the fd table resolved it at the stop.
            let shown = "<" + SyscallDecoder.escapePath(p) + ">"
            if r.args.contains(where: { DeviceNumbers.withoutSuffix($0).hasSuffix(shown) && $0.first?.isNumber == true }) { return true }
            // select's fd sets and poll's pollfds (strace's pathtrace looks at each fd in them).
            if SyscallDecoder.selectFamily.contains(r.name), r.args.contains(where: { $0.contains(shown) || $0.contains(shown.dropLast() + "<") }) {
                return true
            }
        }
        return false
    }

    /// -e status=: a finished call's status.
    public func statusSelects(_ r: SyscallRecord) -> Bool {
        guard let statuses else { return true }
        guard let ret = r.ret else { return statuses.contains(r.detached == true ? .detached : .unfinished) }
        return statuses.contains(Errno.isError(ret) ? .failed : .successful)
    }

    /// Whether a finished call is shown.
    public func selects(_ r: SyscallRecord) -> Bool { statusSelects(r) && touches(r) }

    public func showsSignal(_ signo: Int32) -> Bool { signals?.contains(signo) ?? true }
}
