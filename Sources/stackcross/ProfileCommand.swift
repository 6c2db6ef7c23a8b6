import ArgumentParser
import Foundation
import Inspector
import StackCross

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Sample every thread's merged user + kernel stack over time, on and off the CPU.",
        discussion: """
            Threads blocked in the kernel are sampled without being stopped (their stack top is copied \
            from /proc's sp and pc); only threads running in user mode are stopped, briefly, by \
            PTRACE_INTERRUPT. Writes JSON Lines for `stackcross report --format folded|flamegraph|pprof|speedscope`. \
            SIGINT or SIGTERM ends the profile; the process is left as it was (a stopped one stays stopped).
            """)

    @Argument(help: "The process to profile.")
    var pid: Int32

    @Option(name: .customShort("F"), help: "Samples per second per thread.")
    var frequency = 49

    @Option(help: ArgumentHelp("Stop after SECONDS (default: until SIGINT/SIGTERM or the process ends).", valueName: "seconds"))
    var duration: Double?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Sample only these threads.", valueName: "tid,…"))
    var threads: String?

    @Flag(help: "Do not read kernel stacks.")
    var noKernel = false

    @Option(help: "Unwind at most N user frames per sample.")
    var maxFrames = 256

    @Flag(help: "Live view: every second, the heaviest merged stacks with counts, percent and thread states (redrawn on a terminal; one plain table per second otherwise).")
    var top = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard pid > 0 else { throw ValidationError("PID must be a positive process id, not \(pid)") }
        guard (1...1000).contains(frequency) else { throw ValidationError("-F must be 1…1000 samples per second") }
        if let duration, !(duration > 0 && duration.isFinite) { throw ValidationError("--duration must be a positive number of seconds") }
        guard maxFrames > 0 else { throw ValidationError("--max-frames must be at least 1") }
        _ = try threadSet()
        if top && output != nil { throw ValidationError("--top shows the profile live on stdout; it takes no -o") }
    }

    func threadSet() throws -> Set<Int32>? {
        guard let threads else { return nil }
        var out: Set<Int32> = []
        for part in threads.split(separator: ",", omittingEmptySubsequences: false) {
            guard let t = Int32(part), t > 0 else { throw ValidationError("--threads: '\(part)' is not a thread id") }
            out.insert(t)
        }
        return out
    }

    func run() throws {
        let logger = global.makeLogger("stackcross.profile")
        var options = ProfileOptions()
        options.hz = frequency
        options.duration = duration
        options.threads = try threadSet()
        options.kernelStacks = !noKernel
        options.maxFrames = maxFrames
        let file = try OutputFile.open(output, command: "stackcross profile")
        let live = top ? LiveTop(pid: pid, file: file) : nil
        let sampler = ProfileSampler(pid: pid, options: options, logger: logger) { bytes in
            if let live { return live.feed(bytes) }
            do throws(OutputWriteError) { try file.write(bytes); return nil } catch { return "\(error)" }
        }
        let result: ProfileResult
        do {
            result = try sampler.run(header: Self.header(), exe: ProcFS.exe(pid) ?? "?")
        } catch let e as AttachError {
            file.discard()
            throw RuntimeFailure("stackcross profile: \(e)")
        }
        if let f = result.writeFailure ?? live?.finish() {
            file.discard()
            throw RuntimeFailure("stackcross profile: \(f)")
        }
        do { try file.close() } catch { throw RuntimeFailure("stackcross profile: \(error)") }
        let s = result.summary
        logger.info("profile done", metadata: ["samples": "\(s.samples)", "stops": "\(s.stopsByState)", "ended": "\(s.ended)"])
        // A SIGINT/SIGTERM that ended the profile ends stackcross as it would have (after the clean finish).
        if let sig = result.signal, sig != SIGINT, sig != SIGTERM { signal(sig, SIG_DFL); raise(sig) }
    }

    static func header() -> ProfileHeader {
        // A profile has no crossings nor registers: the checks/regs fields keep the trace defaults.
        ProfileHeader(TraceHeaderFacts().header(command: CommandLine.arguments,
                                                kernel: nil, options: TraceWriterOptions()))
    }
}

/// `--top`: the profile's records read back as they are made; a table every second on stdout
/// (cleared and redrawn on a terminal, appended plainly otherwise). Runs on the profile's worker thread.
final class LiveTop {
    private let view = ProfileTopView()
    private let reader: ProfileReader
    private let file: OutputFile
    private let tty = isatty(STDOUT_FILENO) == 1
    private let title: String
    private let started = Date()
    private var last = Date()
    private var pendingSamples = false

    init(pid: Int32, file: OutputFile) {
        self.file = file
        reader = ProfileReader(file: "<profile>", consumer: view)
        title = "stackcross profile --top: pid \(pid) \(ProcFS.exe(pid) ?? "?")"
    }

    /// One batch of JSON lines; returns a failure message, if any.
    func feed(_ bytes: [UInt8]) -> String? {
        do { try bytes.withUnsafeBytes { try reader.feed($0) } } catch { return "\(error)" }
        pendingSamples = true
        guard Date().timeIntervalSince(last) >= 1 else { return nil }
        return draw()
    }

    /// The last interval's table, once the profile ended.
    func finish() -> String? { pendingSamples ? draw() : nil }

    private func draw() -> String? {
        last = Date()
        pendingSamples = false
        let table = view.table(elapsed: last.timeIntervalSince(started), title: title)
        // Home and clear on a terminal; a pipe or file gets plain tables separated by a blank line.
        let text = tty ? "\u{1b}[H\u{1b}[2J" + table : table + "\n"
        do throws(OutputWriteError) { try file.write(Array(text.utf8)); return nil } catch { return "\(error)" }
    }
}
