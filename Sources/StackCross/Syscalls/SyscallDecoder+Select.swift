/// select, pselect6, poll and ppoll as strace 6.1 shows them (src/desc.c, src/poll.c): fd sets and
/// pollfd arrays at the entry, and the note after the return value, `= 1 (in [3], left {…})`.
extension SyscallDecoder {
    /// The calls this file decodes.
    static let selectFamily: Set<String> = ["select", "_newselect", "pselect6", "poll", "ppoll"]

    /// Their arguments at the entry (strace prints nothing more at the exit); nil for other calls.
    static func selectArguments(_ ctx: Context) -> [String]? {
        switch ctx.name {
        case "select", "_newselect", "pselect6":
            var out = [String(ctx.int32(0))] + (1 ... 3).map { ctx.fdSet(ctx.raw($0)) }
            if ctx.name == "pselect6" {
                out += [ctx.timespec(ctx.raw(4), time64: true), ctx.pselectSigmask(ctx.raw(5))]
            } else {
                out.append(ctx.timeval(ctx.raw(4)))
            }
            return out
        case "poll", "ppoll":
            let n = UInt32(truncatingIfNeeded: ctx.raw(1))
            var out = [ctx.pollfds(ctx.raw(0), count: Int(n)), String(n)]
            if ctx.name == "poll" { return out + [String(ctx.int32(2))] }
            out += [ctx.timespec(ctx.raw(2), time64: true), ctx.sigset(ctx.raw(3)), String(ctx.raw(4))]
            return out
        default: return nil
        }
    }

    /// strace's auxstr after a successful return: `Timeout`, the ready fds, the time left; nil: none.
    /// Most calls have none, which their plan says without looking at the name (the record's raw arguments
    /// are converted only for a call with a note: this runs at every exit stop).
    public static func returnNote(abi: SyscallABI, nr: Int64, rawArgs: [Address], ret: Int64, memory: TraceeMemory?,
                                  stringLimit: Int = 32, constants: StraceLineStyles.Constants = .abbrev) -> String? {
        let plan = plan(abi: abi, nr: nr)
        guard plan.steps.contains(.returnNote) else { return nil }
        return returnNote(abi: abi, name: plan.name, args: rawArgs.map(\.rawValue), ret: ret, memory: memory,
                          stringLimit: stringLimit, constants: constants)
    }

    /// `returnNote` of the call `name`, for any call (nil for those without a note).
    static func returnNote(abi: SyscallABI, name: String, args: [UInt64], ret: Int64, memory: TraceeMemory?,
                           stringLimit: Int, constants: StraceLineStyles.Constants = .abbrev) -> String? {
        guard abi == .x86_64, selectFamily.contains(name) || name == "recvmmsg", Errno.errno(forReturn: ret) == nil else { return nil }
        if ret == 0 { return "Timeout" }
        let ctx = Context(abi: abi, name: name, args: args, memory: memory, limit: max(0, stringLimit), stop: .exit(ret))
        ctx.constants = constants
        switch name {
        case "poll", "ppoll": return ctx.pollNote(timeout: name == "ppoll" ? ctx.raw(2) : 0)
        case "recvmmsg": return ctx.raw(4) == 0 ? nil : "left " + ctx.timespec(ctx.raw(4), time64: true)
        default: return ctx.selectNote(ready: Int(ret))
        }
    }
}

extension SyscallDecoder.Context {
    /// select's nfds as the kernel takes it, and the bytes of each set (a whole number of longs).
    var selectSize: (nfds: Int, bytes: Int) {
        let nfds = min(max(Int(int32(0)), 0), 1024 * 1024)
        return (nfds, ((nfds + 7) / 8 + wordSize - 1) & -wordSize)
    }

    /// The fds set in `b`, below nfds.
    func setBits(_ b: [UInt8], _ nfds: Int) -> [Int] {
        (0 ..< min(nfds, b.count * 8)).filter { b[$0 / 8] & (1 << ($0 % 8)) != 0 }
    }

    /// An fd_set argument: `[3 4]`, NULL, or the address when there are no fds or it is unreadable.
    func fdSet(_ addr: UInt64) -> String {
        let (nfds, size) = selectSize
        guard size > 0, addr != 0, let b = read(addr, size) else { return ptr(addr) }
        return "[" + setBits(b, nfds).map { fd(Int32($0)) }.joined(separator: " ") + "]"
    }

    /// pselect6's sixth argument: `{sigmask=[HUP], sigsetsize=8}`.
    func pselectSigmask(_ addr: UInt64) -> String {
        guard addr != 0, let b = read(addr, 16) else { return ptr(addr) }
        let mask = le(b, 0, 8), size = le(b, 8, 8)
        var shown = ptr(mask)
        if mask != 0, size >= UInt64(wordSize), size <= 8, let m = read(mask, Int(size)) {
            shown = SyscallDecoder.sigsetString(le(m, 0, Int(size)))
        }
        return "{sigmask=\(shown), sigsetsize=\(size)}"
    }

    /// poll's array: `[{fd=3, events=POLLIN}, {fd=-1}]`.
    func pollfds(_ addr: UInt64, count: Int) -> String {
        array(addr, count: count, elemSize: 8) { e in
            let fd = Int32(truncatingIfNeeded: le(e, 0, 4))
            guard fd >= 0 else { return "{fd=\(fd)}" }
            return "{fd=\(self.fd(fd)), events=\(XlatPrinter(mode: .abbrev).flags(le(e, 4, 2), StraceXlat.pollflags, "POLL???"))}"
        }
    }

    /// An fd as strace's printfd shows it, with its path (--decode-fds=none strips it from the line).
    func fd(_ n: Int32) -> String { SyscallDecoder.fdString(n, memory: memory) }

    /// select's note: the ready fds of each set, then the time left.
    func selectNote(ready: Int) -> String {
        let (nfds, size) = selectSize
        var parts = [String]()
        var left = ready
        for (i, set) in ["in", "out", "except"].enumerated() where left > 0 {
            let addr = raw(i + 1)
            guard addr != 0, size > 0, let b = read(addr, size) else { continue }
            var fds = [Int]()
            for j in setBits(b, nfds) {
                fds.append(j)
                left -= 1
                if left == 0 { break }
            }
            if !fds.isEmpty { parts.append("\(set) [" + fds.map(String.init).joined(separator: " ") + "]") }
        }
        var note = parts.joined(separator: ", ")
        if raw(4) != 0 {
            let t = name == "pselect6" ? timespec(raw(4), time64: true) : timeval(raw(4))
            note += (parts.isEmpty ? "" : ", ") + "left " + t
        }
        return note
    }

    /// poll's note: the fds with events (-s of them at most), then the time left.
    func pollNote(timeout: UInt64) -> String? {
        let n = Int(UInt32(truncatingIfNeeded: raw(1)))
        let start = raw(0)
        var items = [String]()
        var printed = 0
        if start != 0, n > 0 {
            for k in 0 ..< n {
                let at = start &+ UInt64(8 * k)
                guard let e = read(at, 8) else { items.append(SyscallDecoder.hex(at, abi: abi)); break }
                let revents = le(e, 6, 2)
                if revents == 0 { continue }
                if printed >= limit { items.append("..."); break }
                let flags = XlatPrinter(mode: .abbrev).flags(revents, StraceXlat.pollflags, nil)
                items.append("{fd=\(Int32(truncatingIfNeeded: le(e, 0, 4))), revents=\(flags)}")
                printed += 1
            }
        }
        var note = items.isEmpty ? "" : "[" + items.joined(separator: ", ") + "]"
        if timeout != 0 { note += (note.isEmpty ? "" : ", ") + "left " + timespec(timeout, time64: true) }
        return note.isEmpty ? nil : note
    }
}
