/// `stackcross check`: every crossing judged again by the current model next to the verdict its record
/// holds, tallied per check, with the records whose verdicts differ.
public final class CrossingCheckTally: CrossingAudit, ReportExporter {
    public struct Difference: Sendable {
        public var line: Int
        public var name: String
        public var tid: Int32
        public var recorded: String
        public var judged: String
    }

    public private(set) var judgedCount = 0
    public private(set) var records = 0
    private var checks = CheckNameTally()
    /// Check name → (passed, failed).
    public var totals: [String: (passed: Int, failed: Int)] {
        Dictionary(uniqueKeysWithValues: checks.entries.map { ($0.name, ($0.counts.passed, $0.counts.failed)) })
    }
    /// The check names in the order first seen.
    public var order: [String] { checks.entries.map(\.name) }
    public private(set) var differenceCount = 0
    /// The first few differences, in file order.
    public private(set) var differences: [Difference] = []
    public static let differencesKept = 10

    public init() {}

    /// Only names and verdicts are tallied and compared: no check needs its texts.
    public var judgedDetail: CrossingDetail { .names }

    // MARK: CrossingAudit

    public func judged(line: Int, record: TraceRecord, recorded: Crossing?, judged: Crossing) {
        judgedCount += 1
        checks.add(judged.checks)
        if let recorded, Verdict.agree(recorded, judged) { return }
        differenceCount += 1
        guard differences.count < Self.differencesKept else { return }
        let now = Verdict(judged)
        let was = recorded.map(Verdict.init)
        let (name, tid): (String, Int32) = switch record {
        case .syscall(let s): (s.name, s.tid)
        case .signal(let s): (s.name, s.tid)
        default: (record.type, 0)
        }
        differences.append(Difference(line: line, name: name, tid: tid, recorded: was?.text ?? "no verdict", judged: now.text))
    }

    /// What two verdicts must share to agree: the way in, how many checks passed, and which failed.
    struct Verdict: Equatable {
        var entry: EntryKind
        var passed: Int
        var failed: [String]
        init(_ c: Crossing) {
            entry = c.entry
            passed = (c.passed ?? 0) + c.checks.filter(\.ok).count
            failed = c.checks.filter { !$0.ok }.map(\.name).sorted()
        }
        /// `Verdict(a) == Verdict(b)`, without building either when no check failed in both.
        static func agree(_ a: Crossing, _ b: Crossing) -> Bool {
            guard a.entry == b.entry else { return false }
            var passedA = a.passed ?? 0, failedA = 0, passedB = b.passed ?? 0, failedB = 0
            for c in a.checks { if c.ok { passedA += 1 } else { failedA += 1 } }
            for c in b.checks { if c.ok { passedB += 1 } else { failedB += 1 } }
            guard passedA == passedB, failedA == failedB else { return false }
            return failedA == 0 || Verdict(a) == Verdict(b)
        }
        var text: String {
            "\(entry.rawValue), \(passed) passed, \(failed.isEmpty ? "none failed" : "failed: " + failed.joined(separator: ", "))"
        }
    }

    // MARK: ReportExporter (records are only counted: the audit sees the crossings)

    public func consume(_ record: TraceRecord) throws { records += 1 }
    public func consume(_ snapshot: Snapshot) throws {
        throw ReportInputError(file: "", line: 1, message: "an attach snapshot, not a trace: nothing to judge again")
    }
    public func finish() throws {}

    /// The per-check table and the summary line.
    public func format(file: String) -> String {
        var out = ""
        let width = max(24, checks.entries.map(\.name.count).max() ?? 0)
        out += "check".rightPadded(width) + "   passed   failed\n"
        for (name, t) in checks.entries {
            out += name.rightPadded(width) + " " + String(t.passed).leftPadded(8) + " " + String(t.failed).leftPadded(8) + "\n"
        }
        out += "\(file): \(judgedCount) crossings judged again in \(records) records; "
        out += differenceCount == 0 ? "every verdict agrees with the recorded one\n"
            : "\(differenceCount) differ from the recorded verdicts\n"
        for d in differences {
            out += "  line \(d.line): \(d.name) (tid \(d.tid)): recorded \(d.recorded); now \(d.judged)\n"
        }
        if differenceCount > differences.count { out += "  … and \(differenceCount - differences.count) more\n" }
        return out
    }
}
