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
        let probe = CrossingProbe(readKernelStack: true, stepIntoHandlers: false)
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

/// The probe's cost per new process (#12): a forked child's address space is its parent's copy, so the
/// probe reads no /proc/TID/maps for it, and the probe never makes the tracer wait for the kernel model.
final class CrossingProbeForkTests: XCTestCase {
    /// A sink that judges nothing: only the probe could load the model.
    final class PlainSink: TraceSink {
        var wantsCrossings: Bool { false }
        var wantsText: Bool { false }
        func syscallEntered(_ record: SyscallRecord) {}
        func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) {}
        func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)]) {}
        func emit(_ record: TraceRecord) {}
        func flush() {}
    }

    func trace(_ argv: [String], probe: CrossingProbe, model: TraceModelLoader? = nil) throws -> TraceOutcome {
        var options = TraceOptions()
        options.followForks = true
        if let model { options.model = model }
        let tracer = SyscallTracer(options: options, sink: PlainSink(), extensions: [probe], logger: Logger(label: "test"))
        return try tracer.run(.program(argv[0], argv))
    }

    func testForkedChildrenInheritTheParentsMaps() throws {
        let children = 40
        let probe = CrossingProbe(readKernelStack: false, stepIntoHandlers: false)
        // stress_forks exits 3 by design; every fourth child forks a grandchild (50 processes in all).
        let outcome = try trace([try fixture("stress_forks").path, String(children)], probe: probe)
        XCTAssertEqual(outcome.exitStatus, 3)
        print("maps reads \(probe.mapsReads) for \(children + children / 4 + 1) processes")
        XCTAssertGreaterThan(probe.mapsReads, 0, "the parent's maps are read")
        XCTAssertLessThan(probe.mapsReads, children / 2, "a read per forked child")
    }

    func testTheProbeNeverLoadsTheModel() throws {
        let loads = NSLock()
        var loaded = 0
        let model = TraceModelLoader {
            loads.lock(); loaded += 1; loads.unlock()
            return KernelStackModel()
        }
        let probe = CrossingProbe(readKernelStack: false, stepIntoHandlers: true)
        let outcome = try trace([try fixture("trace_signals").path], probe: probe, model: model)
        XCTAssertEqual(outcome.exitStatus, 0)
        loads.lock(); defer { loads.unlock() }
        XCTAssertEqual(loaded, 0, "the tracer thread waited for the kernel's config")
    }
}
