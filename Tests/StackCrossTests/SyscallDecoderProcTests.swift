import XCTest
@testable import StackCross

/// The process and signal calls of strace 6.1's tests (SyscallDecoder+Proc.swift); expected text
/// from the tests' own .c expectations (tests/ptrace.c, waitid.c, wait4.c, times.c, time.c…).
final class SyscallDecoderProcTests: XCTestCase, DecodesX86_64Calls {
    func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0 ..< n).map { UInt8(truncatingIfNeeded: v >> ($0 * 8)) } }
    /// A 128-byte siginfo_t from (offset, value, width) fields.
    func siginfo(_ fields: [(Int, UInt64, Int)]) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 128)
        for (off, v, n) in fields { b.replaceSubrange(off ..< off + n, with: le(v, n)) }
        return b
    }
    let esrch: Int64 = -3

    // tests/ptrace.c: requests, the arguments each one shows, signals and options.
    func testPtraceRequestsShowTheirArguments() {
        let pid: UInt64 = 0xdead_beef_0000_3d81  // the test passes a pid with garbage in the upper half
        XCTAssertEqual(args("ptrace", [0, 0, 0, 0], ret: -1), ["PTRACE_TRACEME"])
        XCTAssertEqual(args("ptrace", [0x10, pid, 0, 0], ret: esrch), ["PTRACE_ATTACH", "15745"])
        XCTAssertEqual(args("ptrace", [7, pid, 0, 10], ret: esrch), ["PTRACE_CONT", "15745", "NULL", "SIGUSR1"])
        XCTAssertEqual(args("ptrace", [0xdead_beef_ffff_feed, pid, 0, 0], ret: esrch),
                       ["0xdeadbeeffffffeed /* PTRACE_??? */", "15745", "NULL", "NULL"])
        XCTAssertEqual(args("ptrace", [0x4200, pid, 0, 0xA], ret: esrch),
                       ["PTRACE_SETOPTIONS", "15745", "NULL", "PTRACE_O_TRACEFORK|PTRACE_O_TRACECLONE"])
        XCTAssertEqual(args("ptrace", [0x420d, pid, 7, 0x7000], ret: esrch), ["PTRACE_SECCOMP_GET_METADATA", "15745", "7", "0x7000"])
        XCTAssertEqual(args("ptrace", [0xc, pid, 0, 0x7000], ret: -14), ["PTRACE_GETREGS", "15745", "0x7000"])
    }

    // tests/ptrace.c: PTRACE_SETSIGINFO's siginfo_t, field by field as printsiginfo.c prints it.
    func testPtraceSiginfoFieldsPerSignal() {
        var m = PagedMemory()
        func setsiginfo(_ fields: [(Int, UInt64, Int)]) -> String? {
            m.regions[0x1000] = siginfo(fields)
            return args("ptrace", [0x4203, 1, 0xdead, 0x1000], m, ret: esrch).last
        }
        XCTAssertEqual(setsiginfo([(0, 7, 4), (4, 0xFFFF_FFFE, 4), (8, 4, 4), (16, 0xface_feed_dead_beef, 8), (24, 0xdead, 2)]),
                       "{si_signo=SIGBUS, si_code=BUS_MCEERR_AR, si_errno=4294967294, si_addr=0xfacefeeddeadbeef, si_addr_lsb=0xdead}")
        XCTAssertEqual(setsiginfo([(0, 11, 4), (8, 3, 4), (16, 0xface_feed_dead_beef, 8), (40, 0xdead_c0de_bead_feed, 8)]),
                       "{si_signo=SIGSEGV, si_code=SEGV_BNDERR, si_addr=0xfacefeeddeadbeef, si_lower=NULL, si_upper=0xdeadc0debeadfeed}")
        XCTAssertEqual(setsiginfo([(0, 11, 4), (8, 10, 4), (16, 1, 8)]), "{si_signo=SIGSEGV, si_code=0xa, si_addr=0x1}")
        XCTAssertEqual(setsiginfo([(0, 31, 4), (4, 2, 4), (8, 1, 4), (24, 0, 4), (28, 0xC000_003E, 4)]),
                       "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=ENOENT, si_call_addr=NULL, si_syscall=__NR_read, si_arch=AUDIT_ARCH_X86_64}")
        XCTAssertEqual(setsiginfo([(0, 31, 4), (8, 1, 4), (24, 0, 4), (28, 0xda7a_1057, 4)]),
                       "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=NULL, si_syscall=0, si_arch=0xda7a1057 /* AUDIT_ARCH_??? */}")
        XCTAssertEqual(setsiginfo([(0, 1, 4), (8, 0xFFFF_FFFE, 4), (16, 0xdead_beef, 4), (20, 0xFFFF_FFFF, 4), (24, 0xface_feed_dead_beef, 8)]),
                       "{si_signo=SIGHUP, si_code=SI_TIMER, si_timerid=0xdeadbeef, si_overrun=-1, si_int=-559038737, si_ptr=0xfacefeeddeadbeef}")
        XCTAssertEqual(setsiginfo([(0, 27, 4), (8, 0xbadc_0ded, 4), (20, 3, 4)]),
                       "{si_signo=SIGPROF, si_code=0xbadc0ded, si_pid=0, si_uid=3}")
        XCTAssertEqual(setsiginfo([(0, 29, 4), (8, 1, 4), (16, UInt64(bitPattern: -2), 8), (24, 23, 4)]),
                       "{si_signo=SIGIO, si_code=POLL_IN, si_band=-2, si_fd=23}")
    }

    // tests/ptrace.c: NT_PRSTATUS/NT_FPREGSET register sets as far as iov_len reaches; `=>` when the kernel changed it.
    func testPtraceRegisterSets() {
        var m = PagedMemory()
        m.regions[0x2000] = le(0x3000, 8) + le(16, 8)  // struct iovec
        m.regions[0x3000] = le(0x37f, 2) + le(0, 6) + le(0x1234, 8) + [UInt8](repeating: 0, count: 496)
        XCTAssertEqual(args("ptrace", [0x4204, 1, 2, 0x2000], m, ret: 0).last, "{iov_base={cwd=0x37f, swd=0, ftw=0, fop=0, rip=0x1234}, iov_len=16}")
        XCTAssertEqual(args("ptrace", [0x4204, 1, 2, 0x2000], m, ret: esrch).last, "{iov_base=0x3000, iov_len=16}")
        m.regions[0x2000] = le(0x3000, 8) + le(36, 8)
        XCTAssertEqual(args("ptrace", [0x4205, 1, 2, 0x2000], m, ret: -22).last, "{iov_base=0x3000, iov_len=36}")
        m.regions[0x2000] = le(0x3000, 8) + le(8, 8)
        XCTAssertEqual(args("ptrace", [0x4205, 1, 1, 0x2000], m, ret: -22).last, "{iov_base={r15=0x37f}, iov_len=8}")
        // GETREGSET: the kernel shortens iov_len to what it wrote.
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr("ptrace"), args: [0x4204, 1, 1, 0x2000], memory: m, at: .entry)
        m.regions[0x2000] = le(0x3000, 8) + le(0, 8)
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("ptrace"), args: [0x4204, 1, 1, 0x2000], memory: m,
                                             at: .exit(0), entry: entry).args.last, "{iov_base=0x3000, iov_len=8 => 0}")
        m.regions[0x4000] = [UInt8](repeating: 0, count: 216)
        XCTAssertEqual(args("ptrace", [0xc, 1, 0, 0x4000], m, ret: 0).last?.hasPrefix("{r15=0, r14=0,"), true)
        XCTAssertEqual(args("ptrace", [0xc, 1, 0, 0x4000], m, ret: 0).last?.hasSuffix("es=0, fs=0, gs=0}"), true)
    }

    // tests/ptrace.c, ptrace_syscall_info.c: PEEKSIGINFO's arguments and result, GET_SYSCALL_INFO's struct.
    func testPtracePeeksiginfoAndSyscallInfo() {
        var m = PagedMemory()
        m.regions[0x1000] = le(0, 8) + le(0, 4) + le(4, 4)
        m.regions[0x2000] = siginfo([(0, 10, 4), (8, UInt64(UInt32(bitPattern: -6)), 4), (16, 77, 4)])
        XCTAssertEqual(args("ptrace", [0x4209, 77, 0x1000, 0x2000], m, ret: 1),
                       ["PTRACE_PEEKSIGINFO", "77", "{off=0, flags=0, nr=4}", "[{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=77, si_uid=0}]"])
        m.regions[0x3000] = [2, 0, 0, 0] + le(0xC000_003E, 4) + le(0x10, 8) + le(0x20, 8) + le(UInt64(bitPattern: -2), 8) + [1]
        XCTAssertEqual(args("ptrace", [0x420e, 77, 33, 0x3000], m, ret: 33).last,
                       "{op=PTRACE_SYSCALL_INFO_EXIT, arch=AUDIT_ARCH_X86_64, instruction_pointer=0x10, stack_pointer=0x20, exit={rval=-ENOENT, is_error=1}}")
        XCTAssertEqual(args("ptrace", [0x420e, 77, 8, 0x3000], m, ret: 33).last, "{op=PTRACE_SYSCALL_INFO_EXIT, arch=AUDIT_ARCH_X86_64}")
    }

    // tests/waitid.c, wait4.c, getrusage.c: the child's siginfo, wait options, struct rusage (whole with -v).
    func testWaitidWait4AndRusage() {
        var m = PagedMemory()
        m.regions[0x1000] = siginfo([(0, 17, 4), (8, 1, 4), (16, 42, 4), (24, 42, 4)])
        m.regions[0x2000] = le(0, 8) + le(187, 8) + le(1, 8) + le(2, 8) + (0 ..< 14).flatMap { le(UInt64($0), 8) }
        XCTAssertEqual(args("waitid", [1, 42, 0x1000, 4, 0x2000], m, ret: 0),
                       ["P_PID", "42", "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=42, si_utime=0, si_stime=0}",
                        "WEXITED", "{ru_utime={tv_sec=0, tv_usec=187}, ru_stime={tv_sec=1, tv_usec=2}, ...}"])
        XCTAssertEqual(args("waitid", [0, UInt64(bitPattern: -1), 0x1000, 6, 0x2000], m, ret: -10),
                       ["P_ALL", "-1", "0x1000", "WEXITED|WSTOPPED", "0x2000"])
        XCTAssertEqual(args("wait4", [UInt64(bitPattern: -1), 0, 0x4000_0003, 0], ret: -10)[2], "WNOHANG|WSTOPPED|__WALL")
        m.regions[0x3000] = [UInt8](repeating: 0, count: 128)
        XCTAssertEqual(args("waitid", [1, 42, 0x3000, 5, 0], m, ret: 0)[2], "{}")
        let full = SyscallDecoder.verbose(abi: .x86_64, nr: nr("getrusage"), rawArgs: [0, 0x2000], args: ["RUSAGE_SELF", "x"],
                                          memory: m, stringLimit: 32, at: .exit(0))
        XCTAssertEqual(full[1], "{ru_utime={tv_sec=0, tv_usec=187}, ru_stime={tv_sec=1, tv_usec=2}, ru_maxrss=0, ru_ixrss=1, ru_idrss=2, "
                       + "ru_isrss=3, ru_minflt=4, ru_majflt=5, ru_nswap=6, ru_inblock=7, ru_oublock=8, ru_msgsnd=9, ru_msgrcv=10, "
                       + "ru_nsignals=11, ru_nvcsw=12, ru_nivcsw=13}")
        XCTAssertEqual(args("getrusage", [UInt64(UInt32.max), 0x2000], m, ret: 0)[0], "RUSAGE_CHILDREN")
    }

    // tests/times.c, time.c, rt_sigqueueinfo.c, seccomp-filter.c
    func testTimesTimeSigqueueinfoAndSeccomp() {
        var m = PagedMemory()
        m.regions[0x1000] = le(48, 8) + le(43, 8) + le(0, 8) + le(186, 8)
        XCTAssertEqual(args("times", [0x1000], m, ret: 100),
                       ["{tms_utime=48 /* 0.48 s */, tms_stime=43 /* 0.43 s */, tms_cutime=0, tms_cstime=186 /* 1.86 s */}"])
        setenv("TZ", "UTC", 1)
        tzset()
        m.regions[0x2000] = le(1_796_514_012, 8)
        XCTAssertEqual(args("time", [0x2000], m, ret: 1_796_514_012), ["[1796514012 /* 2026-12-05T23:40:12+0000 */]"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("time"), ret: 1_796_514_012, memory: nil),
                       "1796514012 (2026-12-05T23:40:12+0000)")
        m.regions[0x3000] = siginfo([(0, 10, 4), (8, UInt64(UInt32.max), 4), (16, 9, 4), (24, 0xdead_beef_badc_0ded, 8)])
        XCTAssertEqual(args("rt_sigqueueinfo", [9, 10, 0x3000], m, ret: 0),
                       ["9", "SIGUSR1", "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=9, si_uid=0, si_int=-1159983635, si_ptr=0xdeadbeefbadc0ded}"])
        m.regions[0x4000] = le(7, 2) + le(0, 6) + le(0x5000, 8)
        XCTAssertEqual(args("seccomp", [1, 0xFFFF_FFFF, 0x4000], m, ret: -22),
                       ["SECCOMP_SET_MODE_FILTER", "SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_LOG|SECCOMP_FILTER_FLAG_SPEC_ALLOW|"
                        + "SECCOMP_FILTER_FLAG_NEW_LISTENER|SECCOMP_FILTER_FLAG_TSYNC_ESRCH|SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV|0xffffffc0",
                        "{len=7, filter=0x5000}"])
        XCTAssertEqual(args("seccomp", [1, 0xFFFF_FFC0, 0x6fff], m, ret: -22)[1], "0xffffffc0 /* SECCOMP_FILTER_FLAG_??? */")
    }
}

extension SyscallDecoderProcTests {
    // tests/clone3.c: the fields the flags use, `=> {parent_tid=[N]}` after the call, bytes past the struct.
    func testClone3Arguments() {
        var m = PagedMemory()
        var st = [UInt8](repeating: 0, count: 96)
        func put(_ off: Int, _ v: UInt64) { st.replaceSubrange(off ..< off + 8, with: le(v, 8)) }
        put(0, 0x100000); put(24, 0x5000)
        m.regions[0x1000] = st
        m.regions[0x5000] = le(1234, 4)
        XCTAssertEqual(args("clone3", [0x1000, 88], m, ret: 1234),
                       ["{flags=CLONE_PARENT_SETTID, parent_tid=0x5000, exit_signal=0, stack=NULL, stack_size=0} => {parent_tid=[1234]}", "88"])
        put(0, 0xdec0_deac_0040_007f); put(24, 0); put(32, 250)
        m.regions[0x1000] = st
        XCTAssertEqual(args("clone3", [0x1000, 64], m, ret: -22)[0],
                       "{flags=0xdec0deac0040007f /* CLONE_??? */, exit_signal=250, stack=NULL, stack_size=0}")
        put(0, 0); put(32, 0xdead_c0de); put(88, 0xface_feed_dead_c0de)
        m.regions[0x1000] = st
        XCTAssertEqual(args("clone3", [0x1000, 96], m, ret: -7)[0],
                       #"{flags=0, exit_signal=3735929054, stack=NULL, stack_size=0, /* bytes 88..95 */ "\xde\xc0\xad\xde\xed\xfe\xce\xfa"}"#)
        XCTAssertEqual(args("clone3", [0x1000, 104], m, ret: -7)[0], "{flags=0, exit_signal=3735929054, stack=NULL, stack_size=0, ???}")
        XCTAssertEqual(args("clone3", [0x1000, 63], m, ret: -22)[0], "0x1000")
    }
}

extension SyscallDecoderProcTests {
    // tests/ptrace-Xraw.c, ptrace-Xverbose.c, ptrace_syscall_info-Xverbose.c: constants inside the structs follow -X too.
    func testPtraceConstantsFollowXStyles() {
        var m = PagedMemory()
        m.regions[0x1000] = siginfo([(0, 31, 4), (4, 2, 4), (8, 1, 4), (24, 0, 4), (28, 0xC000_003E, 4)])
        m.regions[0x2000] = siginfo([(0, 11, 4), (8, 10, 4)])
        m.regions[0x3000] = [1, 0, 0, 0] + le(0xda7a_1057, 4) + le(0x10, 8) + le(0x20, 8) + le(80, 8)
        func styled(_ a: [UInt64], _ mode: StraceLineStyles.Constants, ret: Int64 = -3) -> [String] {
            let e = SyscallDecoder.decode(abi: .x86_64, nr: nr("ptrace"), args: a, memory: m, at: .entry)
            let d = SyscallDecoder.decode(abi: .x86_64, nr: nr("ptrace"), args: a, memory: m, at: .exit(ret), entry: e)
            let r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr("ptrace"), name: "ptrace", args: d.args,
                                  rawArgs: a.map { Address($0) }, ret: ret, entryNs: 0)
            return StraceLineStyles.constants(r, mode).args
        }
        XCTAssertEqual(styled([0x4203, 1, 0, 0x1000], .verbose).last,
                       "{si_signo=31 /* SIGSYS */, si_code=0x1 /* SYS_SECCOMP */, si_errno=2 /* ENOENT */, si_call_addr=NULL, "
                       + "si_syscall=0 /* __NR_read */, si_arch=0xc000003e /* AUDIT_ARCH_X86_64 */}")
        XCTAssertEqual(styled([0x4203, 1, 0, 0x2000], .raw).last, "{si_signo=11, si_code=0xa, si_addr=NULL}")
        XCTAssertEqual(styled([0xdead_beef_ffff_feed, 1, 0, 0], .raw).first, "0xdeadbeeffffffeed")
        XCTAssertEqual(styled([0xdead_beef_ffff_feed, 1, 0, 0], .verbose).first, "0xdeadbeeffffffeed /* PTRACE_??? */")
        XCTAssertEqual(styled([7, 1, 0, 10], .verbose), ["0x7 /* PTRACE_CONT */", "1", "NULL", "10 /* SIGUSR1 */"])
        XCTAssertEqual(styled([0x4204, 1, 2, 0], .raw), ["0x4204", "1", "0x2", "NULL"])
        XCTAssertEqual(styled([0x420e, 1, 32, 0x3000], .raw, ret: 80).last,
                       "{op=0x1, arch=0xda7a1057, instruction_pointer=0x10, stack_pointer=0x20, entry={nr=80}}")
        XCTAssertEqual(styled([0x420e, 1, 32, 0x3000], .verbose, ret: 80).last,
                       "{op=0x1 /* PTRACE_SYSCALL_INFO_ENTRY */, arch=0xda7a1057 /* AUDIT_ARCH_??? */, instruction_pointer=0x10, stack_pointer=0x20, entry={nr=80}}")
    }
}

extension SyscallDecoderProcTests {
    // tests/nanosleep.c, clock_nanosleep.c, rt_sigtimedwait.c, pidfd_send_signal.c, xet_robust_list.c, timer_create.c, adjtimex.c
    func testTimesSignalsAndTimersOfTheFamily() {
        var m = PagedMemory()
        m.regions[0x1000] = le(0, 8) + le(888_922_455, 8)
        XCTAssertEqual(args("nanosleep", [0x1000, 0x1000], m, ret: -516)[1], "{tv_sec=0, tv_nsec=888922455}")
        XCTAssertEqual(args("nanosleep", [0x1000, 0x1000], m, ret: -22)[1], "0x1000")
        XCTAssertEqual(args("clock_nanosleep", [0, 0, 0x1000, 0x1000], m, ret: -516)[3], "{tv_sec=0, tv_nsec=888922455}")
        XCTAssertEqual(args("clock_nanosleep", [0, 1, 0x1000, 0x1000], m, ret: -516)[3], "0x1000")
        m.regions[0x2000] = siginfo([(0, 14, 4), (8, UInt64(UInt32(bitPattern: -6)), 4), (16, 7, 4)])
        m.regions[0x3000] = le(0x2001, 8)
        XCTAssertEqual(args("rt_sigtimedwait", [0x3000, 0x2000, 0, 8], m, ret: 14),
                       ["[HUP ALRM]", "{si_signo=SIGALRM, si_code=SI_TKILL, si_pid=7, si_uid=0}", "NULL", "8"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("rt_sigtimedwait"), ret: 14, memory: nil), "14 (SIGALRM)")
        m.regions[0x4000] = siginfo([(0, 10, 4), (4, 0xFFFF_FFFF, 4), (8, UInt64(UInt32.max), 4), (16, 5, 4), (20, 0xFFFF_FFFF, 4),
                                     (24, UInt64.max, 8)])
        XCTAssertEqual(args("pidfd_send_signal", [3, 12, 0x4000, 0xFFFF_FFFF], m, ret: -22),
                       ["3", "SIGUSR2", "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_errno=4294967295, si_pid=5, si_uid=-1, si_int=-1, si_ptr=0xffffffffffffffff}",
                        "0xffffffff"])
        m.regions[0x5000] = le(0x7fb7_e0fb_9a20, 8) + le(24, 8)
        XCTAssertEqual(args("get_robust_list", [42, 0x5000, 0x5008], m, ret: 0), ["42", "[0x7fb7e0fb9a20]", "[24]"])
        XCTAssertEqual(args("get_robust_list", [42, 0x5000, 0x5008], m, ret: -3), ["42", "0x5000", "0x5008"])
        m.regions[0x6000] = le(0xdead_beef_badc_0ded, 8) + le(14, 4) + le(4, 4) + le(99, 4) + le(0, 12)
        XCTAssertEqual(args("timer_create", [1, 0x6000, 0], m, ret: -22)[1],
                       "{sigev_value={sival_int=-1159983635, sival_ptr=0xdeadbeefbadc0ded}, sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=99}")
        m.regions[0x6000] = le(0, 8) + le(0xface_f00d, 4) + le(0xdefaced, 4) + le(0, 16)
        XCTAssertEqual(args("timer_create", [0, 0x6000, 0], m, ret: -22)[1],
                       "{sigev_signo=4207865869, sigev_notify=0xdefaced /* SIGEV_??? */}")
        var tx = [UInt8](repeating: 0, count: 208)
        tx.replaceSubrange(40 ..< 44, with: le(0x2040, 4)); tx.replaceSubrange(88 ..< 96, with: le(10000, 8))
        m.regions[0x7000] = tx
        XCTAssertEqual(args("adjtimex", [0x7000], m, ret: 5),
                       ["{modes=0, offset=0, freq=0, maxerror=0, esterror=0, status=STA_UNSYNC|STA_NANO, constant=0, precision=0, tolerance=0, "
                        + "time={tv_sec=0, tv_usec=0}, tick=10000, ppsfreq=0, jitter=0, shift=0, stabil=0, jitcnt=0, calcnt=0, errcnt=0, stbcnt=0, tai=0}"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("adjtimex"), ret: 5, memory: nil), "5 (TIME_ERROR)")
    }

    // tests/rt_sigpending.c, rt_sigprocmask.c, rt_sigsuspend.c, seccomp_get_action_avail.c: sets of the size given.
    func testSigsetsOfTheGivenSizeAndSeccompActions() {
        var m = PagedMemory()
        m.regions[0x1000] = le(0x3, 8)
        XCTAssertEqual(args("rt_sigpending", [0x1000, 1], m, ret: 0), ["[HUP INT]", "1"])
        XCTAssertEqual(args("rt_sigpending", [0x1000, 9], m, ret: -22), ["0x1000", "9"])
        XCTAssertEqual(args("rt_sigprocmask", [1, 0x1000, 0x1000, 4], m, ret: -22), ["SIG_UNBLOCK", "0x1000", "0x1000", "4"])
        XCTAssertEqual(args("rt_sigprocmask", [2, 0x1000, 0, 8], m, ret: 0), ["SIG_SETMASK", "[HUP INT]", "NULL", "8"])
        XCTAssertEqual(args("rt_sigsuspend", [0x1000, 8], m, ret: -514), ["[HUP INT]", "8"])
        m.regions[0x2000] = le(0x7ffc_0000, 4)
        XCTAssertEqual(args("seccomp", [2, 0, 0x2000], m, ret: 0), ["SECCOMP_GET_ACTION_AVAIL", "0", "[SECCOMP_RET_LOG]"])
        m.regions[0x2000] = le(0xFFFF_FFFF, 4)
        XCTAssertEqual(args("seccomp", [2, 0, 0x2000], m, ret: -95)[2], "[0xffffffff /* SECCOMP_RET_??? */]")
    }
}

extension SyscallDecoderProcTests {
    // tests/seccomp_get_notif_sizes.c, seccomp_get_action_avail.c: the other operations' flags in hex, the sizes after the call.
    func testSeccompOtherOperations() {
        var m = PagedMemory()
        m.regions[0x1000] = le(0x50, 2) + le(0x18, 2) + le(0x40, 2)
        XCTAssertEqual(args("seccomp", [3, 0, 0x1000], m, ret: 0), ["SECCOMP_GET_NOTIF_SIZES", "0", "{seccomp_notif=80, seccomp_notif_resp=24, seccomp_data=64}"])
        XCTAssertEqual(args("seccomp", [3, 0xdead_c0de, 0x1000], m, ret: -22), ["SECCOMP_GET_NOTIF_SIZES", "0xdeadc0de", "0x1000"])
        XCTAssertEqual(args("seccomp", [2, 0xcafe_f00d, 0], m, ret: -22), ["SECCOMP_GET_ACTION_AVAIL", "0xcafef00d", "NULL"])
    }
}

extension SyscallDecoderProcTests {
    // tests/times-Xraw.c: clock_t without the seconds comment under -X raw.
    func testClockTicksUnderXRaw() {
        var m = PagedMemory()
        m.regions[0x1000] = le(48, 8) + le(43, 8) + le(0, 8) + le(186, 8)
        XCTAssertEqual(args("times", [0x1000], m, ret: 100, constants: .raw), ["{tms_utime=48, tms_stime=43, tms_cutime=0, tms_cstime=186}"])
        XCTAssertEqual(args("times", [0x1000], m, ret: 100)[0].prefix(30), "{tms_utime=48 /* 0.48 s */, tm")
    }
}

extension SyscallDecoderProcTests {
    // tests/set_mempolicy.c, mbind.c, get_mempolicy.c, move_pages-Xraw.c: node masks, print_mode, statuses under -X.
    func testNumaPoliciesAndNodeMasks() {
        var m = PagedMemory()
        m.regions[0x1000] = le(0, 8) + le(0xdead, 8)
        XCTAssertEqual(args("set_mempolicy", [0, 0x1000, 65], m, ret: 0), ["MPOL_DEFAULT", "[0000000000000000]", "65"])
        XCTAssertEqual(args("set_mempolicy", [0, 0x1000, 66], m, ret: 0), ["MPOL_DEFAULT", "[0000000000000000, 0x0000000000dead]", "66"])
        XCTAssertEqual(args("set_mempolicy", [0, 0x1000, 200], m, ret: -22)[1], "[0000000000000000, 0x0000000000dead, ... /* 0x1010 */]")
        XCTAssertEqual(args("set_mempolicy", [0, 0x1000, 0], m, ret: -22)[1], "[]")
        XCTAssertEqual(args("set_mempolicy", [0, 0x1000, UInt64.max], m, ret: -22)[1], "0x1000")
        XCTAssertEqual(args("get_mempolicy", [0, 0x1000, 66, 0, 0], m, ret: 0)[1], "[0000000000000000, 0x0000000000dead]")
        XCTAssertEqual(args("get_mempolicy", [0, 0x1000, 66, 0, 0], m, ret: -22)[1], "0x1000")
        XCTAssertEqual(args("mbind", [0, 0, 0xffff_ffff_0000_0000, 0, 0, 0], ret: 0)[2], "0xffffffff00000000 /* MPOL_??? */")
        XCTAssertEqual(args("mbind", [0, 0, 0xffff_ffff_ffff_ffff, 0, 0, 0], ret: -22)[2],
                       "MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING|0xffffffffffff1fff")
        XCTAssertEqual(args("set_mempolicy", [0x8002, 0, 0], ret: -22)[0], "MPOL_BIND|MPOL_F_STATIC_NODES")
        XCTAssertEqual(args("set_mempolicy", [0x8002, 0, 0], ret: -22, constants: .verbose)[0], "0x8002 /* MPOL_BIND|MPOL_F_STATIC_NODES */")
        m.regions[0x2000] = le(0x7000, 8)
        m.regions[0x3000] = le(UInt64(UInt32(bitPattern: -14)), 4)
        XCTAssertEqual(args("move_pages", [1, 1, 0x2000, 0, 0x3000, 2], m, ret: 0, constants: .verbose)[4], "[-14 /* -EFAULT */]")
        XCTAssertEqual(args("move_pages", [1, 1, 0x2000, 0, 0x3000, 2], m, ret: 0, constants: .raw)[4], "[-14]")
        XCTAssertEqual(args("set_mempolicy", [0x8002, 0, 0], ret: -22, constants: .raw)[0], "0x8002")
    }
}

extension SyscallDecoderProcTests {
    // tests/mbind.c, move_pages.c: without -X the names alone.
    func testNumaNamesWithoutX() {
        var m = PagedMemory()
        m.regions[0x2000] = le(0x7000, 8)
        m.regions[0x3000] = le(UInt64(UInt32(bitPattern: -14)), 4)
        XCTAssertEqual(args("mbind", [0, 0, 1, 0, 0, 0], ret: 0)[2], "MPOL_PREFERRED")
        XCTAssertEqual(args("move_pages", [1, 1, 0x2000, 0, 0x3000, 2], m, ret: 0)[4], "[-EFAULT]")
    }
}

extension SyscallDecoderProcTests {
    // tests/mincore.c, kcmp.c, process_madvise.c, sched_xetattr.c
    func testMincoreKcmpProcessMadviseSchedAttr() {
        var m = PagedMemory()
        m.regions[0x1000] = [1, 0, 1]
        XCTAssertEqual(args("mincore", [0x7000, 8193, 0x1000], m, ret: 0), ["0x7000", "8193", "[1, 0, 1]"])
        XCTAssertEqual(args("mincore", [0x7000, 1, 0x1000], m, ret: -12), ["0x7000", "1", "0x1000"])
        XCTAssertEqual(args("kcmp", [0, 0, 8, 0, 0], ret: -3), ["0", "0", "0x8 /* KCMP_??? */", "0", "0"])
        m.regions[0x2000] = le(0xdead_beef, 4) + le(42, 4) + le(7, 4)
        XCTAssertEqual(args("kcmp", [5, UInt64(bitPattern: -1), 7, 23, 0x2000], m, ret: -3),
                       ["5", "-1", "KCMP_EPOLL_TFD", "23", "{efd=-559038737, tfd=42, toff=7}"])
        m.regions[0x3000] = le(0x8786, 8) + le(10, 8)
        XCTAssertEqual(args("process_madvise", [0, 0x3000, 2, 0, 0], m, ret: -22)[1], "[{iov_base=0x8786, iov_len=10}, ... /* 0x3010 */]")
        var attr = [UInt8](repeating: 0, count: 56)
        attr.replaceSubrange(0 ..< 4, with: le(48, 4)); attr.replaceSubrange(24 ..< 32, with: le(1_400_000, 8))
        m.regions[0x4000] = attr
        XCTAssertEqual(args("sched_getattr", [0, 0x4000, 56, 0], m, ret: 0),
                       ["0", "{size=48, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, sched_priority=0, sched_runtime=1400000, "
                        + "sched_deadline=0, sched_period=0}", "56", "0"])
        XCTAssertEqual(args("sched_getattr", [0, 0x4000, 56, 0], m, ret: -22)[1], "0x4000")
        attr.replaceSubrange(0 ..< 4, with: le(56, 4)); attr.replaceSubrange(8 ..< 16, with: le(0x10, 8))
        m.regions[0x4000] = attr
        XCTAssertEqual(args("sched_setattr", [0, 0x4000, 0], m, ret: -22)[1],
                       "{size=56, sched_flags=SCHED_FLAG_KEEP_PARAMS, sched_util_min=0, sched_util_max=0}")
    }
}

extension SyscallDecoderProcTests {
    // tests/sched_xetattr.c, process_vm_readv.c, process_vm_writev.c
    func testSchedSetattrE2bigAndProcessVm() {
        var m = PagedMemory()
        m.regions[0x4000] = le(1, 4)
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr("sched_setattr"), args: [0, 0x4000, 0], memory: m, at: .entry)
        XCTAssertEqual(entry.args, ["0", "{size=1}", "0"])
        m.regions[0x4000] = le(56, 4)
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("sched_setattr"), args: [0, 0x4000, 0], memory: m,
                                             at: .exit(-7), entry: entry).args, ["0", "{size=1} => {size=56}", "0"])
        m.regions[0x1000] = le(0x2000, 8) + le(3, 8)
        m.regions[0x2000] = Array("abc".utf8)
        XCTAssertEqual(args("process_vm_readv", [7, 0x1000, 1, 0x1000, 1, 0], m, ret: 3),
                       ["7", "[{iov_base=\"abc\", iov_len=3}]", "1", "[{iov_base=0x2000, iov_len=3}]", "1", "0"])
        XCTAssertEqual(args("process_vm_readv", [7, 0x1000, 1, 0x1000, 1, 0], m, ret: -14)[1], "[{iov_base=0x2000, iov_len=3}]")
        XCTAssertEqual(args("process_vm_writev", [7, 0x1000, 0, 0, 0, 0xda7a_dead], m, ret: 0), ["7", "[]", "0", "NULL", "0", "3665485485"])
    }
}
