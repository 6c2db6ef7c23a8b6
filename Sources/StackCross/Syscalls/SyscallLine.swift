/// strace-style text lines for trace records.
public enum SyscallLine {
    public static let unfinished = " <unfinished ...>"
    /// What strace puts after the entry part of a call the tracer let go while it ran.
    public static let detached = " <detached ...>"

    /// strace's `[pid %5u] ` (the tid right-aligned in five columns).
    public static func prefix(tid: Int32, showPid: Bool) -> String {
        guard showPid else { return "" }
        let t = String(tid)
        return "[pid " + String(repeating: " ", count: max(0, 5 - t.count)) + t + "] "
    }

    /// How many leading arguments strace prints at the entry stop: those before the first output
    /// argument (read's buffer), or all of them.
    public static func entryArgumentCount(abi: SyscallABI, nr: Int64, argCount: Int) -> Int {
        let kinds = SyscallDecoder.argKinds(abi: abi, nr: nr)
        // A call without arguments shown with a note (restart_syscall's) prints it at the entry.
        if kinds.isEmpty { return argCount }
        let k = kinds.firstIndex { $0.isOutput } ?? kinds.count
        return min(k, argCount)
    }

    /// The return value text after `= ` (ReturnRendering, from the record alone); `?` when the call never returned.
    public static func returnText(record: SyscallRecord, constants: StraceLineStyles.Constants = .abbrev) -> String {
        ReturnRendering.text(record, constants: constants)
    }

    /// The part strace prints at the entry stop: `[pid 12] read(3, ` (ends where the exit part starts).
    public static func formatEntry(record: SyscallRecord, showPid: Bool) -> String {
        let k = entryArgumentCount(abi: record.abi, nr: record.nr, argCount: record.args.count)
        var s = prefix(tid: record.tid, showPid: showPid) + record.name + "("
        s += record.args[..<k].joined(separator: ", ")
        if k < record.args.count, k > 0 { s += ", " }
        return s
    }

    /// strace's column for ` = ` (its default `-a 40`).
    public static let returnColumn = 40

    /// The part strace prints at the exit stop: `"abc", 4096) = 3`. With `column` (where this part
    /// starts on its line), `= ` is padded out to `returnColumn` as strace's tabto() does.
    public static func formatExit(record: SyscallRecord, returnText: String? = nil, column: Int? = nil) -> String {
        let k = entryArgumentCount(abi: record.abi, nr: record.nr, argCount: record.args.count)
        var s = record.args[k...].joined(separator: ", ") + ") "
        if let column { s += padding(from: column + s.utf8.count) }
        return s + "= " + (returnText ?? self.returnText(record: record))
    }

    /// The spaces that take a line from `column` to `returnColumn` (none past it); columns count bytes, as strace's curcol.
    public static func padding(from column: Int) -> String {
        String(repeating: " ", count: max(0, returnColumn - column))
    }

    /// A whole line: `[pid 1234] openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>`;
    /// `aligned`: ` = ` at column 40 when the call is shorter, as strace prints it.
    public static func format(record: SyscallRecord, showPid: Bool, returnText: String? = nil, aligned: Bool = false) -> String {
        let head = formatEntry(record: record, showPid: showPid)
        if record.detached == true { return head + detached }
        return head + formatExit(record: record, returnText: returnText, column: aligned ? head.utf8.count : nil)
    }

    /// When another thread's line came in between: `[pid 12] read(3,  <unfinished ...>`.
    public static func formatUnfinished(record: SyscallRecord, showPid: Bool) -> String {
        formatEntry(record: record, showPid: showPid) + unfinished
    }

    /// The rest of an interrupted line: `[pid 12] <... read resumed>"abc", 4096) = 3`.
    public static func formatResumed(record: SyscallRecord, showPid: Bool, returnText: String? = nil, aligned: Bool = false) -> String {
        let head = formatResumedHead(record: record, showPid: showPid)
        return head + formatExit(record: record, returnText: returnText, column: aligned ? head.utf8.count : nil)
    }

    /// `[pid 12] <... read resumed>`: the start of an interrupted call's exit line.
    public static func formatResumedHead(record: SyscallRecord, showPid: Bool) -> String {
        prefix(tid: record.tid, showPid: showPid) + "<... \(record.name) resumed>"
    }

    /// `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12, …} ---`; `fields` are the
    /// siginfo fields after si_code, in order (si_pid, si_uid, si_status, si_addr…), already formatted.
    /// `constants`: -X, which styles the siginfo's named values as strace does (`si_signo=17, si_code=0x1`
    /// raw, `17 /* SIGCHLD */` verbose); the signal's name after `---` stays a name.
    public static func formatSignal(record: SignalRecord, showPid: Bool, fields: [(String, String)] = [],
                                    constants: StraceLineStyles.Constants = .abbrev) -> String {
        var info = [("si_signo", record.name)]
        if let code = record.code { info.append(("si_code", code)) }
        let text = (info + fields).map { "\($0.0)=\(siginfoValue($0.0, $0.1, constants))" }
        return prefix(tid: record.tid, showPid: showPid) + "--- \(record.name) {\(text.joined(separator: ", "))} ---"
    }

    /// One siginfo field's value under -X: names as numbers (or both), and clock ticks without their seconds when raw.
    static func siginfoValue(_ field: String, _ value: String, _ mode: StraceLineStyles.Constants) -> String {
        guard mode != .abbrev else { return value }
        if mode == .raw, field == "si_utime" || field == "si_stime", let note = value.range(of: " /* ") {
            return String(value[..<note.lowerBound])
        }
        guard StraceLineStyles.nestedFields.contains(field), let raw = StraceLineStyles.nestedRaw(field: field, name: value) else { return value }
        return StraceLineStyles.styled(raw: raw, name: value, mode)
    }

    /// A group stop: `--- stopped by SIGSTOP ---`.
    public static func formatGroupStop(tid: Int32, signal: String, showPid: Bool) -> String {
        prefix(tid: tid, showPid: showPid) + "--- stopped by \(signal) ---"
    }

    /// restart_syscall's only "argument" in strace: the call it resumes, when that call was reported.
    public static func resumingNote(interrupted: String?) -> String {
        "<... resuming interrupted \(interrupted ?? "system call") ...>"
    }

    /// `+++ exited with 0 +++` or `+++ killed by SIGKILL +++` (with ` (core dumped)` when it did).
    public static func formatTermination(record: ExitRecord, showPid: Bool, coreDumped: Bool = false) -> String {
        let p = prefix(tid: record.tid, showPid: showPid)
        if let sig = record.signal { return p + "+++ killed by \(sig)\(coreDumped ? " (core dumped)" : "") +++" }
        return p + "+++ exited with \(record.code ?? 0) +++"
    }

    /// strace's line when a non-leader thread's execve took over the leader's tid.
    public static func formatSuperseded(record: ExecRecord, formerTid: Int32, showPid: Bool) -> String {
        prefix(tid: record.tid, showPid: showPid) + "+++ superseded by execve in pid \(formerTid) +++"
    }
}
