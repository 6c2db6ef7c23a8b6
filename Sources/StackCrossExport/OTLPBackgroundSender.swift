import Foundation

/// Sends OTLP batches from a thread of its own, so that whoever makes them (the trace's output
/// thread, which the tracer waits on) never waits on the network. The queue is bounded: a batch that
/// finds it full is dropped and counted, never waited for.
///
/// When a batch fails for good (the sink gave up after its retries) the endpoint counts as down: the
/// next batches get one try each until one gets through, and once `finish()` has been called the
/// rest of the queue is dropped as not sent, so a dead endpoint costs one retry cycle, not one per batch.
public final class OTLPBackgroundSender: OTLPBatchSink, @unchecked Sendable {
    /// What became of the spans handed over so far.
    public struct Tally: Sendable {
        public var spansSent = 0
        public var requestsSent = 0
        /// Dropped because the queue was full (the endpoint was slower than the trace).
        public var spansDropped = 0
        public var batchesDropped = 0
        /// Sent but refused, or the endpoint was down.
        public var spansFailed = 0
        /// The first reason a batch could not be sent.
        public var firstError: String?
        public var spansNotSent: Int { spansDropped + spansFailed }
    }

    private let sink: OTLPHTTPSink
    private let maxQueuedBatches: Int
    private let cond = NSCondition()
    private var queue: [(bytes: [UInt8], spans: Int)] = []
    private var closing = false
    private var done = false
    private var tally = Tally()

    public init(sink: OTLPHTTPSink, maxQueuedBatches: Int = 8) {
        self.sink = sink
        self.maxQueuedBatches = max(1, maxQueuedBatches)
        let t = Thread { [self] in run() }
        t.name = "stackcross-otlp"
        t.start()
    }

    public var endpoint: OTLPEndpoint { sink.endpoint }

    /// Never blocks: queues the batch, or drops it when the queue is full.
    public func send(_ request: [UInt8], spans: Int) throws {
        cond.lock()
        defer { cond.unlock() }
        guard !closing, queue.count < maxQueuedBatches else {
            tally.batchesDropped += 1
            tally.spansDropped += spans
            return
        }
        queue.append((request, spans))
        cond.broadcast()
    }

    /// Sends what is queued (or drops it once the endpoint is down) and stops the thread.
    public func finish() throws {
        cond.lock()
        closing = true
        cond.broadcast()
        while !done { cond.wait() }
        cond.unlock()
    }

    public var result: Tally {
        cond.lock()
        defer { cond.unlock() }
        return tally
    }

    private func run() {
        let attempts = sink.attempts
        var down = false
        while true {
            cond.lock()
            while queue.isEmpty && !closing { cond.wait() }
            guard !queue.isEmpty else {
                done = true
                cond.broadcast()
                cond.unlock()
                return
            }
            let batch = queue.removeFirst()
            let giveUp = closing && down
            if giveUp { tally.spansFailed += batch.spans }
            cond.unlock()
            if giveUp { continue }
            var failure: String?
            do {
                try sink.send(batch.bytes, spans: batch.spans)
            } catch {
                failure = (error as? OTLPExportError)?.description ?? "\(error)"
            }
            // One try per batch while the endpoint is down; the configured retries again once it answers.
            down = failure != nil
            sink.attempts = down ? 1 : attempts
            cond.lock()
            if let failure {
                tally.spansFailed += batch.spans
                if tally.firstError == nil { tally.firstError = failure }
            } else {
                tally.spansSent += batch.spans
                tally.requestsSent += 1
            }
            cond.unlock()
        }
    }
}
