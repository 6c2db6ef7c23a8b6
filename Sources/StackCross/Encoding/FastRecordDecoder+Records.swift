/// The record types, read field by field from the JSON scanner (the scanner is FastRecordDecoder.swift).
extension FastRecordDecoder.Cursor {
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
            default: throw FastRecordDecoder.Unsupported()
            }
            guard v >> 60 == 0 else { throw FastRecordDecoder.Unsupported() }
            v = v << 4 | d
            i += 1
        }
        guard i < n, i > start else { throw FastRecordDecoder.Unsupported() }
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
        guard let b64, let bytes = Base64.decode(b64) else { throw FastRecordDecoder.Unsupported() }
        return TraceeString(bytes: bytes, truncated: truncated ?? false)
    }

    mutating func registers() throws -> Registers {
        var v = [UInt64?](repeating: nil, count: 27)
        try object { c, k in
            guard let idx = Self.registerIndex(k) else { return try c.skip() }
            guard v[idx] == nil else { throw FastRecordDecoder.Unsupported() }  // a repeated key: see `first`
            v[idx] = try c.address().rawValue
        }
        guard !v.contains(where: { $0 == nil }) else { throw FastRecordDecoder.Unsupported() }
        return Registers(values: v.map { $0! })
    }

    static let registerNames = ["r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
                                "rsi", "rdi", "origRax", "rip", "cs", "eflags", "rsp", "ss", "fsBase", "gsBase", "ds", "es",
                                "fs", "gs"]
    /// Each register name packed as `Key.packed` packs a key (all are at most 7 bytes), in user_regs_struct order.
    static let packedRegisterNames: [UInt64] = registerNames.map { name in
        Array(name.utf8).withUnsafeBufferPointer { FastRecordDecoder.Key.pack($0) } ?? 0
    }

    /// The user_regs_struct index of a register key, or nil for any other key.
    static func registerIndex(_ k: FastRecordDecoder.Key) -> Int? {
        guard let v = k.packed else { return nil }
        return packedRegisterNames.firstIndex(of: v)
    }

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
        guard let pc else { throw FastRecordDecoder.Unsupported() }
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
        guard let name, let ok, let expected, let actual else { throw FastRecordDecoder.Unsupported() }
        return Check(name: name, ok: ok, expected: expected, actual: actual)
    }

    /// A crossing: every check (schema 1, `--checks all`), or a compact verdict (`passed` and `failed`).
    mutating func crossing() throws -> Crossing {
        var entry: EntryKind?, checks: [Check]?, failed: [Check]?, passed: Int?
        var x = Crossing(entry: .none)
        var seen: UInt64 = 0
        try object { c, k in
            switch k {
            case "entry": try Self.first(&seen, 0)
                guard let e = EntryKind(rawValue: try c.string()) else { throw FastRecordDecoder.Unsupported() }
                entry = e
            case "phase": try Self.first(&seen, 1); x.phase = try c.optional { try $0.phase() }
            case "syscall": try Self.first(&seen, 2); x.syscall = try c.optional { try $0.syscallCall() }
            case "userRsp": try Self.first(&seen, 3); x.userRsp = try c.optional { try $0.address() }
            case "userStackMapping": try Self.first(&seen, 4); x.userStackMapping = try c.optional { try $0.string() }
            case "checks": try Self.first(&seen, 5)
                var list: [Check] = []
                try c.array { c in list.append(try c.check()) }
                checks = list
            case "passed": try Self.first(&seen, 6); passed = Int(try c.int64())
            case "failed": try Self.first(&seen, 7)
                var list: [Check] = []
                try c.array { c in list.append(try c.failedCheck()) }
                failed = list
            default: try c.skip()
            }
        }
        guard let entry else { throw FastRecordDecoder.Unsupported() }
        x.entry = entry
        if let checks, failed == nil, passed == nil {
            x.checks = checks
        } else if let failed, let passed, checks == nil {
            x.checks = failed
            x.passed = passed
        } else {
            throw FastRecordDecoder.Unsupported()
        }
        return x
    }

    /// A syscall record's `"injected":{"ret","signal","delayEnterUs","delayExitUs"}`.
    mutating func injectedCall() throws -> InjectedCall {
        var j = InjectedCall()
        var seen: UInt64 = 0
        try object { c, k in
            switch k {
            case "ret": try Self.first(&seen, 0); j.ret = try c.int64()
            case "signal": try Self.first(&seen, 1); j.signal = try c.int32()
            case "delayEnterUs": try Self.first(&seen, 2); j.delayEnterUs = try c.uint64()
            case "delayExitUs": try Self.first(&seen, 3); j.delayExitUs = try c.uint64()
            default: try c.skip()
            }
        }
        return j
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
        guard let abi, let nr, let name, let args else { throw FastRecordDecoder.Unsupported() }
        return SyscallCall(abi: abi, nr: nr, name: name, args: args)
    }

    /// Every field any record type has; the `type` picks which must be present.
    mutating func record() throws -> DecodedLine {
        var type: String?
        var pid: Int32?, tid: Int32?, abi: SyscallABI?, nr: Int64?, name: String?, args: [String]?, rawArgs: [Address]?
        var strings: [String: TraceeString]?, ret: Int64?, error: String?, entryNs: UInt64?, exitNs: UInt64?
        var entryRegs: Registers?, exitRegs: Registers?, userStack: [Frame]?, kernelStack: [Frame]?, crossing: Crossing?
        var signo: Int32?, codeName: String?, codeNumber: Int32?, timeNs: UInt64?, formerTid: Int32?, path: TraceeString?
        var child: Int32?, kind: CloneRecord.Kind?, signal: String?, handlerStepped: Bool?, retPath: TraceeString?
        var injected: InjectedCall?, dump: TraceeString?, detached: Bool?, retNote: String?
        var extras = RecordExtras()
        var v2 = false
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
                        let name = k.string
                        guard m[name] == nil else { throw FastRecordDecoder.Unsupported() }  // a repeated key: see `first`
                        m[name] = try c.traceeString()
                    }
                    return m
                }
            case "ret": try Self.first(&seen, 9); ret = try c.optional { try $0.int64() }
            case "error": try Self.first(&seen, 10); error = try c.optional { try $0.string() }
            case "entryNs": try Self.first(&seen, 11); entryNs = try c.uint64()
            case "exitNs": try Self.first(&seen, 12); exitNs = try c.optional { try $0.uint64() }
            case "entryRegs": try Self.first(&seen, 13); entryRegs = try c.optional { try $0.registers() }
            case "exitRegs": try Self.first(&seen, 14); exitRegs = try c.optional { try $0.registers() }
            case "userStack": try Self.first(&seen, 15)
                if try c.peek() == UInt8(ascii: "[") { userStack = try c.frames() } else { extras.userStack = try c.optional { Int(try $0.int64()) }; v2 = true }
            case "kernelStack": try Self.first(&seen, 16)
                if try c.peek() == UInt8(ascii: "[") { kernelStack = try c.frames() } else { extras.kernelStack = try c.optional { Int(try $0.int64()) }; v2 = true }
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
            case "retPath": try Self.first(&seen, 27); retPath = try c.optional { try $0.traceeString() }
            case "key": try Self.first(&seen, 28); extras.key = try c.bool(); v2 = true
            case "siCode": try Self.first(&seen, 29); extras.siCode = try c.int32(); v2 = true
            case "entryStop", "deliveryStop": try Self.first(&seen, 30); extras.first = try c.stopPatch(); v2 = true
            case "exitStop", "handlerStop": try Self.first(&seen, 31); extras.second = try c.stopPatch(); v2 = true
            case "injected": try Self.first(&seen, 32); injected = try c.optional { try $0.injectedCall() }
            case "dump": try Self.first(&seen, 33); dump = try c.optional { try $0.traceeString() }
            case "detached": try Self.first(&seen, 34); detached = try c.optional { try $0.bool() }
            case "retNote": try Self.first(&seen, 35); retNote = try c.optional { try $0.string() }
            default: try c.skip()
            }
        }
        guard let type, let pid, let tid else { throw FastRecordDecoder.Unsupported() }
        if crossing?.passed != nil { v2 = true; extras.passed = crossing?.passed }
        return DecodedLine(.record(DecodedRecord(try make(type))), extras: v2 ? extras : nil)

        func make(_ type: String) throws -> TraceRecord {
        switch type {
        case "syscall":
            // Schema 2 leaves out the raw arguments that the entry registers hold.
            guard let abi, let nr, let name, let args, let entryNs, rawArgs != nil || extras.first != nil else {
                throw FastRecordDecoder.Unsupported()
            }
            var r = SyscallRecord(
                pid: pid, tid: tid, abi: abi, nr: nr, name: name, args: args, rawArgs: rawArgs ?? [], strings: strings,
                ret: ret, error: error, entryNs: entryNs, exitNs: exitNs, entryRegs: entryRegs, exitRegs: exitRegs,
                userStack: userStack, kernelStack: kernelStack, crossing: crossing, retPath: retPath)
            r.injected = injected
            r.dump = dump
            r.detached = detached
            r.retNote = retNote
            return .syscall(r)
        case "signal":
            guard let signo, let name, let timeNs, codeNumber == nil else { throw FastRecordDecoder.Unsupported() }
            return .signal(SignalRecord(pid: pid, tid: tid, signo: signo, name: name, code: codeName, timeNs: timeNs, crossing: crossing,
                                        handlerStepped: handlerStepped))
        case "exec":
            guard let path, let timeNs else { throw FastRecordDecoder.Unsupported() }
            return .exec(ExecRecord(pid: pid, tid: tid, formerTid: formerTid, path: path, timeNs: timeNs))
        case "clone":
            guard let child, let kind, let timeNs else { throw FastRecordDecoder.Unsupported() }
            return .clone(CloneRecord(pid: pid, tid: tid, child: child, kind: kind, timeNs: timeNs))
        case "exit":
            guard let timeNs, codeName == nil else { throw FastRecordDecoder.Unsupported() }
            return .exit(ExitRecord(pid: pid, tid: tid, code: codeNumber, signal: signal, timeNs: timeNs))
        case "attach", "detach":
            guard let timeNs else { throw FastRecordDecoder.Unsupported() }
            let r = AttachRecord(pid: pid, tid: tid, timeNs: timeNs)
            return type == "attach" ? .attach(r) : .detach(r)
        default:
            throw FastRecordDecoder.Unsupported()
        }
        }
    }
}
