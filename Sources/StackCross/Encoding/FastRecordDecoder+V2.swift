/// The parts of a `stackcross.trace/2` line that schema 1 did not have: stops, the header, and the
/// interned stack, module and mapping records.
extension FastRecordDecoder.Cursor {
    typealias Unsupported = FastRecordDecoder.Unsupported

    mutating func patch<T>(_ read: (inout Self) throws -> T) throws -> Patch<T> {
        if try null() { return .null }
        return .value(try read(&self))
    }

    mutating func ints() throws -> [Int] {
        var out: [Int] = []
        try array { c in out.append(Int(try c.int64())) }
        return out
    }

    mutating func words() throws -> [UInt64] {
        var out: [UInt64] = []
        try array { c in out.append(try c.address().rawValue) }
        return out
    }

    mutating func hexBytes() throws -> [UInt8] {
        let s = Array(try string().utf8)
        guard s.count % 2 == 0 else { throw Unsupported() }
        func nibble(_ b: UInt8) throws -> UInt8 {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x61...0x66: return b - 0x61 + 10
            case 0x41...0x46: return b - 0x41 + 10
            default: throw Unsupported()
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.count / 2)
        var k = 0
        while k < s.count { out.append(try nibble(s[k]) << 4 | nibble(s[k + 1])); k += 2 }
        return out
    }

    mutating func contextSwitches() throws -> ContextSwitchCount {
        var v: [UInt64] = []
        try array { c in v.append(try c.uint64()) }
        guard v.count == 2 else { throw Unsupported() }
        return ContextSwitchCount(voluntary: v[0], nonvoluntary: v[1])
    }

    /// A register object: all 27 (a full set) or some (a delta), as (index, value) pairs.
    mutating func registerPairs() throws -> [(Int, UInt64)] {
        var out: [(Int, UInt64)] = []
        var seen: UInt32 = 0
        try object { c, k in
            guard let idx = Self.registerIndex(k) else { return try c.skip() }
            guard seen & (1 << UInt32(idx)) == 0 else { throw Unsupported() }
            seen |= 1 << UInt32(idx)
            out.append((idx, try c.address().rawValue))
        }
        return out
    }

    mutating func infoPatch() throws -> InfoPatch {
        var p = InfoPatch()
        var seen: UInt64 = 0
        try object { c, k in
            switch k {
            case "op": try Self.first(&seen, 0)
                guard let op = SyscallInfo.Op(rawValue: UInt8(clamping: try c.int64())) else { throw Unsupported() }
                p.op = op
            case "arch": try Self.first(&seen, 1); p.arch = UInt32(truncatingIfNeeded: try c.address().rawValue)
            case "ip": try Self.first(&seen, 2); p.ip = try c.address()
            case "sp": try Self.first(&seen, 3); p.sp = try c.address()
            case "nr": try Self.first(&seen, 4); p.nr = try c.patch { try $0.int64() }
            case "args": try Self.first(&seen, 5); p.args = try c.patch { try $0.addresses() }
            case "rval": try Self.first(&seen, 6); p.rval = try c.patch { try $0.int64() }
            case "isError": try Self.first(&seen, 7); p.isError = try c.patch { try $0.bool() }
            default: try c.skip()
            }
        }
        return p
    }

    mutating func stopPatch() throws -> StopPatch {
        var s = StopPatch()
        var seen: UInt64 = 0
        try object { c, k in
            switch k {
            case "regs": try Self.first(&seen, 0); s.regs = try c.registerPairs()
            case "info": try Self.first(&seen, 1); s.info = try c.patch { try $0.infoPatch() }
            case "insn": try Self.first(&seen, 2); s.insn = try c.patch { try $0.hexBytes() }
            case "maps": try Self.first(&seen, 3); s.maps = try c.patch { try $0.ints() }
            case "elf": try Self.first(&seen, 4)
                s.elf32 = try c.patch { c in
                    switch try c.int64() {
                    case 32: return true
                    case 64: return false
                    default: throw Unsupported()
                    }
                }
            case "alt": try Self.first(&seen, 5)
                s.alt = try c.patch { c in
                    let v = try c.words()
                    guard v.count == 2 else { throw Unsupported() }
                    return (Address(v[0]), v[1])
                }
            case "kstack": try Self.first(&seen, 6); s.kstack = Int(try c.int64())
            case "kstackBeforeStop": try Self.first(&seen, 7); s.kstackBeforeStop = try c.bool()
            case "ctxsw": try Self.first(&seen, 8); s.ctxsw = try c.contextSwitches()
            case "procSyscall": try Self.first(&seen, 9); s.procSyscall = try c.string()
            case "procSyscallAtStop": try Self.first(&seen, 10); s.procSyscallAtStop = try c.string()
            case "frameWords": try Self.first(&seen, 11); s.frameWords = try c.words()
            case "signo": try Self.first(&seen, 12); s.signo = try c.patch { try $0.int32() }
            case "entryRegs": try Self.first(&seen, 13); s.entryRegs = try c.patch { try $0.registers() }
            case "interruptedRegs": try Self.first(&seen, 14); s.interruptedRegs = try c.patch { try $0.registers() }
            case "entryArch": try Self.first(&seen, 15)
                s.entryArch = try c.patch { UInt32(truncatingIfNeeded: try $0.address().rawValue) }
            case "entryCtxsw": try Self.first(&seen, 16); s.entryCtxsw = try c.patch { try $0.contextSwitches() }
            case "siCode": try Self.first(&seen, 17); s.siCode = try c.patch { try $0.int32() }
            case "sa": try Self.first(&seen, 18)
                try c.object { c, k in
                    switch k {
                    case "handler": s.saHandler = try c.address()
                    case "flags": s.saFlags = try c.address().rawValue
                    case "restorer": s.saRestorer = try c.address()
                    default: try c.skip()
                    }
                }
            case "words": try Self.first(&seen, 19); s.words = try c.words()
            case "noObs": try Self.first(&seen, 20); s.noObservation = try c.bool()
            case "injected": try Self.first(&seen, 21); s.injected = try c.int64()
            default: try c.skip()
            }
        }
        return s
    }

    /// A compact verdict: `{"entry","passed","failed":[{name,expected,actual}]}`.
    mutating func failedCheck() throws -> Check {
        var name: String?, expected: String?, actual: String?
        var seen: UInt64 = 0
        try object { c, k in
            switch k {
            case "name": try Self.first(&seen, 0); name = try c.string()
            case "expected": try Self.first(&seen, 1); expected = try c.string()
            case "actual": try Self.first(&seen, 2); actual = try c.string()
            default: try c.skip()
            }
        }
        guard let name, let expected, let actual else { throw Unsupported() }
        return Check(name: name, ok: false, expected: expected, actual: actual)
    }

    mutating func header() throws -> TraceHeader {
        var h = TraceHeader(version: "", command: [], kernelRelease: nil, kernel: nil, bootId: nil, startMonoNs: 0, startWallNs: 0)
        var schema: String?
        try object { c, k in
            switch k {
            case "type": _ = try c.string()
            case "schema": schema = try c.string()
            case "tool": h.tool = try c.string()
            case "version": h.version = try c.string()
            case "command": h.command = try c.strings()
            case "kernelRelease": h.kernelRelease = try c.optional { try $0.string() }
            case "kernel": h.kernel = try c.optional { try $0.kernelConfig() }
            case "bootId": h.bootId = try c.optional { try $0.string() }
            case "clock": h.clock = try c.string()
            case "startMonoNs": h.startMonoNs = try c.uint64()
            case "startWallNs": h.startWallNs = try c.uint64()
            case "checks": h.checks = try c.string()
            case "regs": h.regs = try c.string()
            case "keyInterval": h.keyInterval = Int(try c.int64())
            default: try c.skip()
            }
        }
        guard let schema else { throw Unsupported() }
        h.schema = schema
        return h
    }

    mutating func kernelConfig() throws -> KernelConfig {
        var k = KernelConfig()
        try object { c, key in
            switch key {
            case "threadSize": k.threadSize = try c.uint64()
            case "fred": k.fred = try c.bool()
            case "randomKstackOffset": k.randomKstackOffset = try c.bool()
            case "cpuVendor": k.cpuVendor = try c.string()
            case "kasan": k.kasan = try c.bool()
            case "ia32Emulation": k.ia32Emulation = try c.bool()
            case "vmapStack": k.vmapStack = try c.bool()
            case "maxRandomOffset": k.maxRandomOffset = try c.uint64()
            case "istStackSize": k.istStackSize = try c.uint64()
            case "irqStackSize": k.irqStackSize = try c.uint64()
            case "xstateSigframeSize": k.xstateSigframeSize = try c.uint64()
            case "rtSigframeSize": k.rtSigframeSize = try c.uint64()
            case "redZone": k.redZone = try c.uint64()
            case "source": k.source = try c.string()
            default: try c.skip()
            }
        }
        return k
    }

    /// A stack record's frames: like a v1 frame, with `module` an id.
    mutating func internedFrames() throws -> ([Frame], [Int?]) {
        var frames: [Frame] = [], ids: [Int?] = []
        try array { c in
            var pc: Address?
            var f = Frame(pc: 0)
            var module: Int?
            try c.object { c, k in try c.frameField(k, &f, &pc, &module) }
            guard let pc else { throw Unsupported() }
            f.pc = pc
            frames.append(f)
            ids.append(module)
        }
        return (frames, ids)
    }

    /// One field of an interned frame (in a `frame` record, or a schema-2 stack record's `frames`).
    mutating func frameField(_ k: FastRecordDecoder.Key, _ f: inout Frame, _ pc: inout Address?, _ module: inout Int?) throws {
        switch k {
        case "pc": pc = try address()
        case "symbol": f.symbol = try optional { try $0.string() }
        case "offset": f.offset = try optional { try $0.uint64() }
        case "length": f.length = try optional { try $0.uint64() }
        case "module": module = try optional { Int(try $0.int64()) }
        case "buildId": f.buildId = try optional { try $0.string() }
        case "file": f.file = try optional { try $0.string() }
        case "line": f.line = try optional { Int(try $0.int64()) }
        case "inlined": f.inlined = try optional { try $0.bool() }
        case "isActivation": f.isActivation = try optional { try $0.bool() }
        case "note": f.note = try optional { try $0.string() }
        default: try skip()
        }
    }

    mutating func frameRecord() throws -> DecodedLine {
        var id: Int?, pc: Address?, module: Int?
        var f = Frame(pc: 0)
        try object { c, k in
            switch k {
            case "type": try c.skip()
            case "id": id = Int(try c.int64())
            default: try c.frameField(k, &f, &pc, &module)
            }
        }
        guard let id, let pc else { throw Unsupported() }
        f.pc = pc
        return DecodedLine(.frame(id: id, frame: f, moduleId: module))
    }

    mutating func mappingRecord() throws -> DecodedLine {
        var id: Int?, start: Address?, end: Address?, perms: String?, offset: UInt64 = 0, inode: UInt64 = 0, path = ""
        try object { c, k in
            switch k {
            case "id": id = Int(try c.int64())
            case "start": start = try c.address()
            case "end": end = try c.address()
            case "perms": perms = try c.string()
            case "offset": offset = try c.address().rawValue
            case "inode": inode = try c.uint64()
            case "path": path = try c.string()
            default: try c.skip()
            }
        }
        guard let id, let start, let end, let perms else { throw Unsupported() }
        return DecodedLine(.mapping(id: id, MemoryMapping(start: start, end: end, perms: perms, offset: offset, inode: inode, path: path)))
    }

    mutating func stackRecord() throws -> DecodedLine {
        var id: Int?, frames: ([Frame], [Int?])?, frameIds: [Int]?
        try object { c, k in
            switch k {
            case "id": id = Int(try c.int64())
            case "frames": frames = try c.internedFrames()
            case "frameIds":
                var ids: [Int] = []
                try c.array { ids.append(Int(try $0.int64())) }
                frameIds = ids
            default: try c.skip()
            }
        }
        guard let id else { throw Unsupported() }
        // A stack lists its frames' ids (`frame` records) or, as the first schema-2 traces did, the frames.
        if let frameIds, frames == nil { return DecodedLine(.stackOfFrames(id: id, frameIds: frameIds)) }
        guard let frames, frameIds == nil else { throw Unsupported() }
        return DecodedLine(.stack(id: id, frames: frames.0, moduleIds: frames.1))
    }

    mutating func moduleRecord() throws -> DecodedLine {
        var id: Int?, path: String?, buildId: String?
        try object { c, k in
            switch k {
            case "id": id = Int(try c.int64())
            case "path": path = try c.string()
            case "buildId": buildId = try c.optional { try $0.string() }
            default: try c.skip()
            }
        }
        guard let id, let path else { throw Unsupported() }
        return DecodedLine(.module(id: id, path: path, buildId: buildId))
    }
}
