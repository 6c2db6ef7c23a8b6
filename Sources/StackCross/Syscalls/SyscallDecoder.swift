/// When a syscall's arguments are decoded: at the entry stop, or at the exit stop with the return value
/// (output buffers such as read's are only valid then).
public enum DecodeStop: Sendable, Equatable {
    case entry
    case exit(Int64)
}

/// How one argument is shown. The simple kinds come from the sys_* prototypes (generated); the rest
/// are hand-kept signatures of the common calls.
public enum ArgKind: Sendable, Equatable {
    // From linux/syscalls.h: 32-bit int / unsigned, 64-bit (on x86_64) long / unsigned long.
    case int, uint, long, ulong, hex, ptr, fd, dirfd, path, str, mode, signal
    // Hand-kept.
    case openFlags, openMode, prot, mapFlags, cloneFlags, atFlags, atAccessFlags, statxFlags, statxMask
    case futexOp, fcntlCmd, fcntlArg, seekWhence, accessMode, sigprocmaskHow, socketFamily, socketType
    case socketProtocol, msgFlags, shutdownHow, archPrctlCode, prctlOption, madvise, mremapFlags, rlimitResource
    case getrandomFlags, waitOptions, clockID, timerFlags, pipeFlags, cloexecFlags, ioctlRequest, sizeHex
    /// Bytes in tracee memory, as many as argument `lenArg` says (write, sendto).
    case inBuffer(lenArg: Int)
    /// Bytes filled in by the call: the return value says how many (read, recvfrom, getrandom).
    case outBuffer
    /// A string filled in by the call, ret bytes long (readlink, getcwd).
    case outString
    /// An iovec array of `countArg` entries, shown at entry (writev) or at exit with ret bytes (readv).
    case inIovec(countArg: Int)
    case outIovec(countArg: Int)
    case argv, envp
    case sigset, outSigset, sigaction, outSigaction, stack, outStack
    case timespec, outTimespec, outTimeval
    case outStat, outStat64, outStatx, outFdPair, outWaitStatus, outDirents, outUtsname, outSysinfo
    case rlimit, outRlimit
    case sockaddr(lenArg: Int)
    case outSockaddr
    case openHow, cloneArgs
    /// Argument not shown (clone's unused pointers on i386 are still shown; this is for ABI padding).
    case skip

    /// Output kinds are shown as a pointer at entry and decoded from memory at exit.
    var isOutput: Bool {
        switch self {
        case .outBuffer, .outString, .outIovec, .outSigset, .outSigaction, .outStack, .outTimespec, .outTimeval,
             .outStat, .outStat64, .outStatx, .outFdPair, .outWaitStatus, .outDirents, .outUtsname, .outRlimit,
             .outSysinfo,
             .outSockaddr:
            true
        default: false
        }
    }
}

/// strace-style decoding of syscall arguments and return values. Pure: the tracee is reached only
/// through `TraceeMemory`, and a nil memory shows every pointer as hex.
public enum SyscallDecoder {
    /// Bytes read for a path (strace prints paths whole, not cut at -s).
    public static let pathLimit = 4096
    /// Most argv entries shown before `...`.
    public static let maxArrayEntries = 32

    /// Hand-kept signatures of the common calls, by name (either ABI unless overridden below).
    static let signatures: [String: [ArgKind]] = [
        "read": [.fd, .outBuffer, .ulong], "write": [.fd, .inBuffer(lenArg: 2), .ulong],
        "pread64": [.fd, .outBuffer, .ulong, .long], "pwrite64": [.fd, .inBuffer(lenArg: 2), .ulong, .long],
        "readv": [.fd, .outIovec(countArg: 2), .int], "writev": [.fd, .inIovec(countArg: 2), .int],
        "preadv": [.fd, .outIovec(countArg: 2), .int, .long], "pwritev": [.fd, .inIovec(countArg: 2), .int, .long],
        "open": [.path, .openFlags, .openMode], "openat": [.dirfd, .path, .openFlags, .openMode],
        "openat2": [.dirfd, .path, .openHow, .ulong], "creat": [.path, .mode],
        "access": [.path, .accessMode], "faccessat": [.dirfd, .path, .accessMode],
        "faccessat2": [.dirfd, .path, .accessMode, .atAccessFlags],
        "stat": [.path, .outStat], "lstat": [.path, .outStat], "fstat": [.fd, .outStat],
        "newfstatat": [.dirfd, .path, .outStat, .atFlags],
        "stat64": [.path, .outStat64], "lstat64": [.path, .outStat64], "fstat64": [.fd, .outStat64],
        "fstatat64": [.dirfd, .path, .outStat64, .atFlags],
        "statx": [.dirfd, .path, .statxFlags, .statxMask, .outStatx],
        "readlink": [.path, .outString, .ulong], "readlinkat": [.dirfd, .path, .outString, .ulong],
        "getcwd": [.outString, .ulong],
        "close": [.fd], "dup": [.fd], "dup2": [.fd, .fd], "dup3": [.fd, .fd, .cloexecFlags],
        "fcntl": [.fd, .fcntlCmd, .fcntlArg], "fcntl64": [.fd, .fcntlCmd, .fcntlArg],
        "ioctl": [.fd, .ioctlRequest, .ptr],
        "mmap": [.ptr, .ulong, .prot, .mapFlags, .fd, .sizeHex], "mmap2": [.ptr, .ulong, .prot, .mapFlags, .fd, .sizeHex],
        "munmap": [.ptr, .ulong], "mprotect": [.ptr, .ulong, .prot], "pkey_mprotect": [.ptr, .ulong, .prot, .int],
        "mremap": [.ptr, .ulong, .ulong, .mremapFlags, .ptr], "brk": [.ptr], "madvise": [.ptr, .ulong, .madvise],
        "clone3": [.cloneArgs, .ulong], "fork": [], "vfork": [],
        "execve": [.path, .argv, .envp], "execveat": [.dirfd, .path, .argv, .envp, .atFlags],
        "exit": [.int], "exit_group": [.int],
        "wait4": [.int, .outWaitStatus, .waitOptions, .ptr], "waitpid": [.int, .outWaitStatus, .waitOptions],
        "kill": [.int, .signal], "tkill": [.int, .signal], "tgkill": [.int, .int, .signal],
        "rt_sigaction": [.signal, .sigaction, .outSigaction, .ulong],
        "rt_sigprocmask": [.sigprocmaskHow, .sigset, .outSigset, .ulong],
        "rt_sigreturn": [], "sigreturn": [], "sigaltstack": [.stack, .outStack],
        "nanosleep": [.timespec, .ptr], "clock_nanosleep": [.clockID, .timerFlags, .timespec, .ptr],
        "clock_nanosleep_time64": [.clockID, .timerFlags, .timespec, .ptr],
        "clock_gettime": [.clockID, .outTimespec], "clock_gettime64": [.clockID, .outTimespec],
        "clock_getres": [.clockID, .outTimespec], "gettimeofday": [.outTimeval, .ptr],
        "futex": [.ptr, .futexOp, .uint, .ptr, .ptr, .uint], "futex_time64": [.ptr, .futexOp, .uint, .ptr, .ptr, .uint],
        "socket": [.socketFamily, .socketType, .socketProtocol],
        "socketpair": [.socketFamily, .socketType, .socketProtocol, .outFdPair],
        "connect": [.fd, .sockaddr(lenArg: 2), .uint], "bind": [.fd, .sockaddr(lenArg: 2), .uint],
        "accept": [.fd, .outSockaddr, .ptr], "accept4": [.fd, .outSockaddr, .ptr, .socketType],
        "getsockname": [.fd, .outSockaddr, .ptr], "getpeername": [.fd, .outSockaddr, .ptr],
        "listen": [.fd, .int], "shutdown": [.fd, .shutdownHow],
        "sendto": [.fd, .inBuffer(lenArg: 2), .ulong, .msgFlags, .sockaddr(lenArg: 5), .uint],
        "recvfrom": [.fd, .outBuffer, .ulong, .msgFlags, .outSockaddr, .ptr],
        "sendmsg": [.fd, .ptr, .msgFlags], "recvmsg": [.fd, .ptr, .msgFlags],
        "pipe": [.outFdPair], "pipe2": [.outFdPair, .pipeFlags],
        "getdents64": [.fd, .outDirents, .uint], "getdents": [.fd, .outDirents, .uint],
        "lseek": [.fd, .long, .seekWhence], "_llseek": [.fd, .ulong, .ulong, .ptr, .seekWhence],
        "prctl": [.prctlOption, .ulong, .ulong, .ulong, .ulong], "arch_prctl": [.archPrctlCode, .ptr],
        "set_tid_address": [.ptr], "set_robust_list": [.ptr, .ulong],
        "prlimit64": [.int, .rlimitResource, .rlimit, .outRlimit],
        "getrlimit": [.rlimitResource, .outRlimit], "ugetrlimit": [.rlimitResource, .outRlimit],
        "setrlimit": [.rlimitResource, .rlimit],
        "getrandom": [.outBuffer, .ulong, .getrandomFlags], "rseq": [.ptr, .hex, .hex, .hex],
        "uname": [.outUtsname], "sysinfo": [.outSysinfo], "epoll_create1": [.cloexecFlags], "eventfd2": [.uint, .cloexecFlags],
        "memfd_create": [.str, .hex], "unlinkat": [.dirfd, .path, .atFlags],
        "fchmodat": [.dirfd, .path, .mode], "mkdirat": [.dirfd, .path, .mode], "mkdir": [.path, .mode],
        "chmod": [.path, .mode], "fchmod": [.fd, .mode], "umask": [.mode],
        "fchownat": [.dirfd, .path, .int, .int, .atFlags], "linkat": [.dirfd, .path, .dirfd, .path, .atFlags],
        "utimensat": [.dirfd, .path, .ptr, .atFlags], "ftruncate": [.fd, .long], "fsync": [.fd],
        "sched_yield": [], "getpid": [], "gettid": [],
    ]

    /// Kinds per number for each ABI, built once so the per-call lookup is an array index.
    static let kindsByNumber: (x86_64: [[ArgKind]], i386: [[ArgKind]]) = {
        func build(_ t: SyscallTable) -> [[ArgKind]] {
            (0 ..< t.limit).map { nr in t.name(Int64(nr)).map { argKinds(abi: t.abi, name: $0) } ?? unknownKinds }
        }
        return (build(.x86_64), build(.i386))
    }()
    static let unknownKinds: [ArgKind] = [.hex, .hex, .hex, .hex, .hex, .hex]

    /// The kinds of syscall `nr`'s arguments; six hex values for a number the table does not know.
    public static func argKinds(abi: SyscallABI, nr: Int64) -> [ArgKind] {
        let table = abi == .i386 ? kindsByNumber.i386 : kindsByNumber.x86_64
        guard nr >= 0, nr < Int64(table.count) else { return unknownKinds }
        return table[Int(nr)]
    }

    /// The kinds of a syscall's arguments (its arity is the count), hand-kept or from its prototype.
    public static func argKinds(abi: SyscallABI, name: String) -> [ArgKind] {
        // clone's five arguments have the same kinds on both ABIs; cloneArguments orders i386's tls/child_tid.
        if name == "clone" { return [.cloneFlags, .ptr, .ptr, .ptr, .ptr] }
        return signatures[name] ?? generatedArgKinds[name] ?? unknownKinds
    }

    /// Decodes the arguments of one call, strace style. At `.entry` output arguments are shown as
    /// pointers; at `.exit(ret)` they are read back from the tracee. Pass the entry result as `entry`
    /// at exit so that inputs keep their entry-time view (execve's path is gone after exec, close's fd too).
    /// `strings` holds the exact bytes of string and buffer arguments, keyed by argument index.
    /// `stackPointer` (the user rsp at the entry stop) lets rt_sigreturn show the mask it restores.
    public static func decode(abi: SyscallABI, nr: Int64, args: [UInt64], memory: TraceeMemory?, stringLimit: Int = 32,
                              at stop: DecodeStop,
                              entry: (args: [String], strings: [String: TraceeString])? = nil,
                              stackPointer: UInt64? = nil)
        -> (args: [String], strings: [String: TraceeString])
    {
        let name = SyscallTable.for(abi: abi).name(nr) ?? ""
        let kinds = argKinds(abi: abi, nr: nr)
        var ctx = Context(abi: abi, name: name, args: args, memory: memory, limit: max(0, stringLimit), stop: stop)
        var out = [String]()
        var strings = [String: TraceeString]()
        for (i, kind) in kinds.enumerated() {
            if kind == .skip { continue }
            if let e = entry, !kind.isOutput, i < e.args.count {
                out.append(e.args[i])
                if let s = e.strings[String(i)] { strings[String(i)] = s }
                continue
            }
            ctx.captured = nil
            out.append(ctx.render(kind, i))
            if let c = ctx.captured { strings[String(i)] = c }
        }
        // fcntl's argument is absent for F_GETFD and friends.
        while out.last == "" { out.removeLast() }
        if name == "clone" { out = cloneArguments(abi: abi, args: args) }
        if name == "rt_sigreturn", abi == .x86_64 {
            // At its entry rsp points at the rt_sigframe's ucontext (pretcode was popped); uc_sigmask is
            // after uc_flags, uc_link, uc_stack (24) and the 256-byte sigcontext.
            if let e = entry, !e.args.isEmpty { return e }
            if let sp = stackPointer, let b = memory?.read(sp &+ 296, count: 8), b.count == 8 {
                let mask = b.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                out = ["{mask=\(sigsetString(mask))}"]
            }
        }
        if name == "prctl", out.count == 5 { out = prctlArguments(out, args: args, abi: abi, ctx: &ctx, strings: &strings) }
        if name.hasPrefix("futex"), out.count == 6, args.count >= 6 { out = futexArguments(out, args: args) }
        // open's mode is shown only with O_CREAT/O_TMPFILE, as strace does.
        if name == "open" || name == "openat", let fi = kinds.firstIndex(of: .openFlags), fi < args.count,
           !Flags.openTakesMode(args[fi]), out.count == kinds.count {
            out.removeLast()
        }
        return (out, strings)
    }

    /// clone's arguments strace style: `child_stack=NULL, flags=…|SIGCHLD, child_tidptr=0x…`.
    static func cloneArguments(abi: SyscallABI, args: [UInt64]) -> [String] {
        func a(_ i: Int) -> UInt64 { i < args.count ? abi.word(args[i]) : 0 }
        func p(_ v: UInt64) -> String { v == 0 ? "NULL" : hex(v, abi: abi) }
        let flags = a(0)
        // x86_64: flags, stack, parent_tid, child_tid, tls; i386 (CLONE_BACKWARDS): tls before child_tid.
        let (ctid, tls) = abi == .i386 ? (a(4), a(3)) : (a(3), a(4))
        var out = ["child_stack=\(p(a(1)))", "flags=\(Flags.cloneFlags(flags))"]
        if flags & 0x100000 != 0 { out.append("parent_tid=\(p(a(2)))") }
        if flags & 0x80000 != 0 { out.append("tls=\(p(tls))") }
        if flags & 0x1200000 != 0 { out.append("child_tidptr=\(p(ctid))") }
        return out
    }

    /// futex shows the arguments its command uses, as strace does (FUTEX_WAKE takes three).
    static func futexArguments(_ out: [String], args: [UInt64]) -> [String] {
        let val3 = UInt32(truncatingIfNeeded: args[5])
        let bitset = val3 == UInt32.max ? "FUTEX_BITSET_MATCH_ANY" : "0x" + String(val3, radix: 16)
        let val2 = String(UInt32(truncatingIfNeeded: args[3]))
        switch Int32(truncatingIfNeeded: args[1]) & 0x7F {
        case 0: return Array(out[0 ..< 4])
        case 1: return Array(out[0 ..< 3])
        case 9: return Array(out[0 ..< 4]) + [bitset]
        case 10: return Array(out[0 ..< 3]) + [bitset]
        case 3: return Array(out[0 ..< 3]) + [val2, out[4]]
        case 4, 12: return Array(out[0 ..< 3]) + [val2, out[4], String(val3)]
        case 5: return Array(out[0 ..< 3]) + [val2, out[4], "0x" + String(val3, radix: 16)]
        case 6, 13: return [out[0], out[1], out[3]]
        case 7, 8: return Array(out[0 ..< 2])
        case 11: return Array(out[0 ..< 5])
        default: return out
        }
    }

    /// prctl shows the arguments its option uses: `prctl(PR_SET_NAME, "worker")`, `prctl(PR_GET_DUMPABLE)`.
    static func prctlArguments(_ out: [String], args: [UInt64], abi: SyscallABI, ctx: inout Context,
                               strings: inout [String: TraceeString]) -> [String] {
        let v = args.count > 1 ? abi.word(args[1]) : 0
        func h(_ i: Int) -> String {
            let x = i < args.count ? abi.word(args[i]) : 0
            return x == 0 ? "0" : hex(x, abi: abi)
        }
        switch Int32(truncatingIfNeeded: args.first ?? 0) {
        case 15:  // PR_SET_NAME: the thread name, at most 16 bytes
            ctx.captured = nil
            let s = ctx.cString(v, limit: 16)
            if let c = ctx.captured { strings["1"] = c }
            return [out[0], s]
        case 16, 2, 37: return [out[0], v == 0 ? "NULL" : hex(v, abi: abi)]  // PR_GET_NAME, _PDEATHSIG, _CHILD_SUBREAPER
        case 1: return [out[0], Signals.name(Int32(truncatingIfNeeded: v)) ?? String(v)]  // PR_SET_PDEATHSIG
        case 3, 7, 21, 39, 42: return [out[0]]  // PR_GET_DUMPABLE, _KEEPCAPS, _SECCOMP, _NO_NEW_PRIVS, _THP_DISABLE
        case 4, 8, 23, 24, 36, 41: return [out[0], String(v)]  // PR_SET_DUMPABLE, _KEEPCAPS, PR_CAPBSET_*…
        case 38: return [out[0], String(v), h(2), h(3), h(4)]  // PR_SET_NO_NEW_PRIVS
        default: return [out[0], h(1), h(2), h(3), h(4)]
        }
    }

    static let fdReturning: Set<String> = [
        "open", "openat", "openat2", "creat", "dup", "dup2", "dup3", "socket", "accept", "accept4", "epoll_create",
        "epoll_create1", "eventfd", "eventfd2", "memfd_create", "pidfd_open", "timerfd_create", "signalfd",
        "signalfd4", "inotify_init", "inotify_init1", "fanotify_init", "open_by_handle_at", "perf_event_open",
        "userfaultfd", "pidfd_getfd", "open_tree", "fsopen", "fsmount", "fspick", "io_uring_setup", "memfd_secret",
        "mq_open", "bpf",
    ]
    static let hexReturning: Set<String> = ["mmap", "mmap2", "brk", "mremap", "shmat", "set_tid_address"]

    /// The return value as strace shows it after `= `: `3</etc/passwd>`, `0x7f…` for mmap and brk,
    /// `-1 ENOENT (No such file or directory)`, `? ERESTARTSYS (To be restarted if SA_RESTART is set)`.
    public static func decodeReturn(abi: SyscallABI, nr: Int64, ret: Int64, args: [UInt64] = [],
                                    memory: TraceeMemory?) -> String {
        let name = SyscallTable.for(abi: abi).name(nr) ?? ""
        let r = abi == .i386 ? Int64(Int32(truncatingIfNeeded: ret)) : ret
        if let err = Errno.name(forReturn: r) {
            let text = Errno.description(forReturn: r) ?? ""
            return (Errno.isRestart(r) ? "? " : "-1 ") + "\(err) (\(text))"
        }
        if hexReturning.contains(name) { return hex(UInt64(bitPattern: r), abi: abi) }
        if fdReturning.contains(name) || (name.hasPrefix("fcntl") && args.count > 1 && [0, 1030].contains(args[1])) {
            return fdString(Int32(truncatingIfNeeded: r), memory: memory)
        }
        if name.hasPrefix("fcntl"), args.count > 1 {
            switch args[1] {
            case 1: return "0x\(String(r, radix: 16)) (flags \(Flags.fdFlags.format(UInt64(bitPattern: r))))"
            case 3: return "0x\(String(r, radix: 16)) (flags \(Flags.open(UInt64(bitPattern: r))))"
            default: break
            }
        }
        return String(r)
    }

    // MARK: - Rendering

    static func hex(_ v: UInt64, abi: SyscallABI) -> String {
        "0x" + String(abi.word(v), radix: 16)
    }

    static func fdString(_ fd: Int32, memory: TraceeMemory?) -> String {
        guard fd >= 0, let path = memory?.fdPathBytes(fd) else { return String(fd) }
        return "\(fd)<\(escapePath(path))>"
    }

    /// A path shown inside `<…>` as strace -y shows it: quoted like a string but without the quotes,
    /// `<` and `>` in octal too, so every byte can be read back and the line stays one line.
    public static func escapePath(_ path: [UInt8]) -> String {
        if path.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C && $0 != 0x3C && $0 != 0x3E }) {
            return String(decoding: path, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(path.count + 8)
        appendEscaped(path, quoted: true, angles: true, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// strace's quoting: `"…"` with \t \n \v \f \r \" \\ escaped and other non-printable bytes in octal
    /// (three digits when a digit follows); `...` after the quote when `truncated`.
    public static func quote(_ bytes: some Collection<UInt8>, truncated: Bool = false, hex: Bool = false) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(bytes.count + 8)
        if hex {
            for c in bytes { out += [92, UInt8(ascii: "x"), hexDigit(c >> 4), hexDigit(c & 15)] }
        } else {
            appendEscaped(bytes, quoted: true, to: &out)
        }
        out.append(UInt8(ascii: "\""))
        if truncated { out += Array("...".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A tracee-supplied name (path, symbol, file name) for terminal text, escaped as `quote` does
    /// but without the quotes: one line, no control bytes; printable ASCII comes back unchanged.
    public static func escaped(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 92 }) { return s }
        var out: [UInt8] = []
        appendEscaped(s.utf8, quoted: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The one escaper of terminal text (strace's): printable ASCII as is, `\\`, \t \n \v \f \r, `\"`
    /// when `quoted`, every other byte (controls, DEL, non-ASCII) in octal; `<` and `>` too when `angles`.
    public static func appendEscaped(_ bytes: some Sequence<UInt8>, quoted: Bool = false, angles: Bool = false, to out: inout [UInt8]) {
        var it = bytes.makeIterator()
        var next = it.next()
        while let c = next {
            next = it.next()
            switch c {
            case UInt8(ascii: "\"") where quoted: out += [92, c]
            case 92: out += [92, 92]
            case 9: out += [92, UInt8(ascii: "t")]
            case 10: out += [92, UInt8(ascii: "n")]
            case 11: out += [92, UInt8(ascii: "v")]
            case 12: out += [92, UInt8(ascii: "f")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 0x3C where !angles, 0x3E where !angles: out.append(c)
            case 0x20 ..< 0x3C, 0x3D, 0x3F ..< 0x7F: out.append(c)
            default:
                out.append(92)
                let nextIsDigit = next.map { (48 ... 57).contains($0) } ?? false
                if nextIsDigit || c >> 6 != 0 {
                    out += [48 + (c >> 6), 48 + ((c >> 3) & 7)]
                } else if c >> 3 != 0 {
                    out.append(48 + ((c >> 3) & 7))
                }
                out.append(48 + (c & 7))
            }
        }
    }

    struct Context {
        let abi: SyscallABI
        let name: String
        let args: [UInt64]
        let memory: TraceeMemory?
        let limit: Int
        let stop: DecodeStop
        var captured: TraceeString?

        init(abi: SyscallABI, name: String, args: [UInt64], memory: TraceeMemory?, limit: Int, stop: DecodeStop) {
            self.abi = abi; self.name = name; self.args = args; self.memory = memory; self.limit = limit
            self.stop = stop
        }

        var is32: Bool { abi == .i386 }
        var wordSize: Int { is32 ? 4 : 8 }

        func raw(_ i: Int) -> UInt64 {
            guard i < args.count else { return 0 }
            return abi.word(args[i])
        }
        func int32(_ i: Int) -> Int32 { Int32(truncatingIfNeeded: raw(i)) }
        func long(_ i: Int) -> Int64 { is32 ? Int64(int32(i)) : Int64(bitPattern: raw(i)) }
        func ptr(_ v: UInt64) -> String { v == 0 ? "NULL" : SyscallDecoder.hex(v, abi: abi) }

        /// The return value when decoding at a successful exit.
        var successfulReturn: Int64? {
            guard case .exit(let r) = stop else { return nil }
            let v = is32 ? Int64(Int32(truncatingIfNeeded: r)) : r
            return Errno.errno(forReturn: v) == nil ? v : nil
        }

        func read(_ addr: UInt64, _ count: Int) -> [UInt8]? {
            guard addr != 0, count >= 0, let m = memory else { return nil }
            if count == 0 { return [] }
            guard let b = m.read(addr, count: count), b.count == count else { return nil }
            return b
        }

        func word(_ addr: UInt64) -> UInt64? {
            guard let b = read(addr, wordSize) else { return nil }
            return le(b, 0, wordSize)
        }

        func le(_ b: [UInt8], _ off: Int, _ n: Int) -> UInt64 { littleEndian(b, at: off, count: n) }

        mutating func render(_ kind: ArgKind, _ i: Int) -> String {
            let v = raw(i)
            if kind.isOutput {
                guard let ret = successfulReturn, v != 0, memory != nil else { return ptr(v) }
                return renderOutput(kind, i, ret: ret) ?? ptr(v)
            }
            switch kind {
            case .int: return String(int32(i))
            case .uint: return String(UInt32(truncatingIfNeeded: v))
            case .long: return String(long(i))
            case .ulong: return String(v)
            case .hex: return v == 0 ? "0" : SyscallDecoder.hex(v, abi: abi)
            case .sizeHex:
                // mmap2 takes its offset in 4 KiB pages.
                let off = name == "mmap2" ? v << 12 : v
                return off == 0 ? "0" : SyscallDecoder.hex(off, abi: .x86_64)
            case .ptr: return ptr(v)
            case .fd: return SyscallDecoder.fdString(int32(i), memory: memory)
            case .dirfd:
                guard int32(i) == Flags.atFDCWD else { return SyscallDecoder.fdString(int32(i), memory: memory) }
                // strace -y shows the cwd after AT_FDCWD when the memory source knows it.
                return memory?.fdPathBytes(Flags.atFDCWD).map { "AT_FDCWD<\(SyscallDecoder.escapePath($0))>" } ?? "AT_FDCWD"
            case .path: return cString(v, limit: SyscallDecoder.pathLimit)
            case .str: return cString(v, limit: limit)
            case .mode: return v & 0o170000 != 0 ? Flags.fileMode(v & 0o177777) : Flags.octal(v & 0o7777)
            case .signal: return Signals.name(int32(i)) ?? String(int32(i))
            case .openFlags: return Flags.open(v & 0xFFFF_FFFF)
            case .openMode: return Flags.octal(v & 0o7777)
            case .prot: return Flags.prot.format(v & 0xFFFF_FFFF)
            case .mapFlags: return Flags.map(v & 0xFFFF_FFFF)
            case .cloneFlags: return Flags.cloneFlags(v)
            case .atFlags: return Flags.at.format(v & 0xFFFF_FFFF)
            case .atAccessFlags: return Flags.atAccess.format(v & 0xFFFF_FFFF)
            case .statxFlags:
                // The sync type is a 2-bit value, always named; the other AT_* bits follow.
                let sync = ["AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC", "AT_STATX_DONT_SYNC", "0x6000"][Int(v >> 13 & 3)]
                let rest = v & 0xFFFF_FFFF & ~0x6000
                return rest == 0 ? sync : sync + "|" + Flags.at.format(rest)
            case .statxMask: return Flags.statxMask.format(v & 0xFFFF_FFFF)
            case .futexOp: return Flags.futexOp(v)
            case .fcntlCmd: return Flags.fcntlCommands.format(Int64(int32(i)))
            case .fcntlArg:
                switch int32(i - 1) {
                case 1, 3, 9, 11, 1025, 1032, 1034: return ""  // F_GETFD, F_GETFL… take no argument
                case 2: return Flags.fdFlags.format(v & 0xFFFF_FFFF)
                case 4: return Flags.open(v & 0xFFFF_FFFF)
                case 5, 6, 7, 12, 13, 14, 36, 37, 38: return ptr(v)
                default: return String(long(i))
                }
            case .seekWhence: return Flags.seekWhence.format(Int64(int32(i)))
            case .accessMode: return Flags.accessMode.format(v & 0xFFFF_FFFF)
            case .sigprocmaskHow: return Flags.sigprocmaskHow.format(Int64(int32(i)))
            case .socketFamily: return Flags.addressFamilies.format(Int64(int32(i)))
            case .socketType: return Flags.socketType(v & 0xFFFF_FFFF)
            case .socketProtocol:
                let fam = int32(0)
                return fam == 2 || fam == 10 ? Flags.ipProtocols.format(Int64(int32(i))) : String(int32(i))
            case .msgFlags: return Flags.msgFlags.format(v & 0xFFFF_FFFF)
            case .shutdownHow: return Flags.shutdownHow.format(Int64(int32(i)))
            case .archPrctlCode: return Flags.archPrctl.format(Int64(int32(i)), hex: true)
            case .prctlOption: return Flags.prctl.format(Int64(int32(i)))
            case .madvise: return Flags.madvise.format(Int64(int32(i)))
            case .mremapFlags: return Flags.mremap.format(v & 0xFFFF_FFFF)
            case .rlimitResource: return Flags.rlimitResources.format(Int64(int32(i)))
            case .getrandomFlags: return Flags.getrandom.format(v & 0xFFFF_FFFF)
            case .waitOptions: return Flags.waitOptions.format(v & 0xFFFF_FFFF)
            case .clockID: return Flags.clocks.format(Int64(int32(i)))
            case .timerFlags: return Flags.timerFlags.format(v & 0xFFFF_FFFF)
            case .pipeFlags: return Flags.pipeFlags.format(v & 0xFFFF_FFFF)
            case .cloexecFlags: return Flags.cloexec.format(v & 0xFFFF_FFFF)
            case .ioctlRequest: return Flags.ioctlRequests.format(Int64(UInt32(truncatingIfNeeded: v)), hex: true)
            case .inBuffer(let lenArg):
                return buffer(v, length: Int(clamping: raw(lenArg)))
            case .inIovec(let countArg): return iovec(v, count: Int(clamping: raw(countArg)), total: nil)
            case .argv: return argv(v)
            case .envp: return envp(v)
            case .sigset: return sigset(v)
            case .sigaction: return sigaction(v)
            case .stack: return stackT(v)
            case .timespec: return timespec(v, time64: !is32 || name.hasSuffix("_time64"))
            case .rlimit: return rlimit(v)
            case .sockaddr(let lenArg): return sockaddr(v, length: Int(clamping: raw(lenArg)))
            case .openHow: return openHow(v)
            case .cloneArgs: return cloneArgs(v)
            default: return ptr(v)
            }
        }

        mutating func renderOutput(_ kind: ArgKind, _ i: Int, ret: Int64) -> String? {
            let v = raw(i)
            switch kind {
            case .outBuffer: return buffer(v, length: Int(clamping: ret))
            case .outString:
                // getcwd's return counts the NUL.
                let n = name == "getcwd" ? max(0, Int(clamping: ret) - 1) : Int(clamping: ret)
                guard let b = read(v, min(n, SyscallDecoder.pathLimit)) else { return nil }
                captured = TraceeString(bytes: b, truncated: n > b.count)
                return SyscallDecoder.quote(b, truncated: n > b.count)
            case .outIovec(let countArg): return iovec(v, count: Int(clamping: raw(countArg)), total: Int(clamping: ret))
            case .outSigset: return sigset(v)
            case .outSigaction: return sigaction(v)
            case .outStack: return stackT(v)
            case .outTimespec: return timespec(v, time64: !is32 || name.hasSuffix("64"))
            case .outTimeval:
                guard let b = read(v, 2 * wordSize) else { return nil }
                return "{tv_sec=\(signed(b, 0, wordSize)), tv_usec=\(signed(b, wordSize, wordSize))}"
            case .outStat: return is32 ? stat32(v) : stat64Layout(v, modeAt: 24, modeSize: 4, sizeAt: 48)
            case .outStat64: return stat64Layout(v, modeAt: 16, modeSize: 4, sizeAt: 44)
            case .outStatx: return statx(v)
            case .outFdPair:
                guard let b = read(v, 8) else { return nil }
                let a = Int32(truncatingIfNeeded: le(b, 0, 4)), c = Int32(truncatingIfNeeded: le(b, 4, 4))
                return "[\(SyscallDecoder.fdString(a, memory: memory)), \(SyscallDecoder.fdString(c, memory: memory))]"
            case .outWaitStatus:
                guard ret > 0, let b = read(v, 4) else { return nil }
                return "[" + SyscallDecoder.waitStatus(Int32(truncatingIfNeeded: le(b, 0, 4))) + "]"
            case .outDirents: return dirents(v, length: Int(clamping: ret))
            case .outUtsname:
                guard let b = read(v, 65 * 6) else { return nil }
                func field(_ k: Int) -> String {
                    let f = b[(k * 65) ..< (k * 65 + 65)]
                    return SyscallDecoder.quote(f.prefix { $0 != 0 })
                }
                return "{sysname=\(field(0)), nodename=\(field(1)), ...}"
            case .outRlimit: return rlimit(v)
            case .outSysinfo:
                // struct sysinfo: longs, then u16 procs padded to a long, two longs, u32 mem_unit.
                let w = wordSize
                guard let b = read(v, 13 * w + 4) else { return nil }
                func l(_ k: Int) -> UInt64 { le(b, k * w, w) }
                return "{uptime=\(signed(b, 0, w)), loads=[\(l(1)), \(l(2)), \(l(3))], totalram=\(l(4)), freeram=\(l(5)), "
                    + "sharedram=\(l(6)), bufferram=\(l(7)), totalswap=\(l(8)), freeswap=\(l(9)), procs=\(le(b, 10 * w, 2)), "
                    + "totalhigh=\(l(11)), freehigh=\(l(12)), mem_unit=\(le(b, 13 * w, 4))}"
            case .outSockaddr:
                // The length is in/out through the next argument's pointer.
                guard let lb = read(raw(i + 1), 4) else { return nil }
                return sockaddr(v, length: Int(le(lb, 0, 4)))
            default: return nil
            }
        }

        func signed(_ b: [UInt8], _ off: Int, _ n: Int) -> Int64 {
            let u = le(b, off, n)
            return n == 4 ? Int64(Int32(truncatingIfNeeded: u)) : Int64(bitPattern: u)
        }

        mutating func cString(_ addr: UInt64, limit: Int) -> String {
            guard addr != 0 else { return "NULL" }
            guard let m = memory, let r = m.readCString(addr, limit: limit) else { return ptr(addr) }
            captured = TraceeString(bytes: r.bytes, truncated: r.truncated)
            return SyscallDecoder.quote(r.bytes, truncated: r.truncated)
        }

        mutating func buffer(_ addr: UInt64, length: Int) -> String {
            guard addr != 0 || length == 0 else { return ptr(addr) }
            let n = min(max(length, 0), limit)
            guard let b = read(addr, n) else { return ptr(addr) }
            captured = TraceeString(bytes: b, truncated: length > n)
            // strace shows random bytes in hex.
            return SyscallDecoder.quote(b, truncated: length > n, hex: name == "getrandom")
        }

        mutating func iovec(_ addr: UInt64, count: Int, total: Int?) -> String {
            guard addr != 0 else { return "NULL" }
            let shown = min(max(count, 0), SyscallDecoder.maxArrayEntries)
            guard let b = read(addr, shown * 2 * wordSize) else { return ptr(addr) }
            var parts = [String]()
            var left = total ?? Int.max
            var all = [UInt8]()
            var cut = false
            for k in 0 ..< shown {
                let base = le(b, k * 2 * wordSize, wordSize)
                let len = Int(clamping: le(b, k * 2 * wordSize + wordSize, wordSize))
                let valid = min(len, left)
                left -= valid
                let n = min(valid, max(0, limit - all.count))
                let data = read(base, n)
                if let data { all += data }
                if n < valid { cut = true }
                let shownData = data.map { SyscallDecoder.quote($0, truncated: n < valid) } ?? ptr(base)
                parts.append("{iov_base=\(shownData), iov_len=\(len)}")
            }
            captured = TraceeString(bytes: all, truncated: cut)
            return "[" + parts.joined(separator: ", ") + (count > shown ? ", ..." : "") + "]"
        }

        mutating func argv(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            var items = [String]()
            var p = addr
            for _ in 0 ..< SyscallDecoder.maxArrayEntries + 1 {
                guard let w = word(p) else { return items.isEmpty ? ptr(addr) : "[" + items.joined(separator: ", ") + ", ...]" }
                if w == 0 { return "[" + items.joined(separator: ", ") + "]" }
                if items.count == SyscallDecoder.maxArrayEntries { break }
                if let m = memory, let r = m.readCString(w, limit: limit) {
                    items.append(SyscallDecoder.quote(r.bytes, truncated: r.truncated))
                } else {
                    items.append(ptr(w))
                }
                p &+= UInt64(wordSize)
            }
            return "[" + items.joined(separator: ", ") + ", ...]"
        }

        func envp(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            var n = 0
            var p = addr
            while n < 100_000, let w = word(p), w != 0 {
                n += 1
                p &+= UInt64(wordSize)
            }
            guard memory != nil, word(addr) != nil else { return ptr(addr) }
            return ptr(addr) + " /* \(n) var\(n == 1 ? "" : "s") */"
        }

        func sigset(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            guard let b = read(addr, 8) else { return ptr(addr) }
            return SyscallDecoder.sigsetString(le(b, 0, 8))
        }

        func sigaction(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            // struct sigaction as the kernel takes it: handler, flags, restorer, mask (i386: 32-bit words).
            let w = wordSize
            guard let b = read(addr, 3 * w + 8) else { return ptr(addr) }
            let handler = le(b, 0, w), flags = le(b, w, w), restorer = le(b, 2 * w, w), mask = le(b, 3 * w, 8)
            let h = handler == 0 ? "SIG_DFL" : handler == 1 ? "SIG_IGN" : SyscallDecoder.hex(handler, abi: abi)
            var s = "{sa_handler=\(h), sa_mask=\(SyscallDecoder.sigsetString(mask)), sa_flags=\(Flags.saFlags.format(flags))"
            if flags & 0x400_0000 != 0 { s += ", sa_restorer=\(ptr(restorer))" }
            return s + "}"
        }

        func stackT(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            let w = wordSize
            guard let b = read(addr, 3 * w) else { return ptr(addr) }
            // stack_t: ss_sp, int ss_flags (padded to a word), ss_size.
            return "{ss_sp=\(ptr(le(b, 0, w))), ss_flags=\(Flags.ssFlags.format(le(b, w, 4))), ss_size=\(le(b, 2 * w, w))}"
        }

        func timespec(_ addr: UInt64, time64: Bool) -> String {
            guard addr != 0 else { return "NULL" }
            let n = time64 ? 8 : 4
            guard let b = read(addr, 2 * n) else { return ptr(addr) }
            return "{tv_sec=\(signed(b, 0, n)), tv_nsec=\(signed(b, n, n))}"
        }

        func rlimit(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            // prlimit64 always takes 64-bit values; getrlimit/setrlimit use the ABI's long.
            let n = name == "prlimit64" ? 8 : wordSize
            guard let b = read(addr, 2 * n) else { return ptr(addr) }
            func lim(_ v: UInt64) -> String {
                if n == 8 ? v == UInt64.max : v == 0xFFFF_FFFF { return n == 8 ? "RLIM64_INFINITY" : "RLIM_INFINITY" }
                return v != 0 && v % 1024 == 0 ? "\(v / 1024)*1024" : String(v)
            }
            return "{rlim_cur=\(lim(le(b, 0, n))), rlim_max=\(lim(le(b, n, n)))}"
        }

        func stat64Layout(_ addr: UInt64, modeAt: Int, modeSize: Int, sizeAt: Int) -> String? {
            guard let b = read(addr, sizeAt + 8) else { return nil }
            return "{st_mode=\(Flags.fileMode(le(b, modeAt, modeSize))), st_size=\(signed(b, sizeAt, 8)), ...}"
        }

        func stat32(_ addr: UInt64) -> String? {
            // i386 struct stat: 16-bit st_mode at 8, 32-bit st_size at 20.
            guard let b = read(addr, 24) else { return nil }
            return "{st_mode=\(Flags.fileMode(le(b, 8, 2))), st_size=\(le(b, 20, 4)), ...}"
        }

        func statx(_ addr: UInt64) -> String? {
            guard let b = read(addr, 48) else { return nil }
            return "{stx_mask=\(Flags.statxMask.format(le(b, 0, 4))), stx_attributes=\(le(b, 8, 8) == 0 ? "0" : SyscallDecoder.hex(le(b, 8, 8), abi: .x86_64)), "
                + "stx_mode=\(Flags.fileMode(le(b, 28, 2))), stx_size=\(le(b, 40, 8)), ...}"
        }

        func dirents(_ addr: UInt64, length: Int) -> String? {
            guard length >= 0, let b = read(addr, min(length, 1 << 20)) else { return nil }
            // linux_dirent64 / linux_dirent: d_reclen (u16) at 16 (64-bit layout) or 2 words in.
            let reclenAt = name == "getdents64" ? 16 : 2 * wordSize
            var off = 0, n = 0
            while off + reclenAt + 2 <= b.count {
                let rec = Int(le(b, off + reclenAt, 2))
                if rec == 0 { break }
                off += rec
                n += 1
            }
            return ptr(addr) + " /* \(n) entr\(n == 1 ? "y" : "ies") */"
        }

        mutating func sockaddr(_ addr: UInt64, length: Int) -> String {
            guard addr != 0 else { return "NULL" }
            let n = min(max(length, 0), 128)
            guard n >= 2, let b = read(addr, n) else { return ptr(addr) }
            let family = Int64(le(b, 0, 2))
            let fam = Flags.addressFamilies.format(family)
            switch family {
            case 1:
                let path = Array(b[2...])
                if path.first == 0, path.count > 1 {
                    return "{sa_family=AF_UNIX, sun_path=@\(SyscallDecoder.quote(path.dropFirst()))}"
                }
                return "{sa_family=AF_UNIX, sun_path=\(SyscallDecoder.quote(path.prefix { $0 != 0 }))}"
            case 2 where n >= 8:
                let port = Int(b[2]) << 8 | Int(b[3])
                return "{sa_family=AF_INET, sin_port=htons(\(port)), sin_addr=inet_addr(\"\(b[4]).\(b[5]).\(b[6]).\(b[7])\")}"
            case 10 where n >= 24:
                let port = Int(b[2]) << 8 | Int(b[3])
                let a = SyscallDecoder.ipv6(Array(b[8 ..< 24]))
                return "{sa_family=AF_INET6, sin6_port=htons(\(port)), sin6_flowinfo=htonl(\(le(b, 4, 4).byteSwapped >> 32)), "
                    + "inet_pton(AF_INET6, \"\(a)\", &sin6_addr), sin6_scope_id=\(le(b, 24, 4))}"
            default:
                return "{sa_family=\(fam), sa_data=\(SyscallDecoder.quote(b.dropFirst(2)))}"
            }
        }

        func openHow(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            guard let b = read(addr, 24) else { return ptr(addr) }
            let flags = le(b, 0, 8), mode = le(b, 8, 8), resolve = le(b, 16, 8)
            var s = "{flags=\(Flags.open(flags))"
            if Flags.openTakesMode(flags) { s += ", mode=\(Flags.octal(mode))" }
            return s + ", resolve=\(resolve == 0 ? "0" : SyscallDecoder.hex(resolve, abi: .x86_64))}"
        }

        func cloneArgs(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            guard let b = read(addr, 64) else { return ptr(addr) }
            let flags = le(b, 0, 8), exitSignal = le(b, 32, 8)
            var s = "{flags=\(Flags.clone.format(flags))"
            let ptrs: [(String, Int)] = [("pidfd", 8), ("child_tid", 16), ("parent_tid", 24)]
            for (n, off) in ptrs where le(b, off, 8) != 0 { s += ", \(n)=\(ptr(le(b, off, 8)))" }
            s += ", exit_signal=\(exitSignal == 0 ? "0" : Signals.displayName(Int32(truncatingIfNeeded: exitSignal)))"
            s += ", stack=\(ptr(le(b, 40, 8))), stack_size=0x\(String(le(b, 48, 8), radix: 16))"
            if le(b, 56, 8) != 0 { s += ", tls=\(ptr(le(b, 56, 8)))" }
            return s + "}"
        }
    }

    /// `[INT TERM]`, or `~[KILL STOP]` when most signals are in the set, as strace prints a sigset_t.
    public static func sigsetString(_ mask: UInt64) -> String {
        func names(_ m: UInt64) -> String {
            (1 ... 64).filter { m & (1 << UInt64($0 - 1)) != 0 }
                .map { String(Signals.displayName(Int32($0)).dropFirst(3)) }.joined(separator: " ")
        }
        return mask.nonzeroBitCount > 32 ? "~[" + names(~mask) + "]" : "[" + names(mask) + "]"
    }

    /// A wait status the strace way: `{WIFEXITED(s) && WEXITSTATUS(s) == 0}`.
    public static func waitStatus(_ s: Int32) -> String {
        let low = s & 0x7F
        if s & 0xFFFF == 0xFFFF { return "{WIFCONTINUED(s)}" }
        if low == 0 { return "{WIFEXITED(s) && WEXITSTATUS(s) == \((s >> 8) & 0xFF)}" }
        if low == 0x7F {
            return "{WIFSTOPPED(s) && WSTOPSIG(s) == \(Signals.displayName((s >> 8) & 0xFF))}"
        }
        let core = s & 0x80 != 0 ? " && WCOREDUMP(s)" : ""
        return "{WIFSIGNALED(s) && WTERMSIG(s) == \(Signals.displayName(low))\(core)}"
    }

    /// RFC 5952 text of a 16-byte IPv6 address (longest zero run as ::).
    static func ipv6(_ b: [UInt8]) -> String {
        let groups = (0 ..< 8).map { Int(b[2 * $0]) << 8 | Int(b[2 * $0 + 1]) }
        var best = (start: -1, len: 0)
        var k = 0
        while k < 8 {
            if groups[k] == 0 {
                var e = k
                while e < 8, groups[e] == 0 { e += 1 }
                if e - k > best.len, e - k > 1 { best = (k, e - k) }
                k = e
            } else { k += 1 }
        }
        func hexs(_ r: ArraySlice<Int>) -> String { r.map { String($0, radix: 16) }.joined(separator: ":") }
        if best.start < 0 { return hexs(groups[...]) }
        return hexs(groups[..<best.start]) + "::" + hexs(groups[(best.start + best.len)...])
    }
}
