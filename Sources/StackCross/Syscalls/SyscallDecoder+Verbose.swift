import Glibc

/// strace -v: what strace abbreviates, shown whole. execve's argv and envp as every string (not 32
/// entries and `/* 35 vars */`), and x86_64's struct stat field by field with its times.
extension SyscallDecoder {
    /// Most entries of a -v string array read (a loop guard: strace prints them all).
    static let verboseArrayLimit = 65_536

    /// The arguments of a decoded call redone as -v shows them (others unchanged). `stop` is the
    /// stop the arguments were decoded at: arrays at the entry, stat structs at a successful exit.
    public static func verbose(abi: SyscallABI, nr: Int64, rawArgs: [UInt64], args: [String], memory: TraceeMemory?,
                               stringLimit: Int, at stop: DecodeStop, constants: StraceLineStyles.Constants = .abbrev) -> [String] {
        if let s = fsVerbose(abi: abi, name: SyscallTable.for(abi: abi).name(nr) ?? "", rawArgs: rawArgs, args: args,
                             memory: memory, at: stop, constants: constants) { return s }
        var out = args
        let kinds = argKinds(abi: abi, nr: nr)
        for (k, kind) in kinds.enumerated() where k < out.count && k < rawArgs.count {
            switch (kind, stop) {
            case (.argv, .entry), (.envp, .entry):
                if let s = stringArray(rawArgs[k], abi: abi, memory: memory, stringLimit: stringLimit) { out[k] = s }
            case (.procOut("rusage"), .exit(let r)) where abi == .x86_64 && !Errno.isError(r) && (r > 0 || SyscallTable.for(abi: abi).name(nr) != "wait4"):
                if let b = memory?.read(rawArgs[k], count: 144), b.count == 144 { out[k] = rusageText(b, verbose: true) }
            case (.outStat, .exit(0)) where abi == .x86_64:
                if let s = stat(rawArgs[k], memory: memory) { out[k] = s }
            default: break
            }
        }
        // poll's array whole (strace abbreviates it at -s elements).
        if stop == .entry, let name = SyscallTable.for(abi: abi).name(nr), name == "poll" || name == "ppoll", !out.isEmpty {
            let ctx = Context(abi: abi, name: name, args: rawArgs, memory: memory, limit: Int.max, stop: stop)
            ctx.constants = constants
            out[0] = ctx.pollfds(ctx.raw(0), count: Int(UInt32(truncatingIfNeeded: ctx.raw(1))))
        }
        return out
    }

    /// A NULL-terminated array of strings, each quoted and cut at `stringLimit` as argv's are.
    static func stringArray(_ addr: UInt64, abi: SyscallABI, memory: TraceeMemory?, stringLimit: Int) -> String? {
        guard addr != 0 else { return "NULL" }
        guard let m = memory else { return nil }
        let w = abi == .i386 ? 4 : 8
        var items = [String]()
        var p = addr
        while items.count < verboseArrayLimit {
            guard let b = m.read(p, count: w), b.count == w else {
                return items.isEmpty ? nil : "[" + items.joined(separator: ", ") + ", ... /* \(hex(p, abi: abi)) */]"
            }
            let ptr = b.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if ptr == 0 { break }
            if let r = m.readCString(ptr, limit: stringLimit) { items.append(quote(r.bytes, truncated: r.truncated)) } else { items.append(hex(ptr, abi: abi)) }
            p &+= UInt64(w)
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// x86_64 struct stat in full, in strace's order: a device shows st_rdev instead of st_size.
    static func stat(_ addr: UInt64, memory: TraceeMemory?) -> String? {
        guard addr != 0, let b = memory?.read(addr, count: 120), b.count == 120 else { return nil }
        func u(_ off: Int) -> UInt64 { b[off..<(off + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        func u32(_ off: Int) -> UInt64 { u(off) & 0xFFFF_FFFF }
        let mode = u32(24), type = mode & 0o170000
        var f = ["st_dev=\(SyscallDecoder.makedev(u(0)))", "st_ino=\(u(8))", "st_mode=\(Flags.fileMode(mode))", "st_nlink=\(u(16))",
                 "st_uid=\(u32(28))", "st_gid=\(u32(32))", "st_blksize=\(Int64(bitPattern: u(56)))", "st_blocks=\(Int64(bitPattern: u(64)))"]
        f.append(type == 0o020000 || type == 0o060000 ? "st_rdev=\(SyscallDecoder.makedev(u(40)))" : "st_size=\(Int64(bitPattern: u(48)))")
        for (name, off) in [("st_atime", 72), ("st_mtime", 88), ("st_ctime", 104)] {
            let sec = Int64(bitPattern: u(off)), nsec = u(off + 8)
            f.append("\(name)=\(sec) /* \(timeText(sec: sec, nsec: nsec)) */")
            f.append("\(name)_nsec=\(nsec)")
        }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// strace's time comment: local time, ISO 8601, nanoseconds when there are any: `2026-12-05T12:18:48.073508801+0000`.
    static func timeText(sec: Int64, nsec: UInt64) -> String {
        var t = time_t(sec), tm = tm()
        guard localtime_r(&t, &tm) != nil else { return "?" }
        var day = [CChar](repeating: 0, count: 64), zone = [CChar](repeating: 0, count: 16)
        strftime(&day, 64, "%Y-%m-%dT%H:%M:%S", &tm)
        strftime(&zone, 16, "%z", &tm)
        var frac = ""
        if nsec > 0 {
            let n = String(nsec)
            frac = "." + String(repeating: "0", count: max(0, 9 - n.count)) + n
        }
        return String(cString: day) + frac + String(cString: zone)
    }
}
