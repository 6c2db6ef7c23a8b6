import StackCross

/// strace's -ff with -o PREFIX: each process's records go to their own file, PREFIX.PID, through a
/// sink of their own (a header each, register deltas per file). Same thread rules as `TraceOutput`.
public final class PerProcessOutput: TraceSink {
    let prefix: String
    let make: (OutputFile) -> TraceOutput
    var sinks: [Int32: (TraceOutput, OutputFile)] = [:]
    /// Every file ever opened, in order, to finish and close at the end.
    var order: [Int32] = []
    var closed: [(TraceOutput, OutputFile)] = []
    private var openFailure: String?
    public let wantsCrossings: Bool
    public let wantsText: Bool

    /// `make` builds the sink of one process's file (the same options as a single-file trace).
    public init(prefix: String, crossings: Bool, text: Bool, make: @escaping (OutputFile) -> TraceOutput) {
        self.prefix = prefix
        self.make = make
        self.wantsCrossings = crossings
        self.wantsText = text
    }

    /// The sink of `pid`, its file opened at its first record.
    func sink(_ pid: Int32) -> TraceOutput? {
        if let s = sinks[pid] { return s.0 }
        guard openFailure == nil else { return nil }
        do {
            let f = try OutputFile("\(prefix).\(pid)")
            let s = make(f)
            sinks[pid] = (s, f)
            order.append(pid)
            return s
        } catch {
            openFailure = error.description
            return nil
        }
    }

    public func syscallEntered(_ record: SyscallRecord) { sink(record.pid)?.syscallEntered(record) }
    public func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) {
        sink(record.pid)?.syscallExited(record, observed: observed)
    }
    public func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)]) {
        sink(record.pid)?.signal(record, observed: observed, siginfoFields: siginfoFields)
    }
    public func emit(_ record: TraceRecord) {
        let pid: Int32
        switch record {
        case .syscall(let r): pid = r.pid
        case .signal(let r): pid = r.pid
        case .exec(let r): pid = r.pid
        case .clone(let r): pid = r.pid
        case .exit(let r): pid = r.pid
        case .attach(let r), .detach(let r): pid = r.pid
        }
        sink(pid)?.emit(record)
    }
    public func groupStop(pid: Int32, tid: Int32, signal: String) { sink(pid)?.groupStop(pid: pid, tid: tid, signal: signal) }
    public func flush() { for (s, _) in sinks.values { s.flush() } }

    public var writeFailure: String? {
        openFailure ?? order.lazy.compactMap { self.sinks[$0]?.0.writeFailure }.first
    }

    /// After the trace: every file finished and closed; the first failure, if any, is `writeFailure`.
    public func finish() {
        for pid in order {
            guard let (s, f) = sinks[pid] else { continue }
            s.finish()
            do { try f.close() } catch { s.failed(error) }
        }
    }
}
