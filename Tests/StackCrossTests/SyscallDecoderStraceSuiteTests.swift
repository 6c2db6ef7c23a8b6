import XCTest
@testable import StackCross

/// Tracee memory whose regions end in unmapped memory, read the way the live reader reads: a string
/// that reaches a region's end without a NUL comes back cut short and `truncated`.
struct PagedMemory: TraceeMemory {
    var regions: [UInt64: [UInt8]] = [:]

    func read(_ address: UInt64, count: Int) -> [UInt8]? {
        for (base, bytes) in regions where address >= base && address - base + UInt64(count) <= UInt64(bytes.count) {
            let o = Int(address - base)
            return Array(bytes[o ..< o + count])
        }
        return nil
    }

    func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        for (base, bytes) in regions where address >= base && address < base + UInt64(bytes.count) {
            let tail = bytes[Int(address - base)...]
            if let z = tail.firstIndex(of: 0), z - tail.startIndex <= limit { return (Array(tail[..<z]), false) }
            return (Array(tail.prefix(limit)), true)
        }
        return nil
    }

    func fdPath(_ fd: Int32) -> String? { nil }
}

/// Decodings strace 6.1's own tests check (Benchmarks/strace-suite.sh), one kind per test.
final class SyscallDecoderStraceSuiteTests: XCTestCase, DecodesX86_64Calls {

    func testStringRunningIntoUnreadableMemoryShowsTheAddress() {
        var m = PagedMemory()
        m.regions[0x1000] = [0x78]  // "x", then nothing mapped
        XCTAssertEqual(args("chdir", [0x1000], m), ["0x1000"])
        m.regions[0x2000] = Array("ab".utf8) + [0]
        XCTAssertEqual(args("chdir", [0x2000], m), ["\"ab\""])
        // Cut at -s (not by a fault): still the string with `...`.
        m.regions[0x3000] = Array(repeating: 0x61, count: 40) + [0]
        XCTAssertEqual(args("memfd_create", [0x3000, 0], m).first, "\"" + String(repeating: "a", count: 32) + "\"...")
    }

    func testFlagArgumentsAreThirtyTwoBit() {
        XCTAssertEqual(args("userfaultfd", [0xDEFA_CED0_0000_0000]), ["0"])
        XCTAssertEqual(args("userfaultfd", [0xDEFA_CED0_0000_0800]), ["O_NONBLOCK"])
        // unshare's flags are unsigned long: all 64 bits shown.
        XCTAssertEqual(args("unshare", [0x1_0000_0000]), ["0x100000000 /* CLONE_??? */"])
    }

    func testUidMinusOneIsSigned() {
        XCTAssertEqual(args("setfsuid", [0xFFFF_FFFF]), ["-1"])
        XCTAssertEqual(args("setresuid", [0xFFFF_FFFF, 0, 0xFFFF_FFFE]), ["-1", "0", "4294967294"])
    }

    func testUnknownBitsCarryStracesNote() {
        XCTAssertEqual(args("dup3", [UInt64(bitPattern: -7), UInt64(bitPattern: -7), 7]), ["-7", "-7", "0x7 /* O_??? */"])
        XCTAssertEqual(args("dup3", [1, 2, 0o2000000 | 4]), ["1", "2", "O_CLOEXEC|0x4"])
        XCTAssertEqual(args("mlockall", [1]), ["MCL_CURRENT"])
        XCTAssertEqual(args("mlockall", [8]), ["0x8 /* MCL_??? */"])
        XCTAssertEqual(Flags.syslogActions.format(99), "99 /* SYSLOG_ACTION_??? */")
    }

    func testSyslogShowsTheArgumentsOfItsAction() {
        XCTAssertEqual(args("syslog", [1, 0xFACE_FEED_DEAD_BEEF, UInt64.max]), ["1 /* SYSLOG_ACTION_OPEN */"])
        XCTAssertEqual(args("syslog", [8, 0xFACE_FEED_DEAD_BEEF, 0xDEFA_CED0_0000_0007]),
                       ["8 /* SYSLOG_ACTION_CONSOLE_LEVEL */", "0xfacefeeddeadbeef", "7 /* LOGLEVEL_DEBUG */"])
        XCTAssertEqual(args("syslog", [11, 0, UInt64.max]), ["11 /* SYSLOG_ACTION_??? */", "NULL", "-1"])
        var m = PagedMemory()
        m.regions[0x1000] = Array("<6>hi".utf8)
        XCTAssertEqual(args("syslog", [3, 0x1000, 64], m, ret: 5), ["3 /* SYSLOG_ACTION_READ_ALL */", "\"<6>hi\"", "64"])
    }

    func testGroupAndCpuArrays() {
        var m = PagedMemory()
        m.regions[0x1000] = FakeMemory.words([0, 0xFFFF_FFFF, 42], size: 4)
        XCTAssertEqual(args("getgroups", [0, 0x1FFF], m, ret: 0), ["0", "[]"])
        XCTAssertEqual(args("getgroups", [3, 0x1000], m, ret: 3), ["3", "[0, -1, 42]"])
        XCTAssertEqual(args("getgroups", [3, 0x1000], m, ret: -14), ["3", "0x1000"])
        XCTAssertEqual(args("setgroups", [4, 0x1000], m), ["4", "[0, -1, 42, ... /* 0x100c */]"])
        XCTAssertEqual(args("setgroups", [1, 0x9000], m), ["1", "0x9000"])
        m.regions[0x2000] = [0x03, 0, 0, 0, 0, 0, 0, 0x80]
        XCTAssertEqual(args("sched_getaffinity", [0, 8, 0x2000], m, ret: 8), ["0", "8", "[0 1 63]"])
        XCTAssertEqual(args("sched_setaffinity", [0, 0, 0x2000], m), ["0", "0", "[]"])
    }

    func testSendmsgControlMessages() {
        var m = PagedMemory()
        // struct msghdr: name, namelen, iov, iovlen, control, controllen, flags.
        m.regions[0x1000] = FakeMemory.words([0, 0, 0, 0, 0x2000, 32, 0])
        // cmsghdr {len 24, SOL_SOCKET, SCM_RIGHTS} + fds -10, -11, then 8 bytes of a second, short header.
        m.regions[0x2000] = FakeMemory.words([24], size: 8) + FakeMemory.words([1, 1, UInt64(UInt32(bitPattern: -10)),
                                                                                 UInt64(UInt32(bitPattern: -11))], size: 4)
            + FakeMemory.words([0])
        XCTAssertEqual(args("sendmsg", [UInt64(bitPattern: -1), 0x1000, 0x40], m),
                       ["-1", "{msg_name=NULL, msg_namelen=0, msg_iov=NULL, msg_iovlen=0, msg_control=[{cmsg_len=24, "
                           + "cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[-10, -11]}, ... /* 0x2018 */], "
                           + "msg_controllen=32, msg_flags=0}", "MSG_DONTWAIT"])
        XCTAssertEqual(args("sendmsg", [3, 0x5000, 0], m), ["3", "0x5000", "0"])
    }

    func testKeyringSerialsAndPayload() {
        var m = PagedMemory()
        m.regions[0x1000] = Array("user".utf8) + [0, 14, 15]
        XCTAssertEqual(args("add_key", [0x1000, 0, 0x1005, 2, 0xFFFF_FFFF]), ["0x1000", "NULL", "0x1005", "2", "KEY_SPEC_THREAD_KEYRING"])
        XCTAssertEqual(args("add_key", [0x1000, 0, 0x1005, 2, 1234], m), ["\"user\"", "NULL", "\"\\16\\17\"", "2", "1234"])
        XCTAssertEqual(args("request_key", [0, 0, 0x1000, UInt64(bitPattern: -4)], m),
                       ["NULL", "NULL", "\"user\"", "KEY_SPEC_USER_KEYRING"])
    }

    func testFadviseAdviceAndSetTidAddressReturn() {
        XCTAssertEqual(args("fadvise64", [UInt64(bitPattern: -1), 0, 0, 4]), ["-1", "0", "0", "POSIX_FADV_DONTNEED"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("set_tid_address"), ret: 4242, memory: nil), "4242")
    }
}
