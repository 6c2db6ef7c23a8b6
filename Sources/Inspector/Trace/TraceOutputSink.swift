import StackCross

/// The trace's own sink: strace-like lines, JSON Lines, or a -c summary, arranged from the pure core's
/// formatters; buffered, written to its `OutputFile` when full or idle (on the output thread).
public final class TraceOutput: TraceSink {
    public enum Mode { case lines, jsonLines, summary }
    let mode: Mode
    let out: OutputFile
    let quiet: Bool
    /// The first failed write (output thread, then read after it has finished); nothing is written after it.
    public private(set) var writeFailure: String?
    /// Which tasks are traced and their last calls, as strace's lines show them.
    var lineContext = StraceLineContext()
    var showPid: Bool { lineContext.showPid }
    var text: [UInt8] = []
    let stackText = StackTextRenderer()
    let json = JSONLineBuffer(capacity: 1 << 17)
    /// JSON Lines: the v2 encoder (register deltas, interned stacks and mappings, compact verdicts).
    let writer: TraceWriter
    /// JSON Lines: makes the header, written before the first record (on the output thread: the model's
    /// kernel facts may still be loading when the trace starts).
    var header: (() -> TraceHeader)?
    var summary = SyscallSummary()
    /// The task whose entry part is on the current, unfinished line.
    var openLine: Int32?
    /// A thread whose execve took over its leader's tid → that tid: its `<... execve resumed>` shows under it, as in strace.
    var tookOver: [Int32: Int32] = [:]
    static let bufferLimit = 1 << 16

    public init(mode: Mode, out: OutputFile, quiet: Bool, crossings: Bool,
                writerOptions: TraceWriterOptions = TraceWriterOptions(), header: (() -> TraceHeader)? = nil) {
        self.mode = mode
        self.writer = TraceWriter(options: writerOptions)
        self.header = header
        self.wantsCrossings = crossings
        self.out = out
        self.quiet = quiet
        text.reserveCapacity(Self.bufferLimit + 8192)
    }

    public var wantsText: Bool { mode == .lines }
    /// Only the JSON records carry crossings (lines and the summary never show them), unless --no-crossings.
    public let wantsCrossings: Bool

    public func syscallEntered(_ record: SyscallRecord) {
        guard mode == .lines else { return }
        endOpenLine()
        lineContext.saw(pid: record.pid, tid: record.tid)
        put(SyscallLine.formatEntry(record: lineContext.shown(record), showPid: showPid))
        openLine = record.tid
    }

    /// The header line, once, before anything else.
    func beginJSON() {
        guard let h = header else { return }
        header = nil
        writer.header(h(), to: json)
    }

    public func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) {
        switch mode {
        case .jsonLines:
            beginJSON()
            writer.syscall(record, observed: observed, to: json)
            if json.count >= Self.bufferLimit { flush() }
        case .summary:
            summary.add(record)
        case .lines:
            var record = record
            if let leader = tookOver.removeValue(forKey: record.tid) { record.tid = leader }
            lineContext.saw(pid: record.pid, tid: record.tid)
            let shown = lineContext.shown(record)
            if openLine == record.tid {
                openLine = nil
                line(SyscallLine.formatExit(record: shown))
            } else {
                line(SyscallLine.formatResumed(record: shown, showPid: showPid))
            }
            lineContext.exited(record)
            // --stack: the frames under the call, as strace -k prints them.
            if let frames = record.userStack { stackText.append(frames, to: &text) }
        }
    }

    public func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)]) {
        switch mode {
        case .jsonLines:
            beginJSON()
            writer.signal(record, observed: observed, to: json)
            if json.count >= Self.bufferLimit { flush() }
        case .summary: break
        case .lines:
            lineContext.saw(pid: record.pid, tid: record.tid)
            line(SyscallLine.formatSignal(record: record, showPid: showPid, fields: siginfoFields))
        }
    }

    public func groupStop(pid: Int32, tid: Int32, signal: String) {
        guard mode == .lines else { return }
        lineContext.saw(pid: pid, tid: tid)
        line(SyscallLine.formatGroupStop(tid: tid, signal: signal, showPid: showPid))
    }

    public func emit(_ record: TraceRecord) {
        switch mode {
        case .jsonLines:
            beginJSON()
            writer.record(record, to: json)
            if json.count >= Self.bufferLimit { flush() }
        case .summary:
            break
        case .lines:
            switch record {
            case .exit(let r) where !quiet: line(SyscallLine.formatTermination(record: r, showPid: showPid))
            case .attach(let r) where !quiet: line("stackcross: Process \(r.tid) attached")
            case .detach(let r) where !quiet: line("stackcross: Process \(r.tid) detached")
            case .exec(let r) where r.formerTid != nil && r.formerTid != r.tid:
                superseded(r, formerTid: r.formerTid!)
                return
            default: break
            }
            lineContext.apply(record)
        }
    }

    /// A non-leader thread's execve: the other threads are gone, and its call resumes under the leader's tid.
    func superseded(_ r: ExecRecord, formerTid: Int32) {
        lineContext.apply(.exec(r))
        tookOver[formerTid] = r.tid
        if !quiet { line(SyscallLine.formatSuperseded(record: r, formerTid: formerTid, showPid: showPid)) }
    }

    /// Another task's line comes: the open one is cut as strace does (`<unfinished ...>`).
    func endOpenLine() {
        guard openLine != nil else { return }
        openLine = nil
        put(SyscallLine.unfinished)
        text.append(UInt8(ascii: "\n"))
    }

    func line(_ s: String) {
        endOpenLine()
        put(s)
        text.append(UInt8(ascii: "\n"))
        if text.count >= Self.bufferLimit { flush() }
    }

    func put(_ s: String) { text.append(contentsOf: s.utf8) }

    public func flush() {
        if !json.isEmpty {
            writeAll(json.bytes)
            json.removeAll()
        }
        if !text.isEmpty {
            text.withUnsafeBytes { writeAll($0) }
            text.removeAll(keepingCapacity: true)
        }
    }

    /// Writes unless a write already failed: the trace then stops (the output thread tells the tracer).
    func writeAll(_ raw: UnsafeRawBufferPointer) {
        guard writeFailure == nil else { return }
        do { try out.write(raw) } catch { failed(error) }
    }

    public func failed(_ error: OutputWriteError) {
        if writeFailure == nil { writeFailure = error.description }
    }

    public func finish() {
        if mode == .jsonLines { beginJSON() }
        endOpenLine()
        if mode == .summary { put(summary.format()) }
        flush()
    }
}
