import XCTest
@testable import StackCross

/// The call families of strace 6.1's tests (SyscallDecoder+Suite.swift); expected text from the
/// tests' own .c expectations (tests/NAME.c in strace's tree).
final class SyscallDecoderSuiteFamiliesTests: XCTestCase, DecodesX86_64Calls {
    func words32(_ v: [Int32]) -> [UInt8] { v.flatMap { x in (0 ..< 4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: x) >> ($0 * 8)) } } }
    func words64(_ v: [UInt64]) -> [UInt8] { v.flatMap { x in (0 ..< 8).map { UInt8(truncatingIfNeeded: x >> ($0 * 8)) } } }

    // tests/fanotify_init.c, kcmp.c, reboot.c, membarrier.c, setns.c, kexec_load.c
    func testNamedConstantsFromStracesTables() {
        XCTAssertEqual(args("fanotify_init", [0, 1]), ["FAN_CLASS_NOTIF", "O_WRONLY"])
        XCTAssertEqual(args("fanotify_init", [0xC, 0]), ["0xc /* FAN_CLASS_??? */", "O_RDONLY"])
        XCTAssertEqual(args("fanotify_init", [0xEFAC_E004, 0]), ["FAN_CLASS_CONTENT|0xeface000 /* FAN_??? */", "O_RDONLY"])
        XCTAssertEqual(args("kcmp", [1, 2, 0xDA7A_DEAD, 3, 4]),
                       ["1", "2", "0xda7adead /* KCMP_??? */", "0x3", "0x4"])
        XCTAssertEqual(args("kcmp", [UInt64(bitPattern: -1), UInt64(bitPattern: -1), 1, 5, 6]), ["-1", "-1", "KCMP_VM"])
        XCTAssertEqual(args("reboot", [0, 0, 0, 0]),
                       ["0 /* LINUX_REBOOT_MAGIC_??? */", "0 /* LINUX_REBOOT_MAGIC_??? */", "LINUX_REBOOT_CMD_CAD_OFF"])
        XCTAssertEqual(args("setns", [3, 0x80]), ["3", "CLONE_NEWTIME"])
        XCTAssertEqual(args("membarrier", [3, 0xFF, UInt64(bitPattern: -1)]),
                       ["0x3 /* MEMBARRIER_CMD_??? */", "MEMBARRIER_CMD_FLAG_CPU|0xfe", "-1"])
        XCTAssertEqual(args("kexec_load", [0, 0, 0, 0x2A_0003]).last, "KEXEC_ARCH_SH|KEXEC_ON_CRASH|KEXEC_PRESERVE_CONTEXT")
        XCTAssertEqual(args("getpriority", [1, 7]), ["PRIO_PGRP", "7"])
        XCTAssertEqual(args("epoll_create1", [0o2000000]), ["EPOLL_CLOEXEC"])
        XCTAssertEqual(args("mbind", [0, 0, 1, 0, 0, 7]).suffix(4), ["MPOL_PREFERRED", "NULL", "0", "MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL"])
    }

    // tests/umask.c, chmod.c, mknod.c, ustat.c, unlinkat.c
    func testModesDevicesAndAtFlags() {
        XCTAssertEqual(args("chmod", [0, 4]), ["NULL", "004"])
        XCTAssertEqual(args("mkdir", [0, 0o177777]), ["NULL", "0177777"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("umask"), ret: 0o22, memory: nil), "022")
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("umask"), ret: 0o126, memory: nil), "0126")
        XCTAssertEqual(args("mknod", [0, 0o067777, 0xBADC_0DED]), ["NULL", "S_IFBLK|S_ISUID|S_ISGID|S_ISVTX|0777", "makedev(0xc0d, 0xbaded)"])
        XCTAssertEqual(args("mknod", [0, 0o020024, 0x107]), ["NULL", "S_IFCHR|024", "makedev(0x1, 0x7)"])
        XCTAssertEqual(args("mknod", [0, 0, 0xBADC0DED]), ["NULL", "000"])
        XCTAssertEqual(args("ustat", [0xFFFF_FFFF, 0]), ["makedev(0xfff, 0xfffff)", "NULL"])
        XCTAssertEqual(args("unlinkat", [UInt64(bitPattern: -100), 0, 0xFFFF_FFFF]).last,
                       "AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff60ff")
    }

    // tests/sockopt-sol_socket.c, net-packet_mreq.c, accept.c
    func testSocketOptionsAndInOutLengths() {
        var m = PagedMemory()
        m.regions[0x1000] = words32([0])   // optval
        m.regions[0x2000] = words32([4])   // optlen after the call
        XCTAssertEqual(args("getsockopt", [3, 1, 1, 0x1000, 0x2000], m, ret: 0), ["3", "SOL_SOCKET", "SO_DEBUG", "[0]", "[4]"])
        XCTAssertEqual(args("setsockopt", [UInt64(bitPattern: -1), 263, 0xFFFF_FFFF, 0, 0]),
                       ["-1", "SOL_PACKET", "0xffffffff /* PACKET_??? */", "NULL", "0"])
        XCTAssertEqual(args("setsockopt", [3, 1, 2, 0x1000, 4], m), ["3", "SOL_SOCKET", "SO_REUSEADDR", "[0]", "4"])
        // The length in, then out: the entry view is kept and the new value follows.
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr("accept"), args: [3, 0x3000, 0x4000], memory: m, at: .entry)
        XCTAssertEqual(entry.args, ["3", "0x3000", "0x4000"])
        var before = PagedMemory()
        before.regions[0x4000] = words32([2])
        let e2 = SyscallDecoder.decode(abi: .x86_64, nr: nr("accept"), args: [3, 0x3000, 0x4000], memory: before, at: .entry)
        XCTAssertEqual(e2.args.last, "[2]")
        var after = PagedMemory()
        after.regions[0x4000] = words32([25])
        after.regions[0x3000] = [1, 0] + Array("accept.socket".utf8) + [0]
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("accept"), args: [3, 0x3000, 0x4000], memory: after,
                                             at: .exit(5), entry: e2).args,
                       ["3", "{sa_family=AF_UNIX}", "[2 => 25]"])
        XCTAssertEqual(args("accept4", [3, 0, 0, 0o2000000]).last, "SOCK_CLOEXEC")
    }

    // tests/xetitimer.c, timer_xettime.c, timer_create.c, xettimeofday.c, nanosleep.c, getresuid.c, splice.c
    func testTimersAndIntPointers() {
        var m = PagedMemory()
        m.regions[0x1000] = words64([789985, 789986, 789987, 789988])
        let itv = "{it_interval={tv_sec=789985, tv_usec=789986}, it_value={tv_sec=789987, tv_usec=789988}}"
        XCTAssertEqual(args("setitimer", [0, 0x1000, 0], m), ["ITIMER_REAL", itv, "NULL"])
        XCTAssertEqual(args("getitimer", [0xDEAD_BEEF, 0x1000], m, ret: -22), ["0xdeadbeef /* ITIMER_??? */", "0x1000"])
        XCTAssertEqual(args("getitimer", [0, 0x1000], m, ret: 0), ["ITIMER_REAL", itv])
        XCTAssertEqual(args("timer_settime", [0, 1, 0x1000, 0], m),
                       ["0", "TIMER_ABSTIME", "{it_interval={tv_sec=789985, tv_nsec=789986}, it_value={tv_sec=789987, tv_nsec=789988}}", "NULL"])
        m.regions[0x2000] = words64([UInt64.max, UInt64.max])
        XCTAssertEqual(args("nanosleep", [0x2000, 0], m).first, "{tv_sec=-1, tv_nsec=18446744073709551615}")
        m.regions[0x3000] = words32([2])
        XCTAssertEqual(args("timer_create", [1, 0, 0x3000], m, ret: 0), ["CLOCK_MONOTONIC", "NULL", "[2]"])
        XCTAssertEqual(args("getresuid", [0x3000, 0x3000, 0x3000], m, ret: 0), ["[2]", "[2]", "[2]"])
        XCTAssertEqual(args("clock_settime", [3, 0]), ["CLOCK_THREAD_CPUTIME_ID", "NULL"])
        m.regions[0x4000] = words64([UInt64(bitPattern: -5)])
        XCTAssertEqual(args("splice", [UInt64(bitPattern: -1), 0x4000, 2, 0, 7, 15], m),
                       ["-1", "[-5]", "2", "NULL", "7", "SPLICE_F_MOVE|SPLICE_F_NONBLOCK|SPLICE_F_MORE|SPLICE_F_GIFT"])
    }

    // tests/so_linger.c, ip_mreq.c, so_peercred.c: struct options are not ints.
    func testOnlyIntSocketOptionsShowAValue() {
        var m = PagedMemory()
        m.regions[0x1000] = words32([-15, -42])
        // struct ip_mreq is decoded (SyscallDecoderSockOptTests); one byte short of it shows the address.
        XCTAssertEqual(args("setsockopt", [0, 0, 35, 0x1000, 7], m).suffix(3), ["IP_ADD_MEMBERSHIP", "0x1000", "7"])
        XCTAssertEqual(args("setsockopt", [3, 1, 13, 0x1000, 4], m).suffix(2), ["0x1000", "4"])
        m.regions[0x2000] = words32([12])
        XCTAssertEqual(args("getsockopt", [3, 1, 17, 0x1000, 0x2000], m, ret: 0).suffix(3), ["SO_PEERCRED", "0x1000", "[12]"])
        XCTAssertEqual(args("getsockopt", [4, 1, 4, 0x1000, 0x2000], m, ret: 0)[2], "SO_ERROR")
    }

    // tests/pwritev.c (-s7), printstr.c, aio.c, get_mempolicy.c, set_mempolicy.c, ustat.c, seccomp_get_action_avail.c
    func testIovecsAioMempolicyAndNames() {
        var m = PagedMemory()
        m.regions[0x1000] = [0, 1, 2, 3, 4, 5, 6, 7] + [1, 2, 3, 4, 5, 6, 7]
        m.regions[0x2000] = words64([0x1000, 8, 0x1008, 7])
        let e = SyscallDecoder.decode(abi: .x86_64, nr: nr("pwritev"), args: [0, 0x2000, 2, 5], memory: m, stringLimit: 7, at: .entry)
        XCTAssertEqual(e.args[1], "[{iov_base=\"\\0\\1\\2\\3\\4\\5\\6\"..., iov_len=8}, {iov_base=\"\\1\\2\\3\\4\\5\\6\\7\", iov_len=7}]")
        m.regions[0x3000] = words64([0x1000, UInt64.max])
        XCTAssertEqual(args("writev", [1, 0x3000, 1], m)[1].hasSuffix("iov_len=18446744073709551615}]"), true)
        m.regions[0x4000] = words64([0x7F0F_794D_F000])
        XCTAssertEqual(args("io_setup", [2, 0x4000], m, ret: 0), ["2", "[0x7f0f794df000]"])
        XCTAssertEqual(args("io_submit", [0xFACE_1E55_DEAD_BEEF, 1, 0])[0], "0xface1e55deadbeef")
        m.regions[0x5000] = words32([0])
        XCTAssertEqual(args("get_mempolicy", [0x5000, 0, 0, 0, 2], m, ret: 0), ["[MPOL_DEFAULT]", "NULL", "0", "NULL", "MPOL_F_ADDR"])
        XCTAssertEqual(args("set_mempolicy", [0x8000, 0, 0])[0], "MPOL_DEFAULT|MPOL_F_STATIC_NODES")
        XCTAssertEqual(args("ustat", [0xFACE_FEED_FFFF_FFFF, 0])[0], "makedev(0xfff, 0xfffff)")
        XCTAssertEqual(args("seccomp", [2, 0, 0])[0], "SECCOMP_GET_ACTION_AVAIL")
        XCTAssertEqual(args("renameat2", [1, 0, 2, 0, 1]).last, "RENAME_NOREPLACE")
        XCTAssertEqual(args("sched_get_priority_max", [2]), ["SCHED_RR"])
        XCTAssertEqual(args("inotify_init1", [0xFF96_B77B]), ["0xff96b77b /* IN_??? */"])
    }

    // tests/net-sockaddr.c, clone3.c
    func testShortInetAddressAndCloneArgs() {
        var m = PagedMemory()
        m.regions[0x1000] = [2, 0] + [UInt8](repeating: 0, count: 6) + [0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertEqual(args("connect", [UInt64(bitPattern: -1), 0x1000, 12], m)[1],
                       "{sa_family=AF_INET, sa_data=\"\\0\\0\\0\\0\\0\\0\\377\\377\\377\\377\"}")
        m.regions[0x2000] = [UInt8](repeating: 0, count: 64)
        XCTAssertEqual(args("clone3", [0x2000, 64], m)[0], "{flags=0, exit_signal=0, stack=NULL, stack_size=0}")
    }

    // tests/sendfile.c, userfaultfd.c, mknod.c, ioperm.c, sched_xetscheduler.c
    func testSendfileOffsetsAndSmallFamilies() {
        var before = PagedMemory()
        before.regions[0x1000] = words64([0])
        let e = SyscallDecoder.decode(abi: .x86_64, nr: nr("sendfile"), args: [4, 5, 0x1000, 35499], memory: before, at: .entry)
        XCTAssertEqual(e.args[2], "[0]")
        var after = PagedMemory()
        after.regions[0x1000] = words64([35499])
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("sendfile"), args: [4, 5, 0x1000, 35499], memory: after,
                                             at: .exit(35499), entry: e).args[2], "[0] => [35499]")
        XCTAssertEqual(args("userfaultfd", [0o4001]), ["UFFD_USER_MODE_ONLY|O_NONBLOCK"])
        XCTAssertEqual(args("mknod", [0, 0o177777, 0]), ["NULL", "0177777"])
        XCTAssertEqual(args("mknod", [0, 0o020024, 0xDEAD_BEEF_0000_0107]), ["NULL", "S_IFCHR|024", "makedev(0x1, 0x7)"])
        XCTAssertEqual(args("ioperm", [0xDEAF_BEEF_FFFF_FFFF, 1, 0]), ["0xdeafbeefffffffff", "0x1", "0"])
        var m = PagedMemory()
        m.regions[0x2000] = words32([-1])
        XCTAssertEqual(args("sched_setscheduler", [1, 0xFACE_DA7A, 0x2000], m), ["1", "0xfaceda7a /* SCHED_??? */", "[-1]"])
    }

    // tests/so_linger.c, so_peercred.c, mq_sendrecv.c, rt_sigtimedwait.c, set_mempolicy.c
    func testSockoptStructsAndConditionalArguments() {
        var m = PagedMemory()
        m.regions[0x1000] = words32([-15, -42, 0])
        XCTAssertEqual(args("setsockopt", [3, 1, 13, 0x1000, 8], m)[3], "{l_onoff=-15, l_linger=-42}")
        m.regions[0x2000] = words32([12])
        XCTAssertEqual(args("getsockopt", [3, 1, 17, 0x1000, 0x2000], m, ret: 0)[3], "{pid=-15, uid=4294967254, gid=0}")
        XCTAssertEqual(args("mq_open", [0, 0, 0o177355, 0]), ["NULL", "O_RDONLY"])
        XCTAssertEqual(args("rt_sigtimedwait", [0x1000, 0, 0, 128], m)[0], "0x1000")
        XCTAssertEqual(args("set_mempolicy", [0xFFFF_FFFF, 0, 0])[0],
                       "MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING|0xffff1fff")
    }

    // tests/fcntl.c (struct_flock.c)
    func testFcntlLockStruct() {
        var m = PagedMemory()
        m.regions[0x1000] = [0, 0, 0, 0, 0, 0, 0, 0] + words64([0, 4096, 0])
        m.regions[0x2000] = [0, 0, 0, 0, 0, 0, 0, 0] + words64([0, 4096]) + [0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(args("fcntl", [0, 7, 0x2000], m).last, "0x2000")
        XCTAssertEqual(args("fcntl", [0, 6, 0x1000], m),
                       ["0", "F_SETLK", "{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=4096}"])
        XCTAssertEqual(args("fcntl", [0, 37, 0x9000], m).last, "0x9000")
    }

    // tests/getrlimit.c, prlimit64.c: an unknown resource reads 0x10 /* RLIMIT_??? */
    func testUnknownRlimitResourceIsHexWithNote() {
        XCTAssertEqual(args("getrlimit", [16, 0]), ["0x10 /* RLIMIT_??? */", "NULL"])
        XCTAssertEqual(args("prlimit64", [0, 0xDEAD_BEEF_0000_0003, 0, 0]).prefix(2), ["0", "RLIMIT_STACK"])
    }

    // tests/move_pages.c: pages and nodes as arrays (-s elements), status at exit with errno names
    func testMovePagesArrays() {
        var m = PagedMemory()
        m.regions[0x1000] = words64([0x7000, 0x8000, 0x9000, 0xA000])  // pages
        m.regions[0x2000] = words32([-559_038_751, 1])                   // nodes (2 only)
        m.regions[0x3000] = words32([0, -14, 5, Int32.min])              // status after the call
        let pid = UInt64(42)
        XCTAssertEqual(args("move_pages", [pid, 0, 0x1000, 0, 0x3000, 2], m, ret: 0),
                       ["42", "0", "[]", "NULL", "[]", "MPOL_MF_MOVE"])
        XCTAssertEqual(args("move_pages", [pid, 3, 0x1000, 0, 0x3000, 2], m, ret: 0),
                       ["42", "3", "[0x7000, 0x8000, 0x9000]", "NULL", "[0, -EFAULT, 5]", "MPOL_MF_MOVE"])
        XCTAssertEqual(args("move_pages", [pid, 3, 0x1000, 0x2000, 0x3000, 4], m, ret: -19),
                       ["42", "3", "[0x7000, 0x8000, 0x9000]", "[-559038751, 1, ... /* 0x2008 */]", "0x3000", "MPOL_MF_MOVE_ALL"])
        XCTAssertEqual(args("move_pages", [pid, 4, 0, 0, 0x3000, 2], m, ret: 0)[4], "[0, -EFAULT, 5, -2147483648]")
        XCTAssertEqual(args("move_pages", [pid, 1, 0x5000, 0x2000, 0, 8], m, ret: -14),
                       ["42", "1", "0x5000", "[-559038751]", "NULL", "0x8 /* MPOL_??? */"])
    }

    // tests/move_pages-Xraw.c, kcmp-Xverbose…: the suite's table constants follow -X raw|verbose too
    func testSuiteTableConstantsFollowXStyles() {
        func styled(_ name: String, _ a: [UInt64], _ mode: StraceLineStyles.Constants) -> [String] {
            let d = SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: nil, at: .entry)
            let r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr(name), name: name, args: d.args,
                                  rawArgs: a.map { Address($0) }, ret: 0, entryNs: 0)
            return StraceLineStyles.constants(r, mode).args
        }
        XCTAssertEqual(styled("move_pages", [1, 0, 0, 0, 0, 4], .raw).last, "0x4")
        XCTAssertEqual(styled("move_pages", [1, 0, 0, 0, 0, 4], .verbose).last, "0x4 /* MPOL_MF_MOVE_ALL */")
        XCTAssertEqual(styled("kcmp", [1, 2, 1], .raw), ["1", "2", "0x1"])
        // An unknown value already reads `raw /* X_??? */`: verbose does not wrap it twice.
        XCTAssertEqual(styled("kcmp", [1, 2, 0xDA7A_DEAD, 3, 4], .verbose)[2], "0xda7adead /* KCMP_??? */")
        XCTAssertEqual(styled("getrlimit", [16, 0], .verbose)[0], "0x10 /* RLIMIT_??? */")
        XCTAssertEqual(styled("getrlimit", [0, 0], .raw)[0], "0")
    }
}
