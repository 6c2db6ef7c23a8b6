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
    case uid, mlockallFlags, syslogAction, fadviseAdvice
    /// gid_t array of `countArg` entries (setgroups); `outGroups`: as many as the call returns (getgroups).
    case groups(countArg: Int)
    case outGroups
    /// CPU set of `sizeArg` bytes (sched_setaffinity); `outCpuMask`: the call returns the size (getaffinity).
    case cpuMask(sizeArg: Int)
    case outCpuMask
    /// struct msghdr (sendmsg); `outMsghdr`: filled in by recvmsg, its iov data as long as the return.
    case msghdr, outMsghdr
    /// struct mmsghdr array (sendmmsg, recvmmsg), read at the exit with each message's msg_len.
    case outMmsgvec
    /// key_serial_t: KEY_SPEC_* names for the special keyrings (add_key, request_key, keyctl).
    case keySerial
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
    /// The suite's families (SyscallDecoder+Suite.swift): a named strace table, special flag layouts,
    /// in/out lengths (`[5 => 4]`), int and loff_t pointers, timers, socket options.
    case flagsOf(String), valueOf(String)
    case fanInitFlags, kexecFlags, mpolMode, swapFlags, fileMode, dev, sockLevel, sockOptName, sockOptVal
    case inOutLen, loff, loffInOut, intPtr, timeval, timezone, itimerval, itimerspec
    case outInt, outUint, outUid, outTimezone, outItimerval, outItimerspec, outHexWord, outMpol
    /// print_array of `countArg` elements: pointers, ints, and (filled in by the call) -errno or int statuses.
    case ptrArray(countArg: Int), intArray(countArg: Int), outErrnoArray(countArg: Int)
    /// The process family's structs (SyscallDecoder+Proc.swift): read at entry, or after a successful call.
    case procIn(String), procOut(String)
    /// The dec-io family's decodings (SyscallDecoder+IO.swift), by key; they follow -X themselves.
    case io(String)
    /// The file-system family's own layouts (SyscallDecoder+Mount.swift).
    case fs(FsArg)
    /// A dec-io decoding that reads the tracee again at exit (io_uring_setup's params).
    case ioOut(String)
    /// Argument not shown (clone's unused pointers on i386 are still shown; this is for ABI padding).
    case skip

    /// Output kinds are shown as a pointer at entry and decoded from memory at exit.
    var isOutput: Bool {
        switch self {
        case .outBuffer, .outString, .outIovec, .outSigset, .outSigaction, .outStack, .outTimespec, .outTimeval,
             .outStat, .outStat64, .outStatx, .outFdPair, .outWaitStatus, .outDirents, .outUtsname, .outRlimit,
             .outSysinfo, .outGroups, .outCpuMask, .outMsghdr, .outMmsgvec,
             .outSockaddr, .inOutLen, .outInt, .outUint, .outUid, .outTimezone, .outItimerval, .outItimerspec, .outHexWord, .outMpol, .loffInOut, .outErrnoArray:
            true
        case .sockOptVal, .procOut, .ioOut: true
        case .fs(let k): k.isOutput
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
        "fork": [], "vfork": [],
        "execve": [.path, .argv, .envp], "execveat": [.dirfd, .path, .argv, .envp, .atFlags],
        "exit": [.int], "exit_group": [.int],
        "waitpid": [.int, .outWaitStatus, .waitOptions],
        "kill": [.int, .signal], "tkill": [.int, .signal], "tgkill": [.int, .int, .signal],
        "rt_sigaction": [.signal, .sigaction, .outSigaction, .ulong],
        "rt_sigreturn": [], "sigreturn": [], "sigaltstack": [.stack, .outStack],
        "clock_nanosleep_time64": [.clockID, .timerFlags, .timespec, .ptr],
        "clock_gettime": [.clockID, .outTimespec], "clock_gettime64": [.clockID, .outTimespec],
        "clock_getres": [.clockID, .outTimespec],
        "futex": [.ptr, .futexOp, .uint, .ptr, .ptr, .uint], "futex_time64": [.ptr, .futexOp, .uint, .ptr, .ptr, .uint],
        "socket": [.socketFamily, .socketType, .socketProtocol],
        "socketpair": [.socketFamily, .socketType, .socketProtocol, .outFdPair],
        "connect": [.fd, .sockaddr(lenArg: 2), .uint], "bind": [.fd, .sockaddr(lenArg: 2), .uint],
        "listen": [.fd, .int], "shutdown": [.fd, .shutdownHow],
        "sendto": [.fd, .inBuffer(lenArg: 2), .ulong, .msgFlags, .sockaddr(lenArg: 5), .uint],
        "sendmsg": [.fd, .msghdr, .msgFlags], "recvmsg": [.fd, .outMsghdr, .msgFlags],
        "pipe": [.outFdPair], "pipe2": [.outFdPair, .pipeFlags],
        "getdents64": [.fd, .outDirents, .uint], "getdents": [.fd, .outDirents, .uint],
        "lseek": [.fd, .long, .seekWhence], "_llseek": [.fd, .ulong, .ulong, .ptr, .seekWhence],
        "prctl": [.prctlOption, .ulong, .ulong, .ulong, .ulong], "arch_prctl": [.archPrctlCode, .ptr],
        "set_tid_address": [.ptr], "set_robust_list": [.ptr, .ulong],
        "prlimit64": [.int, .rlimitResource, .rlimit, .outRlimit],
        "getrlimit": [.rlimitResource, .outRlimit], "ugetrlimit": [.rlimitResource, .outRlimit],
        "setrlimit": [.rlimitResource, .rlimit],
        "getrandom": [.outBuffer, .ulong, .getrandomFlags], "rseq": [.ptr, .hex, .hex, .hex],
        "uname": [.outUtsname], "sysinfo": [.outSysinfo], "eventfd2": [.uint, .cloexecFlags],
        "unlinkat": [.dirfd, .path, .atFlags],
        "fchmodat": [.dirfd, .path, .mode], "mkdirat": [.dirfd, .path, .mode], "mkdir": [.path, .mode],
        "chmod": [.path, .mode], "fchmod": [.fd, .mode], "umask": [.mode],
        "fchownat": [.dirfd, .path, .int, .int, .atFlags], "linkat": [.dirfd, .path, .dirfd, .path, .atFlags],
        "ftruncate": [.fd, .long], "fsync": [.fd],
        "sched_yield": [], "getpid": [], "gettid": [],
        "mlockall": [.mlockallFlags], "syslog": [.syslogAction, .outBuffer, .int],
        "fadvise64": [.fd, .long, .long, .fadviseAdvice],
        "getgroups": [.int, .outGroups], "setgroups": [.int, .groups(countArg: 0)],
        "add_key": [.str, .str, .inBuffer(lenArg: 3), .ulong, .keySerial],
        "request_key": [.str, .str, .str, .keySerial],
        "sched_getaffinity": [.int, .uint, .outCpuMask], "sched_setaffinity": [.int, .uint, .cpuMask(sizeArg: 1)],
    ]

    /// What decoding a syscall number needs that depends on the number alone, worked out once per number
    /// (`plans`) so that a call pays an array index for it: its name, its argument kinds, and which of the
    /// name-specific steps can apply to it (most calls: none).
    struct CallPlan: Sendable {
        let name: String
        let kinds: [ArgKind]
        let steps: Steps
        /// Where `.openFlags` is among the kinds (open's mode is shown only with O_CREAT/O_TMPFILE).
        let openFlagsIndex: Int?

        init(abi: SyscallABI, name: String, kinds: [ArgKind]) {
            self.name = name
            self.kinds = kinds
            steps = Steps.of(abi: abi, name: name)
            openFlagsIndex = kinds.firstIndex(of: .openFlags)
        }
    }

    /// The steps of `decode` and `returnNote` that look at the call's name, each of which changes the
    /// result of a few calls only. `Steps.of` names those calls; the calls it leaves out skip the steps.
    /// A step run for any other call returns what it was given (the steps keep their own name tests):
    /// SyscallDecoderPlanTests proves it for every syscall of both ABIs.
    struct Steps: OptionSet, Sendable {
        let rawValue: UInt16
        static let clone = Steps(rawValue: 1 << 0)
        static let select = Steps(rawValue: 1 << 1)
        static let rtSigreturn = Steps(rawValue: 1 << 2)
        static let prctl = Steps(rawValue: 1 << 3)
        static let syslog = Steps(rawValue: 1 << 4)
        static let suite = Steps(rawValue: 1 << 5)
        static let ptrace = Steps(rawValue: 1 << 6)
        static let clone3 = Steps(rawValue: 1 << 7)
        static let fs = Steps(rawValue: 1 << 8)
        static let io = Steps(rawValue: 1 << 9)
        static let futex = Steps(rawValue: 1 << 10)
        static let openMode = Steps(rawValue: 1 << 11)
        /// `returnNote` has something to say after the return value.
        static let returnNote = Steps(rawValue: 1 << 12)
        /// Every step: what decoding did before the plans (each step tests the name itself).
        static let all = Steps(rawValue: 0x1FFF)

        /// The steps that can apply to the call `name` of `abi`: the same tests as the steps make.
        static func of(abi: SyscallABI, name: String) -> Steps {
            var s: Steps = []
            if name == "clone" { s.insert(.clone) }
            if SyscallDecoder.selectFamily.contains(name) { s.insert(.select) }
            if name == "rt_sigreturn", abi == .x86_64 { s.insert(.rtSigreturn) }
            if name == "prctl" { s.insert(.prctl) }
            if name == "syslog" { s.insert(.syslog) }
            if SyscallDecoder.suiteArgumentCalls.contains(name) { s.insert(.suite) }
            if name == "ptrace", abi == .x86_64 { s.insert(.ptrace) }
            if name == "clone3", abi == .x86_64 { s.insert(.clone3) }
            if SyscallDecoder.fsArgumentCalls.contains(name) { s.insert(.fs) }
            if SyscallDecoder.ioArgumentCalls.contains(name) { s.insert(.io) }
            if name.hasPrefix("futex") { s.insert(.futex) }
            if name == "open" || name == "openat" { s.insert(.openMode) }
            if abi == .x86_64, SyscallDecoder.selectFamily.contains(name) || name == "recvmmsg" { s.insert(.returnNote) }
            return s
        }
    }

    /// The plan of every number of each ABI; a number without a name has six hex arguments and no steps.
    static let plans: (x86_64: [CallPlan], i386: [CallPlan]) = {
        func build(_ t: SyscallTable) -> [CallPlan] {
            (0 ..< t.limit).map { nr in
                let name = t.name(Int64(nr)) ?? ""
                return CallPlan(abi: t.abi, name: name, kinds: t.name(Int64(nr)).map { argKinds(abi: t.abi, name: $0) } ?? unknownKinds)
            }
        }
        return (build(.x86_64), build(.i386))
    }()
    static let unknownKinds: [ArgKind] = [.hex, .hex, .hex, .hex, .hex, .hex]
    static let unknownPlan = CallPlan(abi: .x86_64, name: "", kinds: unknownKinds)

    /// The plan of syscall `nr` of `abi`.
    static func plan(abi: SyscallABI, nr: Int64) -> CallPlan {
        let table = abi == .i386 ? plans.i386 : plans.x86_64
        guard nr >= 0, nr < Int64(table.count) else { return unknownPlan }
        return table[Int(nr)]
    }

    /// The kinds of syscall `nr`'s arguments; six hex values for a number the table does not know.
    public static func argKinds(abi: SyscallABI, nr: Int64) -> [ArgKind] {
        plan(abi: abi, nr: nr).kinds
    }

    /// The hand-kept signature tables, by family. A name is in one of them only (a second entry would
    /// never be read; `SyscallSignatureTablesTests` holds this), so their order does not matter.
    static let signatureTables: [(family: String, kinds: [String: [ArgKind]])] = [
        ("proc", procSignatures), ("io", ioSignatures), ("fs", fsSignatures), ("suite", suiteSignatures),
        ("socket", socketSignatures), ("common", signatures),
    ]

    /// The kinds of a syscall's arguments (its arity is the count), hand-kept or from its prototype.
    public static func argKinds(abi: SyscallABI, name: String) -> [ArgKind] {
        // clone's five arguments have the same kinds on both ABIs; cloneArguments orders i386's tls/child_tid.
        if name == "clone" { return [.cloneFlags, .ptr, .ptr, .ptr, .ptr] }
        for table in signatureTables { if let kinds = table.kinds[name] { return kinds } }
        let generated = generatedArgKinds[name] ?? unknownKinds
        return uidCalls.contains(name) ? generated.map { $0 == .uint ? .uid : $0 } : generated
    }

    /// Decodes the arguments of one call, strace style. At `.entry` output arguments are shown as
    /// pointers; at `.exit(ret)` they are read back from the tracee. Pass the entry result as `entry`
    /// at exit so that inputs keep their entry-time view (execve's path is gone after exec, close's fd too).
    /// `strings` holds the exact bytes of string and buffer arguments, keyed by argument index.
    /// `stackPointer` (the user rsp at the entry stop) lets rt_sigreturn show the mask it restores.
    public static func decode(abi: SyscallABI, nr: Int64, args: [UInt64], memory: TraceeMemory?, stringLimit: Int = 32,
                              at stop: DecodeStop,
                              entry: (args: [String], strings: [String: TraceeString])? = nil,
                              stackPointer: UInt64? = nil, constants: StraceLineStyles.Constants = .abbrev)
        -> (args: [String], strings: [String: TraceeString])
    {
        decode(abi: abi, plan: plan(abi: abi, nr: nr), steps: nil, args: args, memory: memory, stringLimit: stringLimit,
               at: stop, entry: entry, stackPointer: stackPointer, constants: constants)
    }

    /// `strings`' keys of the first arguments, made once.
    static let argumentKeys = (0 ..< 6).map { String($0) }
    static func argumentKey(_ i: Int) -> String { i < argumentKeys.count ? argumentKeys[i] : String(i) }

    /// `decode` after the plan lookup. `steps` nil runs the steps the plan names; `.all` runs every step,
    /// as decoding did before the plans (the tests hold the two equal).
    static func decode(abi: SyscallABI, plan: CallPlan, steps: Steps?, args: [UInt64], memory: TraceeMemory?, stringLimit: Int,
                       at stop: DecodeStop, entry: (args: [String], strings: [String: TraceeString])?,
                       stackPointer: UInt64?, constants: StraceLineStyles.Constants)
        -> (args: [String], strings: [String: TraceeString])
    {
        let name = plan.name, kinds = plan.kinds
        let ctx = Context(abi: abi, name: name, args: args, memory: memory, limit: max(0, stringLimit), stop: stop)
        ctx.entryArgs = entry?.args
        ctx.constants = constants
        var out = [String]()
        out.reserveCapacity(kinds.count)
        var strings = [String: TraceeString]()
        for i in kinds.indices {
            let kind = kinds[i]
            if case .skip = kind { continue }
            if let e = entry, !kind.isOutput, i < e.args.count {
                out.append(e.args[i])
                if let s = e.strings[argumentKey(i)] { strings[argumentKey(i)] = s }
                continue
            }
            ctx.captured = nil
            out.append(ctx.render(kind, i))
            if let c = ctx.captured { strings[argumentKey(i)] = c }
        }
        // fcntl's argument is absent for F_GETFD and friends.
        while out.last?.isEmpty == true { out.removeLast() }
        let steps = steps ?? plan.steps
        if steps.subtracting(.returnNote).isEmpty { return (out, strings) }
        if steps.contains(.clone), name == "clone" { out = cloneArguments(abi: abi, args: args) }
        if steps.contains(.select), entry == nil, selectFamily.contains(name), let s = selectArguments(ctx) { out = s }
        if steps.contains(.rtSigreturn), name == "rt_sigreturn", abi == .x86_64 {
            // At its entry rsp points at the rt_sigframe's ucontext (pretcode was popped); uc_sigmask is
            // after uc_flags, uc_link, uc_stack (24) and the 256-byte sigcontext.
            if let e = entry, !e.args.isEmpty { return e }
            if let sp = stackPointer, let b = memory?.read(sp &+ 296, count: 8), b.count == 8 {
                let mask = b.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                out = ["{mask=\(sigsetString(mask))}"]
            }
        }
        if steps.contains(.prctl), name == "prctl", out.count == 5 {
            out = prctlArguments(out, args: args, abi: abi, ctx: ctx, strings: &strings)
        }
        if steps.contains(.syslog), name == "syslog" { out = syslogArguments(out, args: args, abi: abi) }
        if steps.contains(.suite) { out = suiteArguments(name, out, args: args) }
        if steps.contains(.ptrace), name == "ptrace", abi == .x86_64 { out = ctx.ptraceArguments(out) }
        if steps.contains(.clone3), name == "clone3", abi == .x86_64 { out = ctx.clone3Arguments(out) }
        if steps.contains(.fs) { out = fsArguments(name, out, args: args) }
        if steps.contains(.io) { out = ioArguments(name, out, args: args, style: constants) }
        if steps.contains(.futex), name.hasPrefix("futex"), out.count == 6, args.count >= 6 { out = futexArguments(out, args: args) }
        // open's mode is shown only with O_CREAT/O_TMPFILE, as strace does.
        if steps.contains(.openMode), name == "open" || name == "openat", let fi = plan.openFlagsIndex, fi < args.count,
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
    static func prctlArguments(_ out: [String], args: [UInt64], abi: SyscallABI, ctx: Context,
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

    /// The return value as strace shows it after `= ` (ReturnRendering.text), with an fd's path read
    /// from the live tracee; a thin wrapper so that live decoding and the views share one rendering.
    public static func decodeReturn(abi: SyscallABI, nr: Int64, ret: Int64, args: [UInt64] = [],
                                    memory: TraceeMemory?, constants: StraceLineStyles.Constants = .abbrev) -> String {
        ReturnRendering.text(abi: abi, nr: nr, ret: ret, args: args,
                             retPath: returnedFDPath(abi: abi, nr: nr, ret: ret, args: args, memory: memory), constants: constants)
    }

    /// The path of the fd a call returned (what `SyscallRecord.retPath` holds), when it returned one.
    public static func returnedFDPath(abi: SyscallABI, nr: Int64, ret: Int64, args: [UInt64],
                                      memory: TraceeMemory?) -> [UInt8]? {
        let fd = Int32(truncatingIfNeeded: ret)
        guard let memory, fd >= 0, Int64(fd) == ret || abi == .i386,
              ReturnRendering.returnsFD(abi: abi, nr: nr, args: args) else { return nil }
        return memory.fdPathBytes(fd)
    }
}
