import XCTest
@testable import StackCross

/// The dec-io family (SyscallDecoder+IO.swift, +IoUring.swift); expected text from strace 6.1's own
/// tests (tests/io_uring_register.c, fanotify_mark.c, memfd_create.c, ioprio.c, landlock_*.c…).
final class SyscallDecoderIOTests: XCTestCase, DecodesX86_64Calls {
    func u32(_ v: [UInt32]) -> [UInt8] { v.flatMap { x in (0 ..< 4).map { UInt8(truncatingIfNeeded: x >> ($0 * 8)) } } }
    func u64(_ v: [UInt64]) -> [UInt8] { v.flatMap { x in (0 ..< 8).map { UInt8(truncatingIfNeeded: x >> ($0 * 8)) } } }
    // tests/io_uring_register.c: IORING_REGISTER_FILES2 / BUFFERS_UPDATE structures, bytes past them.
    func testIoUringRegisterResources() {
        var m = PagedMemory()
        // io_uring_rsrc_register {nr 3, flags SPARSE|0xbadc0dec, resv2, data NULL, tags NULL} + 8 more bytes.
        m.regions[0x1000] = u32([3, 0xBADC_0DED]) + u64([0xFACE_CAFE_BEEF_FEED, 0, 0]) + (0xA0 ... 0xA7).map { UInt8($0) }
        XCTAssertEqual(args("io_uring_register", [0, 13, 0x1000, 40], m),
                       ["0", "IORING_REGISTER_FILES2",
                        #"{nr=3, flags=IORING_RSRC_REGISTER_SPARSE|0xbadc0dec, resv2=0xfacecafebeeffeed, data=NULL, tags=NULL, /* bytes 32..39 */ "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7"}"#,
                        "40"])
        // Shorter than the structure: the address.
        XCTAssertEqual(args("io_uring_register", [0, 13, 0x1000, 24], m)[2], "0x1000")
        // io_uring_rsrc_update2 {offset 0, resv, data -> 2 iovecs, tags -> [0, 1], nr 2}.
        m.regions[0x2000] = u32([0, 0xBADC_0DED]) + u64([0x3000, 0x4000]) + u32([2, 0])
        m.regions[0x3000] = u64([0, 0, 0xDEAD, 5])
        m.regions[0x4000] = u64([0, 1])
        XCTAssertEqual(args("io_uring_register", [0, 16, 0x2000, 32], m)[1 ... 2],
                       ["IORING_REGISTER_BUFFERS_UPDATE",
                        "{offset=0, resv=0xbadc0ded, data=[{iov_base=NULL, iov_len=0}, {iov_base=0xdead, iov_len=5}], tags=[0, 0x1], nr=2}"])
        XCTAssertEqual(args("io_uring_register", [0, 13, 0x1000, 32], m, constants: .raw)[1 ... 2],
                       ["0xd", "{nr=3, flags=0xbadc0ded, resv2=0xfacecafebeeffeed, data=NULL, tags=NULL}"])
        XCTAssertEqual(args("io_uring_register", [0, 0x18, 0, 0], constants: .verbose)[1], "0x18 /* IORING_REGISTER_??? */")
    }

    // tests/io_uring_register.c: restrictions, ring fds, buffer rings, files update.
    func testIoUringRegisterArrays() {
        var m = PagedMemory()
        m.regions[0x1000] = [0, 0, 0x17, 0x77] + u32([0, 0, 0]) + [1, 0, 0x2F, 0] + u32([0, 0, 0])
            + [2, 0, 0x80, 0] + u32([0, 0x5, 0])
        XCTAssertEqual(args("io_uring_register", [0, 11, 0x1000, 3], m)[2],
                       "[{opcode=IORING_RESTRICTION_REGISTER_OP, register_op=IORING_UNREGISTER_PBUF_RING, resv=0x77}, "
                       + "{opcode=IORING_RESTRICTION_SQE_OP, sqe_op=0x2f /* IORING_OP_??? */}, "
                       + "{opcode=IORING_RESTRICTION_SQE_FLAGS_ALLOWED, sqe_flags=0x80 /* IOSQE_??? */, resv2=[0, 0x5, 0]}]")
        // The second element is past the mapping: `... /* address */`.
        m.regions[0x2000] = u32([0xFFFF_FFFF, 0x0707_0707]) + u64([0xBADC_0DED_FFFF_FFFF])
        XCTAssertEqual(args("io_uring_register", [0, 20, 0x2000, 2], m)[2],
                       "[{offset=-1, resv=0x7070707, data=-1}, ... /* 0x2010 */]")
        XCTAssertEqual(args("io_uring_register", [0, 21, 0x2000, 1], m)[2],
                       "[{offset=4294967295, resv=0x7070707, data=0xbadc0dedffffffff}]")
        m.regions[0x3000] = u64([0x7000]) + u32([0, 42069]) + u64([0, 0xBADC_0DED, 0])
        XCTAssertEqual(args("io_uring_register", [0, 23, 0x3000, 66], m)[2],
                       "{ring_addr=0x7000, ring_entries=0, bgid=42069, resv=[0, 0xbadc0ded, 0]}")
        m.regions[0x4000] = u32([0xDEAD_BEEF, 0]) + u64([0x5000])
        m.regions[0x5000] = u32([UInt32(bitPattern: -1), UInt32(bitPattern: -2), UInt32(bitPattern: -3)])
        XCTAssertEqual(args("io_uring_register", [0, 6, 0x4000, 3], m)[2],
                       "{offset=3735928559, fds=[-1, IORING_REGISTER_FILES_SKIP, -3]}")
        XCTAssertEqual(args("io_uring_register", [0, 2, 0x5000, 0], m)[2], "[]")
    }

    // tests/io_uring_setup.c: the kernel's answer follows the caller's fields after a successful call.
    func testIoUringSetupParams() {
        var m = PagedMemory()
        m.regions[0x1000] = u32([2, 4, 0, 0, 0, 0x1FFF, 0, 0, 0, 0]) + u32([0, 4, 16, 24, 36, 32, 128, 0]) + u64([0])
            + u32([8, 12, 20, 28, 44, 64, 40, 0]) + u64([0])
        XCTAssertEqual(args("io_uring_setup", [2, 0x1000], m, ret: -22)[1], "{flags=0, sq_thread_cpu=0, sq_thread_idle=0}")
        XCTAssertEqual(args("io_uring_setup", [2, 0x1000], m, ret: 4)[1],
                       "{flags=0, sq_thread_cpu=0, sq_thread_idle=0, sq_entries=2, cq_entries=4, features=IORING_FEAT_SINGLE_MMAP|"
                       + "IORING_FEAT_NODROP|IORING_FEAT_SUBMIT_STABLE|IORING_FEAT_RW_CUR_POS|IORING_FEAT_CUR_PERSONALITY|"
                       + "IORING_FEAT_FAST_POLL|IORING_FEAT_POLL_32BITS|IORING_FEAT_SQPOLL_NONFIXED|IORING_FEAT_EXT_ARG|"
                       + "IORING_FEAT_NATIVE_WORKERS|IORING_FEAT_RSRC_TAGS|IORING_FEAT_CQE_SKIP|IORING_FEAT_LINKED_FILE, "
                       + "sq_off={head=0, tail=4, ring_mask=16, ring_entries=24, flags=36, dropped=32, array=128}, "
                       + "cq_off={head=8, tail=12, ring_mask=20, ring_entries=28, overflow=44, cqes=64, flags=40}}")
        XCTAssertEqual(args("io_uring_enter", [3, 1, 2, 0xFFFF_FFFF, 0, 8]).prefix(4),
                       ["3", "1", "2", "IORING_ENTER_GETEVENTS|IORING_ENTER_SQ_WAKEUP|IORING_ENTER_SQ_WAIT|IORING_ENTER_EXT_ARG|IORING_ENTER_REGISTERED_RING|0xffffffe0"])
    }

    // tests/fanotify_mark.c, remap_file_pages.c, memfd_create.c
    func testFanotifyMarkRemapFilePagesMemfdCreate() {
        XCTAssertEqual(args("fanotify_mark", [3, 0xFFFF_FFFF_0000_0001, 0xFFFF_FFFF_A7F0_2000, 0xFFFF_FFFF, 0]),
                       ["3", "FAN_MARK_ADD", "0xffffffffa7f02000 /* FAN_??? */", "FAN_NOFD", "NULL"])
        XCTAssertEqual(args("fanotify_mark", [3, 0, 2, 0xFFFF_FFFF, 0], constants: .verbose)[1 ... 3], ["0", "0x2 /* FAN_MODIFY */", "-1 /* FAN_NOFD */"])
        XCTAssertEqual(args("remap_file_pages", [0x1000, 10, 7, 3, 0x5404_401F]),
                       ["0x1000", "10", "PROT_READ|PROT_WRITE|PROT_EXEC", "3",
                        "0xf /* MAP_??? */|MAP_FIXED|MAP_NORESERVE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT"])
        XCTAssertEqual(args("remap_file_pages", [0, 0, 7, 0, 0x22], constants: .raw).suffix(3), ["0x7", "0", "0x22"])
        XCTAssertEqual(args("memfd_create", [0, 0x7800_0000]), ["NULL", "30<<MFD_HUGE_SHIFT"])
        XCTAssertEqual(args("memfd_create", [0, 0xFFFF_FFFF], constants: .verbose)[1],
                       "0xffffffff /* MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB|0x3fffff8|63<<MFD_HUGE_SHIFT */")
        XCTAssertEqual(args("memfd_create", [0, 0], constants: .verbose)[1], "0")
    }

    // tests/ioprio.c, landlock_*.c, close_range.c, preadv2-pwritev2.c
    func testIoprioLandlockCloseRangePreadv2() {
        XCTAssertEqual(args("ioprio_set", [2, 6549, 8191]), ["IOPRIO_WHO_PGRP", "6549", "IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 8191)"])
        XCTAssertEqual(args("ioprio_get", [0xFA57_BEEF, 1])[0], "0xfa57beef /* IOPRIO_WHO_??? */")
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("ioprio_get"), ret: 0x4004, memory: nil),
                       "16388 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4))")
        XCTAssertEqual(args("ioprio_set", [1, 0, 0x2004], constants: .verbose)[2], "8196 /* IOPRIO_PRIO_VALUE(0x1 /* IOPRIO_CLASS_RT */, 4) */")
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("ioprio_get"), ret: 0, memory: nil, constants: .raw), "0")
        var m = PagedMemory()
        m.regions[0x1000] = u64([1]) + u32([UInt32(bitPattern: -1)])
        XCTAssertEqual(args("landlock_create_ruleset", [0x1000, 12, 0], m), ["{handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE, ...}", "12", "0"])
        XCTAssertEqual(args("landlock_create_ruleset", [0x1000, 4, 0], m)[0], "0x1000")
        XCTAssertEqual(args("landlock_add_rule", [UInt64(bitPattern: -1), 1, 0x1000, 0], m),
                       ["-1", "LANDLOCK_RULE_PATH_BENEATH", "{allowed_access=LANDLOCK_ACCESS_FS_EXECUTE, parent_fd=-1}", "0"])
        XCTAssertEqual(args("close_range", [0xFFFF_FFFE, 0xFFFF_FFFF, 7]),
                       ["4294967294", "4294967295", "CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC|0x1"])
        XCTAssertEqual(args("preadv2", [UInt64(bitPattern: -1), 0, 3, 0x7AC5_FEED_DEAD_BEEF, 5, 1]),
                       ["-1", "NULL", "3", String(0x7AC5_FEED_DEAD_BEEF), "RWF_HIPRI"])
    }

    // tests/keyctl.c: each command's arguments, buffers read back at exit, -X on nested serials.
    func testKeyctl() {
        var m = PagedMemory()
        m.regions[0x1000] = Array("keyring;0;0;3f010000;_tid".utf8) + [0]
        XCTAssertEqual(args("keyctl", [0, UInt64(bitPattern: -1), UInt64(bitPattern: -1_153_374_643)]),
                       ["KEYCTL_GET_KEYRING_ID", "KEY_SPEC_THREAD_KEYRING", "-1153374643"])
        XCTAssertEqual(args("keyctl", [18, 1, 2, 3, 4]), ["KEYCTL_SESSION_TO_PARENT"])
        XCTAssertEqual(args("keyctl", [6, UInt64(bitPattern: -1), 0x1000, 256], m, ret: 26),
                       ["KEYCTL_DESCRIBE", "KEY_SPEC_THREAD_KEYRING", "\"keyring;0;0;3f010000;_tid\"", "256"])
        XCTAssertEqual(args("keyctl", [11, 7, 0x1000, 9], m, ret: -22), ["KEYCTL_READ", "7", "0x1000", "9"])
        XCTAssertEqual(args("keyctl", [5, UInt64(bitPattern: -7), 0xC0C0_C0C0]),
                       ["KEYCTL_SETPERM", "KEY_SPEC_REQKEY_AUTH_KEY", "0xc0c0c0c0 /* KEY_??? */"])
        XCTAssertEqual(args("keyctl", [0xFACE_FEED, 1, 2, 3, 4]), ["0xfacefeed /* KEYCTL_??? */", "0x1", "0x2", "0x3", "0x4"])
        XCTAssertEqual(args("keyctl", [19, 1, 2, 19, UInt64(bitPattern: -6)], constants: .verbose),
                       ["0x13 /* KEYCTL_REJECT */", "1", "2", "19 /* ENODEV */", "-6 /* KEY_SPEC_GROUP_KEYRING */"])
        // struct keyctl_kdf_params is 56 bytes: 52 readable ones show the address.
        m.regions[0x2000] = [UInt8](repeating: 0, count: 56)
        m.regions[0x3000] = [UInt8](repeating: 0, count: 52)
        XCTAssertEqual(args("keyctl", [23, 0, 0, 9, 0x2000], m, ret: -95).last, "{hashname=NULL, otherinfo=NULL, otherinfolen=0}")
        XCTAssertEqual(args("keyctl", [23, 0, 0, 9, 0x3000], m, ret: -95).last, "0x3000")
    }

    // tests/bpf.c: the attr as far as size covers it, `...` for set bytes past it, next_id in/out.
    func testBpf() {
        var m = PagedMemory()
        m.regions[0x1000] = u32([UInt32.max, 0]) + [UInt8](repeating: 0, count: 240) + [1, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(args("bpf", [22, 0x1000, 4], m), ["BPF_MAP_FREEZE", "{map_fd=-1}", "4"])
        XCTAssertEqual(args("bpf", [22, 0x1000, 256], m), ["BPF_MAP_FREEZE", "{map_fd=-1, ...}", "256"])
        XCTAssertEqual(args("bpf", [22, 0, 256], m)[1], "NULL")
        XCTAssertEqual(args("bpf", [0xFF, 0x1000, 4], m)[0], "0xff /* BPF_??? */")
        m.regions[0x2000] = u32([1, 2, 0])
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr("bpf"), args: [11, 0x2000, 12], memory: m, at: .entry)
        XCTAssertEqual(entry.args[1], "{start_id=1, next_id=2, open_flags=0}")
        m.regions[0x2000] = u32([1, 7, 0])
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("bpf"), args: [11, 0x2000, 12], memory: m, at: .exit(0),
                                             entry: entry).args[1], "{start_id=1, next_id=2 => 7, open_flags=0}")
    }
}
