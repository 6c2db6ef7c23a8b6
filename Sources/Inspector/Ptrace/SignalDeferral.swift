import CStackCross
import Glibc

/// SIGINT, SIGTERM and SIGHUP held back while stackcross holds tracees: the handlers (in C, async-
/// signal-safe) only record the first of them and wake the tracer thread, which must detach before it
/// acts on it. The one deferral behind `attach` and `trace`.
public struct SignalDeferral {
    /// Installs the handlers; the calling thread becomes the one other threads forward these signals
    /// to. With `wakeEveryMs` > 0 a periodic SIGALRM also wakes a blocked wait (the trace's flush tick).
    public init(wakeEveryMs: Int32 = 0) throws(PtraceError) {
        if sc_install_tracer_signals(wakeEveryMs) != 0 {
            throw PtraceError.failed(request: "sigaction", tid: sc_gettid(), errno: errno)
        }
    }

    /// The first deferred signal since the last call (then cleared), or nil.
    public func take() -> Int32? {
        let s = sc_tracer_take_stop_signal()
        return s == 0 ? nil : s
    }

    /// Restores the default dispositions; a signal still deferred is raised again with them.
    public func end(reraise: Bool = true) {
        let s = take()
        sc_restore_tracer_signals()
        if reraise, let s { raise(s) }
    }

    /// Runs `body` with the signals deferred, then raises a deferred one with its default action.
    public static func run<T>(_ body: () throws -> T) throws -> T {
        let d = try SignalDeferral()
        defer { d.end() }
        return try body()
    }
}
