import XCTest
@testable import StackCross

/// Tracee memory as a few byte regions and an fd table.
struct FakeMemory: TraceeMemory {
    var regions: [UInt64: [UInt8]] = [:]
    var fds: [Int32: String] = [:]

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
            let s = Array(tail.prefix { $0 != 0 })
            if s.count > limit { return (Array(s.prefix(limit)), true) }
            return (s, false)
        }
        return nil
    }

    func fdPath(_ fd: Int32) -> String? { fds[fd] }

    mutating func put(_ address: UInt64, _ bytes: [UInt8]) { regions[address] = bytes }
    mutating func put(_ address: UInt64, cString: String) { regions[address] = Array(cString.utf8) + [0] }
    static func words(_ w: [UInt64], size: Int = 8) -> [UInt8] {
        w.flatMap { v in (0 ..< size).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    }
}

final class SyscallDecoderTests: XCTestCase {
    func nr(_ name: String, _ abi: SyscallABI = .x86_64) -> Int64 { Int64(SyscallTable.for(abi: abi).number(of: name)!) }

    func testOpenatWithFdPathReturn() {
        var m = FakeMemory()
        m.put(0x1000, cString: "/etc/passwd")
        m.fds[3] = "/etc/passwd"
        let d = SyscallDecoder.decode(abi: .x86_64, nr: nr("openat"), args: [UInt64(bitPattern: -100), 0x1000, 0o2000000, 0, 0, 0],
                                      memory: m, at: .entry)
        XCTAssertEqual(d.args, ["AT_FDCWD", "\"/etc/passwd\"", "O_RDONLY|O_CLOEXEC"])
        XCTAssertEqual(d.strings["1"], TraceeString("/etc/passwd"))
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("openat"), ret: 3, memory: m), "3</etc/passwd>")
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: nr("openat"), ret: -2, memory: m),
                       "-1 ENOENT (No such file or directory)")
        // The x86_64 int dirfd arrives zero-extended (mov $-100, %edi): still AT_FDCWD.
        let z = SyscallDecoder.decode(abi: .x86_64, nr: nr("openat"), args: [0xFFFF_FF9C, 0x1000, 0o1101, 0o644],
                                      memory: m, at: .entry)
        XCTAssertEqual(z.args, ["AT_FDCWD", "\"/etc/passwd\"", "O_WRONLY|O_CREAT|O_TRUNC", "0644"])
    }

    func testReadBufferOnlyAtExit() {
        var m = FakeMemory()
        m.put(0x2000, Array("abc\u{1}\n7xyz".utf8))
        m.fds[3] = "/tmp/f"
        let args: [UInt64] = [3, 0x2000, 4096]
        let e = SyscallDecoder.decode(abi: .x86_64, nr: 0, args: args, memory: m, at: .entry)
        XCTAssertEqual(e.args, ["3</tmp/f>", "0x2000", "4096"])
        XCTAssertNil(e.strings["1"])
        let x = SyscallDecoder.decode(abi: .x86_64, nr: 0, args: args, memory: m, at: .exit(6), entry: e)
        XCTAssertEqual(x.args, ["3</tmp/f>", #""abc\1\n7""#, "4096"])
        XCTAssertEqual(x.strings["1"]?.bytes, Array("abc\u{1}\n7".utf8))
        // A failed read leaves the buffer as a pointer.
        let f = SyscallDecoder.decode(abi: .x86_64, nr: 0, args: args, memory: m, at: .exit(-11), entry: e)
        XCTAssertEqual(f.args[1], "0x2000")
        // The fd path comes from the entry view even when the fd is gone at exit.
        m.fds = [:]
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 0, args: args, memory: m, at: .exit(3), entry: e).args[0],
                       "3</tmp/f>")
    }

    func testWriteIsCutAtStringLimitAndKeepsExactBytes() {
        var m = FakeMemory()
        let payload: [UInt8] = Array("hello, world".utf8) + [0xFF, 0x00, 0x31]
        m.put(0x3000, payload)
        let d = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: [1, 0x3000, UInt64(payload.count)], memory: m,
                                      stringLimit: 5, at: .entry)
        XCTAssertEqual(d.args, ["1", #""hello"..."#, "15"])
        XCTAssertEqual(d.strings["1"], TraceeString(bytes: Array("hello".utf8), truncated: true))
        let full = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: [1, 0x3000, UInt64(payload.count)], memory: m,
                                         stringLimit: 32, at: .entry)
        XCTAssertEqual(full.args[1], #""hello, world\377\0001""#)
        XCTAssertEqual(full.strings["1"]?.bytes, payload)
    }

    func testQuoteMatchesStrace() {
        XCTAssertEqual(SyscallDecoder.quote(Array("a\"b\\c\t\r\u{b}\u{c}".utf8)), #""a\"b\\c\t\r\v\f""#)
        XCTAssertEqual(SyscallDecoder.quote([0, 65]), #""\0A""#)
        XCTAssertEqual(SyscallDecoder.quote([0, 0x35]), #""\0005""#)
        // 8 and 9 are no octal digits: strace keeps the short form before them (libgcc_s's `\08\2`).
        XCTAssertEqual(SyscallDecoder.quote([0, 0x38, 2]), #""\08\2""#)
        XCTAssertEqual(SyscallDecoder.quote([0x1B, 0x5B]), #""\33[""#)
        XCTAssertEqual(SyscallDecoder.quote([0xC3, 0xA9]), #""\303\251""#)
        XCTAssertEqual(SyscallDecoder.quote([], truncated: true), "\"\"...")
    }

    /// Names in text views: quote's escapes without the quotes; plain ASCII untouched.
    func testEscapedNamesUseQuotesEscapes() {
        XCTAssertEqual(SyscallDecoder.escaped("/usr/lib/libc.so.6"), "/usr/lib/libc.so.6")
        XCTAssertEqual(SyscallDecoder.escaped("a\"b"), "a\"b")
        XCTAssertEqual(SyscallDecoder.escaped("evil\n\u{1b}[31m\\1"), #"evil\n\33[31m\\1"#)
        XCTAssertEqual(SyscallDecoder.escaped("\u{1b}1\u{7f}"), #"\0331\177"#)
        XCTAssertEqual(SyscallDecoder.escaped("caf\u{e9}"), #"caf\303\251"#)
        var b: [UInt8] = []
        SyscallDecoder.appendEscaped([0x0a, 0xff], to: &b)
        XCTAssertEqual(String(decoding: b, as: UTF8.self), #"\n\377"#)
    }

    func testI386UsesItsOwnNumbersAndWidths() {
        var m = FakeMemory()
        m.put(0x4000, Array("hi\n".utf8))
        // eax 4 is write on i386 (stat on x86_64).
        let d = SyscallDecoder.decode(abi: .i386, nr: 4, args: [1, 0x4000, 3], memory: m, at: .entry)
        XCTAssertEqual(d.args, ["1", #""hi\n""#, "3"])
        let mm = SyscallDecoder.decode(abi: .i386, nr: nr("mmap2", .i386),
                                       args: [0, 8192, 3, 0x22, 0xFFFF_FFFF, 0], memory: m, at: .entry)
        XCTAssertEqual(mm.args, ["NULL", "8192", "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS", "-1", "0"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .i386, nr: nr("mmap2", .i386), ret: 0xF7F0_0000, memory: nil),
                       "0xf7f00000")
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .i386, nr: 4, ret: 0xFFFF_FFF7, memory: nil),
                       "-1 EBADF (Bad file descriptor)")
    }

    func testMmapCloneFutexAndFlags() {
        let mm = SyscallDecoder.decode(abi: .x86_64, nr: 9, args: [0, 8192, 5, 0x812, 3, 0x28000], memory: nil, at: .entry)
        XCTAssertEqual(mm.args, ["NULL", "8192", "PROT_READ|PROT_EXEC", "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE", "3", "0x28000"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: 9, ret: 0x7F12_3400_0000, memory: nil), "0x7f1234000000")
        let cl = SyscallDecoder.decode(abi: .x86_64, nr: 56, args: [0x0120_0011, 0, 0, 0x7F00_0000_1000, 0], memory: nil,
                                       at: .entry)
        XCTAssertEqual(cl.args, ["child_stack=NULL", "flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD",
                                 "child_tidptr=0x7f0000001000"])
        let fx = SyscallDecoder.decode(abi: .x86_64, nr: 202, args: [0x7F00, 0x189, 0, 0, 0, 0xFFFF_FFFF], memory: nil,
                                       at: .entry)
        XCTAssertEqual(fx.args[1], "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME")
        XCTAssertEqual(Flags.prot.format(0), "PROT_NONE")
        XCTAssertEqual(Flags.open(0o20200002), "O_RDWR|O_TMPFILE")
        XCTAssertEqual(Flags.open(0o4010001), "O_WRONLY|O_SYNC")
        XCTAssertEqual(Flags.open(0o2204000), "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY")
        XCTAssertEqual(Flags.fileMode(0o100644), "S_IFREG|0644")
        XCTAssertEqual(Flags.fileMode(0o41777), "S_IFDIR|S_ISVTX|0777")
        XCTAssertEqual(Flags.fileMode(0o104755), "S_IFREG|S_ISUID|0755")
        let fc = SyscallDecoder.decode(abi: .x86_64, nr: 72, args: [3, 1, 0], memory: nil, at: .entry)
        XCTAssertEqual(fc.args, ["3", "F_GETFD"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: 72, ret: 1, args: [3, 1, 0], memory: nil),
                       "0x1 (flags FD_CLOEXEC)")
    }

    func testExecveArgvAndEnv() {
        var m = FakeMemory()
        m.put(0x5000, cString: "/bin/ls")
        m.put(0x5100, cString: "ls")
        m.put(0x5200, cString: "-l")
        m.put(0x5300, FakeMemory.words([0x5100, 0x5200, 0]))
        m.put(0x5400, FakeMemory.words([0x5100, 0x5100, 0x5100, 0]))
        let d = SyscallDecoder.decode(abi: .x86_64, nr: 59, args: [0x5000, 0x5300, 0x5400], memory: m, at: .entry)
        XCTAssertEqual(d.args, [#""/bin/ls""#, #"["ls", "-l"]"#, "0x5400 /* 3 vars */"])
        // At exit the old image is gone: the entry view is kept.
        let x = SyscallDecoder.decode(abi: .x86_64, nr: 59, args: [0x5000, 0x5300, 0x5400], memory: FakeMemory(),
                                      at: .exit(0), entry: d)
        XCTAssertEqual(x.args, d.args)
        XCTAssertEqual(x.strings["0"], TraceeString("/bin/ls"))
    }

    func testStructsAtExit() {
        var m = FakeMemory()
        var st = [UInt8](repeating: 0, count: 144)
        st[24] = 0xA4; st[25] = 0x81  // st_mode 0o100644
        st[48] = 0x39; st[49] = 0x30  // st_size 12345
        m.put(0x6000, st)
        m.put(0x6200, FakeMemory.words([3, 4], size: 4))
        m.put(0x6300, FakeMemory.words([1, 500_000_000]))
        m.put(0x6400, FakeMemory.words([0x5555_0000, 0x1400_0000, 0x7F00_0000, 1 << 16]))
        m.put(0x6500, FakeMemory.words([0], size: 4))
        let fs = SyscallDecoder.decode(abi: .x86_64, nr: 5, args: [3, 0x6000], memory: m, at: .exit(0))
        XCTAssertEqual(fs.args[1], "{st_mode=S_IFREG|0644, st_size=12345, ...}")
        // A character device (/dev/null, 1:3): its number instead of its size, as strace prints it.
        var chr = st
        chr[24] = 0xB6; chr[25] = 0x21  // st_mode 0o20666
        chr[40] = 0x03; chr[41] = 0x01  // st_rdev 0x103
        m.put(0x7000, chr)
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 5, args: [1, 0x7000], memory: m, at: .exit(0)).args[1],
                       "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}")
        let p = SyscallDecoder.decode(abi: .x86_64, nr: nr("pipe2"), args: [0x6200, 0o2000000], memory: m, at: .exit(0))
        XCTAssertEqual(p.args, ["[3, 4]", "O_CLOEXEC"])
        let ns = SyscallDecoder.decode(abi: .x86_64, nr: 35, args: [0x6300, 0], memory: m, at: .entry)
        XCTAssertEqual(ns.args, ["{tv_sec=1, tv_nsec=500000000}", "NULL"])
        let sa = SyscallDecoder.decode(abi: .x86_64, nr: 13, args: [2, 0x6400, 0, 8], memory: m, at: .entry)
        XCTAssertEqual(sa.args, ["SIGINT", "{sa_handler=0x55550000, sa_mask=[CHLD], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f000000}",
                                 "NULL", "8"])
        let w = SyscallDecoder.decode(abi: .x86_64, nr: 61, args: [UInt64(bitPattern: -1), 0x6500, 0, 0], memory: m,
                                      at: .exit(1234))
        XCTAssertEqual(w.args, ["-1", "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]", "0", "NULL"])
        XCTAssertEqual(SyscallDecoder.waitStatus(9), "{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}")
        XCTAssertEqual(SyscallDecoder.sigsetString(~0), "~[]")
        XCTAssertEqual(SyscallDecoder.sigsetString(0), "[]")
    }

    func testSigreturnMaskCwdAndFutexArity() {
        var m = FakeMemory()
        m.put(0x9000 + 296, FakeMemory.words([1 << 16]))
        m.fds[-100] = "/tmp"
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 15, args: [], memory: m, at: .entry, stackPointer: 0x9000).args,
                       ["{mask=[CHLD]}"])
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 15, args: [], memory: m, at: .entry).args, [])
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("unlinkat"), args: [0xFFFF_FF9C, 0, 0x200], memory: m,
                                             at: .entry).args, ["AT_FDCWD</tmp>", "NULL", "AT_REMOVEDIR"])
        func futex(_ op: UInt64) -> [String] {
            SyscallDecoder.decode(abi: .x86_64, nr: 202, args: [0x10, op, 1, 0, 0, 0xFFFF_FFFF], memory: nil, at: .entry).args
        }
        XCTAssertEqual(futex(0x81), ["0x10", "FUTEX_WAKE_PRIVATE", "1"])
        XCTAssertEqual(futex(0x80), ["0x10", "FUTEX_WAIT_PRIVATE", "1", "NULL"])
        XCTAssertEqual(futex(0x189), ["0x10", "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME", "1", "NULL",
                                      "FUTEX_BITSET_MATCH_ANY"])
        let sx = SyscallDecoder.decode(abi: .x86_64, nr: nr("statx"), args: [3, 0, 0x1100, 0x7FF, 0], memory: nil, at: .entry)
        XCTAssertEqual(sx.args[2], "AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH")
        XCTAssertEqual(sx.args[3], "STATX_BASIC_STATS")
        let rnd = SyscallDecoder.decode(abi: .x86_64, nr: nr("getrandom"), args: [0x9000 + 296, 2, 1], memory: m,
                                        at: .exit(2))
        XCTAssertEqual(rnd.args, [#""\x00\x00""#, "2", "GRND_NONBLOCK"])
    }

    func testPrctlShowsWhatItsOptionUses() {
        var m = FakeMemory()
        m.put(0xA000, cString: "worker")
        func prctl(_ a: [UInt64]) -> [String] {
            SyscallDecoder.decode(abi: .x86_64, nr: nr("prctl"), args: a, memory: m, at: .entry).args
        }
        XCTAssertEqual(prctl([15, 0xA000, 0, 0, 0]), ["PR_SET_NAME", #""worker""#])
        XCTAssertEqual(prctl([3, 0, 0, 0, 0]), ["PR_GET_DUMPABLE"])
        XCTAssertEqual(prctl([1, 9, 0, 0, 0]), ["PR_SET_PDEATHSIG", "SIGKILL"])
        XCTAssertEqual(prctl([38, 1, 0, 0, 0]), ["PR_SET_NO_NEW_PRIVS", "1", "0", "0", "0"])
        XCTAssertEqual(prctl([0x1234, 1, 0, 0, 0]), ["4660", "0x1", "0", "0", "0"])
    }

    func testSockaddrs() {
        var m = FakeMemory()
        m.put(0x7000, [2, 0, 0x1F, 0x90, 127, 0, 0, 1] + [UInt8](repeating: 0, count: 8))
        m.put(0x7100, [1, 0] + Array("/run/x.sock".utf8) + [0])
        var v6 = [UInt8](repeating: 0, count: 28)
        v6[0] = 10; v6[2] = 0x01; v6[3] = 0xBB; v6[23] = 1
        m.put(0x7200, v6)
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 42, args: [3, 0x7000, 16], memory: m, at: .entry).args[1],
                       #"{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}"#)
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 42, args: [3, 0x7100, 14], memory: m, at: .entry).args[1],
                       #"{sa_family=AF_UNIX, sun_path="/run/x.sock"}"#)
        XCTAssertTrue(SyscallDecoder.decode(abi: .x86_64, nr: 42, args: [3, 0x7200, 28], memory: m, at: .entry).args[1]
            .contains(#"inet_pton(AF_INET6, "::1""#))
        let s = SyscallDecoder.decode(abi: .x86_64, nr: 41, args: [2, 0o2000001, 6], memory: nil, at: .entry)
        XCTAssertEqual(s.args, ["AF_INET", "SOCK_STREAM|SOCK_CLOEXEC", "IPPROTO_TCP"])
    }

    func testUnknownAndGenericCalls() {
        // No memory: every pointer stays hex; unknown numbers show six hex args.
        let g = SyscallDecoder.decode(abi: .x86_64, nr: 999, args: [1, 2, 3, 4, 5, 6], memory: nil, at: .entry)
        XCTAssertEqual(g.args.count, 6)
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 39, args: [1, 2, 3, 4, 5, 6], memory: nil, at: .entry).args, [])
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 62, args: [UInt64(bitPattern: -5), 15], memory: nil,
                                             at: .entry).args, ["-5", "SIGTERM"])
        // Unreadable memory never crashes: the pointer is shown.
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: 2, args: [0xDEAD, 0, 0], memory: FakeMemory(),
                                             at: .entry).args, ["0xdead", "O_RDONLY"])
        XCTAssertEqual(SyscallDecoder.decodeReturn(abi: .x86_64, nr: 0, ret: -512, memory: nil),
                       "? ERESTARTSYS (To be restarted if SA_RESTART is set)")
        // Every syscall of both ABIs decodes from arbitrary registers without trapping.
        for t in SyscallTable.all {
            for n in t.allNumbers {
                for stop in [DecodeStop.entry, .exit(1), .exit(-14)] {
                    _ = SyscallDecoder.decode(abi: t.abi, nr: Int64(n), args: [0xFFFF_FFFF_FFFF_FFFF, 0x10, 7, 0, 1, 2],
                                              memory: FakeMemory(), stringLimit: 0, at: stop)
                }
                _ = SyscallDecoder.decodeReturn(abi: t.abi, nr: Int64(n), ret: Int64.min, memory: nil)
            }
        }
    }
}
