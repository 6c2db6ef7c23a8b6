import ArgumentParser
import Foundation
import Inspector
import StackCross

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Stop every thread of a process, snapshot its user and kernel stacks, and detach.",
        discussion: """
            Kernel stacks come from /proc/PID/task/TID/stack, read before each thread is stopped \
            (root only). The process runs on afterwards exactly as before.

            EXAMPLES:
              stackcross attach 1234
              stackcross attach 1234 --json -o snap.json
              stackcross attach 1234 --no-kernel --max-frames 16
            """)

    @Argument(help: "The process to snapshot.")
    var pid: Int32

    @Flag(help: "Write the snapshot record as JSON.")
    var json = false

    @Option(name: .shortAndLong, help: "Write to FILE instead of stdout.")
    var output: String?

    @Flag(help: "Do not read kernel stacks.")
    var noKernel = false

    @Option(help: "Unwind at most N user frames per thread.")
    var maxFrames = 256

    @Option(help: ArgumentHelp("Where file:line and inlined frames come from: own (modules built with -g), all (also separate debuginfo such as libc6-dbg, slower), none.", valueName: "own|all|none"))
    var sourceLines: SourceLines = .inFile

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard pid > 0 else { throw ValidationError("PID must be a positive process id, not \(pid)") }
        guard maxFrames > 0 else { throw ValidationError("--max-frames must be at least 1") }
    }

    func run() throws {
        let logger = global.makeLogger("stackcross.attach")
        var options = AttachOptions()
        // Reading the kernel's config (gunzip /proc/config.gz) takes milliseconds: overlap it with the attach.
        let config = KernelConfigFuture()
        Thread { config.set(KernelConfigReader.load()) }.start()
        options.kernelConfigLoader = { config.get() }
        options.kernelStacks = !noKernel
        options.maxFrames = maxFrames
        options.sourceLines = sourceLines
        let snapshot: Snapshot
        do {
            snapshot = try SnapshotCapture.snapshot(pid: pid, options: options, logger: logger)
        } catch let e as AttachError {
            throw RuntimeFailure("stackcross attach: \(e)")
        }
        var data: Data
        let t0 = Date()
        if json {
            data = Data(SnapshotJSON.encode(snapshot))
        } else {
            data = Data(SnapshotText.render(snapshot).utf8)
        }
        logger.debug("encoded", metadata: ["bytes": "\(data.count)", "us": "\(Int(Date().timeIntervalSince(t0) * 1e6))"])
        // The target is detached by now: a failed write below only costs the output.
        let file = try OutputFile.open(output, command: "stackcross attach")
        do {
            try file.write([UInt8](data))
            try file.close()
        } catch {
            file.discard()
            throw RuntimeFailure("stackcross attach: \(error)")
        }
    }
}

extension SourceLines: ExpressibleByArgument {}

/// The kernel configuration, read on another thread and waited for when the model needs it.
final class KernelConfigFuture: @unchecked Sendable {
    private let cond = NSCondition()
    private var value: KernelConfig?

    func set(_ v: KernelConfig) {
        cond.lock()
        value = v
        cond.broadcast()
        cond.unlock()
    }

    func get() -> KernelConfig {
        cond.lock()
        defer { cond.unlock() }
        while value == nil { cond.wait() }
        return value!
    }
}
