/// Linux x86 signal names and si_code names (include/uapi/asm-generic/signal.h, siginfo.h).
public enum Signals {
    static let standard: [String] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ]
    /// The kernel's SIGRTMIN and _NSIG (glibc reserves 32 and 33 and reports SIGRTMIN as 34).
    public static let rtMin: Int32 = 32
    public static let rtMax: Int32 = 64

    /// `SIGCHLD` for 17; the real-time signals as strace names them: `SIGRTMIN` for 32, `SIGRT_2` for 34
    /// (offsets from the kernel's SIGRTMIN); nil outside 1...64.
    public static func name(_ signo: Int32) -> String? {
        if signo >= 1, signo <= Int32(standard.count) { return standard[Int(signo) - 1] }
        if signo == rtMin { return "SIGRTMIN" }
        if signo > rtMin, signo <= rtMax { return "SIGRT_\(signo - rtMin)" }
        return nil
    }

    /// The name, or the bare number for an out-of-range value.
    public static func displayName(_ signo: Int32) -> String { name(signo) ?? "\(signo)" }

    /// The number of `SIGCHLD`, `CHLD`, `SIGRT_2`, `SIGRTMIN+2` or `SIGRTMAX` (aliases SIGIOT, SIGPOLL, SIGCLD too).
    public static func number(of name: String) -> Int32? {
        var n = name.uppercased()
        if !n.hasPrefix("SIG") { n = "SIG" + n }
        let aliases = ["SIGIOT": "SIGABRT", "SIGPOLL": "SIGIO", "SIGCLD": "SIGCHLD", "SIGUNUSED": "SIGSYS"]
        n = aliases[n] ?? n
        if let i = standard.firstIndex(of: n) { return Int32(i + 1) }
        if n == "SIGRTMIN" { return rtMin }
        if n == "SIGRTMAX" { return rtMax }
        if n.hasPrefix("SIGRT_"), let k = Int32(n.dropFirst(6)), k >= 0, rtMin + k <= rtMax { return rtMin + k }
        if n.hasPrefix("SIGRTMIN+"), let k = Int32(n.dropFirst(9)), k >= 0, rtMin + k <= rtMax { return rtMin + k }
        if n.hasPrefix("SIGRTMAX-"), let k = Int32(n.dropFirst(9)), k >= 0, rtMax - k >= rtMin { return rtMax - k }
        return nil
    }

    static let genericCodes: [Int32: String] = [
        0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO",
        -5: "SI_SIGIO", -6: "SI_TKILL", -7: "SI_DETHREAD", -60: "SI_ASYNCNL",
    ]

    static let perSignalCodes: [Int32: [String]] = [
        4: ["ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC",
            "ILL_BADSTK", "ILL_BADIADDR"],
        5: ["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"],
        7: ["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"],
        8: ["FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV",
            "FPE_FLTSUB", "FPE_DECOVF", "FPE_DECDIV", "FPE_DECERR", "FPE_INVASC", "FPE_INVDEC", "FPE_FLTUNK",
            "FPE_CONDTRAP"],
        11: ["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR",
             "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR", "SEGV_CPERR"],
        17: ["CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"],
        29: ["POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP"],
        31: ["SYS_SECCOMP", "SYS_USER_DISPATCH"],
    ]

    /// The si_code name for a signal: `SI_USER`, `SI_TKILL`, `SEGV_MAPERR`, `CLD_EXITED`…; nil when unknown.
    public static func codeName(signo: Int32, code: Int32) -> String? {
        if code > 0, code != 0x80, let names = perSignalCodes[signo], Int(code) <= names.count {
            return names[Int(code) - 1]
        }
        return genericCodes[code]
    }

    /// The fields of a siginfo_t (x86_64 layout, 128 bytes) after si_signo and si_code, strace style:
    /// si_pid/si_uid for a signal a process sent, si_status… for SIGCHLD, si_addr for a fault.
    /// A clock_t as strace prints it: the ticks, and when nonzero the seconds (USER_HZ is 100): `1 /* 0.01 s */`.
    static func clockTicks(_ v: UInt64) -> String {
        let t = Int64(bitPattern: v)
        guard t > 0 else { return String(t) }
        let cs = t % 100
        return "\(t) /* \(t / 100).\(cs < 10 ? "0" : "")\(cs) s */"
    }

    public static func siginfoFields(_ b: [UInt8]) -> (signo: Int32, code: Int32, fields: [(String, String)]) {
        func u(_ off: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in (0 ..< n).reversed() where off + k < b.count { v = v << 8 | UInt64(b[off + k]) }
            return v
        }
        func i32(_ off: Int) -> Int32 { Int32(truncatingIfNeeded: u(off, 4)) }
        let signo = i32(0), code = i32(8)
        var f = [(String, String)]()
        func ptr(_ v: UInt64) -> String { v == 0 ? "NULL" : "0x" + String(v, radix: 16) }
        if signo == 17, code > 0 {
            let status = code == 1 ? String(i32(24)) : displayName(i32(24))
            f = [("si_pid", String(i32(16))), ("si_uid", String(u(20, 4))), ("si_status", status),
                 ("si_utime", clockTicks(u(32, 8))), ("si_stime", clockTicks(u(40, 8)))]
        } else if code == 0 || code == -6 || code == -1 {
            // SI_USER, SI_TKILL, SI_QUEUE: who sent it.
            f = [("si_pid", String(i32(16))), ("si_uid", String(u(20, 4)))]
            if code == -1 { f.append(("si_int", String(i32(24)))); f.append(("si_ptr", ptr(u(24, 8)))) }
        } else if code == -2 {
            f = [("si_timerid", "0x" + String(u(16, 4), radix: 16)), ("si_overrun", String(i32(20)))]
        } else if [4, 5, 7, 8, 11].contains(signo), code > 0 {
            f = [("si_addr", ptr(u(16, 8)))]
        } else if signo == 31, code == 1 {
            f = [("si_call_addr", ptr(u(16, 8))), ("si_syscall", String(i32(24))),
                 ("si_arch", u(28, 4) == 0xC000_003E ? "AUDIT_ARCH_X86_64" : u(28, 4) == 0x4000_0003
                     ? "AUDIT_ARCH_I386" : "0x" + String(u(28, 4), radix: 16))]
        }
        return (signo, code, f)
    }

    /// Whether the kernel (rather than a process) generated the signal: si_code > 0 (SI_FROMKERNEL).
    public static func isFromKernel(code: Int32) -> Bool { code > 0 }
}
