/// Verdicts of whole records, made the same way live and by `stackcross check`.
extension KernelStackModel {
    /// A syscall record's crossing: the entry stop's checks followed by the exit stop's.
    public func crossing(for call: SyscallObservations, detail: CrossingDetail = .all) -> Crossing? {
        let entry = call.entry.map { crossing(for: $0, detail: detail) }
        let exit = call.exit.map { crossing(for: $0, detail: detail) }
        guard var c = entry else { return exit }
        if let x = exit { c.append(x) }
        return c
    }

    /// A signal record's crossing: the delivery's checks, and the handler entry's when stepped into.
    public func crossing(for signal: SignalObservations, detail: CrossingDetail = .all) -> Crossing {
        let delivery = crossing(for: signal.delivery, detail: detail)
        guard let h = signal.handlerEntry else { return delivery }
        return Self.withHandlerEntry(delivery, crossing(for: h, detail: detail))
    }

    /// The delivery's crossing with the handler entry's checks added (`handler.` before the model's names
    /// that are not the frame's own `signal.` checks) and its phase extended.
    public static func withHandlerEntry(_ delivery: Crossing?, _ handler: Crossing) -> Crossing {
        var crossing = delivery ?? Crossing(entry: .signal)
        var renamed = handler
        renamed.checks = handler.checks.map { ch in
            var ch = ch
            if !ch.name.hasPrefix("signal.") { ch.name = "handler." + ch.name }
            return ch
        }
        crossing.append(renamed)
        crossing.phase = .signalDeliveryAndHandlerEntry
        return crossing
    }
}
