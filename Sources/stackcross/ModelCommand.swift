import ArgumentParser
import Foundation
import Inspector
import StackCross

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Print the simulated kernel stack of one kind of crossing (pt_regs slots, stack switch, C frames).",
        discussion: """
        KIND is one of: \(CrossingKind.names). The configuration (THREAD_SIZE, FRED, random kstack offset, \
        CPU vendor) is read from the running kernel where it can be.

        EXAMPLES:
          stackcross model --entry syscall
          stackcross model --entry int80-32 --vendor intel
          stackcross model --entry signal --fred --json
        """)

    @Option(name: .long, help: ArgumentHelp("The way in to lay out.", valueName: "KIND"))
    var entry: String = "syscall"

    @Flag(name: .long, help: "Print the model as JSON.")
    var json = false

    @Flag(name: .long, help: "Model a FRED kernel (16 bytes above pt_regs) instead of the running one.")
    var fred = false

    @Flag(name: .long, help: "Model a KASAN kernel (32 KiB task stacks, 16 KiB IST stacks).")
    var kasan = false

    @Option(name: .long, help: ArgumentHelp("Model this CPU vendor's 32-bit path: amd (SYSCALL) or intel (SYSENTER).", valueName: "amd|intel"))
    var vendor: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard CrossingKind(rawValue: entry) != nil else {
            throw ValidationError("unknown entry kind '\(entry)'; valid kinds: \(CrossingKind.names)")
        }
        if let v = vendor, v != "amd" && v != "intel" {
            throw ValidationError("unknown vendor '\(v)'; use amd or intel")
        }
    }

    func run() throws {
        let kind = CrossingKind(rawValue: entry)!
        var config = KernelConfigReader.load()
        if fred { config.fred = true; config.source += " + --fred" }
        if kasan {
            config.kasan = true; config.threadSize = 32 * 1024; config.irqStackSize = 32 * 1024; config.istStackSize = 16 * 1024
            config.source += " + --kasan"
        }
        if let v = vendor {
            config.cpuVendor = v == "intel" ? "GenuineIntel" : "AuthenticAMD"
            config.source += " + --vendor \(v)"
        }
        let model = KernelStackModel(config: config)
        var bytes: [UInt8]
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            bytes = [UInt8](try enc.encode(model.diagram(kind)))
            bytes.append(UInt8(ascii: "\n"))
        } else {
            bytes = Array(model.diagramText(kind).utf8)
        }
        do { try OutputFile.standardOutput.write(bytes) } catch {
            throw RuntimeFailure("stackcross model: \(error)")
        }
    }
}
