/// The views `stackcross report` can make.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, html, chrome, folded, flamegraph, summary

    /// The exporter for this view, writing to `writer`. `title` names the input in headings.
    public func makeExporter(writer: ReportWriter, title: String, options: ReportOptions = ReportOptions()) -> ReportExporter {
        switch self {
        case .text: TextExporter(writer: writer)
        case .html: HTMLExporter(writer: writer, title: title, options: options)
        case .chrome: ChromeTraceExporter(writer: writer, maxEventsPerThread: options.maxChromeEventsPerThread)
        case .folded: FoldedExporter(writer: writer)
        case .flamegraph: FlameGraphExporter(writer: writer, title: "stackcross: " + title)
        case .summary: SummaryExporter(writer: writer)
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
