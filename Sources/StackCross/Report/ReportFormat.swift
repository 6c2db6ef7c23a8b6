/// The views `stackcross report` can make.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, html, chrome, folded, flamegraph, summary
    /// Views of a `stackcross profile` only (see `ProfileReader`).
    case pprof, speedscope

    /// Views that only a profile has.
    public var isProfileOnly: Bool { self == .pprof || self == .speedscope }

    /// The exporter for this view, writing to `writer`. `title` names the input in headings.
    public func makeExporter(writer: ReportWriter, title: String, options: ReportOptions = ReportOptions()) -> ReportExporter {
        switch self {
        case .text: TextExporter(writer: writer)
        case .html: HTMLExporter(writer: writer, title: title, options: options)
        case .chrome: ChromeTraceExporter(writer: writer, maxEventsPerThread: options.maxChromeEventsPerThread)
        case .folded: FoldedExporter(writer: writer)
        case .flamegraph: FlameGraphExporter(writer: writer, title: "stackcross: " + title)
        case .summary: SummaryExporter(writer: writer)
        case .pprof, .speedscope: ProfileOnlyExporter(format: rawValue)
        }
    }
}

/// The bounds that keep html and chrome output usable on very long traces.
public struct ReportOptions: Sendable {
    /// html: crossings kept in full detail per thread (the first ones, plus later ones with a failed check).
    public var htmlCrossingsPerThread = HTMLExporter.defaultCrossingsPerThread
    /// html: crossings kept in full detail overall.
    public var htmlCrossingsTotal = HTMLExporter.defaultCrossingsTotal
    /// chrome: syscall slices written per thread.
    public var maxChromeEventsPerThread = ChromeTraceExporter.defaultMaxEventsPerThread
    public init() {}
}

/// A profile-only view asked of a trace or snapshot: says so instead of writing an empty view.
final class ProfileOnlyExporter: ReportExporter {
    let format: String
    init(format: String) { self.format = format }
    struct Refusal: Error, CustomStringConvertible {
        var format: String
        var description: String { "--format \(format) needs a profile written by `stackcross profile`" }
    }
    func consume(_ record: TraceRecord) throws { throw Refusal(format: format) }
    func consume(_ snapshot: Snapshot) throws { throw Refusal(format: format) }
    func finish() throws { throw Refusal(format: format) }
}
