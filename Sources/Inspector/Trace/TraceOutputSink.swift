import CStackCross
import Glibc
import StackCross

/// How the text lines and the summary look (strace's -t/-r/-T, -C, -S, -U).
public struct TraceTextOptions {
    /// -t/-tt/-ttt/-r/-T and their long forms.
    public var timestamps = StraceTimestamps()
    /// -C: the lines, then the summary (with -o FILE: the JSON records, then the summary on stderr).
    public var linesAndSummary = false
    /// -U and -S.
    public var summaryColumns = SyscallSummary.defaultColumns
    public var summarySort: SyscallSummary.SortKey = .time
    /// -n: `[ nr] ` before each line; -i: `[ip] ` (the instruction pointer after the call's instruction).
    public var showSyscallNumber = false
    public var showInstructionPointer = false
    /// --decode-fds=none: bare fd numbers, no `<path>` (strace without -y).
    public var bareFds = false
    /// --decode-fds=socket or dev without path: only socket endpoints and devices keep their `<…>`.
    public var plainFdPaths = true
    /// Text to a file (-o): strace's `%-5d ` pid column instead of `[pid N] `, on every line with -f
    /// (true), or while more than one task is traced (false); nil: the `[pid N] ` prefix.
    public var pidColumn: Bool?
    /// -x/-xx and -X raw|abbrev|verbose (restyled lines; the JSON records keep the decoder's text).
    public var hexStrings: StraceLineStyles.HexStrings = .none
    public var constants: StraceLineStyles.Constants = .abbrev
    /// -Y/--decode-pids=comm: `[pid 12<sh>]`, pid arguments and returned pids with the task's comm.
    public var decodePidComm = false
    /// -P, -e trace-fds=, -e status=, -z/-Z, -e signal=, -e quiet=/-q.
    public var selection = TraceSelection()
    public init() {}
}

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
    var showPid: Bool { textOptions.pidColumn == nil && lineContext.showPid }
    var text: [UInt8] = []
    let stackText = StackTextRenderer()
    let json = JSONLineBuffer(capacity: 1 << 17)
    /// JSON Lines: the v2 encoder (register deltas, interned stacks and mappings, compact verdicts).
    let writer: TraceWriter
    /// JSON Lines: makes the header, written before the first record (on the output thread: the model's
    /// kernel facts may still be loading when the trace starts).
    var header: (() -> TraceHeader)?
    var summary = SyscallSummary()
    /// -Y: each task's comm as it changes with clone and execve.
    var comms = StracePidComms()
    /// Bytes on the current text line so far (strace's curcol: where ` = ` is aligned from).
    var column = 0
    /// The task whose entry part is on the current, unfinished line.
    var openLine: Int32?
    /// A thread whose execve took over its leader's tid → that tid: its `<... execve resumed>` shows under it, as in strace.
    var tookOver: [Int32: Int32] = [:]
    static let bufferLimit = 1 << 16
    var textOptions: TraceTextOptions
    /// CLOCK_REALTIME minus CLOCK_MONOTONIC: the records hold monotonic times, -t shows the wall clock.
    let wallOffsetNs: Int64
    /// -r: the monotonic time of the previous line's start.
    var lastLineNs: UInt64?
    /// -n: each task's last call number (strace shows it on the task's other lines too).
    var lastNr: [Int32: Int64] = [:]
    /// -C with -o: where the summary goes (the records fill the file).
    let summaryOut: OutputFile

    public init(mode: Mode, out: OutputFile, quiet: Bool, crossings: Bool,
                writerOptions: TraceWriterOptions = TraceWriterOptions(), header: (() -> TraceHeader)? = nil,
                text: TraceTextOptions = TraceTextOptions(), summaryOut: OutputFile = .standardError) {
        self.mode = mode
        self.textOptions = text
        self.summaryOut = summaryOut
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let mono = Int64(bitPattern: sc_monotonic_ns())
        self.wallOffsetNs = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) - mono
        self.writer = TraceWriter(options: writerOptions)
        self.header = header
        self.wantsCrossings = crossings
        self.out = out
        self.quiet = quiet
        if quiet { self.textOptions.selection.quiet = Set(TraceSelection.Quiet.allCases) }
        self.text.reserveCapacity(Self.bufferLimit + 8192)
    }

    public var wantsText: Bool { mode == .lines }
    /// Only the JSON records carry crossings (lines and the summary never show them), unless --no-crossings.
    public let wantsCrossings: Bool
    public var crossingDetail: CrossingDetail { writer.options.checksAll ? .all : .failures }

    public func syscallEntered(_ record: SyscallRecord) {
        // -P/status=/trace-fds=: the line waits for the exit, which decides (strace's staged output).
        guard mode == .lines, !textOptions.selection.stagesCalls else { return }
        endOpenLine()
        lineContext.saw(pid: record.pid, tid: record.tid)
        put(stamped(SyscallLine.formatEntry(record: displayed(lineContext.shown(record)), showPid: showPid),
                    tid: record.tid, at: record.entryNs, call: record))
        openLine = record.tid
    }

    /// The header line, once, before anything else.
    func beginJSON() {
        guard let h = header else { return }
        header = nil
        writer.header(h(), to: json)
    }

    public func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) {
        if textOptions.selection.stagesCalls, !textOptions.selection.selects(record) { return }
        switch mode {
        case .jsonLines:
            beginJSON()
            writer.syscall(record, observed: observed, to: json)
            if textOptions.linesAndSummary { summary.add(record) }
            if json.count >= Self.bufferLimit { flush() }
        case .summary:
            summary.add(record)
        case .lines:
            if textOptions.linesAndSummary { summary.add(record) }
            if record.detached == true {
                detachedLine(record)
                return
            }
            var record = record
            if let leader = tookOver.removeValue(forKey: record.tid) { record.tid = leader }
            lineContext.saw(pid: record.pid, tid: record.tid)
            let shown = displayed(lineContext.shown(record))
            let took = textOptions.timestamps.suffix(durationNs: record.exitNs.map { $0 >= record.entryNs ? $0 - record.entryNs : 0 })
            // The exit part starts after the head on the line (` = ` is aligned from the line's start, as strace's curcol).
            if textOptions.selection.stagesCalls {
                let head = stamped(SyscallLine.formatEntry(record: shown, showPid: showPid), tid: record.tid, at: record.entryNs, call: record)
                line(head + exitPart(shown, column: head.utf8.count) + took)
            } else if openLine == record.tid {
                openLine = nil
                line(exitPart(shown, column: column) + took)
            } else {
                let head = stamped(SyscallLine.formatResumedHead(record: shown, showPid: showPid), tid: record.tid,
                                   at: record.exitNs ?? record.entryNs, call: record)
                line(head + exitPart(shown, column: head.utf8.count) + took)
            }
            lineContext.exited(record)
            // -e read=/write=: strace's hex dump under the line.
            if let d = record.dump { for l in StraceDump.lines(d.bytes) { line(l) } }
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
            guard textOptions.selection.showsSignal(record.signo) else { return }
            var siginfoFields = siginfoFields
            if textOptions.decodePidComm {
                for (k, f) in siginfoFields.enumerated() where f.0 == "si_pid" {
                    if let pid = Int32(f.1) { siginfoFields[k].1 += comms.suffix(pid) }
                }
            }
            line(stamped(SyscallLine.formatSignal(record: record, showPid: showPid, fields: siginfoFields,
                                                  constants: textOptions.constants),
                         tid: record.tid, at: record.timeNs))
        }
    }

    public func groupStop(pid: Int32, tid: Int32, signal: String) {
        guard mode == .lines else { return }
        lineContext.saw(pid: pid, tid: tid)
        line(stamped(SyscallLine.formatGroupStop(tid: tid, signal: signal, showPid: showPid), tid: tid, at: sc_monotonic_ns()))
    }

    public func emit(_ record: TraceRecord) {
        switch record {
        case .attach(let r): attachMessage("stackcross: Process \(r.tid) attached")
        case .detach(let r): attachMessage("stackcross: Process \(r.tid) detached")
        default: break
        }
        switch mode {
        case .jsonLines:
            beginJSON()
            writer.record(record, to: json)
            if json.count >= Self.bufferLimit { flush() }
        case .summary:
            break
        case .lines:
            switch record {
            // -e signal=SET also hides `+++ killed by SIG… +++` for signals not in it, as in strace.
            case .exit(let r) where !isQuiet(.exit)
                    && (r.signal.flatMap(Signals.number(of:)).map(textOptions.selection.showsSignal) ?? true):
                line(stamped(SyscallLine.formatTermination(record: r, showPid: showPid), tid: r.tid, at: r.timeNs))
            case .exec(let r) where r.formerTid != nil && r.formerTid != r.tid:
                superseded(r, formerTid: r.formerTid!)
                return
            default: break
            }
            lineContext.apply(record)
            if textOptions.decodePidComm { comms.apply(record) }
        }
    }

    /// `Process N attached/detached` goes to stderr, as strace's does: among the lines when they go there,
    /// else on its own (the trace file, JSON or text, keeps only the trace). Its loss on a closed stderr
    /// loses no record, so a failed write of it does not stop the trace.
    func attachMessage(_ message: String) {
        guard !isQuiet(.attach) else { return }
        if mode == .lines, out.fd == 2 {
            line(message)
        } else {
            try? OutputFile.standardError.write(message + "\n")
        }
    }

    /// A non-leader thread's execve: the other threads are gone, and its call resumes under the leader's tid.
    func superseded(_ r: ExecRecord, formerTid: Int32) {
        lineContext.apply(.exec(r))
        if textOptions.decodePidComm { comms.apply(.exec(r)) }
        tookOver[formerTid] = r.tid
        if !isQuiet(.threadExecve) { line(stamped(SyscallLine.formatSuperseded(record: r, formerTid: formerTid, showPid: showPid), tid: r.tid, at: r.timeNs)) }
    }

    /// --decode-fds=none: the fd arguments and the returned fd without their `<path>`.
    func shownFds(_ r: SyscallRecord) -> SyscallRecord {
        guard textOptions.bareFds || !textOptions.plainFdPaths else { return r }
        var s = r
        if let p = s.retPath, textOptions.bareFds || !Self.isDetailed(p.bytes) { s.retPath = nil }
        let kinds = SyscallDecoder.argKinds(abi: r.abi, nr: r.nr)
        for (k, kind) in kinds.enumerated() where k < s.args.count && (kind == .fd || kind == .dirfd) {
            guard let lt = s.args[k].firstIndex(of: "<"), s.args[k].hasSuffix(">") else { continue }
            let inner = Array(s.args[k].utf8.dropFirst(s.args[k].utf8.distance(from: s.args[k].startIndex, to: lt) + 1).dropLast())
            if textOptions.bareFds || !Self.isDetailed(inner) { s.args[k] = String(s.args[k][..<lt]) }
        }
        // fds inside sets and structs (select's `[3 4]`, a sockaddr's sxdp_shared_umem_fd).
        if textOptions.bareFds { s.args = s.args.map(DeviceNumbers.bareFds) }
        return s
    }

    /// A socket's endpoints or a device's numbers (what --decode-fds=socket / dev show), not a plain path.
    static func isDetailed(_ path: [UInt8]) -> Bool { ProcNetSockets.isEndpoint(path) || DeviceNumbers.suffixStart(path) != nil }

    /// The exit part of a call's line, ` = ` aligned at strace's column; the return value as -x/-Y show it.
    func exitPart(_ r: SyscallRecord, column: Int) -> String {
        var ret = StraceLineStyles.hex(SyscallLine.returnText(record: r, constants: textOptions.constants), textOptions.hexStrings)
        if textOptions.decodePidComm, let p = r.ret, p > 0, StracePidComms.returnsPid(r.name) {
            // A pid a wait returned is reaped: strace finds no comm for it.
            if StracePidComms.reaps(r.name) { comms.reaped(Int32(truncatingIfNeeded: p)) }
            ret += comms.suffix(Int32(truncatingIfNeeded: p))
        }
        return SyscallLine.formatExit(record: r, returnText: ret, column: column)
    }

    /// The record as the line shows it: --decode-fds=none, -X, -Y's pid arguments, -x/-xx.
    func displayed(_ r: SyscallRecord) -> SyscallRecord {
        var s = StraceLineStyles.constants(shownFds(r), textOptions.constants)
        if textOptions.decodePidComm {
            for k in StracePidComms.pidArguments(s.name, rawArgs: s.rawArgs.map(\.rawValue)) where k < s.args.count && k < s.rawArgs.count {
                let pid = Int32(truncatingIfNeeded: s.rawArgs[k].rawValue)
                if pid > 0, s.args[k] == String(pid) { s.args[k] += comms.suffix(pid) }
            }
        }
        if textOptions.hexStrings != .none { s.args = s.args.map { StraceLineStyles.hex($0, textOptions.hexStrings) } }
        return s
    }

    func isQuiet(_ q: TraceSelection.Quiet) -> Bool { textOptions.selection.quiet.contains(q) }

    /// A line with strace's timestamps after its `[pid N] ` prefix (-t, -r); `ns` is when the line starts (monotonic).
    /// With -n/-i, `call` is the line's syscall (other lines show the task's last call number and `?` for the ip).
    func stamped(_ s: String, tid: Int32, at ns: UInt64, call: SyscallRecord? = nil) -> String {
        let ts = textOptions.timestamps
        if let c = call { lastNr[tid] = c.nr }
        let n = textOptions.showSyscallNumber, i = textOptions.showInstructionPointer
        let column = textOptions.pidColumn.map { $0 || lineContext.showPid } ?? false
        guard ts.absolute != .none || ts.relative != nil || n || i || textOptions.decodePidComm || column else { return s }
        var lead = ""
        if ts.absolute != .none || ts.relative != nil {
            let since = lastLineNs.map { ns >= $0 ? ns - $0 : 0 } ?? 0
            lastLineNs = ns
            let wall = UInt64(clamping: Int64(bitPattern: ns) &+ wallOffsetNs)
            lead = ts.prefix(wallNs: wall, sinceLastNs: since)
        }
        // strace's `[%4u] ` and `[%016lx] `.
        if n, let nr = lastNr[tid] {
            let t = String(nr)
            lead += "[" + String(repeating: " ", count: max(0, 4 - t.count)) + t + "] "
        }
        if i {
            let ip = (call?.exitRegs ?? call?.entryRegs).map { String($0.rip.rawValue, radix: 16) }
            lead += ip.map { "[" + String(repeating: "0", count: max(0, 16 - $0.count)) + $0 + "] " } ?? "[????????????????] "
        }
        // strace -o FILE with -f: `1234  ` (the tid left-aligned in five columns) before everything.
        if column { let t = String(tid); lead = t + String(repeating: " ", count: max(0, 5 - t.count)) + " " + lead }
        let p = SyscallLine.prefix(tid: tid, showPid: showPid)
        guard s.hasPrefix(p) else { return lead + s }
        // -Y: `[pid 12<sh>] `.
        let shownPrefix = textOptions.decodePidComm && !p.isEmpty ? String(p.dropLast(2)) + comms.suffix(tid) + "] " : p
        return shownPrefix + lead + s.dropFirst(p.count)
    }

    /// Another task's line comes: the open one is cut as strace does (`<unfinished ...>`).
    func endOpenLine() {
        guard openLine != nil else { return }
        openLine = nil
        put(SyscallLine.unfinished)
        text.append(UInt8(ascii: "\n"))
        column = 0
    }

    /// A call the tracer let go while it ran: strace ends its open line with ` <detached ...>`; a line cut
    /// earlier by another task's stays as it was (`<unfinished ...>`).
    func detachedLine(_ record: SyscallRecord) {
        if textOptions.selection.stagesCalls {
            let shown = displayed(lineContext.shown(record))
            line(stamped(SyscallLine.formatEntry(record: shown, showPid: showPid), tid: record.tid, at: record.entryNs, call: record)
                 + SyscallLine.detached)
        } else if openLine == record.tid {
            openLine = nil
            put(SyscallLine.detached)
            text.append(UInt8(ascii: "\n"))
            column = 0
        }
        lineContext.exited(record)
    }

    func line(_ s: String) {
        endOpenLine()
        put(s)
        text.append(UInt8(ascii: "\n"))
        column = 0
        if text.count >= Self.bufferLimit { flush() }
    }

    /// Appends to the current line (no newline inside: the lines are escaped) and moves the column.
    func put(_ s: String) {
        text.append(contentsOf: s.utf8)
        column += s.utf8.count
    }

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
        if mode == .summary || (mode == .lines && textOptions.linesAndSummary) { putSummary() }
        flush()
        // -C with -o: the summary after the records, on its own output.
        if mode == .jsonLines, textOptions.linesAndSummary, writeFailure == nil {
            let table = summaryTable()
            do { try summaryOut.write(table) } catch { failed(error) }
        }
    }

    func summaryTable() -> String {
        summary.format(columns: textOptions.summaryColumns, sortedBy: textOptions.summarySort)
    }

    /// strace prints no table when no call was counted.
    func putSummary() {
        if !summary.isEmpty { put(summaryTable()) }
    }
}
