import Foundation
import XCTest
@testable import StackCross

/// SplitMix64: a tiny seeded generator, so every fuzz input is reproduced from its seed and index.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Bounded fuzzing of what stackcross reads from outside: trace records (the report's reader, its fast
/// decoder and the JSONDecoder fallback) and the /proc text parsers. Fixed seeds and iteration counts, so
/// it runs in CI as a plain test and a failure names the seed and iteration that reproduce it.
final class FuzzTests: XCTestCase {
    static let seeds: [UInt64] = [1, 2, 3, 0xDEAD_BEEF, 0x5EED_0005, 0x5EED_0006, 0x5EED_0007, 0x5EED_0008]
    static let recordIterationsPerSeed = 2000
    static let procIterationsPerSeed = 1000
    static let roundTripIterationsPerSeed = 500

    // MARK: Inputs

    /// One JSON line (no newline) per sample record: the writer's own output is the valid corpus.
    static let validLines: [[UInt8]] = TraceRecordJSONTests.samples.map { rec in
        var b: [UInt8] = []
        TraceRecordJSON.appendLine(rec, to: &b)
        return Array(b.dropLast())
    }

    static let interestingBytes: [UInt8] = Array("{}[]\":,\\-+.eE0123456789ntfu ".utf8) + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xF0, 0xFF]
    static let interestingTexts: [String] = [
        "é", "😀", "\u{0}", "\\u0000", "\\ud800", "\\udc00\\ud800", "\\uD83D\\uDE00", "\\u12", "\\x", "\\", "\"",
        "99999999999999999999999", "-9223372036854775809", "18446744073709551616", "18446744073709551615",
        "-0", "1e400", "1.5", "1E2", "-", "0x10", "00", "NaN", "Infinity", "null", "true", "[]", "{}",
        "\"0xffffffffffffffff\"", "\"0x\"", "\"0xg\"", "\"\"", ",\"type\":\"exit\"", ",\"pid\":1", "\"type\":\"bogus\"",
    ]

    /// A mutated copy of `line`: one to four of byte flips, interesting bytes, truncation, deletion, random
    /// bytes, unicode and odd numbers, deep nesting, a key's value swapped with another's, a piece of
    /// another sample spliced in.
    static func mutate(_ line: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = line
        for _ in 0...rng.below(4) {
            let at = b.isEmpty ? 0 : rng.below(b.count + 1)
            switch rng.below(10) {
            case 0:
                if at < b.count { b[at] ^= UInt8(1 << rng.below(8)) }
            case 1:
                if at < b.count { b[at] = rng.pick(interestingBytes) }
            case 2:
                b.removeSubrange(at...)
            case 3:
                b.removeSubrange(at..<min(b.count, at + 1 + rng.below(16)))
            case 4:
                b.insert(contentsOf: (0...rng.below(8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 5:
                b.insert(contentsOf: Array(rng.pick(interestingTexts).utf8), at: at)
            case 6:
                let depth = rng.pick([10, 65, 100, 600, 5000])
                let open = rng.chance(50) ? UInt8(ascii: "[") : UInt8(ascii: "{")
                let nest = Array(repeating: open, count: depth) + (open == UInt8(ascii: "[") ? Array(repeating: UInt8(ascii: "]"), count: depth) : [])
                b.insert(contentsOf: nest, at: at)
            case 7:
                b = swapValues(b, &rng)
            case 8:
                let other = rng.pick(validLines)
                let s = rng.below(other.count)
                b.insert(contentsOf: other[s..<min(other.count, s + 1 + rng.below(40))], at: at)
            default:
                b = replaceNumber(b, &rng)
            }
        }
        return b
    }

    /// Positions just after `":` (where a value starts) in `b`.
    static func valueStarts(_ b: [UInt8]) -> [Int] {
        b.indices.dropFirst().filter { b[$0] == UInt8(ascii: ":") && b[$0 - 1] == UInt8(ascii: "\"") }.map { $0 + 1 }
    }

    /// The value after one key swapped with the value after another (a scalar's extent is up to the next , } or ]).
    static func swapValues(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        let starts = valueStarts(b)
        guard starts.count >= 2 else { return b }
        func end(_ s: Int) -> Int {
            var i = s, inString = false
            while i < b.count {
                let c = b[i]
                if inString { if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false } }
                else if c == UInt8(ascii: "\"") { inString = true }
                else if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { return i }
                i += 1
            }
            return b.count
        }
        var x = rng.pick(starts), y = rng.pick(starts)
        if x > y { swap(&x, &y) }
        let ex = end(x), ey = end(y)
        guard ex <= y else { return b }
        return Array(b[..<x]) + Array(b[y..<ey]) + Array(b[ex..<y]) + Array(b[x..<ex]) + Array(b[ey...])
    }

    /// A run of digits replaced with an odd number.
    static func replaceNumber(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        let digits = b.indices.filter { b[$0] >= 0x30 && b[$0] <= 0x39 }
        guard !digits.isEmpty else { return b }
        let s = rng.pick(digits)
        var e = s
        while e < b.count, b[e] >= 0x30, b[e] <= 0x39 { e += 1 }
        let n = rng.pick(["99999999999999999999999", "-1", "2147483648", "-2147483649", "4294967296", "9223372036854775808",
                          "18446744073709551616", "1e400", "1.0", "1e2", "-0", "0.5", "00"])
        return Array(b[..<s]) + Array(n.utf8) + Array(b[e...])
    }

    // MARK: Running inputs

    final class Collector: ReportExporter {
        var records: [TraceRecord] = []
        var snapshots = 0
        var finished = false
        func consume(_ record: TraceRecord) throws { records.append(record) }
        func consume(_ snapshot: Snapshot) throws { snapshots += 1 }
        func finish() throws { finished = true }
    }

    /// What Foundation's JSONDecoder makes of one line.
    static func reference(_ line: [UInt8]) -> TraceRecord? { try? JSONDecoder().decode(TraceRecord.self, from: Data(line)) }

    /// Runs `body` for every seed on a worker thread; a seed that runs past `limit` seconds fails the test
    /// (a hang) with the last input it was given.
    func fuzz(_ name: String, limit: TimeInterval = 120, _ body: @escaping (UInt64, inout SplitMix64, (String) -> Void) -> Void) {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var running: UInt64?
            var failures: [String] = []
        }
        let log = Log()
        let done = DispatchSemaphore(value: 0)
        let t = Thread {
            for seed in Self.seeds {
                log.lock.lock(); log.running = seed; log.lock.unlock()
                var rng = SplitMix64(seed: seed)
                body(seed, &rng) { msg in log.lock.lock(); log.failures.append("seed \(seed): \(msg)"); log.lock.unlock() }
            }
            done.signal()
        }
        t.stackSize = 8 << 20  // the CLI main thread's stack: deep nesting must not overflow it
        t.start()
        if done.wait(timeout: .now() + limit) == .timedOut {
            log.lock.lock(); defer { log.lock.unlock() }
            return XCTFail("\(name): no answer in \(limit) s (a hang) while running seed \(log.running.map { String($0) } ?? "?")")
        }
        log.lock.lock(); defer { log.lock.unlock() }
        XCTAssertEqual(Array(log.failures.prefix(10)), [], "\(name): \(log.failures.count) failures")
    }

    static func show(_ b: [UInt8]) -> String {
        let s = String(decoding: b.prefix(400), as: UTF8.self)
        return b.count > 400 ? s + "… (\(b.count) bytes)" : s
    }

    // MARK: Properties

    /// The fast decoder never accepts what JSONDecoder rejects, nor reads a line differently: it is only a
    /// shortcut (it declines what it does not fully understand, and JSONDecoder then decides).
    func testFastDecoderAgreesWithJSONDecoder() {
        fuzz("fast vs JSONDecoder") { seed, rng, fail in
            for i in 0..<Self.recordIterationsPerSeed {
                let input = Self.mutate(rng.pick(Self.validLines), &rng)
                guard let fast = FastRecordDecoder.decode(input) else { continue }
                let ref = Self.reference(input)
                if ref != fast {
                    fail("#\(i): fast \(fast) but JSONDecoder \(ref.map { "\($0)" } ?? "rejects") for \(Self.show(input))")
                }
            }
        }
    }

    /// Found by the fuzzer: JSONDecoder keeps the first value of a repeated key, the fast decoder kept the
    /// last, so a line read differently as a trace's first line (JSONDecoder) than as a later one (fast).
    static let repeatedKeys = [
        #"{"type":"exec","pid":7,"tid":7,"path":"/usr/bin/echo","timeNs":9999999999999999,"pid":19999999}"#,
        #"{"type":"attach","type":"exit","pid":1,"tid":2,"timeNs":3}"#,
        #"{"type":"signal","pid":5,"pid":1,"tid":6,"signo":11,"name":"SIGSEGV","timeNs":9}"#,
        #"{"type":"exec","pid":7,"tid":7,"path":{"base64":"L2E=","base64":"L2I="},"timeNs":1}"#,
        #"{"type":"signal","pid":5,"tid":6,"signo":10,"name":"SIGUSR1","timeNs":9,"crossing":{"entry":"signal","entry":"int80","checks":[]}}"#,
        #"{"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":1,"name":"write","args":[],"rawArgs":[],"entryNs":0,"strings":{"0":"a","0":"b"}}"#,
        #"{"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":1,"name":"write","args":[],"rawArgs":[],"entryNs":0,"userStack":[{"pc":"0x1","pc":"0x2"}]}"#,
    ]

    func testRepeatedKeyReadsAsJSONDecoderReadsIt() throws {
        var regs = String(decoding: Self.validLines[0], as: UTF8.self)
        regs = regs.replacingOccurrences(of: #""entryRegs":{"r15":"#, with: #""entryRegs":{"r15":"0x5","r15":"#)
        XCTAssertTrue(regs.contains(#""r15":"0x5","r15":"#))
        for line in Self.repeatedKeys + [regs] {
            let bytes = Array(line.utf8)
            let ref = try XCTUnwrap(Self.reference(bytes), "JSONDecoder reads \(line)")
            if let fast = FastRecordDecoder.decode(bytes) { XCTAssertEqual(fast, ref, line) }
            // The report reads it the same as a first line and as a later one.
            let sink = Collector()
            let reader = ReportReader(file: "t", exporter: sink)
            try reader.feed(Array((line + "\n" + line + "\n").utf8))
            try reader.finish()
            XCTAssertEqual(sink.records, [ref, ref], line)
        }
    }

    /// The report's reader on valid lines around one mutated line, fed in random chunks: it reads every
    /// line as JSONDecoder does, or throws a ReportInputError naming the mutated line. Never crashes.
    func testReportReaderReadsOrNamesTheLine() {
        fuzz("ReportReader") { seed, rng, fail in
            for i in 0..<Self.recordIterationsPerSeed {
                let before = (0...rng.below(3)).map { _ in rng.pick(Self.validLines) }
                // Newlines are left out of the mutation so that it stays one line with a known number.
                let bad = Self.mutate(rng.pick(Self.validLines), &rng).filter { $0 != 0x0A }
                let after = rng.pick(Self.validLines)
                var input: [UInt8] = []
                for l in before + [bad, after] { input += l + [0x0A] }
                if rng.chance(30) { input.removeLast() }  // no newline at the end

                let sink = Collector()
                let reader = ReportReader(file: "fuzz", exporter: sink)
                do {
                    var at = 0
                    while at < input.count {
                        let n = 1 + rng.below(rng.chance(50) ? 8 : 4096)
                        try reader.feed(Array(input[at..<min(input.count, at + n)]))
                        at += n
                    }
                    try reader.finish()
                } catch let e as ReportInputError {
                    let badLine = before.count + 1
                    if e.line != badLine || Self.reference(bad) != nil || e.message.isEmpty {
                        fail("#\(i): error \(e) but the mutated line is \(badLine) (\(Self.reference(bad) == nil ? "invalid" : "valid")): \(Self.show(bad))")
                    }
                    continue
                } catch {
                    fail("#\(i): not a ReportInputError: \(error)")
                    continue
                }
                let blank = bad.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                let expected = before.compactMap(Self.reference) + (blank ? [] : [Self.reference(bad)].compactMap { $0 }) + [Self.reference(after)!]
                if sink.records != expected || !sink.finished || (!blank && Self.reference(bad) == nil) {
                    fail("#\(i): read \(sink.records.count) records, expected \(expected.count), for \(Self.show(bad))")
                }
            }
        }
    }

    /// Records with random field values (every byte in strings, every width of number, fields left out)
    /// written with TraceRecordJSON read back equal through both decoders.
    func testRandomRecordsRoundTrip() {
        fuzz("round trip") { seed, rng, fail in
            for i in 0..<Self.roundTripIterationsPerSeed {
                let rec = Self.randomRecord(&rng)
                var line: [UInt8] = []
                TraceRecordJSON.appendLine(rec, to: &line)
                guard line.last == 0x0A, line.dropLast().allSatisfy({ $0 != 0x0A }) else { fail("#\(i): not one line: \(rec)"); continue }
                line.removeLast()
                let ref = Self.reference(line)
                if ref != rec { fail("#\(i): JSONDecoder read \(ref.map { "\($0)" } ?? "nothing") for \(rec): \(Self.show(line))") }
                if let fast = FastRecordDecoder.decode(line), fast != rec { fail("#\(i): fast decoder read \(fast) for \(rec)") }
            }
        }
    }

    static func randomString(_ rng: inout SplitMix64) -> String {
        let pieces = ["a", "write", " ", "\"", "\\", "\n", "\t", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "é", "✓", "😀", "\u{2028}", "/", "</script>"]
        return (0..<rng.below(6)).map { _ in rng.pick(pieces) }.joined()
    }

    static func randomBytes(_ rng: inout SplitMix64) -> [UInt8] { (0..<rng.below(12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }

    static func randomU64(_ rng: inout SplitMix64) -> UInt64 {
        switch rng.below(4) {
        case 0: return rng.next()
        case 1: return UInt64(rng.below(1000))
        case 2: return rng.pick([0, 1, UInt64(Int64.max), UInt64(Int64.max) + 1, .max])
        default: return rng.next() >> rng.below(64)
        }
    }

    static func randomI32(_ rng: inout SplitMix64) -> Int32 { rng.chance(80) ? Int32(rng.below(1 << 22)) : Int32(truncatingIfNeeded: rng.next()) }

    static func randomRecord(_ rng: inout SplitMix64) -> TraceRecord {
        let pid = randomI32(&rng), tid = randomI32(&rng), t = randomU64(&rng)
        func opt<T>(_ v: T, _ rng: inout SplitMix64) -> T? { rng.chance(50) ? v : nil }
        switch rng.below(7) {
        case 0:
            let regs = Registers(values: (0..<27).map { _ in randomU64(&rng) })
            var r = TraceRecordJSONTests.fullSyscall
            r.pid = pid; r.tid = tid
            r.nr = Int64(bitPattern: randomU64(&rng))
            r.name = randomString(&rng)
            r.args = (0..<rng.below(7)).map { _ in randomString(&rng) }
            r.rawArgs = (0..<rng.below(7)).map { _ in Address(randomU64(&rng)) }
            r.strings = opt(["0": TraceeString(bytes: randomBytes(&rng), truncated: rng.chance(50))], &rng)
            r.ret = opt(Int64(bitPattern: randomU64(&rng)), &rng)
            r.error = opt(randomString(&rng), &rng)
            r.entryNs = t
            r.exitNs = opt(randomU64(&rng), &rng)
            r.entryRegs = opt(regs, &rng)
            r.exitRegs = opt(regs, &rng)
            if rng.chance(50) { r.userStack = nil } else { r.userStack![0].symbol = randomString(&rng) }
            if rng.chance(50) { r.kernelStack = nil }
            if rng.chance(50) { r.crossing = nil } else { r.crossing!.checks[0].actual = randomString(&rng) }
            return .syscall(r)
        case 1:
            return .signal(SignalRecord(pid: pid, tid: tid, signo: randomI32(&rng), name: randomString(&rng),
                                        code: opt(randomString(&rng), &rng), timeNs: t,
                                        crossing: opt(Crossing(entry: rng.pick(EntryKind.allCases), checks: []), &rng)))
        case 2:
            return .exec(ExecRecord(pid: pid, tid: tid, formerTid: opt(randomI32(&rng), &rng),
                                    path: TraceeString(bytes: randomBytes(&rng), truncated: rng.chance(20)), timeNs: t))
        case 3:
            return .clone(CloneRecord(pid: pid, tid: tid, child: randomI32(&rng), kind: rng.pick(CloneRecord.Kind.allCases), timeNs: t))
        case 4:
            return .exit(ExitRecord(pid: pid, tid: tid, code: opt(randomI32(&rng), &rng), signal: opt(randomString(&rng), &rng), timeNs: t))
        case 5:
            return .attach(AttachRecord(pid: pid, tid: tid, timeNs: t))
        default:
            return .detach(AttachRecord(pid: pid, tid: tid, timeNs: t))
        }
    }

    // MARK: /proc parsers

    static let procSamples: [String] = [
        // maps
        "55d0c0a00000-55d0c0a21000 r-xp 00001000 fd:01 1048602                    /usr/bin/cat\n7ffc07700000-7ffc07721000 rw-p 00000000 00:00 0                          [stack]\nffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n7f55466a0000-7f55466a4000 r--p 00000000 fd:01 1 /tmp/with space (deleted)\n",
        // stack
        "[<0>] do_sys_poll+0x3f8/0x5c0\n[<0>] __x64_sys_poll+0xa3/0x140 [kvm]\n[<ffffffff81000000>] do_syscall_64+0x5b/0x170\n[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n",
        // syscall
        "0 0x3 0x7f55466a4e60 0x40 0x7f55466b8b60 0x0 0x0 0x7f55466a4e30 0x7f55467a12ec\n",
        "-1 0x7ffc07714410 0x55d0c0ffee00\n",
        "running\n",
        // stat
        "4242 (a) b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 12 34 0 0 20 0 3 0 123 4096 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
        // status
        "Name:\tthreads\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t77\nPid:\t77\nTracerPid:\t0\nSigPnd:\t0000000000000100\nShdPnd:\t0000000000000000\nSigCgt:\t0000000180004002\n",
    ]

    /// The /proc parsers on mutated /proc texts: never a crash or a hang, and what they return holds
    /// together (a mapping's bounds are the hex it was read from, a frame has a name, a stat's comm is
    /// between the parentheses).
    func testProcParsersOnMutatedText() {
        fuzz("/proc parsers") { seed, rng, fail in
            for i in 0..<Self.procIterationsPerSeed {
                let bytes = Self.mutate(Array(rng.pick(Self.procSamples).utf8), &rng)
                let text = String(decoding: bytes, as: UTF8.self)
                let maps = MemoryMapping.parse(text)
                if maps != text.split(separator: "\n").compactMap({ MemoryMapping.parseLine($0) }) { fail("#\(i): maps parse differs by line") }
                for m in maps where !text.lowercased().contains(String(m.start.rawValue, radix: 16) + "-") {
                    fail("#\(i): mapping start \(m.start) not in \(text.debugDescription)")
                }
                for f in ProcKernelStack.parse(text) where (f.symbol ?? "").isEmpty { fail("#\(i): frame without a name from \(text.debugDescription)") }
                if let s = ProcSyscallState.parse(text), case .inSyscall(_, let args, _, _) = s, args.count != 6 { fail("#\(i): \(args.count) args") }
                if let st = ProcStat.parse(text), !text.contains("(" + st.comm + ")") { fail("#\(i): comm \(st.comm) from \(text.debugDescription)") }
                let status = ProcStatus.parse(text)
                _ = (status.name, status.state, status.tgid, status.tracerPid, status.sigPnd, status.shdPnd, status.sigCgt)
            }
        }
    }
}
