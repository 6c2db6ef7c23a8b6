/// The one rendering of a syscall's return value, as strace prints it after `= `: every view (the
/// live text trace, the text, HTML, chrome and summary reports) calls `text`, so they cannot disagree.
/// Pure: everything it needs is in the record (`ret`, the raw arguments, `retPath` for an fd).
/// To add a decoding: a case in `Kind`, its calls in `kinds`, its text in `render`.
public enum ReturnRendering {
    /// How a call's successful return value reads.
    public enum Kind: Sendable {
        /// A number, in decimal.
        case decimal
        /// An address (mmap, brk…): hex in the ABI's width.
        case address
        /// A new fd: `3</path>` when the path is known.
        case fd
        /// fcntl/fcntl64: what the command returns (an fd, flags or a number).
        case fcntl
        /// umask: the old mask in octal (`022`).
        case octal
        /// time: the seconds and their date (`1796514012 (2026-12-05T23:40:12+0000)`).
        case time
        /// rt_sigtimedwait: the signal taken (`14 (SIGALRM)`); adjtimex: the clock state (`5 (TIME_ERROR)`).
        case signal, clockState
        /// ioprio_get: the priority's class and data (`0 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0))`).
        case ioprio
    }

    /// The calls whose return value is not a plain decimal number, by name.
    static let kinds: [String: Kind] = {
        var k: [String: Kind] = [:]
        for n in ["mmap", "mmap2", "brk", "mremap", "shmat"] { k[n] = .address }
        for n in [
            "open", "openat", "openat2", "creat", "dup", "dup2", "dup3", "socket", "accept", "accept4", "epoll_create",
            "epoll_create1", "eventfd", "eventfd2", "memfd_create", "pidfd_open", "timerfd_create", "signalfd",
            "signalfd4", "inotify_init", "inotify_init1", "fanotify_init", "open_by_handle_at", "perf_event_open",
            "userfaultfd", "pidfd_getfd", "open_tree", "fsopen", "fsmount", "fspick", "io_uring_setup", "memfd_secret",
            "mq_open", "bpf",
        ] { k[n] = .fd }
        for n in ["fcntl", "fcntl64"] { k[n] = .fcntl }
        k["umask"] = .octal
        k["time"] = .time
        k["rt_sigtimedwait"] = .signal
        k["adjtimex"] = .clockState
        k["ioprio_get"] = .ioprio
        return k
    }()

    /// `kinds` by number for each ABI, so the tracer's per-exit question costs an array index.
    private static func table(_ t: SyscallTable) -> [Kind] {
        (0..<t.limit).map { t.name(Int64($0)).flatMap { kinds[$0] } ?? .decimal }
    }
    private static let x86_64Kinds = table(.x86_64)
    private static let i386Kinds = table(.i386)

    public static func kind(abi: SyscallABI, nr: Int64) -> Kind {
        let k = abi == .i386 ? i386Kinds : x86_64Kinds
        guard nr >= 0, nr < k.count else { return .decimal }
        return k[Int(nr)]
    }

    /// fcntl commands that return a new fd: F_DUPFD, F_DUPFD_CLOEXEC.
    static let fcntlDupCommands: Set<UInt64> = [0, 1030]

    /// Whether a successful return of this call is a new fd, whose path the tracer should record
    /// (`SyscallRecord.retPath`) for `text` to show.
    public static func returnsFD(abi: SyscallABI, nr: Int64, args: [UInt64]) -> Bool {
        switch kind(abi: abi, nr: nr) {
        case .fd: return true
        case .fcntl: return args.count > 1 && fcntlDupCommands.contains(abi.word(args[1]))
        case .decimal, .address, .octal, .time, .signal, .clockState, .ioprio: return false
        }
    }

    /// A record's return value text: `?` when the call never returned. `constants`: -X, for the values
    /// that name constants (ioprio_get's).
    public static func text(_ r: SyscallRecord, constants: StraceLineStyles.Constants = .abbrev) -> String {
        guard let ret = r.ret else { return "?" }
        var t = text(abi: r.abi, nr: r.nr, ret: ret, args: r.rawArgs.map(\.rawValue), retPath: r.retPath?.bytes,
                     constants: constants)
        // strace's auxstr: `= 0 (Timeout)`, `= 1 (in [3])`.
        if let n = r.retNote { t += " (\(n))" }
        // -e inject=: strace's ` (INJECTED)` / ` (DELAYED)` after the value.
        guard let j = r.injected else { return t }
        return t + j.note
    }

    /// `3</etc/passwd>`, `0x7f…`, `-1 ENOENT (No such file or directory)`,
    /// `? ERESTARTSYS (To be restarted if SA_RESTART is set)`, `0x1 (flags FD_CLOEXEC)`.
    /// Tracee bytes (the path) come out escaped as strace escapes them: one line, no control bytes.
    public static func text(abi: SyscallABI, nr: Int64, ret: Int64, args: [UInt64] = [], retPath: [UInt8]? = nil,
                            constants: StraceLineStyles.Constants = .abbrev) -> String {
        let r = abi == .i386 ? Int64(Int32(truncatingIfNeeded: ret)) : ret
        if let err = Errno.name(forReturn: r) { return error(r, name: err) }
        return render(kind(abi: abi, nr: nr), abi: abi, ret: r, args: args, retPath: retPath, constants: constants)
    }

    /// `-1 ENOENT (No such file or directory)`; `? ` for the restart codes, which never reach the program.
    static func error(_ r: Int64, name: String) -> String {
        let text = Errno.description(forReturn: r) ?? ""
        return (Errno.isRestart(r) ? "? " : "-1 ") + "\(name) (\(text))"
    }

    static func render(_ kind: Kind, abi: SyscallABI, ret r: Int64, args: [UInt64], retPath: [UInt8]?,
                       constants: StraceLineStyles.Constants) -> String {
        switch kind {
        case .decimal: return String(r)
        case .address: return SyscallDecoder.hex(UInt64(bitPattern: r), abi: abi)
        case .fd: return fd(r, path: retPath)
        case .octal: return Flags.octal(UInt64(bitPattern: r) & 0o7777)
        case .signal: return r > 0 ? "\(r) (\(Signals.displayName(Int32(truncatingIfNeeded: r))))" : String(r)
        case .clockState:
            let states = ["TIME_OK", "TIME_INS", "TIME_DEL", "TIME_OOP", "TIME_WAIT", "TIME_ERROR"]
            return r >= 0 && r < states.count ? "\(r) (\(states[Int(r)]))" : String(r)
        case .time: return "\(r) (\(SyscallDecoder.timeText(sec: r, nsec: 0)))"
        case .ioprio: return SyscallDecoder.ioprioReturn(r, style: constants)
        case .fcntl:
            let cmd = args.count > 1 ? abi.word(args[1]) : UInt64.max
            if fcntlDupCommands.contains(cmd) { return fd(r, path: retPath) }
            switch cmd {
            // strace: no flags note for F_GETFD's 0; `%#x` prints 0 as `0`.
            case 1: return r == 0 ? "0" : "0x\(String(r, radix: 16)) (flags \(Flags.fdFlags.format(UInt64(bitPattern: r))))"  // F_GETFD
            case 3: return "\(r == 0 ? "0" : "0x" + String(r, radix: 16)) (flags \(Flags.open(UInt64(bitPattern: r))))"  // F_GETFL
            default: return String(r)
            }
        }
    }

    /// strace -y: `3</path>` with the path escaped, or the bare number.
    static func fd(_ r: Int64, path: [UInt8]?) -> String {
        guard r >= 0, let path else { return String(r) }
        return "\(r)<\(SyscallDecoder.escapePath(path))>"
    }
}
