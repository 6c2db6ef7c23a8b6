/// strace's tampering: `-e inject=SET:error=ERRNO|retval=N[:signal=SIG][:delay_enter=USEC][:delay_exit=USEC][:when=EXPR]`
/// and `-e fault=SET[:error=ERRNO][:when=EXPR]` (error defaults to ENOSYS). Pure: the parsed rule and
/// which invocation it hits; the tracer does the ptrace part (orig_rax = -1 at entry, rax at exit).
public struct SyscallInjection: Sendable, Equatable {
    /// The calls it applies to (only calls that are also traced, as in strace).
    public var set: SyscallFilter
    /// The return value written at the exit stop: -errno for error=, the value for retval=; nil for none.
    public var returnValue: Int64?
    /// Whether returnValue came from retval= (a success) rather than error=.
    public var isRetval = false
    /// signal=: delivered at the entry stop.
    public var signal: Int32?
    /// delay_enter=/delay_exit=, microseconds.
    public var delayEnterUs: UInt64?
    public var delayExitUs: UInt64?
    /// when=FIRST[..LAST][+[STEP]]: the invocations hit, counted per thread and syscall from 1.
    public var first: UInt32 = 1
    public var last: UInt32?
    public var step: UInt32 = 1

    public init(set: SyscallFilter) { self.set = set }

    public struct ParseError: Error, Equatable { public var message: String }

    /// Whether the `n`th invocation (from 1) of a call of the set is tampered with.
    public func hits(invocation n: UInt32) -> Bool {
        guard n >= first else { return false }
        if let l = last, n > l { return false }
        return step == 0 ? n == first : (n - first) % step == 0
    }

    /// Parses `inject=…` or `fault=…` (the part after -e); nil when the expression is something else.
    public static func parse(_ expression: String) throws -> SyscallInjection? {
        let fault: Bool
        let body: Substring
        if expression.hasPrefix("inject=") { fault = false; body = expression.dropFirst(7) }
        else if expression.hasPrefix("fault=") { fault = true; body = expression.dropFirst(6) }
        else { return nil }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let setText = parts.first, !setText.isEmpty else {
            throw ParseError(message: "invalid -e '\(expression)': no syscall set")
        }
        let set: SyscallFilter
        do { set = try SyscallFilter.parse(setText) } catch let e as SyscallFilter.ParseError {
            throw ParseError(message: "invalid -e '\(expression)': \(e.message)")
        }
        var r = SyscallInjection(set: set)
        func bad(_ why: String) -> ParseError { ParseError(message: "invalid -e '\(expression)': \(why)") }
        for token in parts.dropFirst() {
            guard let eq = token.firstIndex(of: "=") else { throw bad("'\(token)' is not KEY=VALUE") }
            let key = String(token[..<eq]), value = String(token[token.index(after: eq)...])
            if fault && key != "error" && key != "when" { throw bad("fault= takes only error= and when=") }
            switch key {
            case "error":
                if r.returnValue != nil { throw bad("error= and retval= are mutually exclusive") }
                let n = Errno.number(of: value) ?? Int32(value).flatMap { (1...4095).contains($0) ? $0 : nil }
                guard let errno = n else { throw bad("unknown error '\(value)'") }
                r.returnValue = -Int64(errno)
            case "retval":
                if r.returnValue != nil { throw bad("error= and retval= are mutually exclusive") }
                guard let v = Int64(value) ?? UInt64(value).map({ Int64(bitPattern: $0) }) else { throw bad("bad retval '\(value)'") }
                r.returnValue = v
                r.isRetval = true
            case "signal":
                let upper = value.uppercased()
                guard let s = Signals.number(of: upper.hasPrefix("SIG") ? upper : "SIG" + upper)
                        ?? Int32(value).flatMap({ (1...Signals.rtMax).contains($0) ? $0 : nil }) else {
                    throw bad("unknown signal '\(value)'")
                }
                r.signal = s
            case "delay_enter", "delay_exit":
                guard let us = delay(value) else { throw bad("bad delay '\(value)'") }
                if key == "delay_enter" { r.delayEnterUs = us } else { r.delayExitUs = us }
            case "when":
                try r.parseWhen(value, bad)
            default:
                throw bad("unknown token '\(token)'")
            }
        }
        if fault && r.returnValue == nil { r.returnValue = -Int64(Errno.number(of: "ENOSYS") ?? 38) }
        if r.returnValue == nil && r.signal == nil && r.delayEnterUs == nil && r.delayExitUs == nil {
            throw bad("give at least one of error=, retval=, signal=, delay_enter=, delay_exit=")
        }
        return r
    }

    /// A delay: microseconds, or a number with s, ms, us or ns (strace's time specification).
    static func delay(_ s: String) -> UInt64? {
        for (suffix, mul, div) in [("ns", 1, 1000), ("us", 1, 1), ("ms", 1000, 1), ("s", 1_000_000, 1)] as [(String, UInt64, UInt64)]
            where s.hasSuffix(suffix) {
            return UInt64(s.dropLast(suffix.count)).map { $0 * mul / div }
        }
        return UInt64(s)
    }

    /// strace's when=: F (only F), F+ (F on), F+S, F..L, F..L+S; numbers 1…65535.
    mutating func parseWhen(_ v: String, _ bad: (String) -> ParseError) throws {
        var rest = Substring(v)
        func number() throws -> UInt32 {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            guard let n = UInt32(digits), n >= 1, n <= 0xffff else { throw bad("bad when= '\(v)'") }
            return n
        }
        first = try number()
        if rest.hasPrefix("..") {
            rest = rest.dropFirst(2)
            let l = try number()
            if l < first { throw bad("bad when= '\(v)': last before first") }
            last = l
        }
        if rest.hasPrefix("+") {
            rest = rest.dropFirst()
            step = rest.isEmpty ? 1 : try number()
        } else {
            step = last == nil ? 0 : 1
        }
        if !rest.isEmpty { throw bad("bad when= '\(v)'") }
    }
}

/// What was done to one call, for its record (`"injected":{…}`) and its text line (` (INJECTED)`).
public struct InjectedCall: Codable, Hashable, Sendable {
    /// The value written into rax at the exit stop (-errno for error=), nil when only a signal or delay was injected.
    public var ret: Int64?
    /// The signal sent at the entry stop.
    public var signal: Int32?
    /// Microseconds the entry / exit was held.
    public var delayEnterUs: UInt64?
    public var delayExitUs: UInt64?
    public init(ret: Int64? = nil, signal: Int32? = nil, delayEnterUs: UInt64? = nil, delayExitUs: UInt64? = nil) {
        self.ret = ret; self.signal = signal; self.delayEnterUs = delayEnterUs; self.delayExitUs = delayExitUs
    }

    /// strace's notes after the return value: ` (INJECTED)` when the return was set, ` (DELAYED)` when held.
    public var note: String {
        (ret != nil ? " (INJECTED)" : "") + (delayEnterUs != nil || delayExitUs != nil ? " (DELAYED)" : "")
    }
}
