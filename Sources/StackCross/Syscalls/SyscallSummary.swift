/// Per-syscall totals and the `strace -c` table. Pure and reusable: `trace -c` feeds it live records,
/// `report --format summary` feeds it records read back from JSON Lines.
public struct SyscallSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var calls: Int
        public var errors: Int
        /// Sum of entry-to-exit times, ns.
        public var totalNs: UInt64

        public init(name: String, calls: Int = 0, errors: Int = 0, totalNs: UInt64 = 0) {
            self.name = name; self.calls = calls; self.errors = errors; self.totalNs = totalNs
        }

        /// Whole microseconds per call, truncated like strace's usecs/call.
        public var usecsPerCall: UInt64 { calls == 0 ? 0 : totalNs / 1000 / UInt64(calls) }
    }

    private var byName: [String: Row] = [:]

    public init() {}

    /// One finished call.
    public mutating func add(name: String, durationNs: UInt64, failed: Bool) {
        var r = byName[name] ?? Row(name: name)
        r.calls += 1
        if failed { r.errors += 1 }
        r.totalNs &+= durationNs
        byName[name] = r
    }

    /// A syscall record; like strace -c, a call that never returned (exit_group, the tracee died) is not counted.
    public mutating func add(_ record: SyscallRecord) {
        guard record.ret != nil else { return }
        let d = record.exitNs.map { $0 >= record.entryNs ? $0 - record.entryNs : 0 } ?? 0
        add(name: record.name, durationNs: d, failed: record.error != nil)
    }

    public mutating func merge(_ other: SyscallSummary) {
        for r in other.byName.values {
            var m = byName[r.name] ?? Row(name: r.name)
            m.calls += r.calls; m.errors += r.errors; m.totalNs &+= r.totalNs
            byName[r.name] = m
        }
    }

    public var isEmpty: Bool { byName.isEmpty }

    /// Rows by time spent, most first (then by calls, then name), as strace -c sorts them.
    public var rows: [Row] {
        byName.values.sorted {
            ($0.totalNs, $0.calls, $1.name) > ($1.totalNs, $1.calls, $0.name)
        }
    }

    public var total: Row {
        byName.values.reduce(into: Row(name: "total")) {
            $0.calls += $1.calls; $0.errors += $1.errors; $0.totalNs &+= $1.totalNs
        }
    }

    public static let header = "% time     seconds  usecs/call     calls    errors syscall"
    public static let rule = "------ ----------- ----------- --------- --------- ----------------"

    /// The strace -c table, one line per syscall plus the total line; ends with a newline.
    public func format() -> String {
        let all = total
        var lines = [Self.header, Self.rule]
        for r in rows { lines.append(Self.line(r, of: all.totalNs)) }
        lines.append(Self.rule)
        lines.append(Self.line(all, of: all.totalNs))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `%6.2f %11.6f %11lu %9u %9.u %s`: the errors column blank when zero, as in strace.
    public static func line(_ r: Row, of totalNs: UInt64) -> String {
        let pct = totalNs == 0 ? 0 : Double(r.totalNs) * 100 / Double(totalNs)
        return pad(fixed(pct, 2), 6) + " " + pad(fixed(Double(r.totalNs) / 1e9, 6), 11) + " "
            + pad(String(r.usecsPerCall), 11) + " " + pad(String(r.calls), 9) + " "
            + pad(r.errors == 0 ? "" : String(r.errors), 9) + " " + r.name
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// printf("%.Nf") without Foundation: rounds half away from zero.
    static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0 ..< digits { scale *= 10 }
        let scaled = UInt64((abs(v) * Double(scale)).rounded())
        let whole = scaled / scale
        let frac = String(scaled % scale)
        return (v < 0 && scaled != 0 ? "-" : "") + "\(whole)."
            + String(repeating: "0", count: digits - frac.count) + frac
    }
}
