import ArgumentParser

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trace", abstract: "Not built yet.")
    func run() throws { throw RuntimeFailure("trace: not built yet") }
}
