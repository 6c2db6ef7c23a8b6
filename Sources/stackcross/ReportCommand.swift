import ArgumentParser
import Foundation
import Inspector
import PprofExport
import StackCross
import StackCrossExport

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Turn a trace (JSON Lines) or an attach snapshot (JSON) into a view.",
        discussion: """
        Formats: text (strace-like lines with stacks), html (one self-contained page), chrome \
        (trace-event JSON for Perfetto), folded (frame;frame count lines), flamegraph (SVG), \
        summary (strace -c table with check totals), otlp (OpenTelemetry ExportTraceServiceRequest \
        protobuf), perfetto (native Perfetto trace); for a `stackcross profile`: folded, flamegraph, \
        html (per-thread state timeline with stacks on click, and a flame graph), pprof (gzipped profile.proto), speedscope. The input is read as a stream. Without --format: text. \
        With --otlp-endpoint the spans are POSTed to an OTLP/HTTP collector.

        EXAMPLES:
          stackcross report trace.jsonl
          stackcross report trace.jsonl --format html -o trace.html
          stackcross report trace.jsonl --format chrome -o trace.json
          stackcross report trace.jsonl --format flamegraph -o flame.svg
          stackcross report trace.jsonl --format perfetto -o trace.pftrace
          stackcross attach 1234 --json | stackcross report - --format summary
        """)

    @Argument(help: "A trace written by `stackcross trace -o`, or a snapshot from `stackcross attach --json`; - for stdin.")
    var input: String

    @Option(name: .long, help: "The view to make (default: text; with --otlp-endpoint: otlp).")
    var format: ReportFormat?

    @Option(name: .long, help: ArgumentHelp("Send the trace as OTLP spans to this OTLP/HTTP collector (POST URL/v1/traces).", valueName: "http://host:port"))
    var otlpEndpoint: String?

    @Option(name: .long, help: "otlp endpoint: seconds to wait for each answer.")
    var otlpTimeout: Double = 10

    @Option(name: .long, help: "otlp endpoint: tries per batch (backoff between them) before giving up.")
    var otlpAttempts: Int = 5

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the view to FILE instead of stdout.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "html: crossings kept in full detail per thread.")
    var crossingsPerThread: Int = HTMLExporter.defaultCrossingsPerThread

    @Option(name: .long, help: "html: crossings kept in full detail in all.")
    var crossingsTotal: Int = HTMLExporter.defaultCrossingsTotal

    @Option(name: .long, help: "chrome: syscall slices written per thread (the rest are counted).")
    var maxEventsPerThread: Int = ChromeTraceExporter.defaultMaxEventsPerThread

    @Flag(help: "Profiles (folded, flamegraph, html, speedscope): the thread state ([R], [S], …) as each stack's root frame.")
    var stateRoot = false

    @Option(name: .long, help: .hidden)
    var perfettoMaxInterned: Int = 100_000

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if crossingsPerThread < 0 || crossingsTotal < 0 || maxEventsPerThread < 0 {
            throw ValidationError("limits must not be negative")
        }
        if let otlpEndpoint {
            if case .failure(let e) = OTLPEndpoint.parse(otlpEndpoint) { throw ValidationError(e.description) }
            if format != nil && format != .otlp { throw ValidationError("--otlp-endpoint sends otlp; --format \(format!.rawValue) cannot go with it") }
            if output != nil { throw ValidationError("--otlp-endpoint and -o: choose one") }
            if !(otlpTimeout > 0) || otlpAttempts < 1 { throw ValidationError("--otlp-timeout must be > 0 and --otlp-attempts >= 1") }
        }
    }

    func run() throws {
        // Plain or zstd (told by its magic bytes), a file or stdin: decompressed as it is read.
        let inFile: TraceInput
        do { inFile = try TraceInput.open(input) } catch { throw RuntimeFailure("report: \(error)") }
        defer { inFile.close() }

        if let output {
            // Opening the output truncates it: refuse when it is the input itself.
            let fm = FileManager.default
            if let a = try? fm.attributesOfItem(atPath: input), let b = try? fm.attributesOfItem(atPath: output),
               let ia = a[.systemFileNumber] as? Int, let ib = b[.systemFileNumber] as? Int,
               let da = a[.systemNumber] as? Int, let db = b[.systemNumber] as? Int, ia == ib, da == db {
                throw ValidationError("-o \(output) is the input file")
            }
        }
        ExportFormats.register()
        if let otlpEndpoint { return try send(to: otlpEndpoint, from: inFile) }
        let outFile = try OutputFile.open(output, command: "report")

        var writeError: OutputWriteError?
        let writer = ReportWriter { bytes in
            guard writeError == nil else { return }
            do throws(OutputWriteError) { try outFile.write(bytes) } catch { writeError = error }
        }
        var options = ReportOptions()
        options.htmlCrossingsPerThread = crossingsPerThread
        options.htmlCrossingsTotal = crossingsTotal
        options.maxChromeEventsPerThread = maxEventsPerThread
        options.perfettoMaxInterned = perfettoMaxInterned
        let title = input == "-" ? "stdin" : URL(fileURLWithPath: input).lastPathComponent
        let name = input == "-" ? "<stdin>" : input
        let format = self.format ?? .text
        do {
            // A profile (its `profile` record comes first) has views of its own: the first chunk decides.
            var feed: ((UnsafeRawBufferPointer) throws -> Void)?
            var finish: (() throws -> Void)?
            func choose(_ first: UnsafeRawBufferPointer) throws {
                if ProfileReader.isProfile(first) {
                    let reader = ProfileReader(file: name, consumer: try profileConsumer(writer: writer, title: title))
                    feed = reader.feed
                    finish = reader.finish
                } else {
                    let reader = ReportReader(file: name, exporter: format.makeExporter(writer: writer, title: title, options: options))
                    feed = reader.feed
                    finish = reader.finish
                }
            }
            try inFile.forEachChunk { chunk in
                if feed == nil { try choose(chunk) }
                try feed!(chunk)
                if let writeError { throw writeError }
            }
            if finish == nil {
                // Empty input: the trace reader words it.
                try choose(UnsafeRawBufferPointer(start: nil, count: 0))
            }
            try finish!()
            if writeError == nil {
                do { try outFile.close() } catch { writeError = error }
            }
        } catch {
            // A failed report leaves no half-written view behind.
            outFile.discard()
            if let e = error as? ReportInputError { throw RuntimeFailure("report: \(e)") }
            if let e = error as? TraceInputError { throw RuntimeFailure("report: \(e)") }
            if let e = error as? RuntimeFailure { throw e }
            if let e = error as? OutputWriteError { throw RuntimeFailure("report: \(e)") }
            throw RuntimeFailure("report: \(error)")
        }
        if let writeError {
            outFile.discard()
            throw RuntimeFailure("report: \(writeError)")
        }
    }

    /// The view of a profile; text, chrome and summary are views of traces.
    func profileConsumer(writer: ReportWriter, title: String) throws -> ProfileConsumer {
        let format = self.format ?? .text
        switch format {
        case .folded: return ProfileFoldedExporter(writer: writer, stateRoot: stateRoot)
        case .flamegraph: return ProfileFlameGraphExporter(writer: writer, title: title, stateRoot: stateRoot)
        case .speedscope: return ProfileSpeedscopeExporter(writer: writer, stateRoot: stateRoot)
        case .pprof: return PprofExporter(writer: writer)
        case .html: return ProfileHTMLExporter(writer: writer, title: title, stateRoot: stateRoot)
        case .text, .chrome, .summary, .otlp, .perfetto:
            throw RuntimeFailure("report: --format \(format.rawValue) is a view of traces; a profile has folded, flamegraph, html, pprof, speedscope")
        }
    }

    /// `--otlp-endpoint`: the spans go to a collector; the trace file is only read.
    private func send(to url: String, from inFile: TraceInput) throws {
        try Self.sendOTLP(input: input, from: inFile, to: url, timeout: otlpTimeout, attempts: otlpAttempts, command: "report")
    }

    /// Reads a trace and POSTs its spans to an OTLP/HTTP endpoint (also `trace --otlp-endpoint`).
    static func sendOTLP(input: String, from inFile: TraceInput, to url: String, timeout: Double, attempts: Int, command: String) throws {
        guard case .success(let endpoint) = OTLPEndpoint.parse(url) else { throw ValidationError("bad --otlp-endpoint \(url)") }
        let sink = OTLPHTTPSink(endpoint: endpoint, attempts: attempts, timeout: timeout)
        let exporter = OTLPExporter(sink: sink)
        let reader = ReportReader(file: input == "-" ? "<stdin>" : input, exporter: exporter)
        do {
            try inFile.forEachChunk { try reader.feed($0) }
            try reader.finish()
        } catch {
            if let e = error as? ReportInputError { throw RuntimeFailure("\(command): \(e)") }
            throw RuntimeFailure("\(command): \(error) (the trace \(input) is unchanged)")
        }
        try? OutputFile.standardError.write("\(command): sent \(exporter.spansSent) spans in \(sink.requestsSent) requests to \(endpoint)\n")
    }
}
