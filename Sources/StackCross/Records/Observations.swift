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
}
