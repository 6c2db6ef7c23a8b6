import XCTest
@testable import StackCross

/// The file-system family (SyscallDecoder+Mount.swift); expected text from strace 6.1's own tests
/// (tests/quotactl.c, openat2.c, fsconfig.c, mount.c, statx.c, … in strace's tree).
final class SyscallDecoderFsTests: XCTestCase {
    func nr(_ name: String) -> Int64 { Int64(SyscallTable.x86_64.number(of: name)!) }
    func args(_ name: String, _ a: [UInt64], _ m: TraceeMemory? = nil, ret: Int64? = nil, limit: Int = 32) -> [String] {
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, stringLimit: limit, at: .entry)
        guard let ret else { return entry.args }
        return SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, stringLimit: limit, at: .exit(ret),
                                     entry: entry).args
    }
    /// The line's arguments as -X raw|verbose (or -v, when `verbose`) shows them at the call's exit.
    func styled(_ name: String, _ a: [UInt64], _ m: TraceeMemory? = nil, ret: Int64 = -2,
                _ mode: StraceLineStyles.Constants = .abbrev, verbose: Bool = false) -> [String] {
        var shown = args(name, a, m, ret: ret)
        if verbose {
            shown = SyscallDecoder.verbose(abi: .x86_64, nr: nr(name), rawArgs: a, args: shown, memory: m, stringLimit: 32,
                                           at: .exit(ret))
        }
        let r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr(name), name: name, args: shown,
                              rawArgs: a.map { Address($0) }, ret: ret, entryNs: 0)
        return StraceLineStyles.constants(r, mode).args
    }
    func w32(_ v: [UInt32]) -> [UInt8] { v.flatMap { x in (0 ..< 4).map { UInt8(truncatingIfNeeded: x >> ($0 * 8)) } } }
    func w64(_ v: [UInt64]) -> [UInt8] { v.flatMap { x in (0 ..< 8).map { UInt8(truncatingIfNeeded: x >> ($0 * 8)) } } }
    func cstr(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }
    let minus1 = UInt64(UInt32.max)

    // tests/quotactl.c, quotactl-xfs.c, quotactl_fd.c
    func testQuotactlShowsQcmdAndTheArgumentsItsCommandUses() {
        var m = PagedMemory()
        m.regions[0x1000] = cstr("/dev/bogus/")
        m.regions[0x2000] = cstr("/tmp/bogus/")
        m.regions[0x3000] = w64([9_765_639_646_188_044_672, 10_344_361_028_892_658_056]) + w32([0xDEAD_ABCD, 0x9796_9594])
        m.regions[0x4000] = w32([0xDEAD_BEEF])
        XCTAssertEqual(args("quotactl", [0x8000_0200, 0x1000, 1, 0x2000], m, ret: -2),
                       ["QCMD(Q_QUOTAON, USRQUOTA)", "\"/dev/bogus/\"", "QFMT_VFS_OLD", "\"/tmp/bogus/\""])
        XCTAssertEqual(args("quotactl", [0xBADC_0DED, 0, 0xCA7F_ACED, 0], m, ret: -22),
                       ["QCMD(0xbadc0d /* Q_??? */, 0xed /* ???QUOTA */)", "NULL", "3397364973", "NULL"])
        XCTAssertEqual(args("quotactl", [0, 0, minus1, 0], m, ret: -19), ["QCMD(0 /* Q_??? */, USRQUOTA)", "NULL", "-1", "NULL"])
        // Q_QUOTAOFF takes no id nor addr; Q_SETINFO no id; a get's addr is an address when the call failed.
        XCTAssertEqual(args("quotactl", [0x8000_0301, 0x1000, 5, 6], m, ret: -2), ["QCMD(Q_QUOTAOFF, GRPQUOTA)", "\"/dev/bogus/\""])
        XCTAssertEqual(args("quotactl", [0x8000_0600, 0x1000, 5, 0x3000], m, ret: -2),
                       ["QCMD(Q_SETINFO, USRQUOTA)", "\"/dev/bogus/\"", "{dqi_bgrace=9765639646188044672, "
                        + "dqi_igrace=10344361028892658056, dqi_flags=DQF_ROOT_SQUASH|DQF_SYS_FILE|0xdeacabcc, dqi_valid=IIF_FLAGS|0x97969590}"])
        XCTAssertEqual(args("quotactl", [0x8000_0501, 0x1000, 5, 0x3000], m, ret: -2), ["QCMD(Q_GETINFO, GRPQUOTA)", "\"/dev/bogus/\"", "0x3000"])
        XCTAssertEqual(args("quotactl", [0x8000_0400, 0x1000, 5, 0x4000], m, ret: 0).last, "[0xdeadbeef /* QFMT_VFS_??? */]")
        XCTAssertEqual(args("quotactl", [0x0058_0100, 0x1000, 0, 0x4000], m, ret: -2).last,
                       "[FS_QUOTA_UDQ_ACCT|FS_QUOTA_UDQ_ENFD|FS_QUOTA_GDQ_ACCT|FS_QUOTA_GDQ_ENFD|FS_QUOTA_PDQ_ENFD|0xdeadbec0]")
        XCTAssertEqual(args("quotactl_fd", [minus1, 0x8000_0401, 0xFFFF_FFFE, 0x4000], m, ret: -9),
                       ["-1", "QCMD(Q_GETFMT, GRPQUOTA)", "0x4000"])
    }

    func testQuotactlStructsAbbreviatedUnlessVerboseAndQcmdUnderX() {
        var m = PagedMemory()
        m.regions[0x1000] = cstr("/dev/bogus/")
        m.regions[0x3000] = w64((0 ..< 8).map { 100 + $0 }) + w32([0x21, 0])
        let setquota: [UInt64] = [0x8000_0802, 0x1000, 3_141_592_653, 0x3000]
        XCTAssertEqual(styled("quotactl", setquota, m).last,
                       "{dqb_bhardlimit=100, dqb_bsoftlimit=101, dqb_curspace=102, dqb_ihardlimit=103, dqb_isoftlimit=104, dqb_curinodes=105, ...}")
        XCTAssertEqual(styled("quotactl", setquota, m, verbose: true).last,
                       "{dqb_bhardlimit=100, dqb_bsoftlimit=101, dqb_curspace=102, dqb_ihardlimit=103, dqb_isoftlimit=104, "
                       + "dqb_curinodes=105, dqb_btime=106, dqb_itime=107, dqb_valid=QIF_BLIMITS|QIF_ITIME}")
        XCTAssertEqual(styled("quotactl", setquota, m, .raw).first, "2147485698")
        XCTAssertEqual(styled("quotactl", setquota, m, .verbose).first, "2147485698 /* QCMD(Q_SETQUOTA, PRJQUOTA) */")
        XCTAssertEqual(styled("quotactl", [0x8000_0200, 0x1000, 1, 0], m, .verbose)[2], "0x1 /* QFMT_VFS_OLD */")
        m.regions[0x5000] = w64([1, 2]) + w32([0xDEAD_ABCD, 0x9796_9594])
        XCTAssertEqual(styled("quotactl", [0x8000_0600, 0x1000, 0, 0x5000], m, .raw).last,
                       "{dqi_bgrace=1, dqi_igrace=2, dqi_flags=0xdeadabcd, dqi_valid=0x97969594}")
    }

    // tests/openat2.c
    func testOpenat2ShowsOpenHowAsStraceDoes() {
        var m = PagedMemory()
        m.regions[0x1000] = cstr("openat2.sample")
        m.regions[0x2000] = w64([0x80, 0, 0]) + Array(0x80 ... 0x87)
        m.regions[0x3000] = w64([2 | 0o100000, 0xFFFF_FFFF_FFFF_FFFF, 0xFEED_FACE_DCAF_FEF1])
        m.regions[0x4000] = w64([0, 0, 0xDEC0_DEDB_EEFF_FFC0, 0])
        let cwd = UInt64(bitPattern: -1)
        XCTAssertEqual(args("openat2", [cwd, 0x1000, 0x2000, 11], m, ret: -22)[2], "0x2000")
        XCTAssertEqual(args("openat2", [cwd, 0x1000, 0x2000, 24], m, ret: -9)[2], "{flags=O_RDONLY|O_EXCL, resolve=0}")
        XCTAssertEqual(args("openat2", [cwd, 0x1000, 0x2000, 32], m, ret: -7)[2],
                       "{flags=O_RDONLY|O_EXCL, resolve=0, /* bytes 24..31 */ \"\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\"}")
        // Bytes past the struct that cannot be read: `???`; all zero: nothing.
        XCTAssertEqual(args("openat2", [cwd, 0x1000, 0x3000, 32], m, ret: -14)[2],
                       "{flags=O_RDWR|O_LARGEFILE, mode=01777777777777777777777, resolve=RESOLVE_NO_XDEV|RESOLVE_IN_ROOT|RESOLVE_CACHED|0xfeedfacedcaffec0, ???}")
        XCTAssertEqual(args("openat2", [cwd, 0x1000, 0x4000, 32], m, ret: -22)[2], "{flags=O_RDONLY, resolve=0xdec0dedbeeffffc0 /* RESOLVE_??? */}")
        XCTAssertEqual(styled("openat2", [cwd, 0x1000, 0x3000, 24], m, .raw)[2], "{flags=0x8002, mode=01777777777777777777777, resolve=0xfeedfacedcaffef1}")
        XCTAssertEqual(styled("openat2", [cwd, 0x1000, 0x2000, 24], m, .verbose)[2], "{flags=0x80 /* O_RDONLY|O_EXCL */, resolve=0}")
    }

    // tests/fsconfig.c, fsmount.c, move_mount.c, open_tree.c, fspick.c, mount_setattr.c
    func testNewMountApiCalls() {
        var m = PagedMemory()
        m.regions[0x1000] = cstr("key")
        m.regions[0x2000] = cstr("value")
        m.regions[0x3000] = [0, 0, 0x31]
        XCTAssertEqual(args("fsconfig", [3, 8, 0x1000, 0x2000, UInt64(bitPattern: -100)]), ["3", "0x8 /* FSCONFIG_??? */", "0x1000", "0x2000", "-100"])
        XCTAssertEqual(args("fsconfig", [3, 1, 0x1000, 0x2000, 0], m), ["3", "FSCONFIG_SET_STRING", "\"key\"", "\"value\"", "0"])
        XCTAssertEqual(args("fsconfig", [3, 2, 0x1000, 0x3000, 3], m), ["3", "FSCONFIG_SET_BINARY", "\"key\"", "\"\\x00\\x00\\x31\"", "3"])
        XCTAssertEqual(args("fsconfig", [3, 3, 0x1000, 0x2000, UInt64(bitPattern: -100)], m), ["3", "FSCONFIG_SET_PATH", "\"key\"", "\"value\"", "AT_FDCWD"])
        XCTAssertEqual(args("fsconfig", [3, 6, 0x1000, 0x2000, 5], m), ["3", "FSCONFIG_CMD_CREATE", "0x1000", "0x2000", "5"])
        // A key with no NUL among the 256 bytes read: `...` (printstr_ex), even with -s past it.
        m.regions[0x4000] = Array(repeating: 0x61, count: 256) + [0]
        XCTAssertEqual(args("fsconfig", [3, 0, 0x4000, 0, 0], m, limit: 300)[2], "\"" + String(repeating: "a", count: 256) + "\"...")
        XCTAssertEqual(args("fsmount", [UInt64(bitPattern: -100), 1, 0x11]), ["-100", "FSMOUNT_CLOEXEC", "MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME"])
        XCTAssertEqual(args("move_mount", [minus1, 0, minus1, 0, 0x44]).last, "MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH")
        XCTAssertEqual(args("open_tree", [minus1, 0, 0x80001]).last, "OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC")
        XCTAssertEqual(args("fspick", [minus1, 0, 0xFFFF_FFF0]).last, "0xfffffff0 /* FSPICK_??? */")
        m.regions[0x5000] = w64([0xFFFF_FFFF_0000_0000, 0, 0x20000, 9])
        XCTAssertEqual(args("mount_setattr", [minus1, 0, 0, 0x5000, 32], m).suffix(2),
                       ["{attr_set=0xffffffff00000000 /* MOUNT_ATTR_??? */, attr_clr=0, propagation=MS_UNBINDABLE, userns_fd=9}", "32"])
        XCTAssertEqual(args("mount_setattr", [minus1, 0, 0, 0x5000, 31], m)[3], "0x5000")
    }

    // tests/mount.c
    func testMountShowsTypeAndDataAsItsFlagsSay() {
        var m = PagedMemory()
        for (a, s) in [(0x1000, "src"), (0x2000, "dst"), (0x3000, "ext4"), (0x4000, "data")] { m.regions[UInt64(a)] = cstr(s) }
        XCTAssertEqual(args("mount", [0x1000, 0x2000, 0x3000, 0xC0ED_000F, 0x4000], m),
                       ["\"src\"", "\"dst\"", "\"ext4\"", "MS_MGC_VAL|MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC", "\"data\""])
        XCTAssertEqual(args("mount", [0x1000, 0x2000, 0x3000, 32, 0x4000], m), ["\"src\"", "\"dst\"", "0x3000", "MS_REMOUNT", "\"data\""])
        XCTAssertEqual(args("mount", [0x1000, 0x2000, 0x3000, 4096, 0x4000], m), ["\"src\"", "\"dst\"", "0x3000", "MS_BIND", "0x4000"])
        XCTAssertEqual(styled("mount", [0x1000, 0x2000, 0x3000, 0xC0ED_000F, 0x4000], m, .raw)[3], "0xc0ed0000|0xf")
        XCTAssertEqual(styled("mount", [0x1000, 0x2000, 0x3000, 0xC0ED_0000, 0x4000], m, .verbose)[3], "0xc0ed0000 /* MS_MGC_VAL */")
    }

    // tests/statfs.c, getdents-v.c, statx.c, sysctl.c
    func testFilledInStructs() {
        var m = PagedMemory()
        m.regions[0x1000] = cstr(".")
        m.regions[0x2000] = w64([0xEF53, 4096, 10, 9, 8, 7, 6]) + w32([0x9BA9_04DA, 0x9023_8CB5]) + w64([255, 4096, 0x1020, 0, 0, 0, 0])
        XCTAssertEqual(args("statfs", [0x1000, 0x2000], m, ret: 0).last,
                       "{f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=10, f_bfree=9, f_bavail=8, f_files=7, f_ffree=6, "
                       + "f_fsid={val=[0x9ba904da, 0x90238cb5]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}")
        XCTAssertEqual(args("fstatfs", [3, 0x2000], m, ret: -9).last, "0x2000")
        // linux_dirent64: ino, off, reclen, type, name.
        m.regions[0x3000] = w64([5, 6]) + [24, 0, 4] + cstr(".") + [0, 0, 0]
        XCTAssertEqual(styled("getdents64", [3, 0x3000, 8192], m, ret: 24, verbose: true)[1],
                       "[{d_ino=5, d_off=6, d_reclen=24, d_type=DT_DIR, d_name=\".\"}]")
        XCTAssertEqual(styled("getdents64", [3, 0x3000, 8192], m, ret: 0, verbose: true)[1], "[]")
        var stx = w32([0x1003, 4096]) + w64([0]) + w32([1, 0, UInt32.max, 0o020666]) + w64([5, 0, 0, 0])
        stx += w64([0, 0, 0, 0, 0, 0, 0, 0]) + w32([1, 7, 0, 6]) + w64([0x18]) + Array(repeating: 0, count: 104)
        m.regions[0x4000] = stx
        let sx: [UInt64] = [UInt64(bitPattern: -100), 0x1000, 0x6000, 0xFFF, 0x4000]
        XCTAssertEqual(args("statx", sx, m, ret: 0)[2], "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC")
        XCTAssertEqual(args("statx", [0, 0, 0, 0xFFFF_C000, 0], m)[3], "0xffffc000 /* STATX_??? */")
        XCTAssertEqual(styled("statx", sx, m, ret: 0, verbose: true)[4],
                       "{stx_mask=STATX_TYPE|STATX_MODE|STATX_MNT_ID, stx_blksize=4096, stx_attributes=0, stx_mode=S_IFCHR|0666, "
                       + "stx_attributes_mask=0, stx_rdev_major=1, stx_rdev_minor=7, stx_dev_major=0, stx_dev_minor=6, stx_mnt_id=0x18}")
        m.regions[0x5000] = w64([0, 0, 0, 0, 0, 0]) + Array(repeating: 0, count: 32)
        XCTAssertEqual(args("_sysctl", [0x5000], m), ["{name=NULL, nlen=0, oldval=NULL, oldlenp=NULL, newval=NULL, newlen=0}"])
    }

    // tests/utimes.c, utimensat.c, utime.c (TZ=UTC below)
    func testTimePairsWithTheirComments() {
        setenv("TZ", "UTC", 1)
        tzset()
        var m = PagedMemory()
        m.regions[0x1000] = cstr("f")
        m.regions[0x2000] = w64([1_492_358_607, 345_678, 1_492_356_078, 1_000_001])
        XCTAssertEqual(args("utimes", [0x1000, 0x2000], m).last,
                       "[{tv_sec=1492358607, tv_usec=345678} /* 2017-04-16T16:03:27.345678+0000 */, {tv_sec=1492356078, tv_usec=1000001}]")
        m.regions[0x3000] = w64([0, (1 << 30) - 1, 5, (1 << 30) - 2])
        XCTAssertEqual(args("utimensat", [UInt64(bitPattern: -100), 0x1000, 0x3000, 0x100], m)[2], "[UTIME_NOW, UTIME_OMIT]")
        m.regions[0x4000] = w64([0, 0, 0xCAFE_F00D_DEAD_BEEF, 0])
        XCTAssertEqual(args("utimensat", [UInt64(bitPattern: -100), 0x1000, 0x4000, 0], m)[2],
                       "[{tv_sec=0, tv_nsec=0}, {tv_sec=-3819351491602432273, tv_nsec=0}]")
        m.regions[0x5000] = w64([1_492_350_678, 1_492_350_678])
        XCTAssertEqual(args("utime", [0x1000, 0x5000], m).last,
                       "{actime=1492350678 /* 2017-04-16T13:51:18+0000 */, modtime=1492350678 /* 2017-04-16T13:51:18+0000 */}")
    }

    // tests/xattr.c, reboot.c, kexec_file_load.c, delete_module.c, chdir.c
    func testStringsAsTheirCallsBoundThem() {
        var m = PagedMemory()
        m.regions[0x1000] = cstr("strace.test")
        m.regions[0x2000] = Array("foo\0bar\0".utf8)
        XCTAssertEqual(args("fsetxattr", [minus1, 0x1000, 0x2000, 8, 2], m), ["-1", "\"strace.test\"", "\"foo\\0bar\"", "8", "XATTR_REPLACE"])
        XCTAssertEqual(args("fsetxattr", [minus1, 0x1000, 0x2000, 65537, 1], m)[2], "0x2000")
        XCTAssertEqual(args("kexec_file_load", [minus1, minus1, 7, 0x2000, 0], m)[3], "\"foo\\0bar\"")
        XCTAssertEqual(args("kexec_file_load", [minus1, minus1, 9, 0x2000, 0], m)[3], "0x2000")
        XCTAssertEqual(args("delete_module", [0, 0xFFFF_FFFF], m)[1], "O_NONBLOCK|O_TRUNC|0xfffff5ff")
        m.regions[0x3000] = Array(repeating: 0x41, count: 255) + [0x42, 0]
        XCTAssertEqual(args("reboot", [0xFEE1_DEAD, 0x2812_1969, 0xA1B2_C3D4, 0x3000], m, limit: 256).last,
                       "\"" + String(repeating: "A", count: 255) + "\"...")
        // strace reads PATH_MAX bytes of a path: without a NUL in them, 4095 and `...`.
        m.regions[0x4000] = Array(repeating: 0x30, count: 4096) + [0]
        XCTAssertEqual(args("chdir", [0x4000], m)[0], "\"" + String(repeating: "0", count: 4095) + "\"...")
        // 4095 bytes and then unmapped memory: strace's umovestr of PATH_MAX bytes fails, the address shows.
        m.regions[0x8000] = Array(repeating: 0xFF, count: 4095)
        XCTAssertEqual(args("chdir", [0x8000], m)[0], "0x8000")
        m.regions[0x6000] = Array(repeating: 0x30, count: 4095) + [0]
        XCTAssertEqual(args("chdir", [0x6000], m)[0], "\"" + String(repeating: "0", count: 4095) + "\"")
    }

    // tests/setrlimit-Xraw.c, fstat-Xverbose.c
    func testStructConstantsFollowXStyles() {
        var m = PagedMemory()
        m.regions[0x1000] = w64([UInt64.max, 8192 * 1024])
        XCTAssertEqual(styled("setrlimit", [0, 0x1000], m, ret: 0)[1], "{rlim_cur=RLIM64_INFINITY, rlim_max=8192*1024}")
        XCTAssertEqual(styled("setrlimit", [0, 0x1000], m, ret: 0, .raw)[1], "{rlim_cur=18446744073709551615, rlim_max=8388608}")
        XCTAssertEqual(styled("setrlimit", [0, 0x1000], m, ret: 0, .verbose)[1],
                       "{rlim_cur=18446744073709551615 /* RLIM64_INFINITY */, rlim_max=8388608 /* 8192*1024 */}")
        m.regions[0x2000] = w64([1024, 1024])
        XCTAssertEqual(styled("setrlimit", [0, 0x2000], m, ret: 0)[1], "{rlim_cur=1024, rlim_max=1024}")
        var st = w64([0xFE00, 7, 1]) + w32([0o100640, 0, 0, 0]) + w64([0, 5, 4096, 0])
        st += Array(repeating: 0, count: 120 - st.count)
        m.regions[0x3000] = st
        XCTAssertEqual(styled("fstat", [0, 0x3000], m, ret: 0, .verbose)[1], "{st_mode=0100640 /* S_IFREG|0640 */, st_size=5, ...}")
        XCTAssertEqual(styled("fstat", [0, 0x3000], m, ret: 0, .raw, verbose: true)[1].prefix(44), "{st_dev=0xfe00, st_ino=7, st_mode=0100640, s")
    }

    // tests/faccessat.c, faccessat2.c, openat.c, execveat.c
    func testUnknownAccessBitsOpenInternalsAndUnterminatedArrays() {
        XCTAssertEqual(args("faccessat", [minus1, 0, 8]).last, "0x8 /* ?_OK */")
        XCTAssertEqual(args("faccessat2", [minus1, 0, 0, 1]).last, "0x1 /* AT_??? */")
        XCTAssertEqual(args("openat", [minus1, 0, 0x100000]).last, "O_RDONLY|__O_SYNC")
        XCTAssertEqual(args("openat", [minus1, 0, 0x400000, 0]).suffix(2), ["O_RDONLY|__O_TMPFILE", "000"])
        var m = PagedMemory()
        m.regions[0x1000] = cstr("a")
        m.regions[0x2000] = w64([0x1000, 0x1000])  // no NULL: the page ends
        XCTAssertEqual(args("execveat", [UInt64(bitPattern: -100), 0x1000, 0x2000, 0x2000, 0], m)[2...3],
                       ["[\"a\", \"a\", ... /* 0x2010 */]", "0x2000 /* 2 vars, unterminated */"])
        XCTAssertEqual(SyscallDecoder.verbose(abi: .x86_64, nr: nr("execveat"), rawArgs: [0, 0x1000, 0x2000, 0x2000, 0],
                                              args: ["", "", "", "", ""], memory: m, stringLimit: 32, at: .entry)[2],
                       "[\"a\", \"a\", ... /* 0x2010 */]")
    }
}
