/// strace's display flags applied to a decoded line: -x/-xx (strings and fd paths in hex) and
/// -X raw|verbose (constants as numbers, or numbers with their names). They restyle the text the
/// decoder made (its quoting is reversible, the raw arguments are in the record), so the decoder
/// and the JSON records stay as they are.
public enum StraceLineStyles {
    /// -x: strings holding a non-ASCII or control byte (other than \t\n\v\f\r) in hex; -xx: every string.
    public enum HexStrings: Sendable, Equatable { case none, nonASCII, all }

    /// -X: how named constants show.
    public enum Constants: Sendable, Equatable { case abbrev, raw, verbose }

    // MARK: - -x / -xx

    /// `text` with each `"…"` string and each fd's `<path>` (after a digit or AT_FDCWD) shown as strace
    /// -x/-xx shows it: `"\x61\xff"`. Others are left as the default quoting made them.
    public static func hex(_ text: String, _ mode: HexStrings) -> String {
        guard mode != .none, text.utf8.contains(where: { $0 == 0x22 || $0 == 0x3C }) else { return text }
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 2)
        var i = 0
        while i < b.count {
            let c = b[i]
            let opensPath = c == 0x3C && i > 0 && ((0x30...0x39).contains(b[i - 1]) || b[i - 1] == UInt8(ascii: "D"))
            guard c == 0x22 || opensPath else { out.append(c); i += 1; continue }
            let close: UInt8 = c == 0x22 ? 0x22 : 0x3E
            var j = i + 1
            while j < b.count, b[j] != close { j += b[j] == 92 ? 2 : 1 }
            guard j < b.count else { out += b[i...]; break }
            let body = b[(i + 1)..<j]
            out.append(c)
            let bytes = unescape(body)
            if mode == .all || needsHex(bytes) {
                for v in bytes { out += [92, UInt8(ascii: "x"), hexDigit(v >> 4), hexDigit(v & 15)] }
            } else {
                out += body
            }
            out.append(close)
            i = j + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// strace's -x test: a byte past `~`, or a control byte that is not one of \t \n \v \f \r.
    static func needsHex(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 > 0x7E || ($0 < 0x20 && !(9...13).contains($0)) }
    }

    /// The bytes behind the default quoting: `\\`, `\"`, \t \n \v \f \r, `\xHH`, octal `\N`…`\NNN`.
    static func unescape(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        func octal(_ c: UInt8) -> Bool { (0x30...0x37).contains(c) }
        while i < s.endIndex {
            let c = s[i]
            guard c == 92, i + 1 < s.endIndex else { out.append(c); i += 1; continue }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "x") where i + 1 < s.endIndex:
                out.append(UInt8(hexValue(s[i]) << 4 | hexValue(s[i + 1])))
                i += 2
            case _ where octal(e):
                var v = Int(e - 0x30), n = 1
                while n < 3, i < s.endIndex, octal(s[i]) { v = v * 8 + Int(s[i] - 0x30); i += 1; n += 1 }
                out.append(UInt8(truncatingIfNeeded: v))
            default: out.append(e)
            }
        }
        return out
    }

    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }
    static func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 87
        case 0x41...0x46: c - 55
        default: 0
        }
    }

    // MARK: - -X raw / verbose

    /// Argument kinds strace prints through its constant tables: -X raw shows them as `0x…` (`0` for zero).
    static func isConstant(_ kind: ArgKind) -> Bool {
        switch kind {
        case .openFlags, .prot, .mapFlags, .atFlags, .atAccessFlags, .statxFlags, .statxMask, .futexOp, .fcntlCmd,
             .seekWhence, .accessMode, .sigprocmaskHow, .socketFamily, .socketType, .msgFlags, .shutdownHow,
             .archPrctlCode, .prctlOption, .madvise, .mremapFlags, .rlimitResource, .getrandomFlags, .waitOptions,
             .clockID, .timerFlags, .pipeFlags, .cloexecFlags, .mlockallFlags, .syslogAction, .fadviseAdvice:
            true
        // The suite's families: strace's xlat tables (SyscallDecoder+Suite.swift).
        case .flagsOf, .valueOf, .fanInitFlags, .kexecFlags, .mpolMode, .sockLevel, .sockOptName: true
        default: false
        }
    }

    /// The record's top-level constant arguments as -X shows them: raw `0x80000`, verbose
    /// `0x80000 /* O_RDONLY|O_CLOEXEC */`; signals in decimal, AT_FDCWD as -100 (its `<cwd>` kept).
    public static func constants(_ r: SyscallRecord, _ mode: Constants, generic: Bool = false) -> SyscallRecord {
        guard mode != .abbrev else { return r }
        if !generic, let s = SyscallDecoder.fsConstants(r, mode) { return s }
        var s = r
        let kinds = SyscallDecoder.argKinds(abi: r.abi, nr: r.nr)
        for (k, kind) in kinds.enumerated() where k < s.args.count && k < r.rawArgs.count {
            let v = UInt32(truncatingIfNeeded: r.rawArgs[k].rawValue)
            let text = s.args[k]
            switch kind {
            case .dirfd where text.hasPrefix("AT_FDCWD"):
                s.args[k] = styled(raw: "-100", name: "AT_FDCWD", mode) + text.dropFirst("AT_FDCWD".count)
            case .signal where text.first.map { !$0.isNumber && $0 != "-" } ?? false:
                s.args[k] = styled(raw: String(Int32(bitPattern: v)), name: text, mode)
            case _ where isConstant(kind):
                // unsigned long flags (unshare, mount…) keep their upper half.
                let wide = SyscallDecoder.longFlagArgs.contains(r.name) ? r.rawArgs[k].rawValue : UInt64(v)
                s.args[k] = styled(raw: wide == 0 ? "0" : "0x" + String(wide, radix: 16), name: text, mode)
            default: break
            }
        }
        if procStyledCalls.contains(r.name) { s = procConstants(r, s, mode) }
        return s
    }

    /// raw, or `raw /* name */` when the name says more than the number.
    static func styled(raw: String, name: String, _ mode: Constants) -> String {
        // An unknown value already reads `0x10 /* RLIMIT_??? */`, as verbose shows it.
        if mode == .verbose, name.hasPrefix(raw + " /* ") { return name }
        return mode == .raw || name == raw ? raw : "\(raw) /* \(name) */"
    }
}
