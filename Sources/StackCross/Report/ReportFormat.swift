import Foundation

/// The views `stackcross report` can make.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, html, chrome, folded, flamegraph, summary
    /// Views of a `stackcross profile` only (see `ProfileReader`).
    case pprof, speedscope

    /// Views that only a profile has.
    public var isProfileOnly: Bool { self == .pprof || self == .speedscope }

    /// Protobuf views made by the StackCrossExport module, which registers them (see `register`).
    case otlp, perfetto

    /// False for the views another module registers (otlp, perfetto).
    public var isBuiltIn: Bool { self != .otlp && self != .perfetto && !isProfileOnly }

    /// Makers of the views that live outside this module (they need swift-protobuf), by format.
    nonisolated(unsafe) private static var registered: [ReportFormat: (ReportWriter, ReportOptions) -> ReportExporter] = [:]
    private static let registryLock = NSLock()

    /// Registers the maker of a view this module cannot build itself; called once at start-up.
    public static func register(_ format: ReportFormat, _ make: @escaping (ReportWriter, ReportOptions) -> ReportExporter) {
        registryLock.lock(); defer { registryLock.unlock() }
        registered[format] = make
    }

    private func registeredExporter(writer: ReportWriter, options: ReportOptions) -> ReportExporter {
        Self.registryLock.lock(); defer { Self.registryLock.unlock() }
        if let make = Self.registered[self] { return make(writer, options) }
        return UnavailableExporter(format: rawValue)
    }

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
        case .otlp, .perfetto: registeredExporter(writer: writer, options: options)
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
    /// otlp: CLOCK_REALTIME minus CLOCK_MONOTONIC, ns, to turn record times into wall-clock time when the
    /// trace has no header saying it (nil: the exporter uses the offset at report time).
    public var wallClockOffsetNs: Int64?
    /// perfetto: interned entries (names, frames, callstacks) kept before the sequence's state is cleared.
    public var perfettoMaxInterned = 100_000
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

/// Stands in for a view whose module was not linked: says so instead of writing nothing.
final class UnavailableExporter: ReportExporter {
    let format: String
    init(format: String) { self.format = format }
    func consume(_ record: TraceRecord) throws { throw ReportInputError(file: format, line: 0, message: "format \(format) is not available in this build") }
    func consume(_ snapshot: Snapshot) throws { try consume(TraceRecord.exit(ExitRecord(pid: 0, tid: 0, timeNs: 0))) }
    func finish() throws {}
}
