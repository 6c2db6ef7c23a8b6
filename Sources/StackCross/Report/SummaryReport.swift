/// Totals that several views share: record counts by type, per-check verdicts, and the
/// per-syscall calls/errors/time of `SyscallSummary` (the strace -c accumulator). Memory grows
/// with the number of distinct names, not with records.
struct ReportTotals {
    typealias CheckTally = CheckNameTally.Counts

    private(set) var recordCounts: [String: Int] = [:]
    private var checks = CheckNameTally()
    private(set) var syscalls = SyscallSummary()
    private(set) var crossings = 0, failedCrossings = 0

    mutating func add(_ record: TraceRecord) {
        recordCounts[record.type, default: 0] += 1
        switch record {
        case .syscall(let r):
            syscalls.add(r)
            add(r.crossing)
        case .signal(let r):
            add(r.crossing)
        default:
            break
        }
    }

    mutating func add(_ snapshot: Snapshot) {
        recordCounts["snapshot", default: 0] += 1
        recordCounts["thread", default: 0] += snapshot.threads.count
        for t in snapshot.threads { add(t.crossing) }
    }

    mutating func add(_ c: Crossing?) {
        guard let c else { return }
        crossings += 1
        if c.checks.contains(where: { !$0.ok }) { failedCrossings += 1 }
        checks.add(c.checks)
    }

    static let typeOrder = ["snapshot", "thread", "syscall", "signal", "exec", "clone", "exit", "attach", "detach"]

    var orderedRecordCounts: [(String, Int)] {
        recordCounts.sorted { (Self.typeOrder.firstIndex(of: $0.key) ?? 99, $0.key) < (Self.typeOrder.firstIndex(of: $1.key) ?? 99, $1.key) }
    }

    var orderedChecks: [(String, CheckTally)] { checks.entries.sorted { $0.name < $1.name }.map { ($0.name, $0.counts) } }
}

/// `summary`: per-syscall calls, errors and time like strace -c, then check totals (per check
/// name: passed/failed) and record counts by type.
public final class SummaryExporter: ReportExporter {
    /// Tallies every check of a crossing: judged again from a schema 2 record's observations.
    public var wantsJudgedCrossings: Bool { true }
    /// Tallies need each check's name and verdict, never its texts.
    public var judgedDetail: CrossingDetail { .names }
    private let out: ReportWriter
    private var totals = ReportTotals()
    private var snapshot = false
    /// Failed calls by `name = error` as ReturnRendering writes it; bounded by names × errnos.
    private var failures: [String: Int] = [:]

    public init(writer: ReportWriter) { self.out = writer }

    public func consume(_ record: TraceRecord) throws {
        totals.add(record)
        if case .syscall(let r) = record, r.ret != nil, r.error != nil {
            failures[r.name + " = " + ReturnRendering.text(r), default: 0] += 1
        }
    }

    public func consume(_ snapshot: Snapshot) throws {
        self.snapshot = true
        totals.add(snapshot)
    }

    public func finish() throws {
        if !snapshot { out.write(totals.syscalls.format()) }
        if !failures.isEmpty {
            out.write("\nfailed calls:\n")
            for (line, n) in failures.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                let c = String(n)
                out.write(String(repeating: " ", count: max(0, 9 - c.count)) + c + "  " + line + "\n")
            }
        }
        out.write("\n")
        let checks = totals.orderedChecks
        if checks.isEmpty {
            out.write("checks: none recorded (\(totals.crossings) crossings)\n")
        } else {
            let width = max(5, checks.map { $0.0.count }.max() ?? 5)
            out.write("check" + String(repeating: " ", count: width - 5) + "     passed     failed\n")
            var p = 0, f = 0
            for (name, t) in checks {
                out.write(name.rightPadded(width) + " " + String(t.passed).leftPadded(10) + " " + String(t.failed).leftPadded(10) + "\n")
                p += t.passed; f += t.failed
            }
            out.write("total".rightPadded(width) + " " + String(p).leftPadded(10) + " " + String(f).leftPadded(10) + "\n")
            out.write("crossings: \(totals.crossings), with a failed check: \(totals.failedCrossings)\n")
        }
        out.write("\nrecords: " + totals.orderedRecordCounts.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n")
        out.flush()
    }
}
