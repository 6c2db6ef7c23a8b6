import Foundation
import StackCross

/// The kernel-stack model for a trace, made at its first use: reading and parsing the kernel's config
/// takes milliseconds, which a trace that never judges a crossing (say, -e trace=reboot) never pays.
/// Safe to use from the tracer and the output thread.
public final class TraceModelLoader: @unchecked Sendable {
    private let lock = NSLock()
    private var load: (() -> KernelStackModel)?
    private var loaded: KernelStackModel?

    public init(_ load: @escaping () -> KernelStackModel) { self.load = load }

    /// An already-known model.
    public init(model: KernelStackModel) { loaded = model }

    public var model: KernelStackModel {
        lock.lock()
        defer { lock.unlock() }
        if let m = loaded { return m }
        let m = load!()
        loaded = m
        load = nil
        return m
    }
}
