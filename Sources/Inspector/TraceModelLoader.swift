import Foundation
import StackCross

/// The kernel-stack model for a trace, with its configuration read on a background thread from the
/// start: reading and parsing the kernel's config takes milliseconds that would otherwise delay the
/// traced program's start. Whoever needs the model first waits for it; a trace that never judges a
/// crossing never waits.
public final class TraceModelLoader: @unchecked Sendable {
    private let cond = NSCondition()
    private var loaded: KernelStackModel?

    /// Starts `load` on a background thread.
    public init(_ load: @escaping @Sendable () -> KernelStackModel) {
        let t = Thread { [self] in
            let m = load()
            cond.lock()
            loaded = m
            cond.broadcast()
            cond.unlock()
        }
        t.name = "stackcross-kernel-config"
        t.start()
    }

    /// An already-known model.
    public init(model: KernelStackModel) { loaded = model }

    /// The model, waiting for the background load if it has not finished.
    public var model: KernelStackModel {
        cond.lock()
        defer { cond.unlock() }
        while loaded == nil { cond.wait() }
        return loaded!
    }
}
