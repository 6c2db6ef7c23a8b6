/// `text`: a trace as strace-like lines, each call followed by its merged stack (kernel frames
/// above the crossing line, user frames below, as `attach` prints them) and its failed checks;
/// a snapshot as `attach` prints it. Streams: nothing is kept between records.
public final class TextExporter: ReportExporter {
    private let out: ReportWriter

    public init(writer: ReportWriter) { self.out = writer }

    public func consume(_ record: TraceRecord) throws {
        switch record {
        case .syscall(let r):
            out.write(TextExporter.line(r) + "\n")
            writeStacks(user: r.userStack, kernel: r.kernelStack, crossing: r.crossing)
            writeFailedChecks(r.crossing)
        case .signal(let r):
            var line = "[pid \(r.tid)] --- \(r.name) {si_signo=\(r.name)"
            if let c = r.code { line += ", si_code=\(c)" }
            out.write(line + "} ---\n")
            writeFailedChecks(r.crossing)
        case .exec(let r):
            var line = "[pid \(r.tid)] --- exec \(Self.quoted(r.path))"
            if let f = r.formerTid { line += " (by former tid \(f))" }
            out.write(line + " ---\n")
        case .clone(let r):
            out.write("[pid \(r.tid)] --- \(r.kind) \(r.child) ---\n")
        case .exit(let r):
            if let s = r.signal {
                out.write("[pid \(r.tid)] +++ killed by \(s) +++\n")
            } else {
                out.write("[pid \(r.tid)] +++ exited with \(r.code ?? 0) +++\n")
            }
        case .attach(let r):
            out.write("[pid \(r.tid)] --- attached ---\n")
        case .detach(let r):
            out.write("[pid \(r.tid)] --- detached ---\n")
        }
    }

    public func consume(_ snapshot: Snapshot) throws {
        out.write(SnapshotTextBridge.render(snapshot))
    }

    public func finish() throws { out.flush() }

    /// One strace-style line for a call.
    static func line(_ r: SyscallRecord) -> String {
        var s = "[pid \(r.tid)] \(r.abi == "i386" ? "[i386] " : "")\(r.name)(\(r.args.joined(separator: ", ")))"
        if let ret = r.ret {
            s += " = \(ret)"
            if let e = r.error { s += " \(e)" }
        } else {
            s += " = ?"
        }
        if let x = r.exitNs, x >= r.entryNs {
            let d = x - r.entryNs
            let us = String(d / 1000 % 1_000_000)
            s += " <\(d / 1_000_000_000).\(String(repeating: "0", count: 6 - us.count) + us)>"
        }
        return s
    }

    private func writeStacks(user: [Frame]?, kernel: [Frame]?, crossing: Crossing?) {
        let k = kernel ?? [], u = user ?? []
        guard !k.isEmpty || !u.isEmpty else { return }
        for f in k { out.write("    [k] " + Self.frameText(f) + "\n") }
        var crossingLine = "    ── "
        if let c = crossing { crossingLine += "entered via \(c.entry.rawValue)" } else { crossingLine += "user/kernel" }
        if let rsp = crossing?.userRsp { crossingLine += " · user rsp \(rsp)" }
        out.write(crossingLine + " ──\n")
        for f in u { out.write("     > " + Self.frameText(f) + "\n") }
    }

    private func writeFailedChecks(_ c: Crossing?) {
        guard let c else { return }
        for ch in c.failedChecks {
            out.write("    ! check \(ch.name) failed: expected \(ch.expected), observed \(ch.actual)\n")
        }
    }

    static func frameText(_ f: Frame) -> String {
        var s = f.shortName
        if let l = f.length, f.module == nil, f.pc.rawValue == 0 { s += "/0x" + String(l, radix: 16) }
        if let m = f.module { s += " (\(m))" }
        if let file = f.file { s += " \(file)" + (f.line.map { ":\($0)" } ?? "") }
        if f.inlined == true { s += " [inlined]" }
        if let n = f.note { s += " [\(n)]" }
        return s
    }

    /// C-style quoting of tracee bytes: printable ASCII as is, everything else escaped.
    static func quoted(_ t: TraceeString) -> String {
        var s = "\""
        for b in t.bytes {
            switch b {
            case UInt8(ascii: "\""): s += "\\\""
            case UInt8(ascii: "\\"): s += "\\\\"
            case 0x20..<0x7f: s.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: "\n"): s += "\\n"
            case UInt8(ascii: "\t"): s += "\\t"
            default:
                let h = String(b, radix: 8)
                s += "\\" + String(repeating: "0", count: 3 - h.count) + h
            }
        }
        return s + "\"" + (t.truncated ? "..." : "")
    }
}

/// The snapshot's text view belongs to `attach` (SnapshotText); this is the one place that calls it.
enum SnapshotTextBridge {
    static func render(_ s: Snapshot) -> String {
        var out = "pid \(s.pid) \(s.exe)\n"
        for t in s.threads {
            out += "\nthread \(t.tid) \(t.name) state \(t.state)\n"
            for f in t.kernelStack { out += "    [k] " + TextExporter.frameText(f) + "\n" }
            out += "    ── \(t.crossing.map { "entered via \($0.entry.rawValue)" } ?? "crossing") ──\n"
            for f in t.userStack { out += "     > " + TextExporter.frameText(f) + "\n" }
        }
        return out
    }
}
