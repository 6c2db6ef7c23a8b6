import ArgumentParser
import Foundation
import Inspector
import StackCross

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Judge every crossing of a recorded trace again with this version's model.",
        discussion: """
            A trace keeps what each stop showed (registers, GET_SYSCALL_INFO, the bytes before ip, the \
            mappings, kernel stacks, signal frames) and a compact verdict. `check` rebuilds each stop from \
            the file alone, judges it again with the model made from the header's kernel facts, prints \
            per-check pass/fail totals, and compares every verdict with the recorded one.
            Exit status: 0 when every verdict agrees, 1 when some differ (the first few are named by \
            line) or nothing could be judged, 64 on bad usage.

            EXAMPLES:
              stackcross trace -f -o run.jsonl -- make
              stackcross check run.jsonl
              zstdcat run.jsonl.zst | stackcross check -
            """)

    @Argument(help: "A trace written by `stackcross trace -o`; - for stdin.")
    var input: String

    func run() throws {
        let name = input == "-" ? "<stdin>" : input
        let tally = CrossingCheckTally()
        let reader = ReportReader(file: name, exporter: tally, audit: tally)
        do {
            try TraceFileInput.forEachChunk(input, command: "check") { try reader.feed($0) }
            try reader.finish()
        } catch let e as ReportInputError {
            throw RuntimeFailure("check: \(e)")
        }
        try OutputFile.standardOutput.write(tally.format(file: name))
        if tally.judgedCount == 0 {
            throw RuntimeFailure(reader.header == nil
                ? "check: \(name) is a schema 1 trace (no header): it holds verdicts, not the observations to judge again"
                : "check: \(name) holds no crossings to judge (traced with --no-crossings?)")
        }
        if tally.differenceCount > 0 { throw ExitCode(1) }
    }
}
