import XCTest
@testable import StackCross

final class ProcParsersTests: XCTestCase {
    func testKernelStackLines() {
        let text = """
            [<0>] anon_pipe_read+0x366/0x410
            [<0>] vfs_read+0x32c/0x360
            [<ffffffffc0a01234>] nfs_file_read+0x1a/0x80 [nfs]
            [<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e

            """
        let f = ProcKernelStack.parse(text)
        XCTAssertEqual(f.count, 4)
        XCTAssertEqual(f[0], Frame(pc: 0, symbol: "anon_pipe_read", offset: 0x366, length: 0x410))
        XCTAssertEqual(f[2], Frame(pc: 0xffff_ffff_c0a0_1234, symbol: "nfs_file_read", offset: 0x1a, length: 0x80, module: "nfs"))
        XCTAssertEqual(f[3].symbol, "entry_SYSCALL_64_after_hwframe")
        XCTAssertEqual(f[3].offset, 0x76)
        XCTAssertEqual(f[3].length, 0x7e)
    }

    func testKernelStackOddLines() {
        XCTAssertNil(ProcKernelStack.parseLine(""))
        XCTAssertNil(ProcKernelStack.parseLine("[<0>"))
        // A symbol with no offset, and one whose name holds a '+' but no numbers after it.
        XCTAssertEqual(ProcKernelStack.parseLine("[<0>] 0xffffffff81000000")?.symbol, "0xffffffff81000000")
        XCTAssertEqual(ProcKernelStack.parseLine("[<0>] a+b")?.symbol, "a+b")
        XCTAssertNil(ProcKernelStack.parseLine("[<0>] a+b")?.offset)
    }

    func testSyscallFile() {
        XCTAssertEqual(ProcSyscallState.parse("running\n"), .running)
        XCTAssertEqual(ProcSyscallState.parse("-1 0x7ffc07714410 0x55d0c0ffee00\n"),
                       .notInSyscall(sp: 0x7ffc_0771_4410, pc: 0x55d0_c0ff_ee00))
        let s = ProcSyscallState.parse("0 0x3 0x7f55466a4e60 0x40 0x7f55466b8b60 0x0 0x0 0x7f55466a4e30 0x7f55467a12ec\n")
        XCTAssertEqual(s, .inSyscall(nr: 0, args: [3, 0x7f55_466a_4e60, 0x40, 0x7f55_466b_8b60, 0, 0],
                                     sp: 0x7f55_466a_4e30, pc: 0x7f55_467a_12ec))
        XCTAssertEqual(s?.syscallNumber, 0)
        XCTAssertNil(ProcSyscallState.parse("0 0x3"))
        XCTAssertNil(ProcSyscallState.parse("garbage"))
        XCTAssertNil(ProcSyscallState.parse(""))
    }

    func testStatWithAwkwardComm() throws {
        let text = "4242 (a) (b c) R 1 4242 4242 0 -1 4194560 100 0 0 0 37 5 0 0 20 0 2 0 123 1000 10 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let st = try XCTUnwrap(ProcStat.parse(text))
        XCTAssertEqual(st.pid, 4242)
        XCTAssertEqual(st.comm, "a) (b c")
        XCTAssertEqual(st.state, "R")
        XCTAssertEqual(st.ppid, 1)
        XCTAssertEqual(st.flags, 4_194_560)
        XCTAssertEqual(st.utime, 37)
        XCTAssertEqual(st.stime, 5)
        XCTAssertEqual(st.processor, 1)
        XCTAssertFalse(st.isKernelThread)
        let kt = try XCTUnwrap(ProcStat.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0"))
        XCTAssertTrue(kt.isKernelThread)
        XCTAssertNil(ProcStat.parse("2 kthreadd S 0"))
        XCTAssertNil(ProcStat.parse("2 (x) S"))
    }

    func testStatus() {
        let st = ProcStatus.parse("Name:\tthreads\nState:\tT (stopped)\nTgid:\t77\nTracerPid:\t0\nSigPnd:\t0000000000000100\nShdPnd:\t0000000000000000\n")
        XCTAssertEqual(st.name, "threads")
        XCTAssertEqual(st.state, "T")
        XCTAssertEqual(st.tgid, 77)
        XCTAssertEqual(st.tracerPid, 0)
        XCTAssertEqual(st.sigPnd, 0x100)
        XCTAssertEqual(st.shdPnd, 0)
        XCTAssertNil(st.sigCgt)
        XCTAssertEqual(ProcStatus.parse("SigIgn:\t0000000000001000\nSigCgt:\t0000000180004002\n").sigCgt, 0x1_8000_4002)
    }
}
