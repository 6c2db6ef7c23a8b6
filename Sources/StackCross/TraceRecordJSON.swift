/// A fast JSON Lines encoder for trace records: appends one line per record to a byte buffer.
/// It writes exactly what JSONDecoder reads back into the same `TraceRecord` (see the round-trip
/// tests); it exists because JSONEncoder costs several microseconds a record on the trace hot path.
public enum TraceRecordJSON {
    /// Appends `record` as one JSON object and a newline.
    public static func appendLine(_ record: TraceRecord, to out: inout [UInt8]) {
        var w = JSONBytes(out: out)
        out = []  // hand the storage over so appends do not copy it
        w.open()
        w.field("type", string: record.type)
        switch record {
        case .syscall(let r): syscall(r, &w)
        case .signal(let r): signal(r, &w)
        case .exec(let r):
            w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
            if let f = r.formerTid { w.field("formerTid", int: Int64(f)) }
            w.key("path"); w.traceeString(r.path)
            w.field("timeNs", uint: r.timeNs)
        case .clone(let r):
            w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
            w.field("child", int: Int64(r.child)); w.field("kind", string: r.kind)
            w.field("timeNs", uint: r.timeNs)
        case .exit(let r):
            w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
            if let c = r.code { w.field("code", int: Int64(c)) }
            if let s = r.signal { w.field("signal", string: s) }
            w.field("timeNs", uint: r.timeNs)
        case .attach(let r), .detach(let r):
            w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
            w.field("timeNs", uint: r.timeNs)
        }
        w.close()
        w.out.append(UInt8(ascii: "\n"))
        out = w.out
    }

    static func syscall(_ r: SyscallRecord, _ w: inout JSONBytes) {
        w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
        w.field("abi", string: r.abi); w.field("nr", int: r.nr); w.field("name", string: r.name)
        w.key("args"); w.openArray()
        for a in r.args { w.element(); w.string(a) }
        w.closeArray()
        w.key("rawArgs"); w.openArray()
        for a in r.rawArgs { w.element(); w.hex(a.rawValue) }
        w.closeArray()
        if let s = r.strings {
            w.key("strings"); w.open()
            for k in s.keys.sorted() { w.key(k); w.traceeString(s[k]!) }
            w.close()
        }
        if let v = r.ret { w.field("ret", int: v) }
        if let e = r.error { w.field("error", string: e) }
        w.field("entryNs", uint: r.entryNs)
        if let x = r.exitNs { w.field("exitNs", uint: x) }
        if let g = r.entryRegs { w.key("entryRegs"); registers(g, &w) }
        if let g = r.exitRegs { w.key("exitRegs"); registers(g, &w) }
        if let f = r.userStack { w.key("userStack"); frames(f, &w) }
        if let f = r.kernelStack { w.key("kernelStack"); frames(f, &w) }
        if let c = r.crossing { w.key("crossing"); crossing(c, &w) }
    }

    static func signal(_ r: SignalRecord, _ w: inout JSONBytes) {
        w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
        w.field("signo", int: Int64(r.signo)); w.field("name", string: r.name)
        if let c = r.code { w.field("code", string: c) }
        w.field("timeNs", uint: r.timeNs)
        if let c = r.crossing { w.key("crossing"); crossing(c, &w) }
    }

    static func registers(_ g: Registers, _ w: inout JSONBytes) {
        w.open()
        w.hexField("r15", g.r15); w.hexField("r14", g.r14); w.hexField("r13", g.r13); w.hexField("r12", g.r12)
        w.hexField("rbp", g.rbp); w.hexField("rbx", g.rbx); w.hexField("r11", g.r11); w.hexField("r10", g.r10)
        w.hexField("r9", g.r9); w.hexField("r8", g.r8); w.hexField("rax", g.rax); w.hexField("rcx", g.rcx)
        w.hexField("rdx", g.rdx); w.hexField("rsi", g.rsi); w.hexField("rdi", g.rdi)
        w.hexField("origRax", g.origRax); w.hexField("rip", g.rip); w.hexField("cs", g.cs)
        w.hexField("eflags", g.eflags); w.hexField("rsp", g.rsp); w.hexField("ss", g.ss)
        w.hexField("fsBase", g.fsBase); w.hexField("gsBase", g.gsBase)
        w.hexField("ds", g.ds); w.hexField("es", g.es); w.hexField("fs", g.fs); w.hexField("gs", g.gs)
        w.close()
    }

    static func frames(_ frames: [Frame], _ w: inout JSONBytes) {
        w.openArray()
        for f in frames {
            w.element(); w.open()
            w.hexField("pc", f.pc)
            if let s = f.symbol { w.field("symbol", string: s) }
            if let v = f.offset { w.field("offset", uint: v) }
            if let v = f.length { w.field("length", uint: v) }
            if let s = f.module { w.field("module", string: s) }
            if let s = f.buildId { w.field("buildId", string: s) }
            if let s = f.file { w.field("file", string: s) }
            if let v = f.line { w.field("line", int: Int64(v)) }
            if let b = f.inlined { w.field("inlined", bool: b) }
            if let b = f.isActivation { w.field("isActivation", bool: b) }
            if let s = f.note { w.field("note", string: s) }
            w.close()
        }
        w.closeArray()
    }

    static func crossing(_ c: Crossing, _ w: inout JSONBytes) {
        w.open()
        w.field("entry", string: c.entry.rawValue)
        if let p = c.phase { w.field("phase", string: p) }
        if let s = c.syscall {
            w.key("syscall"); w.open()
            w.field("abi", string: s.abi); w.field("nr", int: s.nr); w.field("name", string: s.name)
            w.key("args"); w.openArray()
            for a in s.args { w.element(); w.hex(a.rawValue) }
            w.closeArray()
            w.close()
        }
        if let r = c.userRsp { w.hexField("userRsp", r) }
        if let m = c.userStackMapping { w.field("userStackMapping", string: m) }
        w.key("checks"); w.openArray()
        for k in c.checks {
            w.element(); w.open()
            w.field("name", string: k.name); w.field("ok", bool: k.ok)
            w.field("expected", string: k.expected); w.field("actual", string: k.actual)
            w.close()
        }
        w.closeArray()
        w.close()
    }
}

/// JSON text appended to one byte buffer. A member or element gets a comma unless it is the
/// first in its object or array, which the previous byte (`{` or `[`) tells.
struct JSONBytes {
    var out: [UInt8]

    mutating func open() { out.append(UInt8(ascii: "{")) }
    mutating func close() { out.append(UInt8(ascii: "}")) }
    mutating func openArray() { out.append(UInt8(ascii: "[")) }
    mutating func closeArray() { out.append(UInt8(ascii: "]")) }

    /// Before an array element or a member: a comma unless first.
    mutating func element() {
        if let last = out.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "[") { out.append(UInt8(ascii: ",")) }
    }

    mutating func key(_ k: String) {
        element()
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: k.utf8)  // keys are our own identifiers: nothing to escape
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func field(_ k: String, string v: String) { key(k); string(v) }
    mutating func field(_ k: String, int v: Int64) { key(k); int(v) }
    mutating func field(_ k: String, uint v: UInt64) { key(k); uint(v) }
    mutating func field(_ k: String, bool v: Bool) { key(k); out.append(contentsOf: v ? "true".utf8 : "false".utf8) }
    mutating func hexField(_ k: String, _ v: Address) { key(k); hex(v.rawValue) }

    mutating func int(_ v: Int64) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            uint(v.magnitude)
        } else {
            uint(UInt64(v))
        }
    }

    mutating func uint(_ v: UInt64) {
        if v < 10 { out.append(UInt8(ascii: "0") + UInt8(v)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 digits at most, written from the back
        withUnsafeMutableBytes(of: &digits) { raw in
            var n = v
            var i = 24
            while n > 0 {
                i -= 1
                raw[i] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<24]))
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// "0x…" lowercase, as `Address` encodes itself.
    mutating func hex(_ v: UInt64) {
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: "0"))
        out.append(UInt8(ascii: "x"))
        if v == 0 {
            out.append(UInt8(ascii: "0"))
        } else {
            var shift = (63 - v.leadingZeroBitCount) / 4 * 4
            while shift >= 0 {
                let d = UInt8((v >> UInt64(shift)) & 0xF)
                out.append(d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10)
                shift -= 4
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON string: quote, backslash and control characters escaped; everything else as UTF-8.
    mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") { continue }
                if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                start = i + 1
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
                case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
                case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
                default:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(Self.hexDigits[Int(b >> 4)])
                    out.append(Self.hexDigits[Int(b & 0xF)])
                }
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A `TraceeString` as it encodes itself: a plain string when valid UTF-8 and whole, else base64.
    mutating func traceeString(_ t: TraceeString) {
        if !t.truncated, let s = t.utf8 {
            string(s)
        } else {
            open()
            field("base64", string: Base64.encode(t.bytes))
            if t.truncated { field("truncated", bool: true) }
            close()
        }
    }
}
