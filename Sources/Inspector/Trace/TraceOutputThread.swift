import Foundation
import StackCross

/// A reported call, boxed from its entry stop on: the tracer fills in its exit in place and hands the
/// box to the output thread, so neither step copies the record (about a kilobyte).
final class ReportedCall: @unchecked Sendable {
    var record: SyscallRecord
    var entry: StopObservation?
    var exit: StopObservation?
    init(_ record: SyscallRecord, entry: StopObservation? = nil, exit: StopObservation? = nil) {
        self.record = record; self.entry = entry; self.exit = exit
    }

    /// An entry stop's record, made in its box: a record made first and handed in was copied into it and
    /// the original destroyed (a retain and a release of each of its strings and arrays, at every call).
    init(pid: Int32, tid: Int32, abi: SyscallABI, nr: Int64, name: String, args: [String], rawArgs: [Address],
         strings: [String: TraceeString]?, entryNs: UInt64, entryRegs: Registers) {
        record = SyscallRecord(pid: pid, tid: tid, abi: abi, nr: nr, name: name, args: args, rawArgs: rawArgs,
                               strings: strings, entryNs: entryNs, entryRegs: entryRegs)
    }

    /// Lends the record to `body` without copying it out of the box: it is swapped with an empty one for
    /// the call and back after (reading `record` itself for a call copies it, retaining each of its parts).
    func lendRecord(_ body: (SyscallRecord) -> Void) {
        var r = Self.empty
        swap(&r, &record)
        body(r)
        swap(&r, &record)
    }

    private static let empty = SyscallRecord(pid: 0, tid: 0, abi: .x86_64, nr: 0, name: "", args: [], rawArgs: [], entryNs: 0)
}

/// One piece of finished tracer work, handed to the output thread in order.
enum TraceWork: @unchecked Sendable {
    // The record-carrying cases are boxed: a TraceWork is then a few words, not a kilobyte copied at
    // every append and read.
    /// A reported call entered (for live lines only).
    indirect case entered(SyscallRecord)
    /// A call is done (or its task died inside it: no exit observation). The crossings are judged here.
    case exited(ReportedCall)
    indirect case signal(SignalRecord, siginfoFields: [(String, String)], stops: SignalObservations?)
    indirect case record(TraceRecord)
    case groupStop(pid: Int32, tid: Int32, signal: String)
    case flush
}

/// The trace's second thread: judges crossings with the model, formats and writes records, while the
/// tracer thread does only what needs the stopped task. On a machine with a core to spare this work
/// overlaps the ptrace round trips. The queue is bounded (the tracer waits when it is full), so memory
/// stays flat however long the trace.
final class TraceOutputThread: @unchecked Sendable {
    let sink: TraceSink
    let models: TraceModelLoader
    /// Fetched at the first crossing judged (the loader may still be reading the kernel's config).
    private lazy var model: KernelStackModel = models.model
    /// Whether records carry crossings (JSON does; lines and -c do not show them).
    let judgeCrossings: Bool
    let crossingDetail: CrossingDetail
    /// Read and changed by the output thread only.
    private var repeatedCalls = RepeatedCallJudge()
    /// `StopObservation.recorded()` for every judged stop, without a new array per stop.
    private let recordedMaps = RecordedMaps()

    private let cond = NSCondition()
    private var queue: [[TraceWork]] = []
    private var closed = false
    private var finished = false
    /// The sink's write failure, seen by the output thread after a batch (under `cond`).
    private var failed: String?
    /// Tracer thread: `failed` as of the last hand-over; the wait loop stops the trace on it.
    private(set) var failure: String?
    /// Filled by the tracer thread only, handed over whole.
    private var batch: [TraceWork] = []

    static let batchSize = 256
    static let maxQueuedBatches = 8

    /// No second thread: the tracer does the output work itself, a batch at a time. Chosen when the tracer
    /// may run on one CPU only: there a second thread overlaps nothing, and handing batches over (the
    /// queue's lock and wake-ups, frees of memory the other thread allocated) only adds work.
    let inline: Bool

    init(sink: TraceSink, model: TraceModelLoader, inline: Bool = false) {
        self.sink = sink
        self.models = model
        self.judgeCrossings = sink.wantsCrossings
        self.crossingDetail = sink.crossingDetail
        self.inline = inline
        batch.reserveCapacity(Self.batchSize)
    }

    func start() {
        if inline { return }
        let t = Thread { [self] in run() }
        t.name = "stackcross-output"
        t.start()
    }

    /// Tracer thread: queue one piece of work.
    func submit(_ w: TraceWork) {
        batch.append(w)
        if batch.count >= Self.batchSize { handOver() }
    }

    /// Tracer thread: write out everything so far (the tracer is idle or about to report).
    func flush() {
        submit(.flush)
        handOver()
    }

    /// Tracer thread: drain, stop the output thread and wait for it.
    func finish() {
        flush()
        if inline { return }
        cond.lock()
        closed = true
        cond.broadcast()
        while !finished { cond.wait() }
        cond.unlock()
    }

    private func handOver() {
        guard !batch.isEmpty else { return }
        if inline {
            processBatchHere()
            return
        }
        cond.lock()
        while queue.count >= Self.maxQueuedBatches { cond.wait() }
        queue.append(batch)
        failure = failed
        cond.broadcast()
        cond.unlock()
        batch = []
        batch.reserveCapacity(Self.batchSize)
    }

    /// Without the thread: the batch is judged and written by the tracer, in one go as the thread would
    /// (a batch at a time, not a record at each stop: the tracee then runs between bursts, as with the
    /// thread, and a program racing its own fast timer is not slowed at every stop; see timer_fork).
    private func processBatchHere() {
        // After a failed write the rest is dropped, as the thread does; the wait loop stops on `failure`.
        if failure == nil {
            for w in batch {
                process(w)
                if let f = sink.writeFailure {
                    failure = f
                    break
                }
            }
        }
        batch.removeAll(keepingCapacity: true)
    }

    private func run() {
        while true {
            cond.lock()
            while queue.isEmpty && !closed { cond.wait() }
            if queue.isEmpty && closed {
                finished = true
                cond.broadcast()
                cond.unlock()
                return
            }
            let work = queue
            queue.removeAll(keepingCapacity: true)
            // After a failed write the rest is dropped: the tracer stops at its next hand-over.
            let dropping = failed != nil
            cond.broadcast()
            cond.unlock()
            guard !dropping else { continue }
            for b in work {
                for w in b { process(w) }
                if let f = sink.writeFailure {
                    cond.lock()
                    failed = f
                    cond.unlock()
                    break
                }
            }
        }
    }

    private func process(_ w: TraceWork) {
        switch w {
        case .entered(let rec):
            sink.syscallEntered(rec)
        case .exited(let call):
            guard judgeCrossings else {
                call.lendRecord { sink.syscallExited($0, observed: nil) }
                return
            }
            // The model judges the observations as the record keeps them, so `stackcross check` judging the
            // file sees the same input. The crossing goes into the box for the write and out again right
            // after: its checks are then freed while they are hot, and the record is not copied.
            // Taken out of the box and put back: the only reference to each observation, so nothing is copied.
            if var e = call.entry.take() { recordedMaps.record(&e); call.entry = e }
            if var x = call.exit.take() { recordedMaps.record(&x); call.exit = x }
            let observed = SyscallObservations(entry: call.entry, exit: call.exit)
            // The compact verdict of a call the thread makes again is the last one's (RepeatedCallJudge says when;
            // the model is fetched only for a call it judges in full).
            call.record.crossing = crossingDetail == .failures ? repeatedCalls.crossing(for: observed, model: self.model)
                : model.crossing(for: observed, detail: crossingDetail)
            call.lendRecord { sink.syscallExited($0, observed: observed) }
            call.record.crossing = nil
        case .signal(var rec, let fields, let stops):
            var observed: SignalObservations?
            if let stops, judgeCrossings {
                var o = stops
                recordedMaps.record(&o.delivery)
                if var h = o.handlerEntry.take() { recordedMaps.record(&h); o.handlerEntry = h }
                rec.crossing = model.crossing(for: o, detail: crossingDetail)
                observed = o
            }
            sink.signal(rec, observed: observed, siginfoFields: fields)
        case .record(let r):
            sink.emit(r)
        case .groupStop(let pid, let tid, let signal):
            sink.groupStop(pid: pid, tid: tid, signal: signal)
        case .flush:
            sink.flush()
        }
    }
}
