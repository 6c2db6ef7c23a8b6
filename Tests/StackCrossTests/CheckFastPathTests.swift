import Foundation
import XCTest
@testable import StackCross

/// The shortcuts `stackcross check` and the views take per record, each held equal to the plain way.
final class CheckFastPathTests: XCTestCase {
    static let names = ["selectors.cs", "entry.rax", "syscall.rcx", "pt_regs", "exit.pt_regs", "exit.user_rsp.mapping",
                        "entry.bytes", "user_rsp.user_space"]

    /// Random crossings: mostly the same checks in the same order (as traces are), sometimes another order,
    /// a missing or extra check, a failure.
    static func crossings(seed: UInt64, count: Int) -> [Crossing] {
        var rng = SplitMix64(seed: seed)
        var order = names
        return (0..<count).map { _ in
            if rng.chance(10) {
                // Another order: a random swap of two checks.
                order.swapAt(rng.below(order.count), rng.below(order.count))
            }
            var list = order
            if rng.chance(10) { list.remove(at: rng.below(list.count)) }
            if rng.chance(5) { list.append("extra.\(rng.below(3))") }
            if rng.chance(3) { list = [] }
            var c = Crossing(entry: rng.chance(90) ? .syscall : .int80)
            c.checks = list.map { Check(name: $0, ok: !rng.chance(4), expected: "", actual: "") }
            if rng.chance(30) {
                // A compact verdict: passing checks counted, failures listed.
                c.passed = c.checks.filter(\.ok).count
                c.checks = c.checks.filter { !$0.ok }
            }
            return c
        }
    }

    func testCheckNameTallyCountsAsADictionaryWould() {
        for seed in 1...5 as ClosedRange<UInt64> {
            let list = Self.crossings(seed: seed, count: 2000)
            var tally = CheckNameTally()
            var plain: [String: (passed: Int, failed: Int)] = [:]
            var firstSeen: [String] = []
            for c in list {
                tally.add(c.checks)
                for ch in c.checks {
                    if plain[ch.name] == nil { firstSeen.append(ch.name) }
                    var t = plain[ch.name] ?? (0, 0)
                    if ch.ok { t.passed += 1 } else { t.failed += 1 }
                    plain[ch.name] = t
                }
            }
            XCTAssertEqual(tally.entries.map(\.name), firstSeen, "seed \(seed)")
            for (name, counts) in tally.entries {
                XCTAssertEqual(counts.passed, plain[name]?.passed, "seed \(seed) \(name)")
                XCTAssertEqual(counts.failed, plain[name]?.failed, "seed \(seed) \(name)")
            }
        }
    }

    func testVerdictsAgreeExactlyWhenTheirSummariesAreEqual() {
        let list = Self.crossings(seed: 9, count: 300)
        var agreeing = 0, differing = 0
        for (i, a) in list.enumerated() {
            for b in list[i...].prefix(40) {
                let fast = CrossingCheckTally.Verdict.agree(a, b)
                XCTAssertEqual(fast, CrossingCheckTally.Verdict(a) == CrossingCheckTally.Verdict(b), "\(a) \(b)")
                XCTAssertEqual(fast, CrossingCheckTally.Verdict.agree(b, a))
                if fast { agreeing += 1 } else { differing += 1 }
            }
        }
        XCTAssertGreaterThan(agreeing, 100, "the sample has verdicts that agree")
        XCTAssertGreaterThan(differing, 100, "and verdicts that differ")
    }

    /// Keys are matched in place; a key spelled with escapes or holding bytes beyond ASCII takes the String
    /// path, and every line reads as JSONDecoder reads it.
    func testKeysWithEscapesOrBeyondASCIIReadAsJSONDecoderReadsThem() throws {
        let lines = [
            #"{"type":"exit","pid":1,"tid":2,"code":0,"timeNs":3}"#,
            #"{"type":"exit","p\u0069d":1,"tid":2,"code":0,"timeNs":3}"#,
            #"{"\u0074ype":"exit","pid":1,"tid":2,"code":0,"timeNs":3}"#,
            #"{"type":"exit","pid":1,"tid":2,"code":0,"timeNs":3,"é":1}"#,
            #"{"type":"exit","pid":1,"tid":2,"code":0,"timeNs":3,"\u00e9":[1,{"a":2}]}"#,
            #"{"type":"exit","pid":1,"tid":2,"code":0,"timeNs":3,"tim\"eNs":4}"#,
            #"{"type":"exit","pid":1,"tid":2,"code":0,"timeNs":3,"":4}"#,
            #"{"type":"exit","pid":1,"tid\u0000":2,"tid":2,"code":0,"timeNs":3}"#,
            #"{"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":1,"name":"write","args":[],"rawArgs":[],"entryNs":0,"strings":{"0":"a","\u0031":"b"}}"#,
            #"{"type":"syscall","pid":1,"tid":1,"abi":"x86_64","nr":1,"name":"write","args":[],"rawArgs":[],"entryNs":0,"strings":{"0":"a","\u0030":"b"}}"#,
        ]
        var readFast = 0
        for line in lines {
            let bytes = Array(line.utf8)
            let ref = FuzzTests.reference(bytes)
            if let fast = FastRecordDecoder.decode(bytes) {
                readFast += 1
                XCTAssertEqual(fast, ref, line)
            }
        }
        XCTAssertEqual(readFast, lines.count - 1, "all but the repeated key (JSONDecoder's rule) read fast")
        // A register key with a NUL after a register's name is not that register (found by the fuzzer).
        let regs = String(decoding: FuzzTests.validLines[0], as: UTF8.self)
        XCTAssertTrue(regs.contains(#""ss":"#))
        for spelled in [#""ss\u0000":"#, #""\u0073s":"#, #""ss ":"#] {
            let line = Array(regs.replacingOccurrences(of: #""ss":"#, with: spelled).utf8)
            let fast = FastRecordDecoder.decode(line)
            XCTAssertEqual(fast, fast == nil ? nil : FuzzTests.reference(line), spelled)
            XCTAssertEqual(fast == nil, FuzzTests.reference(line) == nil, spelled)
        }
        // Invalid UTF-8 in a key is refused, as JSONDecoder refuses it.
        var bad = Array(#"{"type":"exit","pid":1,"tid":2,"code":0,"timeNs":3,"x":1}"#.utf8)
        if let k = bad.firstIndex(of: UInt8(ascii: "x")) { bad[k] = 0xC3 }
        XCTAssertNil(FuzzTests.reference(bad))
        XCTAssertNil(FastRecordDecoder.decode(bad))
        // Every register key is found by its packed name, and a longer or unknown one is not.
        for (i, name) in FastRecordDecoder.Cursor.registerNames.enumerated() {
            let found = Array(name.utf8).withUnsafeBufferPointer { b in
                b.baseAddress.flatMap { FastRecordDecoder.Cursor.registerIndex(FastRecordDecoder.Key(p: $0, n: b.count)) }
            }
            XCTAssertEqual(found, i, name)
        }
        for other in ["r16", "origRaxx", "rip0", "RIP", "fsBasee", "ss\u{0}", "r9\u{0}\u{0}", "\u{0}"] {
            let found = Array(other.utf8).withUnsafeBufferPointer { b in
                b.baseAddress.flatMap { FastRecordDecoder.Cursor.registerIndex(FastRecordDecoder.Key(p: $0, n: b.count)) }
            }
            XCTAssertNil(found, other)
        }
    }
}
