import ArgumentParser

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attach", abstract: "Not built yet.")
    func run() throws { throw RuntimeFailure("attach: not built yet") }
}
