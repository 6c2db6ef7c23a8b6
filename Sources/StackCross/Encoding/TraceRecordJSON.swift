/// A fast JSON Lines encoder for trace records: appends one line per record to a byte buffer.
/// It writes exactly what JSONDecoder reads back into the same `TraceRecord` (see the round-trip
/// tests); it exists because JSONEncoder costs several microseconds a record on the trace hot path.
public enum TraceRecordJSON {
    /// Appends `record` as one JSON object and a newline.
    public static func appendLine(_ record: TraceRecord, to buffer: JSONLineBuffer) {
        appending(to: buffer) { write(record, &$0) }
    }

    @inline(__always)
    static func appending(to buffer: JSONLineBuffer, _ body: (inout JSONBytes) -> Void) {
        var w = JSONBytes(p: buffer.base, n: buffer.count, cap: buffer.capacity)
        body(&w)
        buffer.base = w.p
        buffer.capacity = w.cap
        buffer.count = w.n
    }

    /// Appends `record` as one JSON object and a newline (a convenience for tests and small outputs).
    public static func appendLine(_ record: TraceRecord, to out: inout [UInt8]) {
        let b = JSONLineBuffer(capacity: 4096)
        appendLine(record, to: b)
        out.append(contentsOf: b.bytes)
    }

    static func write(_ record: TraceRecord, _ w: inout JSONBytes) {
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
            w.field("child", int: Int64(r.child)); w.field("kind", string: r.kind.rawValue)
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
        endLine(&w)
    }

    static func endLine(_ w: inout JSONBytes) {
        w.close()
        w.ensure(1)
        w.byte(UInt8(ascii: "\n"))
    }

    static func syscall(_ r: SyscallRecord, _ w: inout JSONBytes) {
        w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
        w.field("abi", string: r.abi.rawValue); w.field("nr", int: r.nr); w.field("name", string: r.name)
        w.key("args"); w.openArray()
        for a in r.args { w.string(a) }
        w.closeArray()
        w.key("rawArgs"); w.openArray()
        for a in r.rawArgs { w.hex(a.rawValue) }
        w.closeArray()
        if let s = r.strings { w.key("strings"); strings(s, &w) }
        if let v = r.ret { w.field("ret", int: v) }
        if let e = r.error { w.field("error", string: e) }
        if let p = r.retPath { w.key("retPath"); w.traceeString(p) }
        if let j = r.injected { w.key("injected"); injected(j, &w) }
        if let d = r.dump { w.key("dump"); w.traceeString(d) }
        if r.detached == true { w.field("detached", bool: true) }
        if let n = r.retNote { w.field("retNote", string: n) }
        w.field("entryNs", uint: r.entryNs)
        if let x = r.exitNs { w.field("exitNs", uint: x) }
        if let g = r.entryRegs { w.key("entryRegs"); registers(g, &w) }
        if let g = r.exitRegs { w.key("exitRegs"); registers(g, &w) }
        if let f = r.userStack { w.key("userStack"); frames(f, &w) }
        if let f = r.kernelStack { w.key("kernelStack"); frames(f, &w) }
        if let c = r.crossing { w.key("crossing"); crossing(c, &w) }
    }

    /// A record's `strings`, by key in order. One key (the common case) is in order as it is: no array is sorted.
    static func strings(_ s: [String: TraceeString], _ w: inout JSONBytes) {
        w.open()
        if s.count == 1, let only = s.first {
            w.key(dynamic: only.key); w.traceeString(only.value)
        } else {
            for (k, v) in s.sorted(by: { $0.key < $1.key }) { w.key(dynamic: k); w.traceeString(v) }
        }
        w.close()
    }

    /// `{"ret":-2,"signal":10,"delayEnterUs":5,"delayExitUs":7}`, each only when set.
    static func injected(_ j: InjectedCall, _ w: inout JSONBytes) {
        w.open()
        if let v = j.ret { w.field("ret", int: v) }
        if let s = j.signal { w.field("signal", int: Int64(s)) }
        if let d = j.delayEnterUs { w.field("delayEnterUs", uint: d) }
        if let d = j.delayExitUs { w.field("delayExitUs", uint: d) }
        w.close()
    }

    static func signal(_ r: SignalRecord, _ w: inout JSONBytes) {
        w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
        w.field("signo", int: Int64(r.signo)); w.field("name", string: r.name)
        if let c = r.code { w.field("code", string: c) }
        w.field("timeNs", uint: r.timeNs)
        if let h = r.handlerStepped { w.field("handlerStepped", bool: h) }
        if let c = r.crossing { w.key("crossing"); crossing(c, &w) }
    }

    /// The 27 registers: two per traced call, so written as fixed key texts and hex digits with one
    /// room check, instead of a key, comma test and room check per field.
    static func registers(_ g: Registers, _ w: inout JSONBytes) {
        w.ensure(Self.registersMaxBytes)
        w.comma()
        w.raw("{\"r15\":\"0x"); w.hexRun(g.r15); w.raw("\",\"r14\":\"0x"); w.hexRun(g.r14)
        w.raw("\",\"r13\":\"0x"); w.hexRun(g.r13); w.raw("\",\"r12\":\"0x"); w.hexRun(g.r12)
        w.raw("\",\"rbp\":\"0x"); w.hexRun(g.rbp); w.raw("\",\"rbx\":\"0x"); w.hexRun(g.rbx)
        w.raw("\",\"r11\":\"0x"); w.hexRun(g.r11); w.raw("\",\"r10\":\"0x"); w.hexRun(g.r10)
        w.raw("\",\"r9\":\"0x"); w.hexRun(g.r9); w.raw("\",\"r8\":\"0x"); w.hexRun(g.r8)
        w.raw("\",\"rax\":\"0x"); w.hexRun(g.rax); w.raw("\",\"rcx\":\"0x"); w.hexRun(g.rcx)
        w.raw("\",\"rdx\":\"0x"); w.hexRun(g.rdx); w.raw("\",\"rsi\":\"0x"); w.hexRun(g.rsi)
        w.raw("\",\"rdi\":\"0x"); w.hexRun(g.rdi); w.raw("\",\"origRax\":\"0x"); w.hexRun(g.origRax)
        w.raw("\",\"rip\":\"0x"); w.hexRun(g.rip); w.raw("\",\"cs\":\"0x"); w.hexRun(g.cs)
        w.raw("\",\"eflags\":\"0x"); w.hexRun(g.eflags); w.raw("\",\"rsp\":\"0x"); w.hexRun(g.rsp)
        w.raw("\",\"ss\":\"0x"); w.hexRun(g.ss); w.raw("\",\"fsBase\":\"0x"); w.hexRun(g.fsBase)
        w.raw("\",\"gsBase\":\"0x"); w.hexRun(g.gsBase); w.raw("\",\"ds\":\"0x"); w.hexRun(g.ds)
        w.raw("\",\"es\":\"0x"); w.hexRun(g.es); w.raw("\",\"fs\":\"0x"); w.hexRun(g.fs)
        w.raw("\",\"gs\":\"0x"); w.hexRun(g.gs); w.raw("\"}")
    }

    /// Room for `registers`: the key texts (under 16 bytes each) and 16 hex digits per register.
    static let registersMaxBytes = 27 * (16 + 16) + 4

    /// One frame writer for every frame list: with `moduleIds` (an interned stack record) a frame names
    /// its module by id and its build-id lives in the module record; without, the path and build-id inline.
    static func frames(_ frames: [Frame], moduleIds: [Int?]? = nil, _ w: inout JSONBytes) {
        w.openArray()
        for (i, f) in frames.enumerated() {
            w.open()
            frameFields(f, moduleId: moduleIds?[i], interned: moduleIds != nil, &w)
            w.close()
        }
        w.closeArray()
    }

    /// One frame's fields. `interned`: the module is named by its id (a `module` record), else by path.
    static func frameFields(_ f: Frame, moduleId: Int?, interned: Bool, _ w: inout JSONBytes) {
        w.hexField("pc", f.pc)
        if let s = f.symbol { w.field("symbol", string: s) }
        if let v = f.offset { w.field("offset", uint: v) }
        if let v = f.length { w.field("length", uint: v) }
        if interned {
            if let m = moduleId { w.field("module", int: Int64(m)) } else if let b = f.buildId { w.field("buildId", string: b) }
        } else {
            if let s = f.module { w.field("module", string: s) }
            if let s = f.buildId { w.field("buildId", string: s) }
        }
        if let s = f.file { w.field("file", string: s) }
        if let v = f.line { w.field("line", int: Int64(v)) }
        if let b = f.inlined { w.field("inlined", bool: b) }
        if let b = f.isActivation { w.field("isActivation", bool: b) }
        if let s = f.note { w.field("note", string: s) }
    }

    static func crossing(_ c: Crossing, _ w: inout JSONBytes) {
        w.open()
        w.field("entry", string: c.entry.rawValue)
        if let p = c.phase { w.field("phase", string: p.rawValue) }
        if let s = c.syscall {
            w.key("syscall"); w.open()
            w.field("abi", string: s.abi.rawValue); w.field("nr", int: s.nr); w.field("name", string: s.name)
            w.key("args"); w.openArray()
            for a in s.args { w.hex(a.rawValue) }
            w.closeArray()
            w.close()
        }
        if let r = c.userRsp { w.hexField("userRsp", r) }
        if let m = c.userStackMapping { w.field("userStackMapping", string: m) }
        w.key("checks"); w.openArray()
        for k in c.checks {
            w.open()
            w.field("name", string: k.name); w.field("ok", bool: k.ok)
            w.field("expected", string: k.expected); w.field("actual", string: k.actual)
            w.close()
        }
        w.closeArray()
        w.close()
    }
}

/// A growable byte buffer that JSON lines are written into and then handed to write(2) in one piece.
public final class JSONLineBuffer {
    var base: UnsafeMutablePointer<UInt8>
    var capacity: Int
    public internal(set) var count = 0

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far; valid until the next append or `removeAll`.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    public var isEmpty: Bool { count == 0 }
    public func removeAll() { count = 0 }
}

/// JSON text written through a raw pointer (no per-byte bounds or uniqueness checks: every writer
/// first ensures room for what it writes). A member or element gets a comma unless it is the first
/// in its object or array, which the previous byte (`{` or `[`) tells.
struct JSONBytes {
    var p: UnsafeMutablePointer<UInt8>
    var n: Int
    var cap: Int

    @inline(__always) mutating func ensure(_ k: Int) { if n + k > cap { grow(k) } }

    mutating func grow(_ k: Int) {
        let newCap = max(cap * 2, n + k + 4096)
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
        q.update(from: p, count: n)
        p.deallocate()
        p = q
        cap = newCap
    }

    /// One byte; the caller has ensured room.
    @inline(__always) mutating func byte(_ b: UInt8) { p[n] = b; n += 1 }

    mutating func open() { ensure(2); comma(); byte(UInt8(ascii: "{")) }
    mutating func close() { ensure(1); byte(UInt8(ascii: "}")) }
    mutating func openArray() { ensure(2); comma(); byte(UInt8(ascii: "[")) }
    mutating func closeArray() { ensure(1); byte(UInt8(ascii: "]")) }

    /// A comma unless this is the first member/element or directly after a key.
    @inline(__always) mutating func comma() {
        guard n > 0 else { return }
        let last = p[n - 1]
        if last != UInt8(ascii: "{") && last != UInt8(ascii: "[") && last != UInt8(ascii: ":") && last != UInt8(ascii: "\n") {
            byte(UInt8(ascii: ","))
        }
    }

    /// Inlined, as the few writers below: at each call the key's length is a constant, so its bytes are a few
    /// stores instead of a loop (a record has some 30 keys).
    @inline(__always) mutating func key(_ k: StaticString) {
        ensure(k.utf8CodeUnitCount + 4)
        comma()
        byte(UInt8(ascii: "\""))
        raw(k)
        byte(UInt8(ascii: "\""))
        byte(UInt8(ascii: ":"))
    }

    /// A key that is data (the `strings` map): escaped like any string.
    mutating func key(dynamic k: String) {
        string(k)
        ensure(1)
        byte(UInt8(ascii: ":"))
    }

    @inline(__always) mutating func field(_ k: StaticString, string v: String) { key(k); string(v) }
    @inline(__always) mutating func field(_ k: StaticString, int v: Int64) { key(k); int(v) }
    @inline(__always) mutating func field(_ k: StaticString, uint v: UInt64) { key(k); uint(v) }
    @inline(__always) mutating func field(_ k: StaticString, bool v: Bool) {
        key(k)
        ensure(5)
        let lit: StaticString = v ? "true" : "false"
        (p + n).update(from: lit.utf8Start, count: lit.utf8CodeUnitCount)
        n += lit.utf8CodeUnitCount
    }
    @inline(__always) mutating func hexField(_ k: StaticString, _ v: Address) { key(k); hex(v.rawValue) }
    mutating func null() { literal("null") }
    mutating func bool(_ v: Bool) { literal(v ? "true" : "false") }
    mutating func literal(_ t: StaticString) {
        ensure(t.utf8CodeUnitCount + 1)
        comma()
        raw(t)
    }

    mutating func int(_ v: Int64) {
        ensure(21)
        comma()
        if v < 0 { byte(UInt8(ascii: "-")) }
        digits(v.magnitude)
    }

    mutating func uint(_ v: UInt64) {
        ensure(21)
        comma()
        digits(v)
    }

    /// Decimal digits; the caller has ensured 20 bytes.
    @inline(__always) mutating func digits(_ v: UInt64) { n += writeDecimalDigits(v, to: p + n) }

    /// "0x…" lowercase, as `Address` encodes itself.
    mutating func hex(_ v: UInt64) {
        ensure(22)
        comma()
        byte(UInt8(ascii: "\""))
        byte(UInt8(ascii: "0"))
        byte(UInt8(ascii: "x"))
        n += writeHexDigits(v, to: p + n)
        byte(UInt8(ascii: "\""))
    }

    /// Literal JSON text; the caller has ensured room. Texts here are a few bytes: a plain loop beats
    /// a memmove call.
    @inline(__always) mutating func raw(_ t: StaticString) {
        let src = t.utf8Start
        for i in 0..<t.utf8CodeUnitCount { p[n + i] = src[i] }
        n += t.utf8CodeUnitCount
    }

    /// Bytes written before by this writer (valid JSON text where they go).
    mutating func bytes(_ b: [UInt8]) {
        guard !b.isEmpty else { return }
        ensure(b.count)
        b.withUnsafeBufferPointer { (p + n).update(from: $0.baseAddress!, count: $0.count) }
        n += b.count
    }

    /// Lowercase hex digits of `v`, no prefix; the caller has ensured 16 bytes.
    mutating func hexRun(_ v: Address) { n += writeHexDigits(v.rawValue, to: p + n) }


    /// A JSON string, escaped by `JSONEscape`.
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { quoted($0) }
    }

    /// UTF-8 text (valid, as a String holds it) as a JSON string, escaped by `JSONEscape`.
    mutating func quoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        ensure(bytes.count * JSONEscape.maxExpansion + 3)
        comma()
        byte(UInt8(ascii: "\""))
        n += JSONEscape.write(bytes, htmlSafe: false, to: p + n)
        byte(UInt8(ascii: "\""))
    }

    /// A `TraceeString` as it encodes itself: a plain string when valid UTF-8 and whole, else base64.
    /// Valid UTF-8 is written as its bytes: `utf8` gives a String of exactly these bytes back, so only
    /// whether it exists matters (ASCII, the common case, is valid without decoding it).
    mutating func traceeString(_ t: TraceeString) {
        if !t.truncated, t.bytes.allSatisfy({ $0 < 0x80 }) || t.utf8 != nil {
            t.bytes.withUnsafeBufferPointer { quoted($0) }
        } else {
            open()
            field("base64", string: Base64.encode(t.bytes))
            if t.truncated { field("truncated", bool: true) }
            close()
        }
    }
}
