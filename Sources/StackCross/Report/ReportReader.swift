import Foundation

/// Something that turns records into one view. The reader calls `consume` for every record
/// of a trace (or once with the snapshot), then `finish` exactly once.
public protocol ReportExporter: AnyObject {
    /// The trace's header (schema 2 traces), before any record.
    func consume(header: TraceHeader) throws
    func consume(_ record: TraceRecord) throws
    func consume(_ snapshot: Snapshot) throws
    func finish() throws
    /// Whether records should carry every check of their crossing, judged again by the model from the
    /// recorded observations (a schema 2 trace keeps only counts and failures).
    var wantsJudgedCrossings: Bool { get }
    /// How much of each crossing judged again the view needs: `.names` for tallies, `.failures` for the
    /// failed checks' texts, `.all` for every check in words.
    var judgedDetail: CrossingDetail { get }
    /// A record, with `fullCrossing` judging its crossing again with every check in words (for a view that
    /// judges at a lower detail and shows only some crossings in full); the record's own crossing when its
    /// stops were not recorded.
    func consume(_ record: TraceRecord, fullCrossing: () -> Crossing?) throws
}

extension ReportExporter {
    public func consume(header: TraceHeader) throws {}
    public var wantsJudgedCrossings: Bool { false }
    public var judgedDetail: CrossingDetail { .all }
    public func consume(_ record: TraceRecord, fullCrossing: () -> Crossing?) throws { try consume(record) }
}

/// Sees every crossing judged again next to its recorded verdict (`stackcross check`). The record it is
/// handed is the one the exporter gets (holding the judged crossing only when the exporter wants judged
/// crossings); `recorded` is the crossing its line held.
public protocol CrossingAudit: AnyObject {
    func judged(line: Int, record: TraceRecord, recorded: Crossing?, judged: Crossing)
    /// How much of each verdict the audit needs (as `ReportExporter.judgedDetail`).
    var judgedDetail: CrossingDetail { get }
}

extension CrossingAudit {
    public var judgedDetail: CrossingDetail { .all }
}

/// A record that could not be read, with the file and line it came from.
public struct ReportInputError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { "\(file):\(line): \(message)" }
}

/// Reads a trace (JSON Lines of TraceRecord) or a snapshot (one JSON object, on one line or
/// pretty-printed) from byte chunks, one line at a time, and hands records to an exporter.
/// Memory holds one line (capped at `maxLineBytes`), never the whole trace; a pretty-printed
/// snapshot is held whole, capped the same way.
public final class ReportReader {
    public static let maxLineBytes = 64 << 20

    private enum Mode { case undecided, trace, snapshotLines, snapshotDone }

    private let file: String
    private let exporter: ReportExporter
    private let decoder = JSONDecoder()
    private var pending: [UInt8] = []
    private var lineNumber = 0
    private var mode = Mode.undecided
    private var snapshotStartLine = 0
    public private(set) var recordCount = 0
    /// Rebuilds whole records from schema 2's deltas and interned records.
    let resolver = TraceResolver()
    /// The model that judges crossings again (from the header's kernel facts), when anyone wants it.
    private var model: KernelStackModel?
    private let judge: Bool
    /// Whether judged crossings replace the recorded ones in the records the exporter gets (an audit alone
    /// needs none: `check`'s records are only counted, and each swap copies a record).
    private let judgedIntoRecords: Bool
    /// What the exporter and the audit need of each verdict: when they differ, everything.
    private let detail: CrossingDetail
    public weak var audit: CrossingAudit?
    /// Crossings judged again (schema 2 records with observations).
    public private(set) var judgedCount = 0

    public init(file: String, exporter: ReportExporter, audit: CrossingAudit? = nil) {
        self.file = file
        self.exporter = exporter
        self.audit = audit
        judge = exporter.wantsJudgedCrossings || audit != nil
        judgedIntoRecords = exporter.wantsJudgedCrossings
        let wanted = (exporter.wantsJudgedCrossings ? [exporter.judgedDetail] : []) + (audit.map { [$0.judgedDetail] } ?? [])
        detail = wanted.dropFirst().allSatisfy { $0 == wanted.first } ? wanted.first ?? .all : .all
    }

    /// The trace's header, once read.
    public private(set) var header: TraceHeader?

    /// Feeds the next chunk of the input.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        let n = chunk.count
        var start = 0
        while start < n {
            // memchr, not a generic slice search: this loop sees every byte of the trace.
            guard let hit = memchr(base + start, 0x0a, n - start) else {
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: n - start))
                if mode != .snapshotLines && pending.count > Self.maxLineBytes {
                    // The lines before it first (one of them may be the first error).
                    try flushBatch()
                    try drainBatches()
                    throw ReportInputError(file: file, line: lineNumber + 1,
                                           message: "line longer than \(Self.maxLineBytes >> 20) MiB")
                }
                return
            }
            let nl = UnsafeRawPointer(hit) - base
            lineNumber += 1
            if pending.isEmpty {
                try line(UnsafeRawBufferPointer(start: base + start, count: nl - start))
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: nl - start))
                let whole = pending
                pending.removeAll(keepingCapacity: pending.count < 1 << 20)
                try whole.withUnsafeBytes { try line($0) }
            }
            start = nl + 1
        }
    }

    public func feed(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try feed($0) } }

    /// Ends the input: the last unterminated line, then the exporter's `finish`.
    public func finish() throws {
        if !pending.isEmpty {
            lineNumber += 1
            let whole = pending
            pending = []
            try whole.withUnsafeBytes { try line($0) }
        }
        try flushBatch()
        try drainBatches()
        switch mode {
        case .undecided:
            throw ReportInputError(file: file, line: max(lineNumber, 1), message: "no records: the input is empty")
        case .snapshotLines:
            let snapshot = try decode(Snapshot.self, snapshotBuffer, line: snapshotStartLine)
            snapshotBuffer = []
            try checkSnapshotType(snapshot, line: snapshotStartLine)
            mode = .snapshotDone
            recordCount += 1
            try exporter.consume(snapshot)
        case .trace, .snapshotDone:
            break
        }
        try exporter.finish()
    }

    private var snapshotBuffer: [UInt8] = []

    // Trace lines are decoded in batches (FastRecordDecoder, JSONDecoder for what it declines, which also
    // words the errors), then handed to the exporter in order; a batch holds at most `batchLines` lines or
    // `batchBytes`. A batch is decoded off this thread while this thread resolves, judges and hands over
    // the batch before it: resolving is serial (deltas and ids refer to earlier lines) and was the longest
    // step, so decoding the next batch beside it uses the other cores.
    // 128 lines: a schema 2 line resolves and is judged into ~20 KB of records, stops and verdicts in flight,
    // and two batches are in flight (256 with the decoding beside it measured 1 MB more peak RSS than one batch
    // of 256 before, on a 100k-record trace; 128 the same RSS as before, at the same speed as 256).
    static let batchLines = 128
    static let batchBytes = 8 << 20
    /// The batch's lines, end to end in one buffer (not one allocation per line), and where each is.
    private var batchText: [UInt8] = []
    private var batch: [(line: Int, start: Int, count: Int)] = []
    private let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
    /// One per judging worker: a thread's repeated plain call takes the verdict of its last one, exactly as the
    /// full judge would give it (`RepeatedCallJudge`; at `.all`, every call is judged in full).
    private lazy var repeatedCalls = [RepeatedCallJudge](repeating: RepeatedCallJudge(detail: detail), count: workers)

    /// A batch handed to a decoding thread: its text, where its lines are, and (once `done`) each line decoded.
    private final class DecodeJob: @unchecked Sendable {
        let text: [UInt8]
        let items: [(line: Int, start: Int, count: Int)]
        var results: [Result<DecodedLine, Error>?]
        let done = DispatchGroup()

        init(text: [UInt8], items: [(line: Int, start: Int, count: Int)]) {
            self.text = text; self.items = items
            results = Array(repeating: nil, count: items.count)
        }

        /// Decodes every line, in `parts` slices on as many threads.
        func decode(parts: Int) {
            let per = (items.count + parts - 1) / parts
            let items = self.items
            text.withUnsafeBytes { text in
                results.withUnsafeMutableBufferPointer { out in
                    DispatchQueue.concurrentPerform(iterations: parts) { p in
                        let decoder = JSONDecoder()
                        for i in p * per ..< min(items.count, (p + 1) * per) {
                            let bytes = UnsafeRawBufferPointer(rebasing: text[items[i].start ..< items[i].start + items[i].count])
                            if let fast = FastRecordDecoder.decodeLine(bytes) {
                                out[i] = .success(fast)
                            } else {
                                out[i] = Result { try ReportReader.fallback(Data(bytes), decoder) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The batch being decoded, not yet handed over.
    private var inFlight: DecodeJob?

    /// Starts decoding the batch read so far, then hands over the one before it.
    private func flushBatch() throws {
        guard !batch.isEmpty else { return }
        let job = DecodeJob(text: batchText, items: batch)
        batch = []
        batch.reserveCapacity(Self.batchLines)
        batchText = []
        // This thread resolves meanwhile: the decoding takes the other cores (one slice on one core).
        let parts = job.items.count < 32 ? 1 : max(1, workers - 1)
        job.done.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            job.decode(parts: parts)
            job.done.leave()
        }
        let previous = inFlight
        inFlight = job
        if let previous { try handOver(previous) }
    }

    /// Hands over the batch still being decoded, if any (the end of the input, or an error of a later line).
    private func drainBatches() throws {
        guard let job = inFlight else { return }
        inFlight = nil
        try handOver(job)
    }

    /// Waits for a batch's decoding, then resolves, judges and hands its records to the exporter in order.
    private func handOver(_ job: DecodeJob) throws {
        job.done.wait()
        let items = job.items
        // In order: deltas and ids refer to earlier lines.
        var resolved: [(line: Int, record: TraceResolver.Resolved)] = []
        resolved.reserveCapacity(items.count)
        for i in job.results.indices {
            let line = items[i].line
            // Moved out, not copied: the line is not needed after it is resolved.
            switch job.results[i].take() {
            case .success(let decoded):
                if case .header(let h) = decoded.kind {
                    try accept(h, line: line)
                    try exporter.consume(header: h)
                    continue
                }
                if version == .two, decoded.viaFallback, case .record(let box) = decoded.kind, let rec = box.record,
                   rec.type == "syscall" || rec.type == "signal" {
                    throw ReportInputError(file: file, line: line, message: "corrupt record: a \(rec.type) record this reader cannot parse")
                }
                if version == nil { version = .one }
                do {
                    if let x = try resolver.resolve(taking: decoded) { resolved.append((line, x)) }
                } catch let e as TraceResolver.Failure {
                    throw ReportInputError(file: file, line: line, message: "corrupt record: " + e.message)
                }
            case .failure(let e):
                throw inputError(e, line: items[i].line)
            case nil:
                throw ReportInputError(file: file, line: line, message: "line not decoded")
            }
        }
        if judge { judgeAgain(&resolved) }
        for (_, x) in resolved {
            recordCount += 1
            try exporter.consume(x.record, fullCrossing: { fullCrossing(x) })
        }
    }

    /// A record's crossing with every check in words: judged again when the reader judged it at less detail.
    private func fullCrossing(_ x: TraceResolver.Resolved) -> Crossing? {
        guard judge, detail != .all, let model else { return x.record.crossing }
        if let o = x.syscall { return model.crossing(for: o) ?? x.record.crossing }
        if let o = x.signal { return model.crossing(for: o) }
        return x.record.crossing
    }

    enum Version { case one, two }
    /// nil until the first line: a header says 2, a record first says schema 1 (written before headers).
    private var version: Version?

    private func accept(_ h: TraceHeader, line: Int) throws {
        guard h.schema == TraceHeader.currentSchema else {
            throw ReportInputError(file: file, line: line, message: "this trace's schema is \(h.schema); this stackcross (\(StackCrossVersion.string)) reads \(TraceHeader.currentSchema) and the schema 1 traces written before headers")
        }
        guard version == nil else {
            throw ReportInputError(file: file, line: line, message: "a second header: two traces joined into one file?")
        }
        version = .two
        header = h
        if judge { model = KernelStackModel(config: h.kernel ?? .default) }
    }

    /// Judges each crossing again from its observations, on all cores; the audit sees them in order.
    /// When the exporter wants them, each record is replaced by one holding its new crossing on the worker that
    /// judged it (a record is some hundred bytes that the swap copies); the recorded crossing is kept aside for
    /// the audit.
    private func judgeAgain(_ resolved: inout [(line: Int, record: TraceResolver.Resolved)]) {
        guard let model else { return }
        var judged = [(recorded: Crossing?, judged: Crossing)?](repeating: nil, count: resolved.count)
        let parts = resolved.count < 32 ? 1 : workers
        let per = (resolved.count + parts - 1) / parts
        let detail = self.detail
        let swapIn = judgedIntoRecords
        var repeated = repeatedCalls
        repeatedCalls = []
        defer { repeatedCalls = repeated }
        resolved.withUnsafeMutableBufferPointer { input in
            judged.withUnsafeMutableBufferPointer { out in
                repeated.withUnsafeMutableBufferPointer { repeated in
                    DispatchQueue.concurrentPerform(iterations: parts) { p in
                        for i in p * per ..< min(input.count, (p + 1) * per) {
                            let x = input[i].record
                            let c: Crossing?
                            if let o = x.syscall {
                                c = repeated[p].crossing(for: o, model: model)
                            } else if let o = x.signal {
                                c = model.crossing(for: o, detail: detail)
                            } else {
                                c = nil
                            }
                            guard let c else { continue }
                            out[i] = (x.record.crossing, c)
                            if swapIn { input[i].record = x.replacingCrossing(c) }
                        }
                    }
                }
            }
        }
        for (i, (line, x)) in resolved.enumerated() {
            guard let c = judged[i] else { continue }
            judgedCount += 1
            audit?.judged(line: line, record: x.record, recorded: c.recorded, judged: c.judged)
        }
    }

    /// A line the fast decoder declined: JSONDecoder decides, and words the error.
    static func fallback(_ data: Data, _ decoder: JSONDecoder) throws -> DecodedLine {
        if let probe = try? decoder.decode(TypeProbe.self, from: data), probe.type == "header" {
            return DecodedLine(.header(try decoder.decode(TraceHeader.self, from: data)))
        }
        var line = DecodedLine(.record(DecodedRecord(try decoder.decode(TraceRecord.self, from: data))))
        line.viaFallback = true
        return line
    }

    private struct TypeProbe: Decodable { var type: String? }

    private func line(_ raw: UnsafeRawBufferPointer) throws {
        if mode == .snapshotLines {
            snapshotBuffer.append(contentsOf: raw)
            snapshotBuffer.append(UInt8(ascii: "\n"))
            if snapshotBuffer.count > Self.maxLineBytes {
                throw ReportInputError(file: file, line: snapshotStartLine,
                                       message: "snapshot larger than \(Self.maxLineBytes >> 20) MiB")
            }
            return
        }
        // Trim ASCII whitespace (and a CR from CRLF files); blank lines are skipped.
        guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var lo = 0, hi = raw.count
        while lo < hi, Self.isSpace(p[lo]) { lo += 1 }
        while hi > lo, Self.isSpace(p[hi - 1]) { hi -= 1 }
        if lo == hi { return }
        let bytes = UnsafeRawBufferPointer(start: p + lo, count: hi - lo)

        switch mode {
        case .trace:
            append(bytes)
            if batch.count >= Self.batchLines || batchText.count >= Self.batchBytes { try flushBatch() }
        case .snapshotDone:
            throw ReportInputError(file: file, line: lineNumber, message: "unexpected data after the snapshot object")
        case .undecided:
            // The first JSON value's `type` says what the input is.
            if let probe = try? decoder.decode(TypeProbe.self, from: Data(bytes)) {
                if probe.type == "snapshot" {
                    let snapshot = try decode(Snapshot.self, bytes, line: lineNumber)
                    mode = .snapshotDone
                    recordCount += 1
                    try exporter.consume(snapshot)
                } else {
                    mode = .trace
                    append(bytes)
                }
            } else if bytes.count == 1 && bytes[0] == UInt8(ascii: "{") {
                // A pretty-printed object opens with a lone brace: only a snapshot is written that way.
                mode = .snapshotLines
                snapshotStartLine = lineNumber
                snapshotBuffer = [UInt8(ascii: "{"), UInt8(ascii: "\n")]
            } else {
                _ = try decode(TraceRecord.self, bytes, line: lineNumber)
                throw ReportInputError(file: file, line: lineNumber, message: "not a trace record or snapshot")
            }
        case .snapshotLines:
            break
        }
    }

    /// Adds a trace line to the batch.
    private func append(_ bytes: UnsafeRawBufferPointer) {
        batch.append((lineNumber, batchText.count, bytes.count))
        batchText.append(contentsOf: bytes)
    }

    private func checkSnapshotType(_ s: Snapshot, line: Int) throws {
        guard s.type == "snapshot" else {
            throw ReportInputError(file: file, line: line, message: "expected a snapshot object, found type \"\(s.type)\"")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, line: Int) throws -> T {
        try decode(type, Data(bytes), line: line)
    }
    private func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], line: Int) throws -> T {
        try decode(type, Data(bytes), line: line)
    }
    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, line: Int) throws -> T {
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw inputError(error, line: line)
        }
    }

    private func inputError(_ error: Error, line: Int) -> ReportInputError {
        if let e = error as? DecodingError {
            return ReportInputError(file: file, line: line, message: "corrupt record: " + Self.describe(e))
        }
        return ReportInputError(file: file, line: line, message: "corrupt record: \(error)")
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0d || b == 0x0a }

    /// A one-line reason instead of DecodingError's multi-line dump.
    static func describe(_ e: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        }
        switch e {
        case .keyNotFound(let k, let c): return "missing field \(path(c.codingPath + [k]))"
        case .typeMismatch(let t, let c): return "\(path(c.codingPath).isEmpty ? "value" : path(c.codingPath)) is not \(t)"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)) is null, expected \(t)"
        case .dataCorrupted(let c):
            let p = path(c.codingPath)
            if let u = c.underlyingError as NSError?, c.codingPath.isEmpty {
                let detail = (u.userInfo[NSDebugDescriptionErrorKey] as? String) ?? c.debugDescription
                return "not valid JSON (\(detail))"
            }
            return (p.isEmpty ? "" : p + ": ") + c.debugDescription
        @unknown default: return "\(e)"
        }
    }
}
