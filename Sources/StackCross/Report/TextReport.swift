/// `text`: a trace as strace-like lines (SyscallLine), each call followed by its merged stack
/// (kernel frames above the crossing line, user frames below, framed as `attach` prints them)
/// and its failed checks; a snapshot exactly as `attach` prints it (SnapshotText).
/// Streams: nothing is kept between records.
public final class TextExporter: ReportExporter {
    /// Shows every check of a crossing: judged again from a schema 2 record's observations.
    public var wantsJudgedCrossings: Bool { true }
    private let out: ReportWriter
    /// Each task's last call, which restart_syscall's line names as the live trace's does.
    private var context = StraceLineContext()

    public init(writer: ReportWriter) { self.out = writer }

    public func consume(_ record: TraceRecord) throws {
        defer {
            context.apply(record)
            if case .syscall(let r) = record { context.exited(r) }
        }
        switch record {
        case .syscall(let r):
            out.write(SyscallLine.format(record: context.shown(r), showPid: true) + Self.duration(r) + "\n")
            writeStacks(r)
            writeFailedChecks(r.crossing)
        case .signal(let r):
            out.write(SyscallLine.formatSignal(record: r, showPid: true) + "\n")
            writeFailedChecks(r.crossing)
        case .exec(let r):
            var line = SyscallLine.prefix(tid: r.tid, showPid: true) + "--- exec \(Self.quoted(r.path))"
            if let f = r.formerTid { line += " (by former tid \(f))" }
            out.write(line + " ---\n")
        case .clone(let r):
            out.write(SyscallLine.prefix(tid: r.tid, showPid: true) + "--- \(r.kind.rawValue) \(r.child) ---\n")
        case .exit(let r):
            out.write(SyscallLine.formatTermination(record: r, showPid: true) + "\n")
        case .attach(let r):
            out.write(SyscallLine.prefix(tid: r.tid, showPid: true) + "--- attached ---\n")
        case .detach(let r):
            out.write(SyscallLine.prefix(tid: r.tid, showPid: true) + "--- detached ---\n")
        }
    }

    public func consume(_ snapshot: Snapshot) throws {
        out.write(SnapshotText.render(snapshot))
    }

    public func finish() throws { out.flush() }

    /// strace -T style ` <0.000012>`.
    static func duration(_ r: SyscallRecord) -> String {
        guard let x = r.exitNs, x >= r.entryNs else { return "" }
        let d = x - r.entryNs
        let us = String(d / 1000 % 1_000_000)
        return " <\(d / 1_000_000_000).\(String(repeating: "0", count: 6 - us.count) + us)>"
    }

    /// The merged stack as `attach` prints it: kernel frames, the crossing line, user frames.
    private func writeStacks(_ r: SyscallRecord) {
        let k = r.kernelStack ?? [], u = r.userStack ?? []
        guard !k.isEmpty || !u.isEmpty else { return }
        for f in k { out.write("    " + SnapshotText.kernelFrame(f) + "\n") }
        let entry = r.crossing?.entry ?? (r.abi == .i386 ? .int80 : .syscall)
        var parts = ["\(r.name) entered via " + SnapshotText.entryName(entry)]
        if let rsp = r.crossing?.userRsp {
            parts.append("user rsp \(rsp)" + (r.crossing?.userStackMapping.map { " in " + SnapshotText.esc($0) } ?? ""))
        }
        out.write("    ── " + parts.joined(separator: " · ") + " ──\n")
        for l in SnapshotText.userLines(u) { out.write("    " + l + "\n") }
    }

    private func writeFailedChecks(_ c: Crossing?) {
        guard let c else { return }
        for ch in c.failedChecks {
            out.write("    ✗ check \(ch.name) failed: expected \(ch.expected), observed \(ch.actual)\n")
        }
    }

    /// One frame on one line, for views that list frames (chrome args).
    static func frameText(_ f: Frame) -> String {
        var s = f.shortName
        if let l = f.length, f.module == nil, f.pc.rawValue == 0 { s += "/0x" + String(l, radix: 16) }
        if let m = f.module { s += " (\(m))" }
        if let file = f.file { s += " \(file)" + (f.line.map { ":\($0)" } ?? "") }
        if f.inlined == true { s += " [inlined]" }
        if let n = f.note { s += " [\(n)]" }
        return s
    }

    /// Tracee bytes quoted for text, as strace quotes strings.
    static func quoted(_ t: TraceeString) -> String { SyscallDecoder.quote(t.bytes, truncated: t.truncated) }
}
