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
    /// Check name → (passed, failed), in the order first seen.
    public private(set) var totals: [String: (passed: Int, failed: Int)] = [:]
    public private(set) var order: [String] = []
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
        for c in judged.checks {
            if totals[c.name] == nil { order.append(c.name); totals[c.name] = (0, 0) }
            if c.ok { totals[c.name]!.passed += 1 } else { totals[c.name]!.failed += 1 }
        }
        let now = Verdict(judged)
        let was = recorded.map(Verdict.init)
        guard was != now else { return }
        differenceCount += 1
        guard differences.count < Self.differencesKept else { return }
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
        let width = max(24, order.map(\.count).max() ?? 0)
        out += "check".rightPadded(width) + "   passed   failed\n"
        for name in order {
            let t = totals[name]!
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
