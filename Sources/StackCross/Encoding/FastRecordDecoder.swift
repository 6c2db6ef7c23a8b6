/// A direct JSON → TraceRecord parser for the report's hot path: JSONDecoder's Codable machinery
/// costs most of the time of reading a trace. It accepts only what it fully understands and
/// returns nil for anything else (unknown shapes, odd numbers, invalid text, missing fields), so the
/// caller falls back to JSONDecoder, which then decides — and words the error for a corrupt line.
public enum FastRecordDecoder {
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> TraceRecord? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var c = Cursor(p: base, n: bytes.count)
        do {
            let r = try c.record()
            c.skipWS()
            return c.i == c.n ? r : nil
        } catch {
            return nil
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

        /// Calls `field` with each key; the callee must consume the value (or call `skip`).
        mutating func object(_ field: (inout Cursor, String) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            if try peek() == UInt8(ascii: "}") { i += 1; return }
            while true {
                let k = try string()
                try expect(UInt8(ascii: ":"))
                try field(&self, k)
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

        /// `"0x…"` (as Address(hex:) reads it, without building a String) or a plain number.
        mutating func address() throws -> Address {
            guard try peek() == UInt8(ascii: "\"") else { return Address(try uint64()) }
            i += 1
            if i + 1 < n, p[i] == UInt8(ascii: "0"), p[i + 1] == UInt8(ascii: "x") || p[i + 1] == UInt8(ascii: "X") { i += 2 }
            let start = i
            var v: UInt64 = 0
            while i < n, p[i] != UInt8(ascii: "\"") {
                let b = p[i]
                let d: UInt64
                switch b {
                case 0x30...0x39: d = UInt64(b - 0x30)
                case 0x41...0x46: d = UInt64(b - 0x41 + 10)
                case 0x61...0x66: d = UInt64(b - 0x61 + 10)
                default: throw Unsupported()
                }
                guard v >> 60 == 0 else { throw Unsupported() }
                v = v << 4 | d
                i += 1
            }
            guard i < n, i > start else { throw Unsupported() }
            i += 1
            return Address(v)
        }

        mutating func strings() throws -> [String] {
            var out: [String] = []
            try array { c in out.append(try c.string()) }
            return out
        }

        mutating func addresses() throws -> [Address] {
            var out: [Address] = []
            try array { c in out.append(try c.address()) }
            return out
        }

        mutating func traceeString() throws -> TraceeString {
            if try peek() == UInt8(ascii: "\"") { return TraceeString(bytes: Array(try string().utf8)) }
            var b64: String?, truncated: Bool?
            var seen: UInt64 = 0
            try object { c, k in
                switch k {
                case "base64": try Self.first(&seen, 1); b64 = try c.string()
                case "truncated": try Self.first(&seen, 0); truncated = try c.optional { try $0.bool() }
                default: try c.skip()
                }
            }
            guard let b64, let bytes = Base64.decode(b64) else { throw Unsupported() }
            return TraceeString(bytes: bytes, truncated: truncated ?? false)
        }

        mutating func registers() throws -> Registers {
            var v = [UInt64?](repeating: nil, count: 27)
            try object { c, k in
                guard let idx = Self.registerKeys[k] else { return try c.skip() }
                guard v[idx] == nil else { throw Unsupported() }  // a repeated key: see `first`
                v[idx] = try c.address().rawValue
            }
            guard !v.contains(where: { $0 == nil }) else { throw Unsupported() }
            return Registers(values: v.map { $0! })
        }

        static let registerKeys: [String: Int] = {
            let keys = ["r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
                        "origRax", "rip", "cs", "eflags", "rsp", "ss", "fsBase", "gsBase", "ds", "es", "fs", "gs"]
            return Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) })
        }()

        mutating func frame() throws -> Frame {
            var pc: Address?
            var f = Frame(pc: 0)
            var seen: UInt64 = 0
            try object { c, k in
                switch k {
                case "pc": try Self.first(&seen, 0); pc = try c.address()
                case "symbol": try Self.first(&seen, 1); f.symbol = try c.optional { try $0.string() }
                case "offset": try Self.first(&seen, 2); f.offset = try c.optional { try $0.uint64() }
                case "length": try Self.first(&seen, 3); f.length = try c.optional { try $0.uint64() }
                case "module": try Self.first(&seen, 4); f.module = try c.optional { try $0.string() }
                case "buildId": try Self.first(&seen, 5); f.buildId = try c.optional { try $0.string() }
                case "file": try Self.first(&seen, 6); f.file = try c.optional { try $0.string() }
                case "line": try Self.first(&seen, 7); f.line = try c.optional { Int(try $0.int64()) }
                case "inlined": try Self.first(&seen, 8); f.inlined = try c.optional { try $0.bool() }
                case "isActivation": try Self.first(&seen, 9); f.isActivation = try c.optional { try $0.bool() }
                case "note": try Self.first(&seen, 10); f.note = try c.optional { try $0.string() }
                default: try c.skip()
                }
            }
            guard let pc else { throw Unsupported() }
            f.pc = pc
            return f
        }

        mutating func frames() throws -> [Frame] {
            var out: [Frame] = []
            try array { c in out.append(try c.frame()) }
            return out
        }

        mutating func check() throws -> Check {
            var name: String?, ok: Bool?, expected: String?, actual: String?
            var seen: UInt64 = 0
            try object { c, k in
                switch k {
                case "name": try Self.first(&seen, 0); name = try c.string()
                case "ok": try Self.first(&seen, 1); ok = try c.bool()
                case "expected": try Self.first(&seen, 2); expected = try c.string()
                case "actual": try Self.first(&seen, 3); actual = try c.string()
                default: try c.skip()
                }
            }
            guard let name, let ok, let expected, let actual else { throw Unsupported() }
            return Check(name: name, ok: ok, expected: expected, actual: actual)
        }

        mutating func crossing() throws -> Crossing {
            var entry: EntryKind?, checks: [Check]?
            var x = Crossing(entry: .none)
            var seen: UInt64 = 0
            try object { c, k in
                switch k {
                case "entry": try Self.first(&seen, 0)
                    guard let e = EntryKind(rawValue: try c.string()) else { throw Unsupported() }
                    entry = e
                case "phase": try Self.first(&seen, 1); x.phase = try c.optional { try $0.string() }
                case "syscall": try Self.first(&seen, 2); x.syscall = try c.optional { try $0.syscallCall() }
                case "userRsp": try Self.first(&seen, 3); x.userRsp = try c.optional { try $0.address() }
                case "userStackMapping": try Self.first(&seen, 4); x.userStackMapping = try c.optional { try $0.string() }
                case "checks": try Self.first(&seen, 5)
                    var list: [Check] = []
                    try c.array { c in list.append(try c.check()) }
                    checks = list
                default: try c.skip()
                }
            }
            guard let entry, let checks else { throw Unsupported() }
            x.entry = entry
            x.checks = checks
            return x
        }

        mutating func syscallCall() throws -> SyscallCall {
            var abi: SyscallABI?, nr: Int64?, name: String?, args: [Address]?
            var seen: UInt64 = 0
            try object { c, k in
                switch k {
                case "abi": try Self.first(&seen, 0); abi = try c.abi()
                case "nr": try Self.first(&seen, 1); nr = try c.int64()
                case "name": try Self.first(&seen, 2); name = try c.string()
                case "args": try Self.first(&seen, 3); args = try c.addresses()
                default: try c.skip()
                }
            }
            guard let abi, let nr, let name, let args else { throw Unsupported() }
            return SyscallCall(abi: abi, nr: nr, name: name, args: args)
        }

        /// Every field any record type has; the `type` picks which must be present.
        mutating func record() throws -> TraceRecord {
            var type: String?
            var pid: Int32?, tid: Int32?, abi: SyscallABI?, nr: Int64?, name: String?, args: [String]?, rawArgs: [Address]?
            var strings: [String: TraceeString]?, ret: Int64?, error: String?, entryNs: UInt64?, exitNs: UInt64?
            var entryRegs: Registers?, exitRegs: Registers?, userStack: [Frame]?, kernelStack: [Frame]?, crossing: Crossing?
            var signo: Int32?, codeName: String?, codeNumber: Int32?, timeNs: UInt64?, formerTid: Int32?, path: TraceeString?
            var child: Int32?, kind: CloneRecord.Kind?, signal: String?, handlerStepped: Bool?
            var seen: UInt64 = 0
            try object { c, k in
                switch k {
                case "type": try Self.first(&seen, 0); type = try c.string()
                case "pid": try Self.first(&seen, 1); pid = try c.int32()
                case "tid": try Self.first(&seen, 2); tid = try c.int32()
                case "abi": try Self.first(&seen, 3); abi = try c.abi()
                case "nr": try Self.first(&seen, 4); nr = try c.int64()
                case "name": try Self.first(&seen, 5); name = try c.string()
                case "args": try Self.first(&seen, 6); args = try c.strings()
                case "rawArgs": try Self.first(&seen, 7); rawArgs = try c.addresses()
                case "strings": try Self.first(&seen, 8)
                    strings = try c.optional { c in
                        var m: [String: TraceeString] = [:]
                        try c.object { c, k in
                            guard m[k] == nil else { throw Unsupported() }  // a repeated key: see `first`
                            m[k] = try c.traceeString()
                        }
                        return m
                    }
                case "ret": try Self.first(&seen, 9); ret = try c.optional { try $0.int64() }
                case "error": try Self.first(&seen, 10); error = try c.optional { try $0.string() }
                case "entryNs": try Self.first(&seen, 11); entryNs = try c.uint64()
                case "exitNs": try Self.first(&seen, 12); exitNs = try c.optional { try $0.uint64() }
                case "entryRegs": try Self.first(&seen, 13); entryRegs = try c.optional { try $0.registers() }
                case "exitRegs": try Self.first(&seen, 14); exitRegs = try c.optional { try $0.registers() }
                case "userStack": try Self.first(&seen, 15); userStack = try c.optional { try $0.frames() }
                case "kernelStack": try Self.first(&seen, 16); kernelStack = try c.optional { try $0.frames() }
                case "crossing": try Self.first(&seen, 17); crossing = try c.optional { try $0.crossing() }
                case "signo": try Self.first(&seen, 18); signo = try c.int32()
                case "code": try Self.first(&seen, 19)
                    // A signal's si_code is a name, an exit's code a number.
                    if try c.null() { break }
                    if try c.peek() == UInt8(ascii: "\"") { codeName = try c.string() } else { codeNumber = try c.int32() }
                case "timeNs": try Self.first(&seen, 20); timeNs = try c.uint64()
                case "formerTid": try Self.first(&seen, 21); formerTid = try c.optional { try $0.int32() }
                case "path": try Self.first(&seen, 22); path = try c.traceeString()
                case "child": try Self.first(&seen, 23); child = try c.int32()
                case "kind": try Self.first(&seen, 24); kind = try c.cloneKind()
                case "signal": try Self.first(&seen, 25); signal = try c.optional { try $0.string() }
                case "handlerStepped": try Self.first(&seen, 26); handlerStepped = try c.optional { try $0.bool() }
                default: try c.skip()
                }
            }
            guard let type, let pid, let tid else { throw Unsupported() }
            switch type {
            case "syscall":
                guard let abi, let nr, let name, let args, let rawArgs, let entryNs else { throw Unsupported() }
                return .syscall(SyscallRecord(
                    pid: pid, tid: tid, abi: abi, nr: nr, name: name, args: args, rawArgs: rawArgs, strings: strings,
                    ret: ret, error: error, entryNs: entryNs, exitNs: exitNs, entryRegs: entryRegs, exitRegs: exitRegs,
                    userStack: userStack, kernelStack: kernelStack, crossing: crossing))
            case "signal":
                guard let signo, let name, let timeNs, codeNumber == nil else { throw Unsupported() }
                return .signal(SignalRecord(pid: pid, tid: tid, signo: signo, name: name, code: codeName, timeNs: timeNs, crossing: crossing,
                                            handlerStepped: handlerStepped))
            case "exec":
                guard let path, let timeNs else { throw Unsupported() }
                return .exec(ExecRecord(pid: pid, tid: tid, formerTid: formerTid, path: path, timeNs: timeNs))
            case "clone":
                guard let child, let kind, let timeNs else { throw Unsupported() }
                return .clone(CloneRecord(pid: pid, tid: tid, child: child, kind: kind, timeNs: timeNs))
            case "exit":
                guard let timeNs, codeName == nil else { throw Unsupported() }
                return .exit(ExitRecord(pid: pid, tid: tid, code: codeNumber, signal: signal, timeNs: timeNs))
            case "attach", "detach":
                guard let timeNs else { throw Unsupported() }
                let r = AttachRecord(pid: pid, tid: tid, timeNs: timeNs)
                return type == "attach" ? .attach(r) : .detach(r)
            default:
                throw Unsupported()
            }
        }
    }
}
