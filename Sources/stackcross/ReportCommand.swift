import ArgumentParser
import Foundation
import Inspector
import StackCross

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Turn a trace (JSON Lines) or an attach snapshot (JSON) into a view.",
        discussion: """
        Formats: text (strace-like lines with stacks), html (one self-contained page), chrome \
        (trace-event JSON for Perfetto), folded (frame;frame count lines), flamegraph (SVG), \
        summary (strace -c table with check totals). The input is read as a stream. \
        Without --format: text.

        EXAMPLES:
          stackcross report trace.jsonl
          stackcross report trace.jsonl --format html -o trace.html
          stackcross report trace.jsonl --format chrome -o trace.json
          stackcross report trace.jsonl --format flamegraph -o flame.svg
          stackcross attach 1234 --json | stackcross report - --format summary
        """)

    @Argument(help: "A trace written by `stackcross trace -o`, or a snapshot from `stackcross attach --json`; - for stdin.")
    var input: String

    @Option(name: .long, help: "The view to make.")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the view to FILE instead of stdout.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "html: crossings kept in full detail per thread.")
    var crossingsPerThread: Int = HTMLExporter.defaultCrossingsPerThread

    @Option(name: .long, help: "html: crossings kept in full detail in all.")
    var crossingsTotal: Int = HTMLExporter.defaultCrossingsTotal

    @Option(name: .long, help: "chrome: syscall slices written per thread (the rest are counted).")
    var maxEventsPerThread: Int = ChromeTraceExporter.defaultMaxEventsPerThread

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if crossingsPerThread < 0 || crossingsTotal < 0 || maxEventsPerThread < 0 {
            throw ValidationError("limits must not be negative")
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
        let title = input == "-" ? "stdin" : URL(fileURLWithPath: input).lastPathComponent
        let exporter = format.makeExporter(writer: writer, title: title, options: options)
        let reader = ReportReader(file: input == "-" ? "<stdin>" : input, exporter: exporter)
        do {
            try inFile.forEachChunk { chunk in
                try reader.feed(chunk)
                if let writeError { throw writeError }
            }
            try reader.finish()
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
}
