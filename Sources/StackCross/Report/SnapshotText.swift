/// The text view of a snapshot: per thread one merged stack, kernel frames above the crossing
/// line, user frames below. Pure: Snapshot in, String out.
public enum SnapshotText {
    public static func render(_ s: Snapshot) -> String {
        var out = "process \(s.pid) \(esc(s.exe)) · \(s.threads.count) thread\(s.threads.count == 1 ? "" : "s")\n"
        for t in s.threads {
            out += "\n"
            out += thread(t)
        }
        return out
    }

    public static func thread(_ t: ThreadSnapshot) -> String {
        var out = "thread \(t.tid) \(SyscallDecoder.quote(t.name.utf8)) · \(stateName(t.state))\n"
        if let e = t.error { out += "  ! \(esc(e))\n" }
        for f in t.kernelStack { out += "  " + kernelFrame(f) + "\n" }
        out += "  " + crossingLine(t) + "\n"
        for c in t.crossing?.failedChecks ?? [] {
            out += "  ✗ \(c.name): expected \(c.expected), actual \(c.actual)\n"
        }
        for l in userLines(t.userStack) { out += "  " + l + "\n" }
        return out
    }

    /// User frames numbered from #0, a walk's note (`-- why`) in its place and not counted.
    public static func userLines(_ frames: [Frame]) -> [String] {
        var n = 0
        return frames.map { f in
            if let note = f.note { return "-- \(esc(note))" }
            defer { n += 1 }
            return userFrame(f, index: n)
        }
    }

    /// `[k] anon_pipe_read+0x1f/0x90 [module]`
    public static func kernelFrame(_ f: Frame) -> String {
        var s = "[k] " + (f.symbol.map(esc) ?? f.pc.description)
        if let o = f.offset {
            s += "+0x" + String(o, radix: 16)
            if let l = f.length { s += "/0x" + String(l, radix: 16) }
        }
        if let m = f.module { s += " [\(esc(m))]" }
        return s
    }

    /// `#0 0x00007f… func+0x1a (module) file:line`, inlined frames marked.
    public static func userFrame(_ f: Frame, index: Int) -> String {
        let hex = String(f.pc.rawValue, radix: 16)
        var s = "#\(index) 0x" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        if let sym = f.symbol {
            s += " " + esc(sym)
            if let o = f.offset { s += "+0x" + String(o, radix: 16) }
        } else if f.module != nil, let o = f.offset {
            s += " +0x" + String(o, radix: 16)
        }
        if let m = f.module { s += " (\(esc(baseName(m))))" }
        if let file = f.file {
            s += " " + esc(baseName(file))
            if let l = f.line { s += ":\(l)" }
        }
        if f.inlined == true { s += " [inlined]" }
        return s
    }

    /// `── read(3, 0x7ffd…, 4096) entered via SYSCALL · user rsp 0x7ffd… ──`, or where the thread was.
    public static func crossingLine(_ t: ThreadSnapshot) -> String {
        guard let c = t.crossing else {
            return "── " + (t.procSyscall == "running" ? "running (not stopped)" : "no crossing: thread not stopped") + " ──"
        }
        var parts: [String] = []
        if let call = c.syscall {
            // Decoded without tracee memory: as the syscall's arity and kinds say, pointers in hex.
            let args = SyscallDecoder.decode(abi: call.abi, nr: call.nr, args: call.args.map(\.rawValue), memory: nil,
                                             at: .entry).args
            parts.append(call.name + "(" + args.joined(separator: ", ") + ") entered via " + entryName(c.entry))
        } else if t.procSyscall == "running" {
            parts.append("running in user mode, stopped by an interrupt (orig_rax -1)")
        } else {
            parts.append("interrupted in user mode (orig_rax -1)")
        }
        if let rsp = c.userRsp {
            var r = "user rsp \(rsp)"
            if let m = c.userStackMapping { r += " in \(esc(m))" }
            parts.append(r)
        }
        return "── " + parts.joined(separator: " · ") + " ──"
    }

    public static func entryName(_ e: EntryKind) -> String {
        switch e {
        case .syscall: "SYSCALL"
        case .int80: "int $0x80"
        case .syscall32: "SYSCALL (32-bit compat)"
        case .sysenter: "SYSENTER"
        case .interrupt: "an interrupt"
        case .exception: "an exception"
        case .signal: "signal delivery"
        case .none: "nothing (user mode)"
        }
    }

    static func stateName(_ s: String) -> String {
        let names: [String: String] = [
            "R": "running", "S": "sleeping", "D": "disk sleep", "T": "stopped", "t": "tracing stop",
            "Z": "zombie", "X": "dead", "I": "idle", "P": "parked",
        ]
        return names[s].map { "\(s) (\($0))" } ?? s
    }

    /// Names from the tracee (paths, symbols, comm) are escaped so that they cannot drive the terminal.
    static func esc(_ s: String) -> String { SyscallDecoder.escaped(s) }

    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
