import ArgumentParser
import Foundation
import Inspector
import StackCross

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Print the simulated kernel stack of one kind of crossing (pt_regs slots, stack switch, C frames).",
        discussion: "KIND is one of: \(CrossingKind.names). The configuration (THREAD_SIZE, FRED, random kstack offset, CPU vendor) is read from the running kernel where it can be.")

    @Option(name: .long, help: ArgumentHelp("The way in to lay out.", valueName: "KIND"))
    var entry: String = "syscall"

    @Flag(name: .long, help: "Print the model as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard CrossingKind(rawValue: entry) != nil else {
            throw ValidationError("unknown entry kind '\(entry)'; valid kinds: \(CrossingKind.names)")
        }
    }

    func run() throws {
        let kind = CrossingKind(rawValue: entry)!
        let model = KernelStackModel(config: KernelConfigReader.load())
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try enc.encode(model.diagram(kind))
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(model.diagramText(kind).utf8))
        }
    }
}
