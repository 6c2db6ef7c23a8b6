import XCTest
@testable import StackCross

/// The live trace keeps a record's mappings with `RecordedMaps` (one array shared by stop after stop) and
/// the writer knows a shared array's ids without hashing it: both must give exactly what the plain
/// `recorded()` and a fresh array per stop give.
final class SharedMapsTests: XCTestCase {
    /// A /proc-like map: sorted, with the vDSO among anonymous and file mappings.
    static func fullMap(_ rng: inout SplitMix64) -> [MemoryMapping] {
        let paths = ["/bin/p", "/bin/p", "", "[heap]", "/lib/libc.so.6", "", "[stack]", "[vdso]", "[vvar]"]
        return paths.enumerated().compactMap { i, p in
            guard rng.chance(85) || p == "[stack]" else { return nil }
            let start = UInt64(0x10_000 * (i + 1))
            return MemoryMapping(start: Address(start), end: Address(start + 0x8000), perms: i % 2 == 0 ? "r-xp" : "rw-p",
                                 offset: 0, inode: UInt64(i), path: p)
        }
    }

    /// Stops of one process: the same map array for many stops, now and then a new one; sp, ip and a
    /// handler's return address anywhere (in a mapping, between mappings, only in the low 32 bits).
    static func stops(seed: UInt64, count: Int) -> [StopObservation] {
        var rng = SplitMix64(seed: seed)
        var full = fullMap(&rng)
        func address() -> Address { Address(UInt64(rng.below(10 * 0x10_000))) }
        return (0..<count).map { _ in
            if rng.chance(10) { full = fullMap(&rng) }
            var regs = Registers(values: (0..<27).map { _ in 0 })
            regs.rsp = address(); regs.rip = address()
            var o = StopObservation(kind: .syscallEntry, tid: 1, regs: regs, maps: rng.chance(95) ? full : [full[0]])
            if rng.chance(20) { o.handlerStackWords = [rng.chance(50) ? address().rawValue : (0xFFFF_0000_0000 | address().rawValue), 7] }
            return o
        }
    }

    func testRecordedMapsKeepWhatRecordedKeeps() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let cache = RecordedMaps()
            for (i, o) in Self.stops(seed: seed, count: 300).enumerated() {
                var kept = o
                cache.record(&kept)
                XCTAssertEqual(kept.maps, o.recorded().maps, "seed \(seed) stop \(i)")
            }
        }
    }

    /// Stops whose sp and ip mostly stay in the mappings of the stop before, as a loop of calls makes them
    /// (`RecordedMaps` then keeps the last list without a pass over the map), in maps whose mappings are
    /// disjoint or (synthetic) overlap: still what `recorded()` keeps.
    func testStopsThatStayInTheirMappingsKeepWhatRecordedKeeps() {
        for seed in 1...30 as ClosedRange<UInt64> {
            var rng = SplitMix64(seed: seed)
            func map() -> [MemoryMapping] {
                var m = Self.fullMap(&rng)
                if rng.chance(30) {
                    let s = m[rng.below(m.count)].start.rawValue + 0x4000
                    m.insert(MemoryMapping(start: Address(s), end: Address(s + 0x10_000), perms: "rw-p", offset: 0, inode: 0, path: "/o"),
                             at: rng.below(m.count + 1))
                }
                return m
            }
            var full = map()
            func near(_ a: Address) -> Address { Address(a.rawValue &+ UInt64(rng.below(0x3000)) &- 0x1800) }
            func anywhere() -> Address { Address(UInt64(rng.below(10 * 0x10_000))) }
            var regs = Registers(values: (0..<27).map { _ in 0 })
            regs.rsp = anywhere(); regs.rip = anywhere()
            let cache = RecordedMaps()
            for i in 0..<400 {
                if rng.chance(3) { full = map() }
                regs.rsp = rng.chance(8) ? anywhere() : near(regs.rsp)
                regs.rip = rng.chance(8) ? anywhere() : near(regs.rip)
                var o = StopObservation(kind: .syscallEntry, tid: 1, regs: regs, maps: full)
                if rng.chance(5) { o.handlerStackWords = [anywhere().rawValue] }
                var kept = o
                cache.record(&kept)
                XCTAssertEqual(kept.maps, o.recorded().maps, "seed \(seed) stop \(i)")
            }
        }
    }

    func testKeptArrayIsSharedWhileTheSameMappingsAreKept() {
        var rng = SplitMix64(seed: 3)
        let full = Self.fullMap(&rng)
        let stack = full.first { $0.path == "[stack]" }!
        var regs = Registers(values: (0..<27).map { _ in 0 })
        regs.rsp = stack.start; regs.rip = full[0].start
        let cache = RecordedMaps()
        var a = StopObservation(kind: .syscallEntry, tid: 1, regs: regs, maps: full)
        var b = a
        b.regs.rsp = Address(stack.start.rawValue + 8)
        cache.record(&a); cache.record(&b)
        XCTAssertTrue(RecordedMaps.sameStorage(a.maps!, b.maps!))
    }

    /// Each observation's maps as a fresh array (the writer hashes every mapping), or with equal lists
    /// sharing one array (the writer takes the previous ids): the same bytes, also when the intern tables
    /// start over (small capacity).
    func testSharedMapArraysGiveTheSameBytes() {
        for seed in 1...12 as ClosedRange<UInt64> {
            let trace = TraceWriterTests.trace(seed: seed, count: 400)
            var canonical: [[MemoryMapping]] = []
            func shared(_ o: StopObservation?) -> StopObservation? {
                guard var o, let m = o.maps else { return o }
                if let c = canonical.first(where: { $0 == m }) { o.maps = c } else { canonical.append(m) }
                return o
            }
            func fresh(_ o: StopObservation?) -> StopObservation? {
                guard var o, let m = o.maps else { return o }
                o.maps = m.map { $0 }
                return o
            }
            func mapped(_ f: (StopObservation?) -> StopObservation?) -> [(TraceRecord, SyscallObservations?, SignalObservations?)] {
                trace.map { r, so, go in
                    (r, so.map { SyscallObservations(entry: f($0.entry), exit: f($0.exit)) },
                     go.map { SignalObservations(delivery: f($0.delivery)!, handlerEntry: f($0.handlerEntry)) })
                }
            }
            for capacity in [3, 1 << 14] {
                var options = TraceWriterOptions()
                options.internCapacity = capacity
                let a = TraceWriterTests.write(mapped(fresh), options)
                let b = TraceWriterTests.write(mapped(shared), options)
                XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self), "seed \(seed) capacity \(capacity)")
            }
        }
    }
}
