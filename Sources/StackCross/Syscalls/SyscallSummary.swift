/// Per-syscall totals and the `strace -c` table. Pure and reusable: `trace -c` feeds it live records,
/// `report --format summary` feeds it records read back from JSON Lines.
public struct SyscallSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var calls: Int
        public var errors: Int
        /// Sum of entry-to-exit times, ns.
        public var totalNs: UInt64
        /// The shortest and longest call, ns (strace -U min-time, max-time).
        public var minNs: UInt64
        public var maxNs: UInt64
        /// The syscall number (of the first call seen): strace's table breaks ties in this order.
        public var nr: Int64

        public init(name: String, calls: Int = 0, errors: Int = 0, totalNs: UInt64 = 0,
                    minNs: UInt64 = .max, maxNs: UInt64 = 0, nr: Int64 = .max) {
            self.name = name; self.calls = calls; self.errors = errors; self.totalNs = totalNs
            self.minNs = minNs; self.maxNs = maxNs; self.nr = nr
        }

        /// Whole microseconds per call, truncated like strace's usecs/call.
        public var usecsPerCall: UInt64 { calls == 0 ? 0 : totalNs / UInt64(calls) / 1000 }
        /// The average call, ns (truncated, as strace's ts_div).
        var avgNs: UInt64 { calls == 0 ? 0 : totalNs / UInt64(calls) }

        mutating func absorb(_ r: Row) {
            calls += r.calls; errors += r.errors; totalNs &+= r.totalNs
            minNs = min(minNs, r.minNs); maxNs = max(maxNs, r.maxNs); nr = min(nr, r.nr)
        }
    }

    /// strace -U's columns.
    public enum Column: Sendable, Equatable {
        case timePercent, totalTime, minTime, maxTime, avgTime, calls, errors, name
    }

    /// strace -S's orders (`nothing`: by syscall number).
    public enum SortKey: Sendable, Equatable {
        case time, minTime, maxTime, avgTime, calls, errors, name, nothing
    }

    public static let defaultColumns: [Column] = [.timePercent, .totalTime, .avgTime, .calls, .errors, .name]

    /// strace's names for columns and sort keys (count.c's column_aliases); nil for `none`/`nothing`.
    static let aliases: [String: Column?] = {
        var a: [String: Column?] = [:]
        for n in ["time", "time_percent", "time-percent"] { a[n] = .timePercent }
        for n in ["time_total", "time-total", "total_time", "total-time"] { a[n] = .totalTime }
        for n in ["min_time", "min-time", "shortest", "time_min", "time-min"] { a[n] = .minTime }
        for n in ["longest", "max_time", "max-time", "time_max", "time-max"] { a[n] = .maxTime }
        for n in ["avg_time", "avg-time", "time_avg", "time-avg"] { a[n] = .avgTime }
        for n in ["calls", "count"] { a[n] = .calls }
        for n in ["error", "errors"] { a[n] = .errors }
        for n in ["name", "syscall", "syscall_name", "syscall-name"] { a[n] = .name }
        for n in ["none", "nothing"] { a[n] = .some(nil) }
        return a
    }()

    public struct ParseError: Error, Equatable { public var message: String }

    /// -S SORTBY.
    public static func sortKey(_ s: String) throws -> SortKey {
        guard let c = aliases[s] else { throw ParseError(message: "invalid sortby: '\(s)'") }
        switch c {
        case nil: return .nothing
        case .timePercent?, .totalTime?: return .time
        case .minTime?: return .minTime
        case .maxTime?: return .maxTime
        case .avgTime?: return .avgTime
        case .calls?: return .calls
        case .errors?: return .errors
        case .name?: return .name
        }
    }

    /// -U COLUMNS: a comma-separated list; the name column is added last when missing, as in strace.
    public static func columns(_ s: String) throws -> [Column] {
        var out: [Column] = []
        for item in s.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard let c = aliases[item], let column = c else { throw ParseError(message: "unknown column name: '\(item)'") }
            if out.contains(column) { throw ParseError(message: "call summary column has been provided more than once: '\(item)'") }
            out.append(column)
        }
        if !out.contains(.name) { out.append(.name) }
        return out
    }

    private var byName: [String: Row] = [:]

    public init() {}

    /// One finished call.
    public mutating func add(name: String, durationNs: UInt64, failed: Bool, nr: Int64 = .max) {
        var r = byName[name] ?? Row(name: name, nr: nr)
        r.absorb(Row(name: name, calls: 1, errors: failed ? 1 : 0, totalNs: durationNs,
                     minNs: durationNs, maxNs: durationNs, nr: nr))
        byName[name] = r
    }

    /// A syscall record; like strace -c, a call that never returned (exit_group, the tracee died) is not counted.
    public mutating func add(_ record: SyscallRecord) {
        guard record.ret != nil else { return }
        let d = record.exitNs.map { $0 >= record.entryNs ? $0 - record.entryNs : 0 } ?? 0
        add(name: record.name, durationNs: d, failed: record.error != nil, nr: record.nr)
    }

    public mutating func merge(_ other: SyscallSummary) {
        for r in other.byName.values {
            var m = byName[r.name] ?? Row(name: r.name, nr: r.nr)
            m.absorb(r)
            byName[r.name] = m
        }
    }

    public var isEmpty: Bool { byName.isEmpty }

    /// Rows by time spent, most first, as strace -c sorts them by default.
    public var rows: [Row] { rows(sortedBy: .time) }

    /// Rows in strace -S's order: most first for numbers, names ascending; ties in syscall-number order
    /// (strace sorts its by-number table with a stable sort).
    public func rows(sortedBy key: SortKey) -> [Row] {
        byName.values.sorted { a, b in
            func then() -> Bool { (a.nr, a.name) < (b.nr, b.name) }
            switch key {
            case .time: return a.totalNs != b.totalNs ? a.totalNs > b.totalNs : then()
            case .minTime: return a.minNs != b.minNs ? a.minNs > b.minNs : then()
            case .maxTime: return a.maxNs != b.maxNs ? a.maxNs > b.maxNs : then()
            case .avgTime: return a.avgNs != b.avgNs ? a.avgNs > b.avgNs : then()
            case .calls: return a.calls != b.calls ? a.calls > b.calls : then()
            case .errors: return a.errors != b.errors ? a.errors > b.errors : then()
            case .name: return a.name != b.name ? Array(a.name.utf8).lexicographicallyPrecedes(b.name.utf8) : then()
            case .nothing: return then()
            }
        }
    }

    public var total: Row {
        byName.values.reduce(into: Row(name: "total")) { $0.absorb($1) }
    }

    public static let header = "% time     seconds  usecs/call     calls    errors syscall"
    public static let rule = "------ ----------- ----------- --------- --------- ----------------"

    /// The strace -c table, one line per syscall plus the total line; ends with a newline.
    /// Column widths grow with their values as in strace 6 (count.c's call_summary_pers).
    public func format(columns: [Column] = defaultColumns, sortedBy key: SortKey = .time) -> String {
        let all = total
        let rows = rows(sortedBy: key)
        let minOfMin = rows.map(\.minNs).min() ?? 0, maxOfMin = rows.map(\.minNs).max() ?? 0
        func width(_ c: Column) -> Int {
            switch c {
            case .timePercent: return 6
            case .totalTime: return max(11, Self.fixed(Double(all.totalNs) / 1e9, 6).count)
            case .minTime: return max(8, String(maxOfMin / 1_000_000_000).count + 7)
            case .maxTime: return max(7, String(all.maxNs / 1_000_000_000).count + 7)
            case .avgTime: return max(11, String(rows.map(\.usecsPerCall).max() ?? 0).count)
            case .calls: return max(9, String(all.calls).count)
            case .errors: return max(9, String(all.errors).count)
            case .name: return max(16, (rows.map(\.name.count).max() ?? 0) + 1)
            }
        }
        let widths = columns.map(width)
        func title(_ c: Column) -> String {
            switch c {
            case .timePercent: return "% time"
            case .totalTime: return "seconds"
            case .minTime: return "shortest"
            case .maxTime: return "longest"
            case .avgTime: return "usecs/call"
            case .calls: return "calls"
            case .errors: return "errors"
            case .name: return "syscall"
            }
        }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, c) in columns.enumerated() {
                if i > 0 { s += " " }
                let last = i == columns.count - 1
                // The name is the one left-aligned column, not padded when last.
                s += c == .name ? (last ? cells[i] : cells[i].rightPadded(widths[i])) : cells[i].leftPadded(widths[i])
            }
            return s
        }
        func cells(_ r: Row, percent: Double, minNs: UInt64, avgUsecs: UInt64) -> [String] {
            columns.map { c in
                switch c {
                case .timePercent: return Self.fixed(percent, 2)
                case .totalTime: return Self.fixed(Double(r.totalNs) / 1e9, 6)
                case .minTime: return Self.fixed(Double(minNs) / 1e9, 6)
                case .maxTime: return Self.fixed(Double(r.maxNs) / 1e9, 6)
                case .avgTime: return String(avgUsecs)
                case .calls: return String(r.calls)
                case .errors: return r.errors == 0 ? "" : String(r.errors)
                case .name: return r.name
                }
            }
        }
        let rule = zip(columns, widths).map { String(repeating: "-", count: $0.1) }.joined(separator: " ")
        var lines = [line(columns.map(title)), rule]
        for r in rows {
            let pct = all.totalNs == 0 ? 0 : Double(r.totalNs) * 100 / Double(all.totalNs)
            lines.append(line(cells(r, percent: pct, minNs: r.minNs, avgUsecs: r.usecsPerCall)))
        }
        lines.append(rule)
        let avg = all.calls == 0 ? 0 : UInt64(Double(all.totalNs) / 1e9 / Double(all.calls) * 1e6)
        lines.append(line(cells(all, percent: 100, minNs: rows.isEmpty ? 0 : minOfMin, avgUsecs: avg)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The default table's line for a row (`%6.2f %11.6f %11lu %9u %9.u %s`).
    public static func line(_ r: Row, of totalNs: UInt64) -> String {
        let pct = totalNs == 0 ? 0 : Double(r.totalNs) * 100 / Double(totalNs)
        return fixed(pct, 2).leftPadded(6) + " " + fixed(Double(r.totalNs) / 1e9, 6).leftPadded(11) + " "
            + String(r.usecsPerCall).leftPadded(11) + " " + String(r.calls).leftPadded(9) + " "
            + (r.errors == 0 ? "" : String(r.errors)).leftPadded(9) + " " + r.name
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
