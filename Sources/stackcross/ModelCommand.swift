import ArgumentParser

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "Not built yet.")
    func run() throws { throw RuntimeFailure("model: not built yet") }
}
