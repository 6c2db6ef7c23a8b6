import ArgumentParser
import Foundation
import Inspector
import StackCross

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Trace the syscalls of a program or of running processes, like strace, with registers and crossings.",
        discussion: """
            Without -o, strace-like lines go to stderr as the program runs. With -o FILE the records \
            (syscall, signal, exec, clone, exit, attach, detach) go to FILE as JSON Lines instead. \
            The exit status is the program's (128+N when it was killed by signal N). With -p, \
            SIGINT, SIGTERM or SIGHUP detach from every thread and the processes run on.
            """)

    @Flag(name: .customShort("f"), help: "Follow threads, forks and vforks.")
    var follow = false

    @Option(name: .customShort("e"), help: ArgumentHelp("trace=SET: syscall names, %classes (%file, %process, %network…), !negation.", valueName: "expr"))
    var expressions: [String] = []

    @Option(name: .customShort("s"), help: ArgumentHelp("Longest string or buffer shown, in bytes.", valueName: "n"))
    var stringLimit: Int = 32

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the records as JSON Lines to FILE (with -c: the summary).", valueName: "file"))
    var output: String?

    @Flag(name: .customShort("c"), help: "Count calls, errors and time per syscall; print a summary at the end.")
    var summary = false

    @Flag(name: .customShort("q"), help: "Suppress attach, detach and exit messages.")
    var quiet = false

    @Option(name: .customShort("p"), help: ArgumentHelp("Attach to a running process (repeatable).", valueName: "pid"))
    var pids: [Int32] = []

    @Flag(name: .customLong("kernel-stack"), help: "Read /proc/TID/stack at every stop, record it and check it against the model's path.")
    var kernelStack = false

    @Flag(help: "Record the user stack of every syscall (like strace -k), unwound from a copy off the tracee's critical path.")
    var stack = false

    @Option(help: "With --stack: bytes of user stack copied at each syscall entry.")
    var stackBytes = 16 * 1024

    @Option(help: ArgumentHelp("With --stack: the unwinder.", valueName: "libdw|libunwind"))
    var unwinder: UnwinderKind = .libdw

    @Option(name: .customLong("stack-max-copies"), help: .hidden)
    var stackMaxCopies = 512

    @Flag(name: .customLong("no-handler-step"), help: "Do not single-step caught signals into their handlers (no signal-frame checks).")
    var noHandlerStep = false

    @Flag(name: .customLong("no-crossings"), help: "Leave the model's crossing checks out of the records (much faster; JSON only).")
    var noCrossings = false

    @Flag(name: .customLong("debug-peak-rss"), help: .hidden)
    var debugPeakRSS = false

    @OptionGroup var global: GlobalOptions

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The program and its arguments (after --).", valueName: "program"))
    var command: [String] = []

    var program: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    /// The program and its arguments as the exact bytes of this process's argv: the parser hands out
    /// Strings (invalid UTF-8 repaired to U+FFFD), but execve must get what the user gave.
    var programBytes: [[UInt8]] {
        let argc = Int(CommandLine.argc), n = program.count
        let raw: [[UInt8]] = n <= argc ? (argc - n ..< argc).map { i in
            CommandLine.unsafeArgv[i].map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        } : []
        // The captured arguments are argv's tail; when parsed from elsewhere (tests), the Strings are all there is.
        guard raw.count == n, zip(raw, program).allSatisfy({ String(decoding: $0, as: UTF8.self) == $1 }) else {
            return program.map { Array($0.utf8) }
        }
        return raw
    }

    func validate() throws {
        // The passthrough argument swallows everything after the options, --help included.
        if let first = command.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
        // ...and an unknown option before the program: it is a mistake, not a program named --bogus.
        if let first = command.first, first.hasPrefix("-"), first.count > 1, first != "--" {
            throw ValidationError("Unknown option '\(first)'")
        }
        if program.isEmpty && pids.isEmpty { throw ValidationError("give a program to run (after --) or -p PID") }
        if !program.isEmpty && !pids.isEmpty { throw ValidationError("give either a program or -p PID, not both") }
        if stringLimit < 0 { throw ValidationError("-s must be at least 0") }
        if stackBytes < 64 || stackBytes > 1 << 24 { throw ValidationError("--stack-bytes must be between 64 and 16777216") }
        for p in pids where p <= 0 { throw ValidationError("-p: not a process id: \(p)") }
        _ = try parsedFilter()
    }

    func parsedFilter() throws -> SyscallFilter {
        do {
            return try SyscallFilter.parse(expressions)
        } catch let e as SyscallFilter.ParseError {
            throw ValidationError(e.message)
        }
    }

    func run() throws {
        let logger = global.makeLogger("stackcross.trace")
        var options = TraceOptions()
        options.followForks = follow
        options.stringLimit = stringLimit
        options.filter = try parsedFilter()

        let outFile = try output.map { try OutputFile($0, command: "stackcross trace") }
        defer { try? outFile?.close() }

        let mode: TraceOutput.Mode = summary ? .summary : (outFile != nil ? .jsonLines : .lines)
        let sink = TraceOutput(mode: mode, out: outFile ?? .standardError, quiet: quiet,
                               crossings: mode == .jsonLines && !noCrossings)
        var hooks = TraceHooks()
        // The probe gathers what the model's checks need; without crossings only --kernel-stack wants it.
        if sink.wantsCrossings || kernelStack {
            // The kernel's config is read when the model is first needed.
            let loader = TraceModelLoader { KernelStackModel(config: KernelConfigReader.load()) }
            options.model = loader
            LazyCrossingProbe(loader: loader, readKernelStack: kernelStack, stepIntoHandlers: !noHandlerStep && sink.wantsCrossings)
                .install(into: &hooks)
        }
        var tracerSink: TraceSink = sink
        var stacks: SyscallStackCollector?
        defer { stacks?.logTimings() }
        if stack {
            var so = StackOptions()
            so.stackBytes = stackBytes
            so.unwinder = unwinder
            so.maxWaitingCopies = max(0, stackMaxCopies)
            let collector = SyscallStackCollector(options: so, downstream: sink, logger: logger)
            collector.install(into: &hooks)
            options.alsoStop = collector.alsoStop
            tracerSink = collector
            stacks = collector
        }
        let tracer = SyscallTracer(options: options, sink: tracerSink, hooks: hooks, logger: logger)
        let argv = programBytes
        let target: TraceTarget = pids.isEmpty ? .rawProgram(argv[0], argv) : .processes(pids)
        let outcome: TraceOutcome
        do {
            outcome = try tracer.run(target)
        } catch let e as TraceError {
            sink.flush()
            throw RuntimeFailure(e.description)
        }
        sink.finish()
        // The tracees are gone or detached by now: a failed last write or close only fails the exit status.
        do { try outFile?.close() } catch { sink.failed(error) }
        if let failure = sink.writeFailure { throw RuntimeFailure(failure) }
        if debugPeakRSS, let hwm = Self.peakRSS() { try OutputFile.standardError.write("stackcross: VmHWM \(hwm)\n") }
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }

    static func peakRSS() -> String? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return s.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) }
    }
}

/// A CrossingProbe made at its first use, once the model's configuration is loaded: a trace that
/// reports no syscall (say, -e trace=reboot) never waits for it.
final class LazyCrossingProbe {
    let loader: TraceModelLoader
    let readKernelStack: Bool
    let stepIntoHandlers: Bool
    /// Whether the probe exists yet (a task that goes before it does has nothing to drop).
    private var made = false
    lazy var hooks: TraceHooks = {
        made = true
        var h = TraceHooks()
        CrossingProbe(model: loader.model, readKernelStack: readKernelStack, stepIntoHandlers: stepIntoHandlers).install(into: &h)
        return h
    }()

    init(loader: TraceModelLoader, readKernelStack: Bool, stepIntoHandlers: Bool) {
        self.loader = loader
        self.readKernelStack = readKernelStack
        self.stepIntoHandlers = stepIntoHandlers
    }

    func install(into h: inout TraceHooks) {
        let prevEntry = h.atSyscallEntry, prevObserve = h.observe
        h.atSyscallEntry = { [self] pid, tid, rec in
            prevEntry?(pid, tid, &rec)
            hooks.atSyscallEntry?(pid, tid, &rec)
        }
        h.observe = { [self] pid, tid, obs in
            prevObserve?(pid, tid, &obs)
            hooks.observe?(pid, tid, &obs)
        }
        if stepIntoHandlers {
            h.intoHandler = { [self] pid, tid, rec, obs in hooks.intoHandler?(pid, tid, &rec, obs) ?? .notTaken }
        }
        let prevGone = h.taskGone
        h.taskGone = { [self] pid, tid, processGone in
            prevGone?(pid, tid, processGone)
            if made { hooks.taskGone?(pid, tid, processGone) }
        }
    }
}

/// The CLI's sink: strace-like lines, JSON Lines, or a -c summary; buffered, written when full or idle.
final class TraceOutput: TraceSink {
    enum Mode { case lines, jsonLines, summary }
    let mode: Mode
    let out: OutputFile
    let quiet: Bool
    /// The first failed write (output thread, then read after it has finished); nothing is written after it.
    private(set) var writeFailure: String?
    /// Which tasks are traced and their last calls, as strace's lines show them.
    var lineContext = StraceLineContext()
    var showPid: Bool { lineContext.showPid }
    var text: [UInt8] = []
    let stackText = StackTextRenderer()
    let json = JSONLineBuffer(capacity: 1 << 17)
    var summary = SyscallSummary()
    /// The task whose entry part is on the current, unfinished line.
    var openLine: Int32?
    /// A thread whose execve took over its leader's tid → that tid: its `<... execve resumed>` shows under it, as in strace.
    var tookOver: [Int32: Int32] = [:]
    static let bufferLimit = 1 << 16

    init(mode: Mode, out: OutputFile, quiet: Bool, crossings: Bool) {
        self.mode = mode
        self.wantsCrossings = crossings
        self.out = out
        self.quiet = quiet
        text.reserveCapacity(Self.bufferLimit + 8192)
    }

    var wantsText: Bool { mode == .lines }
    /// Only the JSON records carry crossings (lines and the summary never show them), unless --no-crossings.
    let wantsCrossings: Bool

    func syscallEntered(_ record: SyscallRecord) {
        guard mode == .lines else { return }
        endOpenLine()
        lineContext.saw(pid: record.pid, tid: record.tid)
        put(SyscallLine.formatEntry(record: lineContext.shown(record), showPid: showPid))
        openLine = record.tid
    }

    func syscallExited(_ record: SyscallRecord, returnText: String?) {
        switch mode {
        case .jsonLines:
            TraceRecordJSON.appendLine(syscall: record, to: json)
            if json.count >= Self.bufferLimit { flush() }
        case .summary:
            summary.add(record)
        case .lines:
            var record = record
            if let leader = tookOver.removeValue(forKey: record.tid) { record.tid = leader }
            lineContext.saw(pid: record.pid, tid: record.tid)
            let shown = lineContext.shown(record)
            if openLine == record.tid {
                openLine = nil
                line(SyscallLine.formatExit(record: shown, returnText: returnText))
            } else {
                line(SyscallLine.formatResumed(record: shown, showPid: showPid, returnText: returnText))
            }
            lineContext.exited(record)
            // --stack: the frames under the call, as strace -k prints them.
            if let frames = record.userStack { stackText.append(frames, to: &text) }
        }
    }

    func signal(_ record: SignalRecord, siginfoFields: [(String, String)]) {
        switch mode {
        case .jsonLines: emit(.signal(record))
        case .summary: break
        case .lines:
            lineContext.saw(pid: record.pid, tid: record.tid)
            line(SyscallLine.formatSignal(record: record, showPid: showPid, fields: siginfoFields))
        }
    }

    func groupStop(pid: Int32, tid: Int32, signal: String) {
        guard mode == .lines else { return }
        lineContext.saw(pid: pid, tid: tid)
        line(SyscallLine.formatGroupStop(tid: tid, signal: signal, showPid: showPid))
    }

    func emit(_ record: TraceRecord) {
        switch mode {
        case .jsonLines:
            TraceRecordJSON.appendLine(record, to: json)
            if json.count >= Self.bufferLimit { flush() }
        case .summary:
            break
        case .lines:
            switch record {
            case .exit(let r) where !quiet: line(SyscallLine.formatTermination(record: r, showPid: showPid))
            case .attach(let r) where !quiet: line("stackcross: Process \(r.tid) attached")
            case .detach(let r) where !quiet: line("stackcross: Process \(r.tid) detached")
            case .exec(let r) where r.formerTid != nil && r.formerTid != r.tid:
                superseded(r, formerTid: r.formerTid!)
                return
            default: break
            }
            lineContext.apply(record)
        }
    }

    /// A non-leader thread's execve: the other threads are gone, and its call resumes under the leader's tid.
    func superseded(_ r: ExecRecord, formerTid: Int32) {
        lineContext.apply(.exec(r))
        tookOver[formerTid] = r.tid
        if !quiet { line(SyscallLine.formatSuperseded(record: r, formerTid: formerTid, showPid: showPid)) }
    }

    /// Another task's line comes: the open one is cut as strace does (`<unfinished ...>`).
    func endOpenLine() {
        guard openLine != nil else { return }
        openLine = nil
        put(SyscallLine.unfinished)
        text.append(UInt8(ascii: "\n"))
    }

    func line(_ s: String) {
        endOpenLine()
        put(s)
        text.append(UInt8(ascii: "\n"))
        if text.count >= Self.bufferLimit { flush() }
    }

    func put(_ s: String) { text.append(contentsOf: s.utf8) }

    func flush() {
        if !json.isEmpty {
            writeAll(json.bytes)
            json.removeAll()
        }
        if !text.isEmpty {
            text.withUnsafeBytes { writeAll($0) }
            text.removeAll(keepingCapacity: true)
        }
    }

    /// Writes unless a write already failed: the trace then stops (the output thread tells the tracer).
    func writeAll(_ raw: UnsafeRawBufferPointer) {
        guard writeFailure == nil else { return }
        do { try out.write(raw) } catch { failed(error) }
    }

    func failed(_ error: OutputWriteError) {
        if writeFailure == nil { writeFailure = error.description }
    }

    func finish() {
        endOpenLine()
        if mode == .summary { put(summary.format()) }
        flush()
    }
}

extension UnwinderKind: ExpressibleByArgument {}
