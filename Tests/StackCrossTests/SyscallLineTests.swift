import XCTest
@testable import StackCross

final class SyscallLineTests: XCTestCase {
    func record(_ name: String, _ args: [String], ret: Int64?, raw: [Address] = [], tid: Int32 = 1234,
                abi: SyscallABI = .x86_64) -> SyscallRecord {
        let nr = Int64(SyscallTable.for(abi: abi).number(of: name)!)
        return SyscallRecord(pid: 1234, tid: tid, abi: abi, nr: nr, name: name, args: args, rawArgs: raw, ret: ret,
                             error: ret.flatMap { Errno.name(forReturn: $0) }, entryNs: 0)
    }

    func testWholeLines() {
        let open = record("openat", ["AT_FDCWD", #""/etc/passwd""#, "O_RDONLY|O_CLOEXEC"], ret: 3)
        XCTAssertEqual(SyscallLine.format(record: open, showPid: true, returnText: "3</etc/passwd>"),
                       #"[pid  1234] openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>"#)
        XCTAssertEqual(SyscallLine.format(record: record("read", ["3", #""abc""#, "4096"], ret: 3), showPid: false),
                       #"read(3, "abc", 4096) = 3"#)
        XCTAssertEqual(SyscallLine.format(record: record("openat", ["AT_FDCWD", #""/nope""#, "O_RDONLY"], ret: -2),
                                          showPid: false),
                       #"openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)"#)
        XCTAssertEqual(SyscallLine.format(record: record("exit_group", ["0"], ret: nil), showPid: false), "exit_group(0) = ?")
        XCTAssertEqual(SyscallLine.format(record: record("getpid", [], ret: 77), showPid: false), "getpid() = 77")
        XCTAssertEqual(SyscallLine.format(record: record("brk", ["NULL"], ret: 0x5555_5555_6000), showPid: false),
                       "brk(NULL) = 0x555555556000")
    }

    func testUnfinishedAndResumed() {
        let r = record("read", ["3", #""abc""#, "4096"], ret: 3, tid: 7)
        XCTAssertEqual(SyscallLine.formatUnfinished(record: r, showPid: true), "[pid     7] read(3,  <unfinished ...>")
        XCTAssertEqual(SyscallLine.formatResumed(record: r, showPid: true), #"[pid     7] <... read resumed>"abc", 4096) = 3"#)
        let w = record("write", ["1", #""hi""#, "2"], ret: 2)
        XCTAssertEqual(SyscallLine.formatUnfinished(record: w, showPid: false), #"write(1, "hi", 2 <unfinished ...>"#)
        XCTAssertEqual(SyscallLine.formatResumed(record: w, showPid: false), "<... write resumed>) = 2")
        XCTAssertEqual(SyscallLine.formatEntry(record: w, showPid: false) + SyscallLine.formatExit(record: w),
                       SyscallLine.format(record: w, showPid: false))
    }

    /// strace pads the call to column 40 before `= ` (its tabto()), counting everything on the line.
    func testReturnColumnAlignedAsStrace() {
        let close = record("close", ["3</dev/null>"], ret: 0)
        XCTAssertEqual(SyscallLine.format(record: close, showPid: false, aligned: true),
                       "close(3</dev/null>)" + String(repeating: " ", count: 21) + "= 0")
        XCTAssertEqual(SyscallLine.format(record: close, showPid: true, aligned: true),
                       "[pid  1234] close(3</dev/null>)" + String(repeating: " ", count: 9) + "= 0")
        let open = record("openat", ["AT_FDCWD", #""/etc/passwd""#, "O_RDONLY|O_CLOEXEC"], ret: 3)
        XCTAssertEqual(SyscallLine.format(record: open, showPid: false, aligned: true),
                       #"openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3"#)
        // The exit part of a line whose head is 38 columns long: `) ` reaches 40, no padding; from 37, one space.
        XCTAssertEqual(SyscallLine.formatExit(record: record("exit_group", ["0"], ret: nil), column: 38), ") = ?")
        XCTAssertEqual(SyscallLine.formatExit(record: record("exit_group", ["0"], ret: nil), column: 37), ")  = ?")
        XCTAssertEqual(SyscallLine.formatResumed(record: record("write", ["1", #""hi""#, "2"], ret: 2), showPid: false, aligned: true),
                       "<... write resumed>) " + String(repeating: " ", count: 19) + "= 2")
    }

    func testSignalAndExitLines() {
        let s = SignalRecord(pid: 5, tid: 5, signo: 17, name: "SIGCHLD", code: "CLD_EXITED", timeNs: 0)
        XCTAssertEqual(SyscallLine.formatSignal(record: s, showPid: false, fields: [("si_pid", "6"), ("si_status", "0")]),
                       "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6, si_status=0} ---")
        // -X: the named values as numbers (strace's printsignal and print_si_code), clock ticks without their seconds.
        let killed = SignalRecord(pid: 5, tid: 5, signo: 17, name: "SIGCHLD", code: "CLD_KILLED", timeNs: 0)
        let fields = [("si_pid", "6"), ("si_status", "SIGKILL"), ("si_utime", "48 /* 0.48 s */")]
        XCTAssertEqual(SyscallLine.formatSignal(record: killed, showPid: false, fields: fields, constants: .raw),
                       "--- SIGCHLD {si_signo=17, si_code=0x2, si_pid=6, si_status=9, si_utime=48} ---")
        XCTAssertEqual(SyscallLine.formatSignal(record: killed, showPid: false, fields: fields, constants: .verbose),
                       "--- SIGCHLD {si_signo=17 /* SIGCHLD */, si_code=0x2 /* CLD_KILLED */, si_pid=6, si_status=9 /* SIGKILL */, si_utime=48 /* 0.48 s */} ---")
        XCTAssertEqual(SyscallLine.formatSignal(record: killed, showPid: false, fields: fields),
                       "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=6, si_status=SIGKILL, si_utime=48 /* 0.48 s */} ---")
        XCTAssertEqual(SyscallLine.formatTermination(record: ExitRecord(pid: 5, tid: 5, code: 0, timeNs: 0), showPid: false),
                       "+++ exited with 0 +++")
        XCTAssertEqual(SyscallLine.formatTermination(record: ExitRecord(pid: 5, tid: 6, signal: "SIGKILL", timeNs: 0),
                                                     showPid: true), "[pid     6] +++ killed by SIGKILL +++")
    }

    func testDecodedRecordRoundTrip() {
        // Decoder and formatter together, as the engine uses them.
        var m = FakeMemory()
        m.put(0x1000, Array("hello\n".utf8))
        let args: [UInt64] = [1, 0x1000, 6]
        let d = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: args, memory: m, at: .entry)
        let rec = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 1, name: "write", args: d.args,
                                rawArgs: args.map { Address($0) }, strings: d.strings, ret: 6, entryNs: 0)
        XCTAssertEqual(SyscallLine.format(record: rec, showPid: false), #"write(1, "hello\n", 6) = 6"#)
    }
}
