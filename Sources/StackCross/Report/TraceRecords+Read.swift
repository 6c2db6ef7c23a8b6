/// A whole trace read into memory: for tests and small tools (`ReportReader` streams).
public enum TraceFile {
    /// Every record of a trace (schema 1 or 2), whole: registers rebuilt, stacks resolved, and (when
    /// `judged`) every crossing judged again with all its checks, as the text and HTML views show it.
    public static func records(_ bytes: [UInt8], file: String = "trace", judged: Bool = true) throws -> [TraceRecord] {
        let c = Collector(judged: judged)
        let reader = ReportReader(file: file, exporter: c)
        try reader.feed(bytes)
        try reader.finish()
        return c.records
    }

    public static func records(_ text: String, file: String = "trace", judged: Bool = true) throws -> [TraceRecord] {
        try records(Array(text.utf8), file: file, judged: judged)
    }

    final class Collector: ReportExporter {
        let wantsJudgedCrossings: Bool
        var records: [TraceRecord] = []
        init(judged: Bool) { wantsJudgedCrossings = judged }
        func consume(_ record: TraceRecord) throws { records.append(record) }
        func consume(_ snapshot: Snapshot) throws {
            throw ReportInputError(file: "", line: 1, message: "a snapshot, not a trace")
        }
        func finish() throws {}
    }
}
