import ArgumentParser
import Logging
import StackCross

@main
struct StackCrossCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stackcross",
        abstract: "Live inspector of Linux x86_64 process stacks: user, kernel, and the crossings between them.",
        discussion: """
        EXAMPLES:
          stackcross attach 1234
          stackcross trace -f -o trace.jsonl -- make -j4
          stackcross profile 1234 --duration 10 -o profile.jsonl
          stackcross report trace.jsonl
          stackcross check trace.jsonl
          stackcross model --entry syscall
        """,
        version: "stackcross " + StackCrossVersion.string,
        subcommands: [AttachCommand.self, TraceCommand.self, ProfileCommand.self, ReportCommand.self, CheckCommand.self, ModelCommand.self])

    /// Before any command runs: a broken pipe or a closed stdout becomes a write error, never a crash.
    static func main() {
        StandardStreams.reserveClosedDescriptors()
        StandardStreams.ignoreBrokenPipes()
        StandardStreams.checkStdioAtExit()
        main(nil)
    }
}

/// Flags every subcommand shares.
struct GlobalOptions: ParsableArguments {
    // Long only: `trace -v` is strace's -v (unabbreviated decoding).
    @Flag(name: .long, help: "Log what stackcross itself does (to stderr).")
    var verbose = false

    func makeLogger(_ label: String) -> Logger {
        LoggingBootstrap.once(verbose: verbose)
        return Logger(label: label)
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once(verbose: Bool) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = verbose ? .debug : .warning
            return h
        }
    }
}

/// A runtime failure: message on stderr, exit 1.
struct RuntimeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
