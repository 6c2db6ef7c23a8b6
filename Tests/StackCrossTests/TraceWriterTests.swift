import Foundation
import XCTest
@testable import StackCross

/// Schema 2: whatever TraceWriter leaves out (register deltas, sticky observations, derived fields,
/// interned stacks, modules and mappings), TraceResolver must give back exactly.
final class TraceWriterTests: XCTestCase {
    // MARK: generators

    static func registers(_ rng: inout SplitMix64, like base: Registers?) -> Registers {
        var v = base?.values ?? (0..<27).map { _ in rng.next() }
        // Most registers stay from one stop to the next: change a few.
        for _ in 0..<(base == nil ? 0 : rng.below(4)) { v[rng.below(27)] = rng.next() }
        return Registers(values: v)
    }

    static let mappingPaths = ["[stack]", "[vdso]", "", "/lib/libc.so.6", "/bin/p\u{1}q", "[heap]"]
    static let mappingPool: [MemoryMapping] = (0..<6).map { (i: Int) -> MemoryMapping in
        let start = UInt64(0x1000 * (i + 1))
        let perms = i % 2 == 0 ? "r-xp" : "rw-p"
        return MemoryMapping(start: Address(start), end: Address(start + 0x1000), perms: perms, offset: UInt64(i),
                             inode: UInt64(i * 7), path: mappingPaths[i])
    }

    static func frames(_ rng: inout SplitMix64) -> [Frame] {
        (0..<(1 + rng.below(3))).map { k in
            Frame(pc: Address(UInt64(rng.below(4) * 16 + k)), symbol: rng.chance(70) ? "f\(rng.below(3))" : nil,
                  offset: rng.chance(50) ? UInt64(rng.below(9)) : nil,
                  module: rng.chance(60) ? "/lib/m\(rng.below(3)).so" : nil,
                  buildId: rng.chance(30) ? "ab\(rng.below(2))" : nil)
        }
    }

    /// An observation with every field sometimes set, sometimes not.
    static func observation(_ kind: StopObservation.Kind, _ rng: inout SplitMix64, regs: Registers, abi: SyscallABI,
                            derived: StopObservation?) -> StopObservation {
        var o = StopObservation(kind: kind, tid: 1, regs: regs)
        let predicted = StopDerivation.predictedInfo(kind, regs: regs, abi: abi)
        if rng.chance(80) { o.syscallInfo = predicted } else if rng.chance(50), var p = predicted {
            p.instructionPointer = Address(rng.next()); p.nr = rng.chance(50) ? nil : 7; o.syscallInfo = p
        } else if rng.chance(50) {
            o.syscallInfo = SyscallInfo(op: .seccomp, arch: 3, instructionPointer: 9, stackPointer: 8, nr: 1, args: [1, 2])
        }
        if rng.chance(90) { o.bytesBeforeIP = rng.chance(80) ? [0x0f, 0x05] : [0xcd, 0x80] }
        if rng.chance(90) { o.maps = (0..<rng.below(4)).map { _ in rng.pick(mappingPool) } }
        if rng.chance(90) { o.is32BitTask = rng.chance(20) }
        if rng.chance(20) { o.sigaltstack = (Address(0x7000), 0x2000) }
        if rng.chance(30) { o.kernelStack = frames(&rng) }
        if rng.chance(10) { o.kernelStackReadAtStop = false }
        if rng.chance(20) { o.contextSwitches = ContextSwitchCount(voluntary: UInt64(rng.below(9)), nonvoluntary: 1) }
        if rng.chance(10) { o.procSyscall = "1 0x1 0x2" }
        if rng.chance(10) { o.sigreturnFrameWords = [1, 2, rng.next()] }
        switch kind {
        case .syscallExit:
            o.entryRegs = rng.chance(95) ? derived?.regs : registers(&rng, like: nil)
            o.entryAuditArch = rng.chance(95) ? derived?.syscallInfo?.arch : 0x1234
            o.entryContextSwitches = rng.chance(95) ? derived?.contextSwitches : ContextSwitchCount(voluntary: 5, nonvoluntary: 5)
        case .handlerEntry:
            o.interruptedRegs = rng.chance(95) ? derived?.regs : nil
            o.signalCode = rng.chance(95) ? derived?.signalCode : -6
            o.signo = rng.chance(95) ? 10 : 12
            o.saHandler = rng.chance(70) ? Address(0x4000) : nil
            o.saFlags = rng.chance(70) ? 0x0400_0004 : nil
            o.saRestorer = rng.chance(70) ? Address(0x4100) : nil
            o.handlerStackWords = rng.chance(70) ? (0..<8).map { _ in rng.next() } : nil
        case .signalDelivery:
            o.signo = rng.chance(95) ? 10 : nil
            o.signalCode = rng.chance(50) ? 0 : nil
        default:
            break
        }
        return o
    }

    /// Records of three threads, with observations, stacks, key records, exits and execs.
    static func trace(seed: UInt64, count: Int) -> [(TraceRecord, SyscallObservations?, SignalObservations?)] {
        var rng = SplitMix64(seed: seed)
        var out: [(TraceRecord, SyscallObservations?, SignalObservations?)] = []
        var last: [Int32: Registers] = [:]
        for i in 0..<count {
            let tid = Int32(100 + rng.below(3))
            let abi: SyscallABI = rng.chance(15) ? .i386 : .x86_64
            switch rng.below(10) {
            case 0:
                let g = registers(&rng, like: last[tid])
                let d = observation(.signalDelivery, &rng, regs: g, abi: abi, derived: nil)
                var h: StopObservation?
                if rng.chance(50) {
                    h = observation(.handlerEntry, &rng, regs: registers(&rng, like: g), abi: abi, derived: d)
                    last[tid] = h!.regs
                } else { last[tid] = g }
                let rec = SignalRecord(pid: 100, tid: tid, signo: 10, name: "SIGUSR1", code: "SI_USER", timeNs: UInt64(i),
                                       crossing: Crossing(entry: .signal, checks: [Check(name: "a", ok: false, expected: "x", actual: "y")]),
                                       handlerStepped: h != nil)
                out.append((.signal(rec), nil, SignalObservations(delivery: d, handlerEntry: h)))
            case 1 where rng.chance(30):
                out.append((.exit(ExitRecord(pid: 100, tid: tid, code: 0, timeNs: UInt64(i))), nil, nil))
                last[tid] = nil
            case 2 where rng.chance(30):
                out.append((.exec(ExecRecord(pid: 100, tid: tid, path: "/bin/x", timeNs: UInt64(i))), nil, nil))
                last[tid] = nil
            default:
                let eg = registers(&rng, like: last[tid])
                var xg = registers(&rng, like: eg)
                if rng.chance(5) { xg = eg }
                let e = observation(.syscallEntry, &rng, regs: eg, abi: abi, derived: nil)
                let x = observation(.syscallExit, &rng, regs: xg, abi: abi, derived: e)
                last[tid] = xg
                let judged = rng.chance(85)
                // Mostly the same call again (the writer reuses a thread's record prefix), sometimes another,
                // and now and then another pid (a thread that exec'd and took the leader's).
                let (nr, name): (Int64, String) = rng.chance(75) ? (1, "write") : rng.chance(50) ? (0, "read") : (1, "exit")
                var rec = SyscallRecord(pid: rng.chance(3) ? 101 : 100, tid: tid, abi: abi, nr: nr, name: name, args: ["1", "\"a\""],
                                        rawArgs: StopDerivation.rawArgs(eg, abi: abi), ret: 1, entryNs: UInt64(i), exitNs: UInt64(i + 1),
                                        entryRegs: eg, exitRegs: xg, userStack: rng.chance(40) ? frames(&rng) : nil,
                                        kernelStack: e.kernelStack,
                                        crossing: judged ? Crossing(entry: .syscall, checks: [Check(name: "p", ok: true, expected: "", actual: "")]) : nil)
                if rng.chance(5) { rec.rawArgs = [1, 2, 3, 4, 5, 6] }
                out.append((.syscall(rec), judged ? SyscallObservations(entry: e, exit: x) : nil, nil))
            }
        }
        return out
    }

    static func write(_ trace: [(TraceRecord, SyscallObservations?, SignalObservations?)], _ options: TraceWriterOptions) -> [UInt8] {
        let w = TraceWriter(options: options)
        let b = JSONLineBuffer()
        w.header(TraceHeader(version: "t", command: ["x"], kernelRelease: "6", kernel: .default, bootId: "b",
                             startMonoNs: 5, startWallNs: 7), to: b)
        for (r, so, go) in trace {
            switch r {
            case .syscall(let s): w.syscall(s, observed: so, to: b)
            case .signal(let s): w.signal(s, observed: go, to: b)
            default: w.record(r, to: b)
            }
        }
        return Array(b.bytes)
    }

    static func resolve(_ bytes: [UInt8]) throws -> [TraceResolver.Resolved] {
        let r = TraceResolver()
        return try bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let d = try XCTUnwrap(FastRecordDecoder.decodeLine(Array(line)), String(decoding: line, as: UTF8.self))
            return try r.resolve(d)
        }
    }

    /// Every field of an observation, as text (StopObservation holds a tuple, so it is not Equatable).
    static func dump(_ o: StopObservation?) -> String {
        guard var o else { return "nil" }
        // The writer keeps mapping order; the ids in between are an encoding detail.
        o.tid = 1
        return String(reflecting: o)
    }

    // MARK: tests

    /// What `body` writes, as text.
    static func written(_ body: (inout JSONBytes) -> Void) -> String {
        let b = JSONLineBuffer(capacity: 64)
        TraceRecordJSON.appending(to: b, body)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    func testRegisterDeltaFieldByFieldIsTheDeltaByIndex() {
        var rng = SplitMix64(seed: 14)
        let w = TraceWriter()
        let zero = Registers(values: Array(repeating: 0, count: 27))
        // Each register alone, then random sets of changes.
        var pairs = (0..<27).map { i -> (Registers, Registers) in var b = zero; b[index: i] = 0x1234; return (zero, b) }
        pairs += (0..<400).map { _ in
            (Registers(values: (0..<27).map { _ in UInt64(rng.below(3)) }), Registers(values: (0..<27).map { _ in UInt64(rng.below(3)) }))
        }
        for (a, b) in pairs {
            let view = TraceWriter.ThreadView()
            view.regs = a
            XCTAssertEqual(Self.written { w.registerDelta(from: view, to: b, &$0) }, Self.written { w.registerDeltaByIndex(from: a, to: b, &$0) })
        }
    }

    func testRawArgsComparedInPlaceAsTheArray() {
        var rng = SplitMix64(seed: 15)
        for _ in 0..<500 {
            let regs = Registers(values: (0..<27).map { _ in rng.chance(50) ? UInt64(rng.below(4)) : rng.next() })
            let abi: SyscallABI = rng.chance(50) ? .i386 : .x86_64
            var args = StopDerivation.rawArgs(regs, abi: abi)
            switch rng.below(4) {
            case 0: args[rng.below(6)] = Address(rng.next())
            case 1: args[rng.below(6)] = Address(UInt64(rng.below(4)))
            case 2: args = rng.chance(50) ? Array(args.prefix(rng.below(6))) : args + [0]
            default: break
            }
            XCTAssertEqual(StopDerivation.rawArgs(regs, abi: abi, equal: args), StopDerivation.rawArgs(regs, abi: abi) == args)
        }
    }

    /// A tracee string is written as its text when it is valid UTF-8 and whole (as `utf8` decodes it), else as base64.
    func testTraceeStringsAreWrittenAsTheirTextDecodes() {
        var rng = SplitMix64(seed: 16)
        let pieces: [[UInt8]] = [[0x61], [0x22], [0x5C], [0x0A], [0x00], [0x7F], [0xC3, 0xA9], [0xE2, 0x80, 0xA8], [0xE2, 0x82, 0xAC],
                                 [0xF0, 0x9F, 0x98, 0x80], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF]]
        for _ in 0..<600 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(6) { bytes += rng.chance(60) ? pieces[rng.below(6)] : rng.pick(pieces) }
            let t = TraceeString(bytes: bytes, truncated: rng.chance(10))
            let reference = Self.written { w in
                if !t.truncated, let s = t.utf8 { w.string(s) } else {
                    w.open(); w.field("base64", string: Base64.encode(t.bytes)); if t.truncated { w.field("truncated", bool: true) }; w.close()
                }
            }
            XCTAssertEqual(Self.written { $0.traceeString(t) }, reference, "\(bytes)")
        }
    }

    /// A record's strings by key in order, one key or several.
    func testStringsAreWrittenByKeyInOrder() {
        for keys in [["1"], ["0", "1"], ["2", "0", "10", "1"]] {
            let s = Dictionary(uniqueKeysWithValues: keys.map { ($0, TraceeString(bytes: Array($0.utf8))) })
            let reference = "{" + keys.sorted().map { "\"\($0)\":\"\($0)\"" }.joined(separator: ",") + "}"
            XCTAssertEqual(Self.written { TraceRecordJSON.strings(s, &$0) }, reference)
        }
    }

    func testEverythingLeftOutComesBack() throws {
        for (seed, key, cap) in [(1 as UInt64, 64, 1 << 14), (2, 4, 3), (3, 1, 2), (4, 7, 1)] {
            var options = TraceWriterOptions()
            options.keyInterval = key
            options.internCapacity = cap
            let trace = Self.trace(seed: seed, count: 600)
            let bytes = Self.write(trace, options)
            let back = try Self.resolve(bytes)
            XCTAssertEqual(back.count, trace.count, "seed \(seed)")
            for (i, (want, got)) in zip(trace, back).enumerated() {
                var expected = want.0
                var actual = got.record
                // The recorded verdict comes back compact: counts and failures.
                if let c = expected.crossing {
                    XCTAssertEqual(actual.crossing?.checkCount, c.checks.count, "seed \(seed) #\(i)")
                    XCTAssertEqual(actual.crossing?.checks, c.checks.filter { !$0.ok }, "seed \(seed) #\(i)")
                    expected.crossing = nil; actual.crossing = nil
                }
                XCTAssertEqual(actual, expected, "seed \(seed) #\(i)")
                XCTAssertEqual(Self.dump(got.syscall?.entry), Self.dump(want.1?.entry), "seed \(seed) #\(i) entry")
                XCTAssertEqual(Self.dump(got.syscall?.exit), Self.dump(want.1?.exit), "seed \(seed) #\(i) exit")
                XCTAssertEqual(Self.dump(got.signal?.delivery), Self.dump(want.2?.delivery), "seed \(seed) #\(i) delivery")
                XCTAssertEqual(Self.dump(got.signal?.handlerEntry), Self.dump(want.2?.handlerEntry), "seed \(seed) #\(i) handler")
            }
        }
    }

    func testRegistersAreDeltasBetweenKeyRecords() throws {
        var options = TraceWriterOptions()
        options.keyInterval = 10
        let bytes = Self.write(Self.trace(seed: 9, count: 300), options)
        let lines = bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        let syscalls = lines.filter { $0.hasPrefix(#"{"type":"syscall""#) }
        let keys = syscalls.filter { $0.contains(#""key":true"#) }
        XCTAssertGreaterThan(keys.count, 3)
        XCTAssertLessThan(keys.count, syscalls.count / 4, "most records are deltas")
        // A key record's entry stop has all 27 registers; the others far fewer on average.
        for k in keys { XCTAssertTrue(k.contains(#""entryStop":{"regs":{"r15":"#) && k.contains(#""gs":"#), k) }
        var full = TraceWriterOptions()
        full.regsFull = true
        let fullBytes = Self.write(Self.trace(seed: 9, count: 300), full)
        XCTAssertLessThan(bytes.count * 3, fullBytes.count * 2, "deltas are much smaller than --regs full")
        // Both read back to the same records.
        XCTAssertEqual(try Self.resolve(bytes).map(\.record), try Self.resolve(fullBytes).map(\.record))
    }

    func testAStackIsWrittenOnceAndReferredTo() throws {
        let frames = [Frame(pc: 0x10, symbol: "main", module: "/bin/p", buildId: "ff"), Frame(pc: 0x20, symbol: "start")]
        let w = TraceWriter()
        let b = JSONLineBuffer()
        for i in 0..<3 {
            w.syscall(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 0, name: "read", args: [], rawArgs: [], entryNs: UInt64(i),
                                    userStack: frames), observed: nil, to: b)
        }
        let text = String(decoding: b.bytes, as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: #""type":"stack""#).count - 1, 1)
        XCTAssertEqual(text.components(separatedBy: #""type":"module""#).count - 1, 1)
        XCTAssertEqual(text.components(separatedBy: #""userStack":0"#).count - 1, 3)
        for r in try Self.resolve(Array(b.bytes)) {
            guard case .syscall(let s) = r.record else { return XCTFail() }
            XCTAssertEqual(s.userStack, frames)
        }
    }

    func testStacksThatShareFramesWriteEachFrameOnce() throws {
        // Two calls from one caller chain: the outer frames are the same, only the innermost differ.
        let outer = (0..<20).map { Frame(pc: Address(UInt64(0x1000 + $0 * 16)), symbol: "f\($0)", module: "/bin/p", buildId: "ff") }
        let a = [Frame(pc: 0x10, symbol: "read", module: "/lib/libc.so.6")] + outer
        let b = [Frame(pc: 0x20, symbol: "write", module: "/lib/libc.so.6")] + outer
        let w = TraceWriter()
        let buf = JSONLineBuffer()
        for (i, s) in [a, b, a].enumerated() {
            w.syscall(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 0, name: "read", args: [], rawArgs: [], entryNs: UInt64(i),
                                    userStack: s), observed: nil, to: buf)
        }
        let text = String(decoding: buf.bytes, as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: #""type":"stack""#).count - 1, 2)
        XCTAssertEqual(text.components(separatedBy: #""type":"frame""#).count - 1, 22, "20 shared frames and 2 leaves, once each")
        XCTAssertEqual(text.components(separatedBy: #""type":"module""#).count - 1, 2)
        XCTAssertEqual(text.components(separatedBy: #""symbol":"f7""#).count - 1, 1)
        let back = try Self.resolve(Array(buf.bytes)).map { r -> [Frame]? in
            guard case .syscall(let s) = r.record else { return nil }
            return s.userStack
        }
        XCTAssertEqual(back, [a, b, a])
    }

    func testAStackOfInlineFramesIsStillRead() throws {
        // The first schema-2 traces wrote each stack's frames in its own record.
        let lines = [#"{"type":"module","id":0,"path":"/bin/p"}"#,
                     #"{"type":"stack","id":0,"frames":[{"pc":"0x10","symbol":"main","module":0,"isActivation":true}]}"#,
                     #"{"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":0,"name":"read","args":[],"rawArgs":[],"entryNs":1,"userStack":0}"#]
        let r = try Self.resolve(Array(lines.joined(separator: "\n").utf8) + [10])
        guard case .syscall(let s) = try XCTUnwrap(r.first).record else { return XCTFail() }
        XCTAssertEqual(s.userStack, [Frame(pc: 0x10, symbol: "main", module: "/bin/p", isActivation: true)])
    }

    func testAStackNamingAnUndefinedFrameIsAnError() throws {
        let d = try XCTUnwrap(FastRecordDecoder.decodeLine(Array(#"{"type":"stack","id":3,"frameIds":[0,7]}"#.utf8)))
        XCTAssertThrowsError(try TraceResolver().resolve(d)) { e in
            XCTAssertTrue("\(e)".contains("frame 0"), "\(e)")
        }
    }

    func testAReferenceToAnUndefinedStackIsAnError() throws {
        let line = Array(#"{"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":0,"name":"read","args":[],"rawArgs":[],"entryNs":1,"userStack":4}"#.utf8)
        let d = try XCTUnwrap(FastRecordDecoder.decodeLine(line))
        XCTAssertThrowsError(try TraceResolver().resolve(d)) { e in
            XCTAssertTrue("\(e)".contains("stack 4"), "\(e)")
        }
    }

    func testCompactVerdictListsOnlyFailures() throws {
        let c = Crossing(entry: .syscall, checks: [Check(name: "a", ok: true, expected: "1", actual: "1"),
                                                   Check(name: "b", ok: false, expected: "2", actual: "3")])
        let rec = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 0, name: "read", args: [], rawArgs: [], entryNs: 1, crossing: c)
        let b = JSONLineBuffer()
        TraceWriter().syscall(rec, observed: nil, to: b)
        let text = String(decoding: b.bytes, as: UTF8.self)
        XCTAssertTrue(text.contains(#""crossing":{"entry":"syscall","passed":1,"failed":[{"name":"b","expected":"2","actual":"3"}]}"#), text)
        var all = TraceWriterOptions()
        all.checksAll = true
        let b2 = JSONLineBuffer()
        TraceWriter(options: all).syscall(rec, observed: nil, to: b2)
        XCTAssertTrue(String(decoding: b2.bytes, as: UTF8.self).contains(#""checks":[{"name":"a","ok":true"#))
    }

    /// The compact judge (what `trace -o` records) spells out only failures and counts the rest: on random
    /// observations (most checks fail on them, some hold) it gives exactly the full judge's failures and count.
    func testCompactJudgeIsTheFullJudgeReduced() {
        let model = KernelStackModel(config: .default)
        var judged = 0, failures = 0, passes = 0
        for seed in 1...3 as ClosedRange<UInt64> {
            for (_, so, go) in Self.trace(seed: seed, count: 400) {
                let pairs: [(Crossing?, Crossing?)] = [
                    so.map { (model.crossing(for: $0), model.crossing(for: $0, detail: .failures)) } ?? (nil, nil),
                    go.map { (model.crossing(for: $0), model.crossing(for: $0, detail: .failures)) } ?? (nil, nil),
                ]
                for case let (full?, compact?) in pairs {
                    judged += 1
                    XCTAssertEqual(compact.checks, full.failedChecks)
                    XCTAssertEqual(compact.passed, full.checks.filter(\.ok).count)
                    XCTAssertEqual(compact.checkCount, full.checkCount)
                    XCTAssertEqual(compact.entry, full.entry)
                    XCTAssertEqual(compact.phase, full.phase)
                    failures += compact.checks.count
                    passes += compact.passed ?? 0
                }
            }
        }
        XCTAssertGreaterThan(judged, 500)
        XCTAssertGreaterThan(failures, 100, "the random observations must exercise failing checks")
        XCTAssertGreaterThan(passes, 1000)
    }

    /// The names-only judge (what tallies and `check` use) lists every check of the full judge, in order,
    /// with the same name and verdict and no texts.
    func testNamesJudgeIsTheFullJudgeWithoutTexts() {
        let model = KernelStackModel(config: .default)
        var judged = 0, failures = 0
        for seed in 1...3 as ClosedRange<UInt64> {
            for (_, so, go) in Self.trace(seed: seed, count: 400) {
                let pairs: [(Crossing?, Crossing?)] = [
                    so.map { (model.crossing(for: $0), model.crossing(for: $0, detail: .names)) } ?? (nil, nil),
                    go.map { (model.crossing(for: $0), model.crossing(for: $0, detail: .names)) } ?? (nil, nil),
                ]
                for case let (full?, names?) in pairs {
                    judged += 1
                    var stripped = full
                    stripped.checks = full.checks.map { Check(name: $0.name, ok: $0.ok, expected: "", actual: "") }
                    XCTAssertEqual(names, stripped)
                    failures += full.failedChecks.count
                }
            }
        }
        XCTAssertGreaterThan(judged, 500)
        XCTAssertGreaterThan(failures, 100, "the random observations must exercise failing checks")
    }

    /// The views judge at the detail they show (html and summary: names; text: failures; html's kept
    /// crossings in full): each gives exactly the bytes it gave when every crossing was judged in full.
    func testViewsJudgedAtLessDetailGiveTheSameBytes() throws {
        var limits = ReportOptions()
        limits.htmlCrossingsPerThread = 20
        limits.htmlCrossingsTotal = 120
        for seed in 4...5 as ClosedRange<UInt64> {
            let bytes = Self.write(Self.trace(seed: seed, count: 600), TraceWriterOptions())
            for format in [ReportFormat.html, .text, .summary] {
                func render(inFull: Bool) throws -> String {
                    let (w, text) = ReportWriter.memory()
                    let view = format.makeExporter(writer: w, title: "t", options: limits)
                    let reader = ReportReader(file: "t", exporter: inFull ? JudgedInFull(view) : view)
                    try reader.feed(bytes)
                    try reader.finish()
                    return String(decoding: text(), as: UTF8.self)
                }
                let page = try render(inFull: false)
                XCTAssertEqual(page, try render(inFull: true), "seed \(seed) \(format)")
                XCTAssertTrue(page.contains("entry.rax"), "seed \(seed) \(format): checks are shown")
            }
        }
    }
}

/// A view as it was before judge levels: every crossing judged again in full, whatever the view shows.
final class JudgedInFull: ReportExporter {
    let view: ReportExporter
    init(_ view: ReportExporter) { self.view = view }
    var wantsJudgedCrossings: Bool { view.wantsJudgedCrossings }
    var judgedDetail: CrossingDetail { .all }
    func consume(header: TraceHeader) throws { try view.consume(header: header) }
    func consume(_ record: TraceRecord) throws { try view.consume(record) }
    func consume(_ snapshot: Snapshot) throws { try view.consume(snapshot) }
    func finish() throws { try view.finish() }
}
