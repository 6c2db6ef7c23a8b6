import Foundation
import XCTest
@testable import StackCross

final class SyscallTableTests: XCTestCase {
    /// The header the table was generated from, parsed independently of the generator.
    func headerEntries(_ file: String) throws -> [Int: String] {
        let path = "/usr/include/x86_64-linux-gnu/asm/\(file)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out = [Int: String]()
        for line in text.split(separator: "\n") where line.hasPrefix("#define __NR_") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let n = Int(parts[2]) else { continue }
            out[n] = String(parts[1].dropFirst(5))
        }
        return out
    }

    func testX86_64KnownNumbersAndTotal() throws {
        let t = SyscallTable.x86_64
        XCTAssertEqual(t.name(0), "read")
        XCTAssertEqual(t.name(1), "write")
        XCTAssertEqual(t.name(4), "stat")
        XCTAssertEqual(t.name(15), "rt_sigreturn")
        XCTAssertEqual(t.name(59), "execve")
        XCTAssertEqual(t.name(231), "exit_group")
        XCTAssertEqual(t.name(257), "openat")
        XCTAssertEqual(t.name(435), "clone3")
        XCTAssertNil(t.name(400))  // the 335...423 gap
        XCTAssertNil(t.name(-1))
        XCTAssertNil(t.name(100_000))
        XCTAssertEqual(t.displayName(400), "syscall_400")
        XCTAssertEqual(t.number(of: "openat"), 257)
        XCTAssertNil(t.number(of: "socketcall"))
        // Debian 12's headers (Linux 6.1) name 362; the 19 calls added up to 6.17 come on top.
        XCTAssertEqual(t.count, 362 + 19)
        let header = try headerEntries("unistd_64.h")
        XCTAssertEqual(t.count, header.count + 19)
        for (nr, name) in header { XCTAssertEqual(t.name(Int64(nr)), name) }
    }

    func testI386KnownNumbersAndTotal() throws {
        let t = SyscallTable.i386
        XCTAssertEqual(t.name(1), "exit")
        XCTAssertEqual(t.name(4), "write")  // not x86_64's stat
        XCTAssertEqual(t.name(11), "execve")
        XCTAssertEqual(t.name(119), "sigreturn")
        XCTAssertEqual(t.name(173), "rt_sigreturn")
        XCTAssertEqual(t.name(102), "socketcall")
        XCTAssertEqual(t.name(192), "mmap2")
        XCTAssertEqual(t.name(252), "exit_group")
        XCTAssertEqual(t.number(of: "openat2"), 437)
        XCTAssertEqual(t.count, 440 + 19)
        let header = try headerEntries("unistd_32.h")
        XCTAssertEqual(t.count, header.count + 19)
        for (nr, name) in header { XCTAssertEqual(t.name(Int64(nr)), name) }
    }

    func testSyscallsNewerThanTheHeadersHaveTheKernelsNumbersInBothABIs() {
        for t in [SyscallTable.x86_64, SyscallTable.i386] {
            XCTAssertEqual(t.name(451), "cachestat")
            XCTAssertEqual(t.name(452), "fchmodat2")
            XCTAssertEqual(t.name(462), "mseal")
            XCTAssertEqual(t.name(469), "file_setattr")
            XCTAssertNil(t.name(470))
        }
        XCTAssertEqual(SyscallClass.members(of: "file")?.contains("fchmodat2"), true)
    }

    func testLookupByABIAndAuditArch() {
        XCTAssertEqual(SyscallTable.for(abi: .x86_64).name(1), "write")
        XCTAssertEqual(SyscallTable.for(abi: .i386).name(4), "write")
        XCTAssertNil(SyscallABI(rawValue: "x32"))
        XCTAssertEqual(SyscallTable.for(auditArch: SyscallInfo.auditArchI386)?.abi, .i386)
        XCTAssertEqual(SyscallTable.for(auditArch: SyscallInfo.auditArchX86_64)?.abi, .x86_64)
    }

    func testErrnoTableMatchesHeaders() throws {
        // Every E* with a number in the headers, parsed independently of the generator.
        var seen = 0
        for file in ["errno-base.h", "errno.h"] {
            let text = try String(contentsOfFile: "/usr/include/asm-generic/\(file)", encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("#define") && line.dropFirst(8).first == "E" {
                let parts = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
                guard parts.count >= 3, let n = Int32(parts[2]) else { continue }
                XCTAssertEqual(Errno.name(n), String(parts[1]))
                seen += 1
            }
        }
        XCTAssertEqual(seen, 131)
    }

    func testErrnoNames() {
        XCTAssertEqual(Errno.name(2), "ENOENT")
        XCTAssertEqual(Errno.description(2), "No such file or directory")
        XCTAssertEqual(Errno.name(11), "EAGAIN")  // not its alias EWOULDBLOCK
        XCTAssertEqual(Errno.name(38), "ENOSYS")
        XCTAssertEqual(Errno.name(133), "EHWPOISON")
        XCTAssertEqual(Errno.name(forReturn: -2), "ENOENT")
        XCTAssertEqual(Errno.name(forReturn: -512), "ERESTARTSYS")
        XCTAssertEqual(Errno.name(forReturn: -513), "ERESTARTNOINTR")
        XCTAssertEqual(Errno.name(forReturn: -514), "ERESTARTNOHAND")
        XCTAssertEqual(Errno.name(forReturn: -515), "ENOIOCTLCMD")
        XCTAssertEqual(Errno.name(forReturn: -516), "ERESTART_RESTARTBLOCK")
        XCTAssertEqual(Errno.name(forReturn: -4095), "ERRNO_4095")
        XCTAssertNil(Errno.name(forReturn: -4096))
        XCTAssertNil(Errno.name(forReturn: 0))
        XCTAssertNil(Errno.name(forReturn: 3))
        XCTAssertNil(Errno.name(forReturn: Int64.min))
        XCTAssertEqual(Errno.description(forReturn: -1), "Operation not permitted")
        for ret in Int64(-4095) ... -1 { XCTAssertNotNil(Errno.name(forReturn: ret)) }
        XCTAssertTrue(Errno.isRestart(-516))
        XCTAssertFalse(Errno.isRestart(-515))
    }

    func testSignalNames() {
        XCTAssertEqual(Signals.name(1), "SIGHUP")
        XCTAssertEqual(Signals.name(9), "SIGKILL")
        XCTAssertEqual(Signals.name(17), "SIGCHLD")
        XCTAssertEqual(Signals.name(31), "SIGSYS")
        XCTAssertEqual(Signals.name(32), "SIGRTMIN")
        XCTAssertEqual(Signals.name(34), "SIGRT_2")  // strace's spelling
        XCTAssertEqual(Signals.name(64), "SIGRT_32")
        XCTAssertEqual(Signals.number(of: "SIGRTMIN+2"), 34)
        XCTAssertNil(Signals.name(0))
        XCTAssertNil(Signals.name(65))
        for s in Int32(1) ... 64 { XCTAssertEqual(Signals.number(of: Signals.name(s)!), s) }
        XCTAssertEqual(Signals.number(of: "term"), 15)
        XCTAssertEqual(Signals.number(of: "SIGRTMAX"), 64)
        XCTAssertNil(Signals.number(of: "SIGFOO"))
        XCTAssertEqual(Signals.codeName(signo: 11, code: 1), "SEGV_MAPERR")
        XCTAssertEqual(Signals.codeName(signo: 17, code: 1), "CLD_EXITED")
        XCTAssertEqual(Signals.codeName(signo: 10, code: 0), "SI_USER")
        XCTAssertEqual(Signals.codeName(signo: 10, code: -6), "SI_TKILL")
        XCTAssertEqual(Signals.codeName(signo: 11, code: 0x80), "SI_KERNEL")
        XCTAssertEqual(Signals.codeName(signo: 31, code: 1), "SYS_SECCOMP")
        XCTAssertNil(Signals.codeName(signo: 10, code: 7))
        // siginfo_t of a SIGCHLD: si_pid 4321, si_uid 0, si_status 3, CLD_EXITED.
        var si = [UInt8](repeating: 0, count: 128)
        si[0] = 17; si[8] = 1; si[16] = 0xE1; si[17] = 0x10; si[24] = 3
        let chld = Signals.siginfoFields(si)
        XCTAssertEqual(chld.signo, 17)
        XCTAssertEqual(chld.code, 1)
        XCTAssertEqual(chld.fields.map { "\($0.0)=\($0.1)" },
                       ["si_pid=4321", "si_uid=0", "si_status=3", "si_utime=0", "si_stime=0"])
        // Nonzero clock ticks carry their seconds, as strace prints them (gcc's children).
        si[32] = 1; si[40] = 123
        XCTAssertEqual(Signals.siginfoFields(si).fields.suffix(2).map { "\($0.0)=\($0.1)" },
                       ["si_utime=1 /* 0.01 s */", "si_stime=123 /* 1.23 s */"])
        var segv = [UInt8](repeating: 0, count: 128)
        segv[0] = 11; segv[8] = 1
        XCTAssertEqual(Signals.siginfoFields(segv).fields.map { "\($0.0)=\($0.1)" }, ["si_addr=NULL"])
    }
}
