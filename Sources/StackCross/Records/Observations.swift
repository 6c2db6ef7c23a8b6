/// What a record keeps of its stops so that the model can judge them again, now or years later:
/// the observations, never the verdict's prose. The live trace judges exactly these values (after
/// `recorded()`), and `stackcross check` judges them again from the file, so both see the same input.
public struct SyscallObservations: Sendable {
    /// The entry stop; nil for a call seen only at its exit (the first stop after attaching).
    public var entry: StopObservation?
    /// The exit stop; nil when the task died inside the call.
    public var exit: StopObservation?
    public init(entry: StopObservation?, exit: StopObservation?) { self.entry = entry; self.exit = exit }
}

/// A signal's stops: its delivery, and its handler's first instruction when trace stepped into it.
public struct SignalObservations: Sendable {
    public var delivery: StopObservation
    public var handlerEntry: StopObservation?
    public init(delivery: StopObservation, handlerEntry: StopObservation? = nil) {
        self.delivery = delivery; self.handlerEntry = handlerEntry
    }
}

extension StopObservation {
    /// This observation as a record keeps it: of the process's mappings only those the model can ask
    /// about (under sp and ip, under the signal frame's return address, and the vDSO). Every lookup the
    /// judge makes finds the same mapping (or none) in the kept list as in the whole map.
    public func recorded() -> StopObservation {
        guard let maps, maps.count > 1 else { return self }
        var probes: [Address] = [regs.rsp, regs.rip]
        if let w = handlerStackWords?.first { probes.append(Address(w)); probes.append(Address(w & 0xFFFF_FFFF)) }
        var copy = self
        copy.maps = maps.filter { m in m.path == "[vdso]" || probes.contains { m.contains($0) } }
        return copy
    }

    /// The addresses whose mappings a record keeps (besides the vDSO): sp, ip, the signal frame's return address.
    var mappingProbes: (UInt64, UInt64, UInt64?) {
        (regs.rsp.rawValue, regs.rip.rawValue, handlerStackWords?.first)
    }
}

/// `recorded()` for a stream of stops, in place and without a new array per stop: the tracer hands every
/// stop of a process the same map (one array until it re-reads /proc), and the kept mappings are mostly the
/// same ones, so the kept array of the previous stop is given again (the writer then knows their ids by it).
public final class RecordedMaps {
    /// The last full map seen, held so that its storage (its identity) is not reused by another array.
    private var full: [MemoryMapping] = []
    private var isVdso: [Bool] = []
    /// The indices in `full` kept at the last stop, and those mappings.
    private var keptIndices: [Int] = []
    private var kept: [MemoryMapping] = []
    private var scratch: [Int] = []
    /// Whether `full` is in address order with no two mappings overlapping (as /proc/PID/maps is): an address
    /// is then in one of them at most.
    private var disjoint = false
    /// The indices in `full` of the mappings that held sp and ip at the last stop, when that stop had no third
    /// probe and `full` is disjoint: a stop whose sp and ip are still in them keeps what that stop kept.
    private var lastHit: (sp: Int, ip: Int)?

    public init() {}

    /// `obs = obs.recorded()`, with the same mappings in the same order.
    public func record(_ obs: inout StopObservation) {
        guard let maps = obs.maps, maps.count > 1 else { return }
        if !Self.sameStorage(maps, full) {
            full = maps
            isVdso = maps.map { $0.path == "[vdso]" }
            disjoint = maps.allSatisfy { $0.start.rawValue <= $0.end.rawValue }
                && zip(maps, maps.dropFirst()).allSatisfy { $0.end.rawValue <= $1.start.rawValue }
            keptIndices = []
            kept = []
            lastHit = nil
        }
        let (sp, ip, ret) = obs.mappingProbes
        // The pass below keeps the vDSO and the one mapping (in disjoint mappings) that holds sp and ip each:
        // when those are the last stop's, it would keep what it kept then.
        if ret == nil, let h = lastHit, Self.holds(full[h.sp], sp), Self.holds(full[h.ip], ip) {
            obs.maps = kept
            return
        }
        scratch.removeAll(keepingCapacity: true)
        var spAt: Int?, ipAt: Int?
        full.withUnsafeBufferPointer { m in
            for i in m.indices {
                let inSp = Self.holds(m[i], sp), inIp = Self.holds(m[i], ip)
                if inSp { spAt = i }
                if inIp { ipAt = i }
                var keep = isVdso[i] || inSp || inIp
                if !keep, let w = ret {
                    let lo = w & 0xFFFF_FFFF
                    keep = Self.holds(m[i], w) || Self.holds(m[i], lo)
                }
                if keep { scratch.append(i) }
            }
        }
        if scratch != keptIndices {
            swap(&scratch, &keptIndices)
            kept = keptIndices.map { full[$0] }
        }
        if ret == nil, disjoint, let s = spAt, let i = ipAt { lastHit = (s, i) } else { lastHit = nil }
        obs.maps = kept
    }

    @inline(__always)
    static func holds(_ m: MemoryMapping, _ a: UInt64) -> Bool { a >= m.start.rawValue && a < m.end.rawValue }

    static func sameStorage(_ a: [MemoryMapping], _ b: [MemoryMapping]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
    }
}
