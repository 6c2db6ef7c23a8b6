import Foundation

/// Process and signal calls as strace 6.1 decodes them (ptrace.c, wait.c, printsiginfo.c, printrusage.c,
/// times.c, time.c, seccomp.c): siginfo_t, struct rusage, struct tms, ptrace's requests and register sets.
extension SyscallDecoder {
    /// Signatures of the process family (consulted first). `.procIn`/`.procOut` name a struct decoder below.
    static let procSignatures: [String: [ArgKind]] = [
        // GETREGS shows its registers in the third place: from there on the arguments are read at exit.
        "ptrace": [.valueOf("ptrace"), .int, .procOut("ptrace"), .procOut("ptrace")],
        "waitid": [.valueOf("waitid"), .int, .procOut("siginfo"), .waitOptions, .procOut("rusage")],
        "wait4": [.int, .outWaitStatus, .waitOptions, .procOut("rusage")],
        "getrusage": [.valueOf("rusage_who"), .procOut("rusage")],
        "times": [.procOut("tms")],
        "time": [.procOut("time")],
        "rt_sigqueueinfo": [.int, .signal, .procIn("siginfo")],
        "rt_tgsigqueueinfo": [.int, .int, .signal, .procIn("siginfo")],
        // clone3's struct is read at entry and again after the call (`=> {parent_tid=[N]}`).
        "clone3": [.procOut("clone3"), .ulong],
        "nanosleep": [.timespec, .procOut("rem")],
        "clock_nanosleep": [.clockID, .timerFlags, .timespec, .procOut("rem")],
        "rt_sigtimedwait": [.procIn("sigset@3"), .procOut("siginfo"), .timespec, .ulong],
        // Sets of the size the call was given (print_sigset_addr_len): up to 8 bytes, at least a word (rt_sigpending: a byte).
        "rt_sigprocmask": [.sigprocmaskHow, .procIn("sigset@3"), .procOut("sigset@3"), .ulong],
        "rt_sigpending": [.procOut("sigset@1:1"), .ulong],
        "rt_sigsuspend": [.procIn("sigset@1"), .ulong],
        "pidfd_send_signal": [.fd, .signal, .procIn("siginfo"), .hex],
        "get_robust_list": [.int, .procOut("ptrnum"), .procOut("ulongnum")],
        "timer_create": [.valueOf("clock"), .procIn("sigevent"), .outInt],
        "adjtimex": [.procOut("timex")],
        // seccomp's third argument: read at exit (SECCOMP_GET_NOTIF_SIZES fills it in).
        // NUMA policies: the mode with its flags (64 bits for mbind), node masks of maxnode bits.
        "mbind": [.ptr, .ulong, .procIn("mpol64"), .procIn("nodemask@4"), .ulong, .flagsOf("mbind")],
        "set_mempolicy": [.procIn("mpol32"), .procIn("nodemask@2"), .ulong],
        "get_mempolicy": [.outMpol, .procOut("nodemask@2"), .ulong, .ptr, .flagsOf("get_mempolicy")],
        "mincore": [.ptr, .ulong, .procOut("mincore")],
        "kcmp": [.int, .int, .valueOf("kcmp"), .ulong, .procIn("kcmp_idx2")],
        "process_madvise": [.fd, .procIn("iovaddr@2"), .ulong, .valueOf("madvise"), .hex],
        "sched_getattr": [.int, .procOut("sched_attr_get"), .uint, .uint],
        // Read again after the call: E2BIG writes the size the kernel wants (`{size=1} => {size=56}`).
        "sched_setattr": [.int, .procOut("sched_attr_set"), .uint],
        // process_vm_*: the local iovecs with their data (readv's after the call), the remote ones by address.
        "process_vm_readv": [.int, .procOut("lvec@2"), .ulong, .procIn("iovaddr@4"), .ulong, .ulong],
        "process_vm_writev": [.int, .procIn("lvec@2"), .ulong, .procIn("iovaddr@4"), .ulong, .ulong],
        "seccomp": [.valueOf("seccomp_op"), .procIn("seccomp_flags"), .procOut("seccomp_arg")],
    ]

    static let procTables: [String: StraceTable] = [
        "ptrace": StraceTable([
            (0, "PTRACE_TRACEME"), (1, "PTRACE_PEEKTEXT"), (2, "PTRACE_PEEKDATA"), (3, "PTRACE_PEEKUSER"),
            (4, "PTRACE_POKETEXT"), (5, "PTRACE_POKEDATA"), (6, "PTRACE_POKEUSER"), (7, "PTRACE_CONT"),
            (8, "PTRACE_KILL"), (9, "PTRACE_SINGLESTEP"), (0x10, "PTRACE_ATTACH"), (0x11, "PTRACE_DETACH"),
            (0x18, "PTRACE_SYSCALL"), (0x4200, "PTRACE_SETOPTIONS"), (0x4201, "PTRACE_GETEVENTMSG"),
            (0x4202, "PTRACE_GETSIGINFO"), (0x4203, "PTRACE_SETSIGINFO"), (0x4204, "PTRACE_GETREGSET"),
            (0x4205, "PTRACE_SETREGSET"), (0x4206, "PTRACE_SEIZE"), (0x4207, "PTRACE_INTERRUPT"),
            (0x4208, "PTRACE_LISTEN"), (0x4209, "PTRACE_PEEKSIGINFO"), (0x420a, "PTRACE_GETSIGMASK"),
            (0x420b, "PTRACE_SETSIGMASK"), (0x420c, "PTRACE_SECCOMP_GET_FILTER"),
            (0x420d, "PTRACE_SECCOMP_GET_METADATA"), (0x420e, "PTRACE_GET_SYSCALL_INFO"),
            (0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"), (0xc, "PTRACE_GETREGS"), (0xd, "PTRACE_SETREGS"),
            (0xe, "PTRACE_GETFPREGS"), (0xf, "PTRACE_SETFPREGS"), (0x12, "PTRACE_GETFPXREGS"),
            (0x13, "PTRACE_SETFPXREGS"), (0x15, "PTRACE_OLDSETOPTIONS"), (0x19, "PTRACE_GET_THREAD_AREA"),
            (0x1a, "PTRACE_SET_THREAD_AREA"), (0x1e, "PTRACE_ARCH_PRCTL"), (0x1f, "PTRACE_SYSEMU"),
            (0x20, "PTRACE_SYSEMU_SINGLESTEP"), (0x21, "PTRACE_SINGLEBLOCK"),
        ], unknown: "PTRACE_???"),
        "ptrace_options": StraceTable([
            (1, "PTRACE_O_TRACESYSGOOD"), (2, "PTRACE_O_TRACEFORK"), (4, "PTRACE_O_TRACEVFORK"),
            (8, "PTRACE_O_TRACECLONE"), (0x10, "PTRACE_O_TRACEEXEC"), (0x20, "PTRACE_O_TRACEVFORKDONE"),
            (0x40, "PTRACE_O_TRACEEXIT"), (0x80, "PTRACE_O_TRACESECCOMP"), (0x100000, "PTRACE_O_EXITKILL"),
            (0x200000, "PTRACE_O_SUSPEND_SECCOMP"),
        ], unknown: "PTRACE_O_???"),
        "nt": StraceTable([
            (1, "NT_PRSTATUS"), (2, "NT_FPREGSET"), (3, "NT_PRPSINFO"), (4, "NT_PRXREG"), (5, "NT_PLATFORM"),
            (6, "NT_AUXV"), (7, "NT_GWINDOWS"), (8, "NT_ASRS"), (10, "NT_PSTATUS"), (13, "NT_PSINFO"),
            (14, "NT_PRCRED"), (15, "NT_UTSNAME"), (16, "NT_LWPSTATUS"), (17, "NT_LWPSINFO"), (20, "NT_PRFPXREG"),
            (0x200, "NT_386_TLS"), (0x201, "NT_386_IOPERM"), (0x202, "NT_X86_XSTATE"),
            (0x4649_4c45, "NT_FILE"), (0x46e6_2b7f, "NT_PRXFPREG"), (0x5349_4749, "NT_SIGINFO"),
        ], unknown: "NT_???"),
        "waitid": StraceTable([(0, "P_ALL"), (1, "P_PID"), (2, "P_PGID"), (3, "P_PIDFD")], unknown: "P_???"),
        "rusage_who": StraceTable([(0, "RUSAGE_SELF"), (UInt64(UInt32.max), "RUSAGE_CHILDREN"),
                                   (UInt64(UInt32.max - 1), "RUSAGE_BOTH"), (1, "RUSAGE_THREAD")], unknown: "RUSAGE_???"),
        "seccomp_filter": StraceTable([
            (1, "SECCOMP_FILTER_FLAG_TSYNC"), (2, "SECCOMP_FILTER_FLAG_LOG"), (4, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
            (8, "SECCOMP_FILTER_FLAG_NEW_LISTENER"), (0x10, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"),
            (0x20, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
        ], unknown: "SECCOMP_FILTER_FLAG_???"),
        "wait4": StraceTable([
            (1, "WNOHANG"), (4, "WEXITED"), (2, "WSTOPPED"), (8, "WCONTINUED"), (0x0100_0000, "WNOWAIT"),
            (0x8000_0000, "__WCLONE"), (0x4000_0000, "__WALL"), (0x2000_0000, "__WNOTHREAD"),
        ], unknown: "W???"),
    ]

    /// si_code names (printsiginfo.c's print_si_code): the generic ones, then the signal's own.
    static let siginfoCodes: [Int32: String] = [
        0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO",
        -5: "SI_SIGIO", -6: "SI_TKILL", -7: "SI_DETHREAD", -60: "SI_ASYNCNL",
    ]
    static let signalCodes: [Int32: [String]] = [
        4: ["ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"],
        5: ["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"],
        7: ["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"],
        8: ["FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV",
            "FPE_FLTSUB", "", "", "", "", "", "FPE_FLTUNK", "FPE_CONDTRAP"],
        11: ["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR",
             "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR"],
        17: ["CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"],
        29: ["POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP"],
        31: ["SYS_SECCOMP", "SYS_USER_DISPATCH"],
    ]

    static func procTable(_ key: String) -> StraceTable { procTables[key] ?? StraceTable([], unknown: nil) }

    /// strace's PRINT_FIELD_X: `0` or `0x…`.
    static func xval(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
    static func pval(_ v: UInt64) -> String { v == 0 ? "NULL" : "0x" + String(v, radix: 16) }

    /// printsiginfo: a 128-byte x86_64 siginfo_t, `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=…}`.
    static func siginfoText(_ b: [UInt8], fd: (Int32) -> String = { String($0) }, style: StraceLineStyles.Constants) -> String {
        func u(_ off: Int, _ n: Int) -> UInt64 { littleEndian(b, at: off, count: n) }
        func i32(_ off: Int) -> Int32 { Int32(truncatingIfNeeded: u(off, 4)) }
        let signo = i32(0), errno = i32(4), code = i32(8)
        guard signo != 0 else { return "{}" }
        var codeName = siginfoCodes[code]
        if codeName == nil, code > 0, let names = signalCodes[signo], Int(code) <= names.count, !names[Int(code) - 1].isEmpty {
            codeName = names[Int(code) - 1]
        }
        var f = ["si_signo=" + Signals.displayName(signo), "si_code=" + (codeName ?? xval(UInt64(UInt32(bitPattern: code))))]
        if errno != 0 { f.append("si_errno=" + (Errno.name(errno) ?? String(UInt32(bitPattern: errno)))) }
        // PRINT_FIELD_ID: (uid_t) -1 reads -1.
        let source = ["si_pid=\(i32(16))", "si_uid=" + (u(20, 4) == 0xFFFF_FFFF ? "-1" : String(u(20, 4)))]
        let sigval = ["si_int=\(i32(24))", "si_ptr=\(pval(u(24, 8)))"]
        if code <= 0 {
            switch code {
            case 0, -6: f += source
            case -2: f += ["si_timerid=\(xval(u(16, 4)))", "si_overrun=\(i32(20))"] + sigval
            case -5: f += ["si_band=\(Int64(bitPattern: u(16, 8)))", "si_fd=" + fd(i32(24))]
            default: f += source + (u(24, 8) != 0 ? sigval : [])
            }
            return "{" + f.joined(separator: ", ") + "}"
        }
        switch signo {
        case 17:
            f += source + ["si_status=" + (code == 1 ? String(i32(24)) : Signals.displayName(i32(24))),
                           "si_utime=" + clockText(u(32, 8), style: style), "si_stime=" + clockText(u(40, 8), style: style)]
        case 4, 8, 5: f.append("si_addr=" + pval(u(16, 8)))
        case 7:
            f.append("si_addr=" + pval(u(16, 8)))
            if code == 4 || code == 5 { f.append("si_addr_lsb=" + xval(u(24, 2))) }
        case 11:
            f.append("si_addr=" + pval(u(16, 8)))
            if code == 3 { f += ["si_lower=" + pval(u(32, 8)), "si_upper=" + pval(u(40, 8))] }
            if code == 4 { f.append("si_pkey=\(u(32, 4))") }
        case 29:
            if (1 ... 6).contains(code) { f += ["si_band=\(Int64(bitPattern: u(16, 8)))", "si_fd=" + fd(i32(24))] }
        case 31:
            let arch = UInt32(truncatingIfNeeded: u(28, 4)), nr = u(24, 4)
            let abi: SyscallABI? = arch == 0xC000_003E ? .x86_64 : arch == 0x4000_0003 ? .i386 : nil
            let name = abi.flatMap { SyscallTable.for(abi: $0).name(Int64(nr)) }
            f += ["si_call_addr=" + pval(u(16, 8)), "si_syscall=" + (name.map { "__NR_" + $0 } ?? String(nr)),
                  "si_arch=" + (arch == 0xC000_003E ? "AUDIT_ARCH_X86_64" : arch == 0x4000_0003 ? "AUDIT_ARCH_I386"
                      : xval(UInt64(arch)) + " /* AUDIT_ARCH_??? */")]
        default:
            if u(16, 4) != 0 || u(20, 4) != 0 { f += source }
            if u(24, 8) != 0 { f += sigval }
        }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// print_sigevent: the value when set, the signal (by name when one is delivered), how, and its target.
    static func sigeventText(_ b: [UInt8]) -> String {
        func u(_ off: Int, _ n: Int) -> UInt64 { littleEndian(b, at: off, count: n) }
        let value = u(0, 8), signo = UInt32(truncatingIfNeeded: u(8, 4)), notify = UInt32(truncatingIfNeeded: u(12, 4))
        var f = [String]()
        if value != 0 { f.append("sigev_value={sival_int=\(Int32(truncatingIfNeeded: value)), sival_ptr=\(pval(value))}") }
        // SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID deliver a signal.
        f.append("sigev_signo=" + ([0, 2, 4].contains(notify) ? Signals.displayName(Int32(bitPattern: signo)) : String(signo)))
        f.append("sigev_notify=" + StraceTable([(0, "SIGEV_SIGNAL"), (1, "SIGEV_NONE"), (2, "SIGEV_THREAD"), (4, "SIGEV_THREAD_ID")],
                                               unknown: "SIGEV_???").value(UInt64(notify)))
        if notify == 4 { f.append("sigev_notify_thread_id=\(Int32(truncatingIfNeeded: u(16, 4)))") }
        if notify == 2 { f += ["sigev_notify_function=" + pval(u(16, 8)), "sigev_notify_attributes=" + pval(u(24, 8))] }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// print_timex: x86_64 struct timex (208 bytes).
    static func timexText(_ b: [UInt8]) -> String {
        func d(_ off: Int) -> String { String(Int64(bitPattern: littleEndian(b, at: off, count: 8))) }
        func i(_ off: Int) -> String { String(Int32(truncatingIfNeeded: littleEndian(b, at: off, count: 4))) }
        let modes = StraceTable([(0xa001, "ADJ_OFFSET_SS_READ"), (0x8001, "ADJ_OFFSET_SINGLESHOT"), (1, "ADJ_OFFSET"), (2, "ADJ_FREQUENCY"),
                                 (4, "ADJ_MAXERROR"), (8, "ADJ_ESTERROR"), (0x10, "ADJ_STATUS"), (0x20, "ADJ_TIMECONST"),
                                 (0x80, "ADJ_TAI"), (0x100, "ADJ_SETOFFSET"), (0x1000, "ADJ_MICRO"), (0x2000, "ADJ_NANO"),
                                 (0x4000, "ADJ_TICK")], unknown: "ADJ_???")
        let status = StraceTable([(1, "STA_PLL"), (2, "STA_PPSFREQ"), (4, "STA_PPSTIME"), (8, "STA_FLL"), (0x10, "STA_INS"),
                                  (0x20, "STA_DEL"), (0x40, "STA_UNSYNC"), (0x80, "STA_FREQHOLD"), (0x100, "STA_PPSSIGNAL"),
                                  (0x200, "STA_PPSJITTER"), (0x400, "STA_PPSWANDER"), (0x800, "STA_PPSERROR"),
                                  (0x1000, "STA_CLOCKERR"), (0x2000, "STA_NANO"), (0x4000, "STA_MODE"), (0x8000, "STA_CLK")],
                                 unknown: "STA_???")
        let f = ["modes=" + modes.flags(littleEndian(b, at: 0, count: 4)), "offset=" + d(8), "freq=" + d(16), "maxerror=" + d(24),
                 "esterror=" + d(32), "status=" + status.flags(littleEndian(b, at: 40, count: 4)), "constant=" + d(48),
                 "precision=" + d(56), "tolerance=" + d(64), "time={tv_sec=\(d(72)), tv_usec=\(littleEndian(b, at: 80, count: 8))}",
                 "tick=" + d(88), "ppsfreq=" + d(96), "jitter=" + d(104), "shift=" + i(112), "stabil=" + d(120),
                 "jitcnt=" + d(128), "calcnt=" + d(136), "errcnt=" + d(144), "stbcnt=" + d(152), "tai=" + i(160)]
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// A constant as -X shows it: the name (abbrev), the number (raw), both (verbose).
    static func xstyled(raw: String, name: String, _ style: StraceLineStyles.Constants) -> String {
        style == .abbrev ? name : StraceLineStyles.styled(raw: raw, name: name, style)
    }

    /// print_mode (numa.c): the policy, or the policy and its flags, each following -X.
    static func mpolMode(_ v: UInt64, style: StraceLineStyles.Constants) -> String {
        let flagsMask: UInt64 = 0xE000, mode = v & ~flagsMask
        let modes = StraceTable([(0, "MPOL_DEFAULT"), (1, "MPOL_PREFERRED"), (2, "MPOL_BIND"), (3, "MPOL_INTERLEAVE"),
                                 (4, "MPOL_LOCAL"), (5, "MPOL_PREFERRED_MANY")], unknown: "MPOL_???")
        let flags = StraceTable(StraceXlat.mpolModeFlags, unknown: "MPOL_???")
        if v & flagsMask == 0 { return xstyled(raw: xval(mode), name: modes.value(mode), style) }
        guard let name = modes.pairs.first(where: { $0.0 == mode })?.1 else {
            return xstyled(raw: xval(v), name: flags.flags(v), style)
        }
        return xstyled(raw: xval(v), name: name + "|" + flags.flags(v & flagsMask), style)
    }

    /// print_clock_t: the ticks and their seconds as a comment, which -X raw leaves out.
    static func clockText(_ v: UInt64, style: StraceLineStyles.Constants) -> String {
        style == .raw ? String(Int64(bitPattern: v)) : Signals.clockTicks(v)
    }

    /// printrusage: x86_64 struct rusage (144 bytes); abbreviated to the two times unless -v.
    static func rusageText(_ b: [UInt8], verbose: Bool) -> String {
        func l(_ k: Int) -> UInt64 { littleEndian(b, at: k * 8, count: 8) }
        func tv(_ k: Int) -> String { "{tv_sec=\(Int64(bitPattern: l(k))), tv_usec=\(l(k + 1))}" }
        var f = ["ru_utime=" + tv(0), "ru_stime=" + tv(2)]
        let names = ["ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt", "ru_nswap", "ru_inblock",
                     "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"]
        if verbose { f += names.enumerated().map { "\($1)=\(l(4 + $0))" } } else { f.append("...") }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// x86_64 user_regs_struct (NT_PRSTATUS, PTRACE_GETREGS): the fields `size` covers.
    static let prstatusFields = ["r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
                                 "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
                                 "ds", "es", "fs", "gs"]

    /// Whether -v (abbrev off) applies: the CLI's flag reaches the struct decoders through this.
    static func regsetText(_ ctx: SyscallDecoder.Context, nt: UInt64, addr: UInt64, size: UInt64) -> String {
        switch nt {
        case 1: return prstatusText(ctx, addr: addr, size: size)
        case 2: return fpregsText(ctx, addr: addr, size: size)
        default: return ctx.ptr(addr)
        }
    }

    static func prstatusText(_ ctx: SyscallDecoder.Context, addr: UInt64, size: UInt64) -> String {
        let full = prstatusFields.count * 8
        guard size != 0, size & 7 == 0 else { return ctx.ptr(addr) }
        let n = Int(min(UInt64(full), size))
        guard let b = ctx.read(addr, n) else { return ctx.ptr(addr) }
        var f = [String]()
        for (k, name) in prstatusFields.enumerated() where k == 0 || n > k * 8 { f.append(name + "=" + xval(littleEndian(b, at: k * 8, count: 8))) }
        if size > UInt64(full) { f.append("...") }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// x86_64 user_fpregs_struct (512 bytes): the fields `size` covers, the arrays as hex words.
    static func fpregsText(_ ctx: SyscallDecoder.Context, addr: UInt64, size: UInt64) -> String {
        guard size != 0, size & 7 == 0 else { return ctx.ptr(addr) }
        let n = Int(min(512, size))
        guard let b = ctx.read(addr, n) else { return ctx.ptr(addr) }
        func u(_ off: Int, _ w: Int) -> String { xval(littleEndian(b, at: off, count: w)) }
        let scalars: [(String, Int, Int)] = [("cwd", 0, 2), ("swd", 2, 2), ("ftw", 4, 2), ("fop", 6, 2), ("rip", 8, 8),
                                             ("rdp", 16, 8), ("mxcsr", 24, 4), ("mxcr_mask", 28, 4)]
        var f = [String]()
        for (name, off, w) in scalars where off == 0 || n > off { f.append(name + "=" + u(off, w)) }
        for (name, off, count) in [("st_space", 32, 32), ("xmm_space", 160, 64), ("padding", 416, 24)] where n > off {
            let k = min(count, (n - off) / 4)
            var items = [String]()
            for i in 0 ..< k {
                if i >= ctx.limit { items.append("..."); break }
                items.append(u(off + 4 * i, 4))
            }
            f.append(name + "=[" + items.joined(separator: ", ") + "]")
        }
        if size > 512 { f.append("...") }
        return "{" + f.joined(separator: ", ") + "}"
    }
}

extension SyscallDecoder.Context {
    /// An fd inside a struct: bare, since --decode-fds none strips the paths of top-level fd arguments only.
    func fdText(_ fd: Int32) -> String { String(fd) }

    /// print_sigset_addr_len_limit: a set of `sigset@LENARG[:MIN]` bytes, by address when the size is off.
    func sigsetOfSize(_ tag: String, _ i: Int) -> String {
        let spec = tag.dropFirst("sigset@".count).split(separator: ":")
        let len = raw(Int(spec.first ?? "") ?? 0), minLen = spec.count > 1 ? UInt64(spec[1]) ?? 8 : 8
        let v = raw(i)
        guard v != 0 else { return "NULL" }
        guard len >= minLen, len <= 8, let b = read(v, Int(len)) else { return ptr(v) }
        return SyscallDecoder.sigsetString(le(b + [UInt8](repeating: 0, count: 8 - b.count), 0, 8))
    }

    /// The process family's input structs (shown at entry).
    func renderProc(_ tag: String, _ i: Int) -> String {
        let v = raw(i)
        if tag.hasPrefix("sigset@") { return sigsetOfSize(tag, i) }
        if tag.hasPrefix("nodemask@") { return nodemask(v, maxnodes: raw(Int(tag.dropFirst(9)) ?? 0)) }
        if tag.hasPrefix("lvec@") {
            let n = Int(clamping: raw(Int(tag.dropFirst(5)) ?? 0))
            guard v != 0 else { return "NULL" }
            return n == 0 ? "[]" : iovec(v, count: n, total: nil)
        }
        if tag.hasPrefix("iovaddr@") {
            // An iovec array shown by address and length (process_madvise, process_vm_*'s remote side).
            return array(v, count: Int(clamping: min(raw(Int(tag.dropFirst(8)) ?? 0), 1 << 20)), elemSize: 16) { b in
                "{iov_base=\(ptr(le(b, 0, 8))), iov_len=\(le(b, 8, 8))}"
            }
        }
        switch tag {
        case "kcmp_idx2":
            // KCMP_EPOLL_TFD's struct kcmp_epoll_slot; the other types' idx2 (suiteArguments) by number.
            guard UInt32(truncatingIfNeeded: raw(2)) == 7 else { return SyscallDecoder.xval(v) }
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 12) else { return ptr(v) }
            return "{efd=\(Int32(truncatingIfNeeded: le(b, 0, 4))), tfd=\(Int32(truncatingIfNeeded: le(b, 4, 4))), toff=\(le(b, 8, 4))}"
        case "sched_attr_set": return schedAttr(v, getSize: 0)
        case "mpol64": return SyscallDecoder.mpolMode(v, style: style)
        case "mpol32": return SyscallDecoder.mpolMode(v & 0xFFFF_FFFF, style: style)
        case "siginfo":
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 128) else { return ptr(v) }
            return SyscallDecoder.siginfoText(b, style: style)
        case "sigevent":
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 32) else { return ptr(v) }
            return SyscallDecoder.sigeventText(b)
        case "seccomp_flags":
            // SECCOMP_SET_MODE_FILTER takes filter flags; the other operations a plain number.
            return int32(0) == 1 ? SyscallDecoder.procTable("seccomp_filter").flags(v & 0xFFFF_FFFF) : SyscallDecoder.xval(v & 0xFFFF_FFFF)
        case "seccomp_arg":
            if int32(0) == 2 {
                // SECCOMP_GET_ACTION_AVAIL: the action asked about.
                guard v != 0 else { return "NULL" }
                guard let b = read(v, 4) else { return ptr(v) }
                return "[" + StraceTable([(0x8000_0000, "SECCOMP_RET_KILL_PROCESS"), (0, "SECCOMP_RET_KILL_THREAD"), (0x30000, "SECCOMP_RET_TRAP"),
                                          (0x50000, "SECCOMP_RET_ERRNO"), (0x7fc0_0000, "SECCOMP_RET_USER_NOTIF"),
                                          (0x7ff0_0000, "SECCOMP_RET_TRACE"), (0x7ffc_0000, "SECCOMP_RET_LOG"),
                                          (0x7fff_0000, "SECCOMP_RET_ALLOW")], unknown: "SECCOMP_RET_???").value(le(b, 0, 4)) + "]"
            }
            guard int32(0) == 1 else { return ptr(v) }
            // struct sock_fprog: the filter's length and address (the instructions are shown with -v).
            guard v != 0 else { return "NULL" }
            guard let b = read(v, 16) else { return ptr(v) }
            return "{len=\(le(b, 0, 2)), filter=\(ptr(le(b, 8, 8)))}"
        default: return ptr(v)
        }
    }

    /// Outputs a failed call still fills in: nanosleep's remaining time when a signal interrupted it.
    /// Outputs shown at the entry stop too (the line's entry part, kept for the exit's `=>`).
    func renderProcEntry(_ tag: String, _ i: Int) -> String? {
        tag == "sched_attr_set" ? renderProc(tag, i) : nil
    }

    func renderProcExit(_ tag: String, _ i: Int, ret: Int64) -> String? {
        if tag == "sched_attr_set" {
            let before = entryArgs.flatMap { i < $0.count ? $0[i] : nil } ?? renderProc(tag, i)
            // E2BIG: the kernel wrote the size it supports.
            guard ret == -7, let b = read(raw(i), 4) else { return before }
            return before + " => {size=\(le(b, 0, 4))}"
        }
        if tag.hasPrefix("lvec@") {
            let n = Int(clamping: raw(Int(tag.dropFirst(5)) ?? 0))
            if raw(i) == 0 { return "NULL" }
            if n == 0 { return "[]" }
            if successfulReturn == nil { return renderProc("iovaddr@" + tag.dropFirst(5), i) }
            return iovec(raw(i), count: n, total: Int(clamping: ret))
        }
        if tag == "seccomp_arg" {
            guard int32(0) == 3 else { return renderProc(tag, i) }
            // SECCOMP_GET_NOTIF_SIZES: three sizes after a successful call.
            guard successfulReturn != nil, let b = read(raw(i), 6) else { return ptr(raw(i)) }
            return "{seccomp_notif=\(le(b, 0, 2)), seccomp_notif_resp=\(le(b, 2, 2)), seccomp_data=\(le(b, 4, 2))}"
        }
        guard tag == "rem", (-516 ... -512).contains(ret) else { return nil }
        // clock_nanosleep with TIMER_ABSTIME leaves it alone.
        if name == "clock_nanosleep", raw(1) != 0 { return nil }
        return timespec(raw(i), time64: true)
    }

    /// The process family's output structs, at a successful exit.
    func renderProcOutput(_ tag: String, _ i: Int, ret: Int64) -> String? {
        let v = raw(i)
        if tag.hasPrefix("sigset@") { return sigsetOfSize(tag, i) }
        // get_mempolicy's mask, after a successful call.
        if tag.hasPrefix("nodemask@") { return renderProc(tag, i) }
        switch tag {
        case "siginfo": return read(v, 128).map { SyscallDecoder.siginfoText($0, fd: fdText, style: style) }
        case "rusage":
            // wait4 shows the usage only when it returned a child.
            if name == "wait4", ret <= 0 { return nil }
            return read(v, 144).map { SyscallDecoder.rusageText($0, verbose: false) }
        case "tms":
            guard let b = read(v, 32) else { return nil }
            let f = ["tms_utime", "tms_stime", "tms_cutime", "tms_cstime"].enumerated()
                .map { "\($1)=\(SyscallDecoder.clockText(le(b, $0 * 8, 8), style: style))" }
            return "{" + f.joined(separator: ", ") + "}"
        case "ptrnum":
            guard let b = read(v, 8) else { return nil }
            return "[" + ptr(le(b, 0, 8)) + "]"
        case "ulongnum":
            guard let b = read(v, 8) else { return nil }
            return "[\(le(b, 0, 8))]"
        case "timex": return read(v, 208).map(SyscallDecoder.timexText)
        case "mincore":
            // One byte per page of the length asked about.
            let pages = raw(1) / 4096 + (raw(1) & 4095 != 0 ? 1 : 0)
            return array(v, count: Int(clamping: pages), elemSize: 1) { String($0[0]) }
        case "sched_attr_get":
            let size = UInt32(truncatingIfNeeded: raw(2))
            return size == 0 ? ptr(v) : schedAttr(v, getSize: size)
        case "time":
            guard let b = read(v, 8) else { return nil }
            let t = Int64(bitPattern: le(b, 0, 8))
            return "[\(t) /* \(SyscallDecoder.timeText(sec: t, nsec: 0)) */]"
        default: return nil
        }
    }

    /// ptrace's arguments per request (strace's decode_ptrace_entering/exiting); `out` holds the
    /// entry's text at exit (GETREGSET's iov_len before the call).
    func ptraceArguments(_ out: [String]) -> [String] {
        let req = raw(0), pid = String(int32(1)), addr = raw(2), data = raw(3)
        let name = SyscallDecoder.procTable("ptrace").value(req)
        if req == 0 { return [name] }
        switch req {
        case 0x10, 0x4207, 8, 0x4208: return [name, pid]
        default: break
        }
        let exit: Int64? = { if case .exit(let r) = stop { return r } else { return nil } }()
        let ok = successfulReturn != nil
        func sigsetAt(_ p: UInt64, _ len: UInt64) -> String {
            guard p != 0 else { return "NULL" }
            guard len == 8, let b = read(p, 8) else { return ptr(p) }
            return SyscallDecoder.sigsetString(le(b, 0, 8))
        }
        func siginfoAt(_ p: UInt64) -> String {
            guard p != 0 else { return "NULL" }
            return read(p, 128).map { SyscallDecoder.siginfoText($0, fd: fdText, style: style) } ?? ptr(p)
        }
        func num(_ p: UInt64, hex: Bool) -> String {
            guard ok, p != 0, let w = word(p) else { return ptr(p) }
            return "[" + (hex ? ptr(w) : String(w)) + "]"
        }
        switch req {
        case 0xc, 0xe:  // GETREGS, GETFPREGS: the registers at exit
            guard ok else { return [name, pid, ptr(data)] }
            return [name, pid, req == 0xc ? SyscallDecoder.prstatusText(self, addr: data, size: 216)
                : SyscallDecoder.fpregsText(self, addr: data, size: 512)]
        case 0xd: return [name, pid, SyscallDecoder.prstatusText(self, addr: data, size: 216)]
        case 0xf: return [name, pid, SyscallDecoder.fpregsText(self, addr: data, size: 512)]
        default: break
        }
        var a: String
        switch req {
        case 0x4204, 0x4205: a = SyscallDecoder.procTable("nt").value(addr & 0xFFFF_FFFF)
        case 0x420a, 0x420b, 0x420c, 0x420d, 0x420e: a = String(addr)
        case 0x4209:
            if addr == 0 { a = "NULL" } else if let b = read(addr, 16) {
                a = "{off=\(le(b, 0, 8)), flags=\(StraceTable([(1, "PTRACE_PEEKSIGINFO_SHARED")], unknown: "PTRACE_PEEKSIGINFO_???").flags(le(b, 8, 4))), nr=\(le(b, 12, 4))}"
            } else { a = ptr(addr) }
        default: a = ptr(addr)
        }
        var d: String
        switch req {
        case 7, 0x11, 0x18, 9, 0x21, 0x1f, 0x20: d = Signals.name(Int32(truncatingIfNeeded: data)) ?? String(data)
        case 0x4206, 0x4200, 0x15: d = SyscallDecoder.procTable("ptrace_options").flags(data)
        case 0x4203: d = siginfoAt(data)
        case 0x420b: d = sigsetAt(data, addr)
        case 0x4204, 0x4205: d = regset(entryArgs ?? out, nt: addr, at: data, exit: exit)
        case 0x420d: d = seccompMetadata(data, size: addr, exit: exit)
        case 1, 2, 3: d = exit == nil ? ptr(data) : num(data, hex: true)
        case 0x4201: d = exit == nil ? ptr(data) : num(data, hex: false)
        case 0x4202: d = exit == nil || !ok ? ptr(data) : siginfoAt(data)
        case 0x420a: d = exit == nil || !ok ? ptr(data) : sigsetAt(data, addr)
        case 0x420e: d = exit == nil ? ptr(data) : syscallInfo(data, size: addr)
        case 0x4209:
            guard let r = successfulReturn, data != 0 else { d = ptr(data); break }
            var items = [String]()
            for k in 0 ..< Int(min(r, 1024)) {
                guard let b = read(data &+ UInt64(k * 128), 128) else { items.append("..."); break }
                items.append(SyscallDecoder.siginfoText(b, fd: fdText, style: style))
            }
            d = "[" + items.joined(separator: ", ") + "]"
        default: d = ptr(data)
        }
        return [name, pid, a, d]
    }

    /// print_nodemask: the words of a mask of `maxnodes` bits, `%#018lx` each (zero as 16 zeros).
    func nodemask(_ addr: UInt64, maxnodes: UInt64) -> String {
        let nmemb = (maxnodes &+ 62) / 64
        if nmemb < maxnodes / 64 || (maxnodes != 0 && nmemb == 0) { return ptr(addr) }
        return array(addr, count: Int(clamping: nmemb), elemSize: 8) { b in
            let v = le(b, 0, 8)
            guard v != 0 else { return String(repeating: "0", count: 16) }
            let h = String(v, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 14 - h.count)) + h
        }
    }

    /// print_sched_attr: sched_getattr's (`getSize` bytes asked) or sched_setattr's struct sched_attr.
    func schedAttr(_ addr: UInt64, getSize: UInt32) -> String {
        guard addr != 0 else { return "NULL" }
        let isSet = getSize == 0
        var usize = getSize, size: UInt32
        var b: [UInt8]
        if !isSet {
            size = min(usize, 56)
            guard let r = read(addr, Int(size)) else { return ptr(addr) }
            b = r + [UInt8](repeating: 0, count: 56 - r.count)
            size = UInt32(le(b, 0, 4))
        } else {
            guard let s = read(addr, 4) else { return ptr(addr) }
            usize = UInt32(le(s, 0, 4))
            if usize == 0 { usize = 48 }
            size = min(usize, 56)
            b = s + [UInt8](repeating: 0, count: 52)
            if size >= 48 {
                guard let r = read(addr, Int(size)) else { return ptr(addr) }
                b = r + [UInt8](repeating: 0, count: 56 - r.count)
            }
        }
        let attrSize = UInt32(le(b, 0, 4)), policy = UInt32(le(b, 4, 4)), flags = le(b, 8, 8)
        var f = ["size=\(attrSize)"]
        if size >= 48 {
            if !isSet || Int32(bitPattern: policy) < 0 || flags & 0x18 == 0 {
                f.append("sched_policy=" + StraceTable(StraceXlat.schedulers, unknown: "SCHED_???").value(UInt64(policy)))
            }
            f.append("sched_flags=" + StraceTable(StraceXlat.schedFlags, unknown: "SCHED_FLAG_???").flags(flags))
            if !isSet || flags & 0x10 == 0 {
                f += ["sched_nice=\(Int32(truncatingIfNeeded: le(b, 16, 4)))", "sched_priority=\(le(b, 20, 4))",
                      "sched_runtime=\(le(b, 24, 8))", "sched_deadline=\(le(b, 32, 8))", "sched_period=\(le(b, 40, 8))"]
            }
            if size >= 56 { f += ["sched_util_min=\(le(b, 48, 4))", "sched_util_max=\(le(b, 52, 4))"] }
        }
        if (isSet ? usize : attrSize) > size { f.append("...") }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// PTRACE_GETREGSET/SETREGSET's struct iovec: the registers it points at, `iov_len=old => new` when the call changed it.
    func regset(_ out: [String], nt: UInt64, at p: UInt64, exit: Int64?) -> String {
        guard let b = read(p, 16) else { return ptr(p) }
        let base = le(b, 0, 8), len = le(b, 8, 8)
        let get = raw(0) == 0x4204
        // At entry the iovec as it was (kept for the exit's `=>`); GETREGSET's registers only after the call.
        guard exit != nil else {
            return "{iov_base=" + (get ? ptr(base) : SyscallDecoder.regsetText(self, nt: nt, addr: base, size: len)) + ", iov_len=\(len)}"
        }
        // The entry's text ends in `iov_len=N}`: the length before the call.
        let entryText = out.count > 3 ? out[3] : ""
        let old = entryText.range(of: "iov_len=", options: .backwards).flatMap { UInt64(entryText[$0.upperBound...].dropLast()) } ?? len
        let ok = successfulReturn != nil
        let regs = get ? (ok ? SyscallDecoder.regsetText(self, nt: nt, addr: base, size: len) : ptr(base))
            : SyscallDecoder.regsetText(self, nt: nt, addr: base, size: old)
        let lenText = old == len ? "iov_len=\(len)" : "iov_len=\(old) => \(len)"
        return "{iov_base=" + regs + ", " + lenText + "}"
    }

    /// PTRACE_GET_SYSCALL_INFO's struct ptrace_syscall_info, as far as both the caller's size and the kernel's reach.
    func syscallInfo(_ p: UInt64, size: UInt64) -> String {
        guard let r = successfulReturn else { return ptr(p) }
        let n = Int(min(size, UInt64(r), 84))
        guard n > 0, let b = read(p, n) else { return ptr(p) }
        let op = b[0]
        var f = ["op=" + StraceTable([(0, "PTRACE_SYSCALL_INFO_NONE"), (1, "PTRACE_SYSCALL_INFO_ENTRY"), (2, "PTRACE_SYSCALL_INFO_EXIT"),
                                      (3, "PTRACE_SYSCALL_INFO_SECCOMP")], unknown: "PTRACE_SYSCALL_INFO_???").value(UInt64(op))]
        func u(_ off: Int, _ w: Int) -> UInt64 { le(b, off, w) }
        let arch = UInt32(truncatingIfNeeded: n >= 8 ? u(4, 4) : 0)
        if n >= 8 {
            f.append("arch=" + (arch == 0xC000_003E ? "AUDIT_ARCH_X86_64" : arch == 0x4000_0003 ? "AUDIT_ARCH_I386"
                : SyscallDecoder.xval(UInt64(arch)) + " /* AUDIT_ARCH_??? */"))
        }
        if n >= 16 { f.append("instruction_pointer=" + SyscallDecoder.xval(u(8, 8))) }
        if n >= 24 { f.append("stack_pointer=" + SyscallDecoder.xval(u(16, 8))) }
        if n >= 32 {
            switch op {
            case 1, 3:
                let nr = u(24, 8)
                let abi: SyscallABI? = arch == 0xC000_003E ? .x86_64 : arch == 0x4000_0003 ? .i386 : nil
                var g = ["nr=" + (abi.flatMap { SyscallTable.for(abi: $0).name(Int64(bitPattern: nr)) }.map { "__NR_" + $0 } ?? String(nr))]
                let nargs = min(6, (n - 32) / 8)
                if nargs > 0 { g.append("args=[" + (0 ..< nargs).map { SyscallDecoder.xval(u(32 + 8 * $0, 8)) }.joined(separator: ", ") + "]") }
                if op == 3, n >= 84 { g.append("ret_data=\(u(80, 4))") }
                f.append((op == 1 ? "entry=" : "seccomp=") + "{" + g.joined(separator: ", ") + "}")
            case 2:
                let rval = Int64(bitPattern: u(24, 8))
                var g: [String]
                if n >= 33, b[32] != 0, rval < 0, rval >= -4095, let e = Errno.name(Int32(-rval)) { g = ["rval=-" + e] } else { g = ["rval=\(rval)"] }
                if n >= 33 { g.append("is_error=\(b[32])") }
                f.append("exit={" + g.joined(separator: ", ") + "}")
            default: break
            }
        }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// PTRACE_SECCOMP_GET_METADATA's struct: filter_off at entry, flags after a successful call.
    func seccompMetadata(_ p: UInt64, size: UInt64, exit: Int64?) -> String {
        guard size >= 8 else { return ptr(p) }
        guard let b = read(p, 8) else { return ptr(p) }
        var s = "{filter_off=\(le(b, 0, 8))"
        if let r = successfulReturn, r > 8 {
            if r < 16 { s += ", ???" } else if let fl = read(p &+ 8, 8) {
                s += ", flags=" + SyscallDecoder.procTable("seccomp_filter").flags(le(fl, 0, 8))
                if r > 16 { s += ", ..." }
            } else { s += ", ???" }
        }
        return s + "}"
    }
}

extension SyscallDecoder {
    /// clone_flags then clone3_flags, strace's order (CLONE_DETACHED is ignored by the kernel and not named).
    static let clone3Flags = StraceTable([
        (0x100, "CLONE_VM"), (0x200, "CLONE_FS"), (0x400, "CLONE_FILES"), (0x800, "CLONE_SIGHAND"), (0x1000, "CLONE_PIDFD"),
        (0x2000, "CLONE_PTRACE"), (0x4000, "CLONE_VFORK"), (0x8000, "CLONE_PARENT"), (0x10000, "CLONE_THREAD"),
        (0x20000, "CLONE_NEWNS"), (0x40000, "CLONE_SYSVSEM"), (0x80000, "CLONE_SETTLS"), (0x100000, "CLONE_PARENT_SETTID"),
        (0x200000, "CLONE_CHILD_CLEARTID"), (0x800000, "CLONE_UNTRACED"), (0x1000000, "CLONE_CHILD_SETTID"),
        (0x2000000, "CLONE_NEWCGROUP"), (0x4000000, "CLONE_NEWUTS"), (0x8000000, "CLONE_NEWIPC"), (0x10000000, "CLONE_NEWUSER"),
        (0x20000000, "CLONE_NEWPID"), (0x40000000, "CLONE_NEWNET"), (0x80000000, "CLONE_IO"), (0x80, "CLONE_NEWTIME"),
        (0x1_0000_0000, "CLONE_CLEAR_SIGHAND"), (0x2_0000_0000, "CLONE_INTO_CGROUP"),
    ], unknown: "CLONE_???")
}

extension SyscallDecoder.Context {
    /// clone3's struct clone_args (strace's SYS_FUNC(clone3)): at entry the fields its flags use, after
    /// a successful call `=> {pidfd=[N], parent_tid=[N]}`; bytes past the known struct when not zero.
    func clone3Arguments(_ out: [String]) -> [String] {
        let addr = raw(0), size = raw(1)
        let fetch = Int(min(size, 88))
        let entryText = entryArgs?.first ?? clone3Entry(addr, size: size, fetch: fetch)
        guard case .exit = stop, successfulReturn != nil, fetch >= 64 else { return [entryText] + out.dropFirst() }
        guard let b = read(addr, fetch) else { return [entryText + " => " + ptr(addr)] + out.dropFirst() }
        let flags = le(b, 0, 8)
        var f = [String]()
        func num(_ p: UInt64) -> String {
            guard p != 0 else { return "NULL" }
            guard let v = read(p, 4) else { return ptr(p) }
            return "[\(Int32(truncatingIfNeeded: le(v, 0, 4)))]"
        }
        if flags & 0x1000 != 0 { f.append("pidfd=" + num(le(b, 8, 8))) }
        if flags & 0x100000 != 0 { f.append("parent_tid=" + num(le(b, 24, 8))) }
        if let tail = nonzeroTail(addr, from: fetch, size: size) { f.append(tail) }
        return [f.isEmpty ? entryText : entryText + " => {" + f.joined(separator: ", ") + "}"] + out.dropFirst()
    }

    func clone3Entry(_ addr: UInt64, size: UInt64, fetch: Int) -> String {
        guard fetch >= 64, let b = read(addr, fetch) else { return ptr(addr) }
        func u(_ off: Int) -> UInt64 { off + 8 <= b.count ? le(b, off, 8) : 0 }
        let flags = u(0), exitSignal = u(32)
        var f = ["flags=" + SyscallDecoder.clone3Flags.flags(flags)]
        if flags & 0x1000 != 0 { f.append("pidfd=" + ptr(u(8))) }
        if flags & 0x1200000 != 0 { f.append("child_tid=" + ptr(u(16))) }
        if flags & 0x100000 != 0 { f.append("parent_tid=" + ptr(u(24))) }
        f.append("exit_signal=" + (exitSignal < UInt64(Int32.max) ? Signals.displayName(Int32(exitSignal)) : String(exitSignal)))
        f += ["stack=" + ptr(u(40)), "stack_size=" + SyscallDecoder.xval(u(48))]
        if flags & 0x80000 != 0 { f.append("tls=" + ptr(u(56))) }
        let setTid = u(64), setTidSize = u(72)
        if setTid != 0 || setTidSize != 0 {
            if setTid == 0 || setTidSize == 0 || setTidSize > 32 {
                f.append("set_tid=" + ptr(setTid))
            } else if let t = read(setTid, Int(setTidSize) * 4) {
                let items = (0 ..< Int(setTidSize)).map { String(Int32(truncatingIfNeeded: le(t, $0 * 4, 4))) }
                f.append("set_tid=[" + items.joined(separator: ", ") + "]")
            } else {
                f.append("set_tid=" + ptr(setTid))
            }
            f.append("set_tid_size=\(setTidSize)")
        }
        if fetch > 80, u(80) != 0 || flags & 0x2_0000_0000 != 0 { f.append("cgroup=\(u(80))") }
        if let tail = nonzeroTail(addr, from: fetch, size: size) { f.append(tail) }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// print_nonzero_bytes: the bytes from `from` up to `size` (at most a page), unless all zero; `???` when unreadable.
    func nonzeroTail(_ addr: UInt64, from: Int, size: UInt64) -> String? {
        let total = Int(min(size, 4096))
        guard total > from else { return nil }
        guard let b = read(addr &+ UInt64(from), total - from) else { return "???" }
        if b.allSatisfy({ $0 == 0 }) { return nil }
        let shown = min(b.count, limit)
        return "/* bytes \(from)..\(total - 1) */ " + SyscallDecoder.quote(b.prefix(shown), truncated: shown < b.count, hex: true)
    }
}

extension StraceLineStyles {
    /// Calls whose structs carry named constants -X restyles (the rest of `constants` sees top-level arguments only).
    static let procStyledCalls: Set<String> = ["ptrace", "waitid", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "clone3", "rt_sigtimedwait",
                                               "pidfd_send_signal", "timer_create"]

    /// -X raw|verbose for the process family: ptrace's request (all 64 bits), register set type, signal
    /// and options, and the constants inside siginfo_t and ptrace_syscall_info (`si_signo=10 /* SIGUSR1 */`).
    static func procConstants(_ original: SyscallRecord, _ restyled: SyscallRecord, _ mode: Constants) -> SyscallRecord {
        var s = restyled
        let raw = original.rawArgs.map(\.rawValue), names = original.args
        if original.name == "ptrace", let req = raw.first, !names.isEmpty {
            s.args[0] = styled(raw: SyscallDecoder.xval(req), name: names[0], mode)
            if names.count > 3, raw.count > 3 {
                let data = raw[3], text = names[3]
                switch req {
                case 0x4204, 0x4205: s.args[2] = styled(raw: SyscallDecoder.xval(raw[2] & 0xFFFF_FFFF), name: names[2], mode)
                case 7, 0x11, 0x18, 9, 0x21, 0x1f, 0x20: s.args[3] = styled(raw: String(Int32(truncatingIfNeeded: data)), name: text, mode)
                case 0x4206, 0x4200, 0x15: s.args[3] = styled(raw: SyscallDecoder.xval(data), name: text, mode)
                case 0x420a, 0x420b: s.args[3] = sigsetStyled(text, mode)
                default: break
                }
            }
        }
        s.args = s.args.map { nestedStyled($0, mode) }
        return s
    }

    /// `[USR1 USR2]` as `[10 12]` or `[10 /* USR1 */ 12 /* USR2 */]`.
    static func sigsetStyled(_ text: String, _ mode: Constants) -> String {
        guard text.hasPrefix("["), text.hasSuffix("]") else { return text }
        let items = text.dropFirst().dropLast().split(separator: " ").map { n -> String in
            guard let v = Signals.number(of: "SIG" + n) else { return String(n) }
            return styled(raw: String(v), name: String(n), mode)
        }
        return "[" + items.joined(separator: " ") + "]"
    }

    static let nestedFields: Set<String> = ["si_signo", "si_status", "si_code", "si_errno", "si_arch", "arch", "si_syscall", "nr", "op", "flags",
                                            "exit_signal", "rval", "sigev_signo", "sigev_notify"]

    static let siCodeNumbers: [String: Int32] = {
        var m = [String: Int32]()
        for (v, n) in SyscallDecoder.siginfoCodes { m[n] = v }
        for (_, names) in SyscallDecoder.signalCodes { for (k, n) in names.enumerated() where !n.isEmpty { m[n] = Int32(k + 1) } }
        return m
    }()

    /// The number a nested field's name stands for, as strace prints it raw.
    static func nestedRaw(field: String, name: String) -> String? {
        switch field {
        case "si_signo", "si_status", "exit_signal", "sigev_signo": return Signals.number(of: name).map { String($0) }
        case "rval": return name.hasPrefix("-") ? Errno.number(of: String(name.dropFirst())).map { "-\($0)" } : nil
        case "sigev_notify": return ["SIGEV_SIGNAL": "0", "SIGEV_NONE": "0x1", "SIGEV_THREAD": "0x2", "SIGEV_THREAD_ID": "0x4"][name]
        case "si_code": return siCodeNumbers[name].map { SyscallDecoder.xval(UInt64(UInt32(bitPattern: $0))) }
        case "si_errno": return Errno.number(of: name).map { String($0) }
        case "si_arch", "arch": return ["AUDIT_ARCH_X86_64": "0xc000003e", "AUDIT_ARCH_I386": "0x40000003"][name]
        case "si_syscall", "nr":
            guard name.hasPrefix("__NR_") else { return nil }
            return SyscallTable.x86_64.number(of: String(name.dropFirst(5))).map { String($0) }
        case "op":
            let ops = ["PTRACE_SYSCALL_INFO_NONE", "PTRACE_SYSCALL_INFO_ENTRY", "PTRACE_SYSCALL_INFO_EXIT", "PTRACE_SYSCALL_INFO_SECCOMP"]
            return ops.firstIndex(of: name).map { SyscallDecoder.xval(UInt64($0)) }
        case "flags":
            if name == "PTRACE_PEEKSIGINFO_SHARED" { return "0x1" }
            // clone3's flags: known names and a hex rest.
            var v: UInt64 = 0
            for part in name.split(separator: "|") {
                if part.hasPrefix("0x"), let x = UInt64(part.dropFirst(2), radix: 16) { v |= x; continue }
                guard let x = SyscallDecoder.clone3Flags.pairs.first(where: { $0.1 == part })?.0 else { return nil }
                v |= x
            }
            return SyscallDecoder.xval(v)
        default: return nil
        }
    }

    /// Each `field=NAME` of `nestedFields` restyled; in raw mode ` /* X_??? */` notes dropped.
    static func nestedStyled(_ text: String, _ mode: Constants) -> String {
        guard text.contains("=") else { return text }
        let b = Array(text.utf8)
        func isWord(_ c: UInt8) -> Bool { c == 95 || (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) }
        var out = [UInt8](), i = 0
        while i < b.count {
            // A comment strace adds for an unknown value: `0x7 /* X_??? */`.
            if mode == .raw, b[i] == 32, b[i...].starts(with: Array(" /* ".utf8)),
               let end = b[i...].firstRange(of: Array(" */".utf8)), b[(i + 4) ..< end.lowerBound].allSatisfy({ isWord($0) || $0 == 63 }),
               b[(i + 4) ..< end.lowerBound].suffix(3).elementsEqual(Array("???".utf8)) {
                i = end.upperBound
                continue
            }
            guard b[i] == 61, let fieldStart = (0 ..< i).reversed().first(where: { !isWord(b[$0]) }).map({ $0 + 1 }) ?? (i > 0 ? 0 : nil),
                  fieldStart < i, i + 1 < b.count, isWord(b[i + 1]) || (b[i + 1] == 45 && i + 2 < b.count && isWord(b[i + 2])),
                  !(b[i + 1] >= 48 && b[i + 1] <= 57), !(b[i + 1] == 45 && b[i + 2] >= 48 && b[i + 2] <= 57) else {
                out.append(b[i]); i += 1; continue
            }
            let field = String(decoding: b[fieldStart ..< i], as: UTF8.self)
            var j = i + 1
            if b[j] == 45 { j += 1 }
            while j < b.count, isWord(b[j]) || b[j] == 124 { j += 1 }
            let name = String(decoding: b[(i + 1) ..< j], as: UTF8.self)
            out.append(61)
            if nestedFields.contains(field), let raw = nestedRaw(field: field, name: name) {
                out += Array(styled(raw: raw, name: name, mode).utf8)
            } else {
                out += b[(i + 1) ..< j]
            }
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }
}
