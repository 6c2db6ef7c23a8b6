import Foundation
import Inspector
import StackCross
import StackCrossExport

/// `trace --otlp-endpoint`: passes every record on to the trace's own sink (the -o file) and also
/// turns it into spans with the report's OTLPExporter (one mapping for both), sent while tracing.
///
/// Runs on the trace's output thread. Batches go out when full (OTLPExporter's bound) or at least
/// every `interval` (checked at each record and at the tracer's idle flush tick); the sending itself
/// is OTLPBackgroundSender's, which never blocks: a slow endpoint costs dropped batches, counted.
final class OTLPStreamSink: TraceSink {
    let downstream: TraceSink
    let exporter: OTLPExporter
    let sender: OTLPBackgroundSender
    /// -P/status=/trace-fds=: the calls the file leaves out are not sent either.
    let selection: TraceSelection
    let intervalNs: UInt64
    private var lastSendNs: UInt64
    /// The exporter failed (it cannot with this sink; kept so nothing is silently lost).
    private(set) var exportFailure: String?

    init(downstream: TraceSink, endpoint: OTLPEndpoint, wallClockOffsetNs: Int64, selection: TraceSelection,
         timeout: Double = 10, attempts: Int = 5, interval: Double = 1, maxQueuedBatches: Int = 8) {
        self.downstream = downstream
        self.sender = OTLPBackgroundSender(sink: OTLPHTTPSink(endpoint: endpoint, attempts: attempts, timeout: timeout),
                                           maxQueuedBatches: maxQueuedBatches)
        self.exporter = OTLPExporter(sink: sender, wallClockOffsetNs: wallClockOffsetNs)
        self.selection = selection
        self.intervalNs = UInt64(max(0.01, interval) * 1e9)
        self.lastSendNs = Self.nowNs()
    }

    static func nowNs() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    var wantsCrossings: Bool { downstream.wantsCrossings }
    var crossingDetail: CrossingDetail { downstream.crossingDetail }
    var wantsText: Bool { downstream.wantsText }
    var writeFailure: String? { downstream.writeFailure }

    func syscallEntered(_ record: SyscallRecord) { downstream.syscallEntered(record) }

    func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) {
        downstream.syscallExited(record, observed: observed)
        if selection.stagesCalls, !selection.selects(record) { return }
        export { try exporter.consume(syscall: record) }
    }

    func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)]) {
        downstream.signal(record, observed: observed, siginfoFields: siginfoFields)
        export { try exporter.consume(.signal(record)) }
    }

    func emit(_ record: TraceRecord) {
        downstream.emit(record)
        export { try exporter.consume(record) }
    }

    func groupStop(pid: Int32, tid: Int32, signal: String) {
        downstream.groupStop(pid: pid, tid: tid, signal: signal)
    }

    /// The tracer is idle (its flush tick) or done: the file's buffer goes out, and the spans when due.
    func flush() {
        downstream.flush()
        sendIfDue()
    }

    private func export(_ body: () throws -> Void) {
        guard exportFailure == nil else { return }
        do { try body() } catch { exportFailure = "\(error)" }
        sendIfDue()
    }

    private func sendIfDue() {
        guard exportFailure == nil, exporter.pendingSpanCount > 0 else { return }
        let now = Self.nowNs()
        guard now &- lastSendNs >= intervalNs else { return }
        lastSendNs = now
        do { try exporter.sendPending() } catch { exportFailure = "\(error)" }
    }

    /// After the trace: the last spans (open process spans end here) go out and the queue drains.
    /// Returns what to say on stderr and whether every span was sent.
    func finish(command: String, traceFile: String) -> (message: String, complete: Bool) {
        if exportFailure == nil {
            do { try exporter.finish() } catch { exportFailure = "\(error)" }
        } else {
            try? sender.finish()
        }
        let t = sender.result
        let made = exporter.spansSent
        if exportFailure == nil, t.spansNotSent == 0, t.spansSent == made {
            return ("\(command): sent \(t.spansSent) spans in \(t.requestsSent) requests to \(sender.endpoint)\n", true)
        }
        var lines = ""
        if let e = t.firstError { lines += "\(command): \(e)\n" }
        if let e = exportFailure { lines += "\(command): otlp: \(e)\n" }
        var why: [String] = []
        if t.spansDropped > 0 {
            why.append("\(t.spansDropped) dropped in \(t.batchesDropped) batches because the endpoint was slower than the trace")
        }
        if t.spansFailed > 0 { why.append("\(t.spansFailed) not accepted by the endpoint") }
        if exportFailure != nil { why.append("the rest not made") }
        lines += "\(command): \(max(0, made - t.spansSent)) of \(made) spans not sent to \(sender.endpoint)"
            + (why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")")
            + "; the trace \(traceFile) is complete: send it again with `stackcross report \(traceFile) --otlp-endpoint URL`\n"
        return (lines, false)
    }
}
