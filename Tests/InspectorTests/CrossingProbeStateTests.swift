import Foundation
import Logging
import StackCross
import XCTest
@testable import Inspector

/// A sink that only counts: the probe's state is what this test looks at.
final class CountingSink: TraceSink {
    var calls: [String: Int] = [:]
    var wantsCrossings: Bool { true }
    var wantsText: Bool { false }
    func syscallEntered(_ record: SyscallRecord) {}
    func syscallExited(_ record: SyscallRecord, returnText: String?) { calls[record.name, default: 0] += 1 }
    func signal(_ record: SignalRecord, siginfoFields: [(String, String)]) {}
    func emit(_ record: TraceRecord) {}
    func flush() {}
}

/// The crossing probe keeps per-task state (entry arch, /proc/TID/stack descriptors, sigaltstacks…):
/// a trace of a program that makes many threads must not keep it for threads long gone.
final class CrossingProbeStateTests: XCTestCase {
    func testProbeStateStaysBoundedOverManyShortLivedThreads() throws {
        let bin = try fixture("short_threads")
        let threads = 200
        var options = TraceOptions()
        options.followForks = true
        let probe = CrossingProbe(model: KernelStackModel(), readKernelStack: true, stepIntoHandlers: false)
        var hooks = TraceHooks()
        probe.install(into: &hooks)
        // Sampled at every stop, after the probe's own work there.
        var most = 0
        let probeObserve = hooks.observe
        hooks.observe = { pid, tid, obs in
            probeObserve?(pid, tid, &obs)
            most = max(most, probe.stateCount)
        }
        let sink = CountingSink()
        let tracer = SyscallTracer(options: options, sink: sink, hooks: hooks, logger: Logger(label: "test"))
        let outcome = try tracer.run(.program(bin.path, [bin.path, String(threads)]))
        print("probe state at most \(most)")
        XCTAssertEqual(outcome.exitStatus, 0)
        XCTAssertEqual(sink.calls["gettid"], threads, "every thread was traced")
        // At most five tasks live at once (main and four workers), a handful of entries each.
        XCTAssertLessThan(most, 50, "probe state grew with the number of threads ever made")
        XCTAssertGreaterThan(most, 0, "the probe kept no state at all: the bound above proves nothing")
        XCTAssertEqual(probe.stateCount, 0, "every task and the process are gone")
    }
}
