import ArgumentParser
import Foundation
import Inspector
import StackCross
import StackCrossExport

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Trace the syscalls of a program or of running processes, like strace, with registers and crossings.",
        usage: """
            stackcross trace [<options>] -- <program> [<arg> ...]
            stackcross trace [<options>] -p <pid> [-p <pid> ...]
            """,
        discussion: """
            Without -o, strace-like lines go to stderr as the program runs. With -o FILE the records \
            (syscall, signal, exec, clone, exit, attach, detach) go to FILE as JSON Lines instead. \
            The exit status is the program's (128+N when it was killed by signal N). With -p, \
            SIGINT, SIGTERM or SIGHUP detach from every thread and the processes run on.

            -e takes strace's trace expressions: syscall names, %classes (%file, %desc, %process, \
            %network, %signal, %ipc, %memory, %creds, %clock, %%stat…), /regex, all, none, a \
            leading ! to negate; several -e add up. -e also takes inject=SET:error=ERRNO|retval=N\
            [:signal=SIG][:delay_enter=USEC][:delay_exit=USEC][:when=FIRST[..LAST][+STEP]], fault=SET[:error=ERRNO], \
            status=SET, signal=SET, quiet=SET, trace-fds=SET, read=FDS and write=FDS, as strace does.

            EXAMPLES:
              stackcross trace -- ls -l /tmp
              stackcross trace -f -o trace.jsonl -- make -j4
              stackcross trace -e trace=openat,read -- cat /etc/hostname
              stackcross trace -e trace=%file -- ls
              stackcross trace -e 'trace=!%memory' -- ls
              stackcross trace -e trace=/^open -e trace=%process,%signal -- ls
              stackcross trace -c -- python3 -c 'print(1)'
              stackcross trace -f -p 1234 -p 1240
              stackcross trace --stack -o trace.jsonl -- ./a.out
              stackcross trace -tt -T -e trace=openat -- cat /etc/hostname
              stackcross trace -r -e trace=%file -- ls
              stackcross trace --absolute-timestamps=format:unix,precision:ns -- true
              stackcross trace -c -S calls -U name,calls,min-time,max-time,avg-time -- ls
              stackcross trace -C -w -- ls
              stackcross trace -e inject=openat:error=ENOENT:when=3 -- cat /etc/hostname
              stackcross trace -e inject=getpid:retval=42 -e fault=write:when=2+ -- ./a.out
              stackcross trace -e inject=read:delay_exit=1000 -- ./a.out
              stackcross trace -e inject=kill:error=EPERM:signal=USR1 -- ./a.out
              stackcross trace -P /etc/hostname -- cat /etc/hostname
              stackcross trace -z -e trace=%file -- ls
              stackcross trace -e status=failed,unfinished -e signal=none -qq -- ./a.out
              stackcross trace -e trace-fds=3,4 -- ./a.out
              stackcross trace -f --syscall-limit=100 -- make
              stackcross trace -n -i --decode-fds=none -- true
              stackcross trace -e trace=read,write -e read=3 -e write=1 -- cat /etc/motd
              stackcross trace -A -o trace.jsonl -- ./a.out
              stackcross trace -f -o trace.txt --output-format text -- make
              stackcross trace -ff -o trace -- make
              stackcross trace -E LANG=C -E HOME -u nobody -- id
              stackcross trace -f -b execve -- sh -c 'ls; echo done'
              stackcross trace -f -Y -e trace=kill,wait4 -- sh -c 'sleep 1 & kill $!'
              stackcross trace -xx -X verbose -e trace=openat,write -- ./a.out
            """)

    @Flag(name: .customShort("f"), help: "Follow threads, forks and vforks; -ff with -o PREFIX: one file per process, PREFIX.PID.")
    var follow: Int

    @Option(name: .customShort("e"), help: ArgumentHelp("trace=SET: syscall names, %classes (%file, %process, %network…), !negation.", valueName: "expr"))
    var expressions: [String] = []

    @Option(name: .customShort("s"), help: ArgumentHelp("Longest string or buffer shown, in bytes.", valueName: "n"))
    var stringLimit: Int = 32

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the records as JSON Lines to FILE (with -c: the summary).", valueName: "file"))
    var output: String?

    @Option(name: .customLong("output-format"), help: ArgumentHelp("With -o: jsonl (the records, the default) or text (strace's lines, as strace -o writes them).", valueName: "jsonl|text"))
    var outputFormat: String?

    @Flag(name: .customShort("c"), help: "Count calls, errors and time per syscall; print a summary at the end.")
    var summary = false

    @Flag(name: .customShort("C"), help: "Like -c, but also print the lines (with -o: the records, and the summary on stderr).")
    var summaryAndLines = false

    @Option(name: .customShort("S"), help: ArgumentHelp("With -c/-C: sort the summary by time, calls, errors, name, avg-time, min-time, max-time or nothing.", valueName: "sortby"))
    var summarySort: String = "time"

    @Option(name: .customShort("U"), help: ArgumentHelp("With -c/-C: the summary's columns, e.g. name,calls,min-time,max-time,avg-time,total-time,time-percent,errors.", valueName: "columns"))
    var summaryColumns: String?

    @Flag(name: .customShort("w"), help: "With -c/-C: summarise wall-clock time in calls (stackcross always does).")
    var summaryWallClock = false

    @Flag(name: .customShort("t"), help: "Prefix lines with the time of day; -tt with microseconds; -ttt as seconds since the epoch.")
    var absoluteTimestamps: Int

    @Option(name: [.customLong("absolute-timestamps"), .customLong("timestamps")], help: ArgumentHelp("The -t prefix: [format:]none|time|unix and/or [precision:]s|ms|us|ns, comma-separated.", valueName: "spec"))
    var absoluteTimestampsSpec: String?

    @Flag(name: .customShort("r"), help: "Prefix lines with the time since the previous line.")
    var relativeTimestamps = false

    @Option(name: .customLong("relative-timestamps"), help: ArgumentHelp("-r with this precision: s, ms, us or ns.", valueName: "precision"))
    var relativeTimestampsSpec: String?

    @Flag(name: .customShort("T"), help: "Show the time spent in each call: <0.000123>.")
    var syscallTimes = false

    @Option(name: .customLong("syscall-times"), help: ArgumentHelp("-T with this precision: s, ms, us or ns.", valueName: "precision"))
    var syscallTimesSpec: String?

    @Flag(name: .customShort("q"), help: "Suppress attach and detach messages; -qq also exit messages; -qqq all of them.")
    var quiet: Int

    @Option(name: [.customShort("P"), .customLong("trace-path")], help: ArgumentHelp("Trace only calls touching PATH (path arguments, and fds resolved through the fd table); repeatable.", valueName: "path"))
    var tracePaths: [String] = []

    @Flag(name: [.customShort("z"), .customLong("successful-only")], help: "Show only calls that succeeded (-e status=successful).")
    var successfulOnly = false

    @Flag(name: [.customShort("Z"), .customLong("failed-only")], help: "Show only calls that failed (-e status=failed).")
    var failedOnly = false

    @Flag(name: .customShort("A"), help: "With -o: append to FILE instead of truncating it.")
    var append = false

    @Flag(name: .customShort("n"), help: "Print the syscall number before each line: [ 257].")
    var syscallNumbers = false

    @Flag(name: .customShort("i"), help: "Print the instruction pointer at each call: [00007f1c2a4b3c5d].")
    var instructionPointer = false

    @Flag(name: .customShort("y"), help: "Show fd paths (the default); -yy: sockets by their endpoints, TCP:[127.0.0.1:41234->127.0.0.1:80], devices with their numbers, /dev/null<char 1:3>.")
    var decodeFdsFlag: Int

    @Flag(name: [.customShort("v"), .customLong("no-abbrev")], help: "Unabbreviated: execve's argv and environment whole, struct stat field by field.")
    var verbose = false

    @Flag(name: .customShort("Y"), help: "Show pids with their command names: [pid 12<sh>], kill(12<sh>, SIGTERM).")
    var decodePidsFlag = false

    @Option(name: .customLong("decode-pids"), help: ArgumentHelp("comm: as -Y; none: bare pids.", valueName: "comm|none"))
    var decodePids: String?

    @Flag(name: .customShort("x"), help: "Print strings with non-ASCII bytes in hex (\\x61\\xff); -xx every string.")
    var hexStrings: Int

    @Option(name: .customLong("strings-in-hex"), help: ArgumentHelp("none, non-ascii (as -x) or all (as -xx).", valueName: "none|non-ascii|all"))
    var stringsInHex: String?

    @Option(name: [.customShort("X"), .customLong("const-print-style")], help: ArgumentHelp("Constants as names (abbrev, the default), as numbers (raw), or both (verbose: 0x1 /* MCL_CURRENT */).", valueName: "raw|abbrev|verbose"))
    var constStyle: String?

    @Option(name: .customLong("decode-fds"), help: ArgumentHelp("none: bare fd numbers (as strace without -y); path: paths (the default); socket: socket endpoints; dev: devices with their numbers (/dev/null<char 1:3>); a comma list of these; all: every one (-yy).", valueName: "none|path|socket|dev|all"))
    var decodeFds: String?

    @Option(name: [.customShort("E"), .customLong("env")], help: ArgumentHelp("Run the program with VAR=VAL in its environment, or without VAR (repeatable; the bytes as given).", valueName: "var[=val]"))
    var environment: [String] = []

    @Option(name: [.customShort("u"), .customLong("user")], help: ArgumentHelp("Run the program as USER (uid, gid and groups; needs root).", valueName: "user"))
    var user: String?

    @Option(name: [.customShort("b"), .customLong("detach-on")], help: ArgumentHelp("Detach from a process when it calls execve (not the program's first): execve is the only one.", valueName: "syscall"))
    var detachOn: String?

    @Option(name: .customLong("syscall-limit"), help: ArgumentHelp("Detach from every process after N traced calls returned; the program runs on.", valueName: "n"))
    var syscallLimit: Int?

    @Option(name: .customShort("p"), help: ArgumentHelp("Attach to a running process (repeatable).", valueName: "pid"))
    var pids: [Int32] = []

    @Flag(name: .customLong("kernel-stack"), help: "Read /proc/TID/stack at every stop, record it and check it against the model's path.")
    var kernelStack = false

    @Flag(name: [.customLong("stack"), .customShort("k"), .customLong("stack-traces")], help: "Record the user stack of every syscall (-k as in strace), unwound from a copy off the tracee's critical path.")
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

    @Option(name: .customLong("checks"), help: ArgumentHelp("Crossing checks in each record: failed (counts and the failures; `stackcross check` and the reports judge the rest again) or all (every check spelled out).", valueName: "failed|all"))
    var checks: ChecksMode = .failed

    @Option(name: .customLong("regs"), help: ArgumentHelp("Registers in each record: delta (what changed since the thread's previous stop, all of them every \(TraceWriterOptions.defaultKeyInterval) records) or full.", valueName: "delta|full"))
    var regs: RegsMode = .delta

    @Flag(name: .customLong("debug-peak-rss"), help: .hidden)
    var debugPeakRSS = false

    @Option(name: .customLong("otlp-endpoint"), help: ArgumentHelp("With -o: send the calls as OTLP spans to this OTLP/HTTP collector while tracing (batches at least every second; the -o file is written whole whatever the endpoint does).", valueName: "http://host:port"))
    var otlpEndpoint: String?

    @Option(name: .customLong("otlp-timeout"), help: "--otlp-endpoint: seconds to wait for each answer.")
    var otlpTimeout: Double = 10

    @Option(name: .customLong("otlp-attempts"), help: "--otlp-endpoint: tries per batch (backoff between them) before giving up.")
    var otlpAttempts: Int = 5

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

    /// The values of a repeatable option as the exact bytes of this process's argv (`-E X=\xff` stays
    /// bytes); the parsed Strings when argv does not hold them (tests call the parser directly).
    func rawOptionValues(short: Character, long: String, count: Int) -> [[UInt8]] {
        let argc = Int(CommandLine.argc)
        let args: [[UInt8]] = (0..<argc).map { i in
            CommandLine.unsafeArgv[i].map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        }
        var out: [[UInt8]] = []
        var i = 1
        let s = Array("-\(short)".utf8), l = Array("--\(long)".utf8)
        while i < argc - program.count {
            let a = args[i]
            if a == Array("--".utf8) { break }
            if (a == s || a == l), i + 1 < argc { out.append(args[i + 1]); i += 2; continue }
            if a.starts(with: l + [UInt8(ascii: "=")]) { out.append(Array(a.dropFirst(l.count + 1))) }
            else if a.starts(with: s), a.count > s.count { out.append(Array(a.dropFirst(s.count))) }
            i += 1
        }
        guard out.count == count, zip(out, environment).allSatisfy({ String(decoding: $0, as: UTF8.self) == $1 }) else {
            return environment.map { Array($0.utf8) }
        }
        return out
    }

    /// This process's environment with strace's -E applied: VAR=VAL sets, VAR removes; all as bytes.
    static func environment(applying changes: [[UInt8]]) -> [[UInt8]] {
        var env: [[UInt8]] = []
        var p = environ
        while let e = p.pointee {
            env.append(Array(UnsafeRawBufferPointer(start: e, count: strlen(e))))
            p += 1
        }
        func name(_ e: [UInt8]) -> ArraySlice<UInt8> { e.prefix { $0 != UInt8(ascii: "=") } }
        for c in changes {
            let n = name(c)
            env.removeAll { name($0) == n }
            if c.contains(UInt8(ascii: "=")) { env.append(c) }
        }
        return env
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
        if let n = syscallLimit, n <= 0 { throw ValidationError("--syscall-limit must be at least 1") }
        if let d = detachOn, d != "execve" { throw ValidationError("-b: only execve is supported, not '\(d)'") }
        if !pids.isEmpty && (!environment.isEmpty || user != nil) { throw ValidationError("-E and -u apply to a program to run, not to -p") }
        for e in environment where e.isEmpty || e.hasPrefix("=") { throw ValidationError("-E: not VAR or VAR=VAL: '\(e)'") }
        if let f = outputFormat, !["jsonl", "text"].contains(f) { throw ValidationError("--output-format: '\(f)' is not jsonl or text") }
        if outputFormat != nil && output == nil { throw ValidationError("--output-format needs -o FILE") }
        if follow >= 2 && output == "-" { throw ValidationError("-ff needs -o PREFIX: one file per process, PREFIX.PID (not -)") }
        if let d = decodePids, !["comm", "none"].contains(d) { throw ValidationError("--decode-pids: '\(d)' is not supported (comm or none)") }
        if let x = stringsInHex, !["none", "non-ascii", "all"].contains(x) {
            throw ValidationError("--strings-in-hex: '\(x)' is not none, non-ascii or all")
        }
        if hexStrings > 0 && stringsInHex != nil { throw ValidationError("-x and --strings-in-hex cannot be given together") }
        if let x = constStyle, !["raw", "abbrev", "verbose"].contains(x) { throw ValidationError("-X: '\(x)' is not raw, abbrev or verbose") }
        if let d = decodeFds, Self.decodeFdKinds(d) == nil {
            throw ValidationError("--decode-fds: '\(d)' is not supported (none, all, or a list of path, socket, dev)")
        }
        if successfulOnly && failedOnly { throw ValidationError("-z and -Z cannot be given together") }
        if stackBytes < 64 || stackBytes > 1 << 24 { throw ValidationError("--stack-bytes must be between 64 and 16777216") }
        for p in pids where p <= 0 { throw ValidationError("-p: not a process id: \(p)") }
        if let otlpEndpoint {
            // The file comes first: the trace is kept whatever the endpoint does.
            guard let output, output != "-", !summary else { throw ValidationError("--otlp-endpoint needs -o FILE (the trace file is kept whatever the endpoint does)") }
            if case .failure(let e) = OTLPEndpoint.parse(otlpEndpoint) { throw ValidationError(e.description) }
            if !(otlpTimeout > 0) || otlpAttempts < 1 { throw ValidationError("--otlp-timeout must be > 0 and --otlp-attempts >= 1") }
        }
        _ = try parsedFilter()
        _ = try parsedInjections()
        for e in expressions { _ = try Self.dumpSet(e) }
        _ = try textOptions()
    }

    /// -t/-r/-T, -C/-S/-U as strace spells them.
    func textOptions() throws -> TraceTextOptions {
        var o = TraceTextOptions()
        do {
            if absoluteTimestamps > 0 && absoluteTimestampsSpec != nil {
                throw ValidationError("-t and --absolute-timestamps cannot be provided simultaneously")
            }
            o.timestamps.setT(count: absoluteTimestamps)
            if let spec = absoluteTimestampsSpec { try o.timestamps.parseAbsolute(spec) }
            if relativeTimestamps { o.timestamps.relative = .us }
            if let spec = relativeTimestampsSpec {
                o.timestamps.relative = try StraceTimestamps.precision(spec, option: "--relative-timestamps")
            }
            if syscallTimes { o.timestamps.syscallTimes = .us }
            if let spec = syscallTimesSpec { o.timestamps.syscallTimes = try StraceTimestamps.precision(spec, option: "--syscall-times") }
            o.summarySort = try SyscallSummary.sortKey(summarySort)
            if let c = summaryColumns { o.summaryColumns = try SyscallSummary.columns(c) }
        } catch let e as StraceTimestamps.ParseError {
            throw ValidationError(e.message)
        } catch let e as SyscallSummary.ParseError {
            throw ValidationError(e.message)
        }
        o.linesAndSummary = summaryAndLines
        o.showSyscallNumber = syscallNumbers
        o.showInstructionPointer = instructionPointer
        let fdKinds = decodedFdKinds
        o.bareFds = fdKinds.isEmpty
        o.plainFdPaths = fdKinds.contains("path")
        o.decodePidComm = decodePidsFlag || decodePids == "comm"
        switch (hexStrings, stringsInHex) {
        case (1, _), (_, "non-ascii"): o.hexStrings = .nonASCII
        case (2..., _), (_, "all"): o.hexStrings = .all
        default: o.hexStrings = .none
        }
        switch constStyle {
        case "raw": o.constants = .raw
        case "verbose": o.constants = .verbose
        default: o.constants = .abbrev
        }
        do {
            o.selection.setQ(count: quiet)
            // Raw bytes of -P as given (a path need not be UTF-8), and its canonical form as strace adds it.
            o.selection.paths = tracePaths.flatMap(Self.tracePathForms)
            if successfulOnly { o.selection.statuses = [.successful] }
            if failedOnly { o.selection.statuses = [.failed] }
            for e in expressions where !Self.isInjection(e) && (try? Self.dumpSet(e)) == nil { _ = try o.selection.apply(e) }
        } catch let e as TraceSelection.ParseError {
            throw ValidationError(e.message)
        }
        return o
    }

    /// -P PATH as strace takes it: the path as given and, when it exists at the start, its realpath if that
    /// differs, so the calls on an fd whose /proc link names the absolute path match a relative -P.
    static func tracePathForms(_ path: String) -> [[UInt8]] {
        var forms = [Array(path.utf8)]
        guard let r = realpath(path, nil) else { return forms }
        defer { free(r) }
        let resolved = Array(UnsafeRawBufferPointer(start: r, count: strlen(r)))
        if resolved != forms[0] { forms.append(resolved) }
        return forms
    }

    /// -e inject=/fault= go to the injection rules, the others to the trace filter.
    static func isInjection(_ e: String) -> Bool { e.hasPrefix("inject=") || e.hasPrefix("fault=") }

    /// -e read=FD,… / -e write=FD,… (and strace's reads=, r=, writes=, w=): (is a write, the fds); nil otherwise.
    static func dumpSet(_ e: String) throws -> (write: Bool, fds: Set<Int32>)? {
        guard let eq = e.firstIndex(of: "=") else { return nil }
        let key = e[..<eq], value = e[e.index(after: eq)...]
        let write: Bool
        switch key {
        case "read", "reads", "r": write = false
        case "write", "writes", "w": write = true
        default: return nil
        }
        var fds = Set<Int32>()
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard let fd = Int32(item), fd >= 0 else { throw ValidationError("-e \(e): not a file descriptor: '\(item)'") }
            fds.insert(fd)
        }
        return (write, fds)
    }

    /// -e status=/signal=/quiet=/trace-fds= expressions (TraceSelection's), the others stay for the filter.
    static func isSelection(_ e: String) -> Bool {
        var probe = TraceSelection()
        return (try? probe.apply(e)) ?? true
    }

    func parsedInjections() throws -> [SyscallInjection] {
        do {
            return try expressions.compactMap { try SyscallInjection.parse($0) }
        } catch let e as SyscallInjection.ParseError {
            throw ValidationError(e.message)
        }
    }

    func parsedFilter() throws -> SyscallFilter {
        do {
            return try SyscallFilter.parse(expressions.filter {
                !Self.isInjection($0) && !Self.isSelection($0) && (try? Self.dumpSet($0)) == nil
            })
        } catch let e as SyscallFilter.ParseError {
            throw ValidationError(e.message)
        }
    }

    /// strace's --decode-fds set: `none`, `all`, or a comma list of path, socket, dev; nil: not one of these.
    static func decodeFdKinds(_ s: String) -> Set<String>? {
        if s == "none" { return [] }
        if s == "all" { return ["path", "socket", "dev"] }
        let kinds = Set(s.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        return kinds.isSubset(of: ["path", "socket", "dev"]) && !kinds.isEmpty ? kinds : nil
    }

    /// What fds show: paths by default (-y), everything with -yy, else --decode-fds's set.
    var decodedFdKinds: Set<String> {
        if let d = decodeFds, let kinds = Self.decodeFdKinds(d) { return kinds }
        return decodeFdsFlag > 1 ? ["path", "socket", "dev"] : ["path"]
    }

    func run() throws {
        let logger = global.makeLogger("stackcross.trace")
        var options = TraceOptions()
        options.followForks = follow > 0
        options.stringLimit = stringLimit
        options.verbose = verbose
        options.constants = constStyle == "raw" ? .raw : constStyle == "verbose" ? .verbose : .abbrev
        options.socketEndpoints = decodedFdKinds.contains("socket")
        options.deviceNumbers = decodedFdKinds.contains("dev")
        options.filter = try parsedFilter()
        options.injections = try parsedInjections()
        options.syscallLimit = syscallLimit
        for e in expressions {
            guard let d = try Self.dumpSet(e) else { continue }
            if d.write { options.dumpWrites.formUnion(d.fds) } else { options.dumpReads.formUnion(d.fds) }
        }
        options.detachOnExecve = detachOn == "execve"
        if !environment.isEmpty { options.environment = Self.environment(applying: rawOptionValues(short: "E", long: "env", count: environment.count)) }
        if let user {
            guard let pw = getpwnam(user) else { throw RuntimeFailure("cannot find user '\(user)'") }
            options.runAs = (uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid, name: user)
        }

        // -ff -o PREFIX: PREFIX.PID per process (PerProcessOutput opens them); -o is no file then.
        let perProcess = follow >= 2 && output != nil && !summary
        let outFile = perProcess ? nil : try output.map { try OutputFile.open($0, command: "stackcross trace", zstdByName: true, append: append) }
        defer { try? outFile?.close() }

        let textFile = outputFormat == "text"
        let mode: TraceOutput.Mode = summary ? .summary : (output != nil && !textFile ? .jsonLines : .lines)
        let crossings = mode == .jsonLines && !noCrossings
        // The kernel's config is read when the model is first needed.
        let loader = crossings || kernelStack ? TraceModelLoader { KernelStackModel(config: KernelConfigReader.load()) } : nil
        var writerOptions = TraceWriterOptions()
        writerOptions.checksAll = checks == .all
        writerOptions.regsFull = regs == .full
        let facts = TraceHeaderFacts()
        let commandLine = CommandLine.arguments
        var text = try textOptions()
        // strace -o FILE: the pid column with -f (or while several tasks are traced); -ff files have none.
        if textFile, !perProcess { text.pidColumn = follow > 0 }
        let sink = TraceOutput(mode: mode, out: outFile ?? .standardError, quiet: false, crossings: crossings,
                               writerOptions: writerOptions,
                               header: { facts.header(command: commandLine, kernel: crossings ? loader?.model.config : nil,
                                                      options: writerOptions) },
                               text: text)
        let split = perProcess ? PerProcessOutput(prefix: output ?? "", crossings: crossings, text: textFile) { f in
            TraceOutput(mode: textFile ? .lines : .jsonLines, out: f, quiet: false, crossings: crossings, writerOptions: writerOptions,
                        header: { facts.header(command: commandLine, kernel: crossings ? loader?.model.config : nil,
                                               options: writerOptions) },
                        text: text)
        } : nil
        // --otlp-endpoint: the records also become spans, sent while tracing (the file gets them all first).
        let fileSink: TraceSink = split ?? sink
        var stream: OTLPStreamSink?
        if let otlpEndpoint {
            guard case .success(let endpoint) = OTLPEndpoint.parse(otlpEndpoint) else { throw ValidationError("bad --otlp-endpoint \(otlpEndpoint)") }
            stream = OTLPStreamSink(downstream: fileSink, endpoint: endpoint,
                                    wallClockOffsetNs: Int64(bitPattern: facts.startWallNs &- facts.startMonoNs),
                                    selection: text.selection, timeout: otlpTimeout, attempts: otlpAttempts)
        }
        let recordSink: TraceSink = stream ?? fileSink
        // Extensions run at each stop in this order: the model's probe, then --stack's collector.
        var extensions: [TraceExtension] = []
        // The probe gathers what the model's checks need; without crossings only --kernel-stack wants it.
        if let loader {
            options.model = loader
            extensions.append(CrossingProbe(readKernelStack: kernelStack,
                                            stepIntoHandlers: !noHandlerStep && sink.wantsCrossings))
        }
        var tracerSink: TraceSink = recordSink
        var stacks: SyscallStackCollector?
        defer { stacks?.logTimings() }
        if stack {
            var so = StackOptions()
            so.stackBytes = stackBytes
            so.unwinder = unwinder
            so.maxWaitingCopies = max(0, stackMaxCopies)
            let collector = SyscallStackCollector(options: so, downstream: recordSink, logger: logger)
            extensions.append(collector)
            options.alsoStop = collector.alsoStop
            tracerSink = collector
            stacks = collector
        }
        let tracer = SyscallTracer(options: options, sink: tracerSink, extensions: extensions, logger: logger)
        let argv = programBytes
        let target: TraceTarget = pids.isEmpty ? .rawProgram(argv[0], argv) : .processes(pids)
        let outcome: TraceOutcome
        do {
            outcome = try tracer.run(target)
        } catch let e as TraceError {
            if let split { split.finish() } else { sink.flush() }
            throw RuntimeFailure(e.description)
        }
        if let split {
            split.finish()
            if let failure = split.writeFailure { throw RuntimeFailure(failure) }
            try finishStream(stream)
            if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
            return
        }
        if outcome.limitReached, !text.selection.quiet.contains(.attach) {
            sink.flush()
            do { try OutputFile.standardError.write("stackcross: System call limit has been reached, detaching tracees\n") } catch { sink.failed(error) }
        }
        sink.finish()
        // The tracees are gone or detached by now: a failed last write or close only fails the exit status.
        do { try outFile?.close() } catch { sink.failed(error) }
        if let failure = sink.writeFailure { throw RuntimeFailure(failure) }
        if debugPeakRSS, let hwm = ProcFS.peakRSS() { try OutputFile.standardError.write("stackcross: VmHWM \(hwm)\n") }
        try finishStream(stream)
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }

    /// --otlp-endpoint, after the file is complete: the last spans go out; any span not sent is exit 1.
    func finishStream(_ stream: OTLPStreamSink?) throws {
        guard let stream else { return }
        let (message, complete) = stream.finish(command: "stackcross trace", traceFile: output ?? "")
        do { try OutputFile.standardError.write(message) } catch {}
        if !complete { throw ExitCode(1) }
    }

}

extension UnwinderKind: ExpressibleByArgument {}

enum ChecksMode: String, ExpressibleByArgument, CaseIterable { case failed, all }
enum RegsMode: String, ExpressibleByArgument, CaseIterable { case delta, full }
