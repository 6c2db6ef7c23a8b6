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
    func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) { calls[record.name, default: 0] += 1 }
    func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)]) {}
    func emit(_ record: TraceRecord) {}
    func flush() {}
}

/// An extension that samples a state count at every syscall entry, after the extensions before it.
final class PeakSampler: TraceExtension {
    let state: () -> Int
    var most = 0
    init(_ state: @escaping () -> Int) { self.state = state }
    func syscallEntered(_ record: inout SyscallRecord, at stop: TaskStop) { most = max(most, state()) }
}

/// Traces `argv` (following forks) in this process with `extensions` and `sink`; returns the outcome and
/// the largest value `state` had right after the extensions of any syscall entry ran (tests that per-task
/// or per-process state stays bounded over many short-lived tasks).
func traceSamplingPeak(_ argv: [String], sink: TraceSink, extensions: [TraceExtension],
                       state: @escaping () -> Int) throws -> (outcome: TraceOutcome, most: Int) {
    let sampler = PeakSampler(state)
    var options = TraceOptions()
    options.followForks = true
    let tracer = SyscallTracer(options: options, sink: sink, extensions: extensions + [sampler], logger: Logger(label: "test"))
    let outcome = try tracer.run(.program(argv[0], argv))
    return (outcome, sampler.most)
}

/// The crossing probe keeps per-task state (entry arch, /proc/TID/stack descriptors, sigaltstacks…):
/// a trace of a program that makes many threads must not keep it for threads long gone.
final class CrossingProbeStateTests: XCTestCase {
    func testProbeStateStaysBoundedOverManyShortLivedThreads() throws {
        let bin = try fixture("short_threads")
        let threads = 200
        let probe = CrossingProbe(model: KernelStackModel(), readKernelStack: true, stepIntoHandlers: false)
        let sink = CountingSink()
        // Sampled at every entry stop, after the probe's own work there.
        let (outcome, most) = try traceSamplingPeak([bin.path, String(threads)], sink: sink, extensions: [probe]) { probe.stateCount }
        print("probe state at most \(most)")
        XCTAssertEqual(outcome.exitStatus, 0)
        XCTAssertEqual(sink.calls["gettid"], threads, "every thread was traced")
        // At most five tasks live at once (main and four workers), a handful of entries each.
        XCTAssertLessThan(most, 50, "probe state grew with the number of threads ever made")
        XCTAssertGreaterThan(most, 0, "the probe kept no state at all: the bound above proves nothing")
        XCTAssertEqual(probe.stateCount, 0, "every task and the process are gone")
    }
}
