import XCTest
@testable import StackCross

/// What strace's live lines know beyond one record: the traced-task count behind `[pid N]`, and the
/// call restart_syscall resumes.
final class StraceLineContextTests: XCTestCase {
    func call(_ name: String, pid: Int32 = 10, tid: Int32 = 10, ret: Int64? = 0) -> SyscallRecord {
        let nr = Int64(SyscallTable.x86_64.number(of: name)!)
        return SyscallRecord(pid: pid, tid: tid, abi: .x86_64, nr: nr, name: name, args: [], rawArgs: [], ret: ret, entryNs: 0)
    }

    func testPidPrefixOnlyWhileMoreThanOneTaskIsTraced() {
        var c = StraceLineContext()
        c.exited(call("getpid"))
        XCTAssertFalse(c.showPid, "one task: no prefix, as strace -f on a single-threaded program")
        c.apply(.clone(CloneRecord(pid: 10, tid: 10, child: 11, kind: .thread, timeNs: 0)))
        XCTAssertTrue(c.showPid)
        c.apply(.clone(CloneRecord(pid: 10, tid: 10, child: 20, kind: .fork, timeNs: 0)))
        XCTAssertEqual(c.taskCount, 3)
        c.apply(.exit(ExitRecord(pid: 10, tid: 11, code: 0, timeNs: 0)))
        XCTAssertTrue(c.showPid)
        c.apply(.exit(ExitRecord(pid: 20, tid: 20, code: 0, timeNs: 0)))
        XCTAssertFalse(c.showPid, "back to one task: the prefix goes away again")
        // A task seen before its clone record (its first stop came first) counts once.
        c.saw(pid: 10, tid: 12)
        c.apply(.clone(CloneRecord(pid: 10, tid: 10, child: 12, kind: .thread, timeNs: 0)))
        XCTAssertEqual(c.taskCount, 2)
    }

    func testExecEndsTheOtherThreadsAndDetachDropsTasks() {
        var c = StraceLineContext()
        for tid: Int32 in [10, 11, 12] { c.apply(.attach(AttachRecord(pid: 10, tid: tid, timeNs: 0))) }
        c.apply(.attach(AttachRecord(pid: 30, tid: 30, timeNs: 0)))
        XCTAssertEqual(c.taskCount, 4)
        // Thread 12 runs execve and takes over tid 10: 11 and 12 are gone without exit records.
        c.apply(.exec(ExecRecord(pid: 10, tid: 10, formerTid: 12, path: TraceeString(bytes: Array("/bin/x".utf8)), timeNs: 0)))
        XCTAssertEqual(c.taskCount, 2)
        c.apply(.detach(AttachRecord(pid: 30, tid: 30, timeNs: 0)))
        XCTAssertFalse(c.showPid)
    }

    func testRestartSyscallNamesTheCallItResumes() {
        var c = StraceLineContext()
        c.exited(call("clock_nanosleep", ret: -516))
        c.exited(call("getpid", pid: 10, tid: 11))
        let restart = call("restart_syscall")
        XCTAssertEqual(SyscallLine.format(record: c.shown(restart), showPid: false),
                       "restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0")
        // Cut by another task's line, the note is already in the entry part, as strace prints it.
        XCTAssertEqual(SyscallLine.formatUnfinished(record: c.shown(restart), showPid: true),
                       "[pid    10] restart_syscall(<... resuming interrupted clock_nanosleep ...> <unfinished ...>")
        XCTAssertEqual(SyscallLine.formatResumed(record: c.shown(restart), showPid: true), "[pid    10] <... restart_syscall resumed>) = 0")
        // No reported call before it (a -e filter hid it): strace says "system call".
        XCTAssertEqual(SyscallLine.format(record: c.shown(call("restart_syscall", pid: 40, tid: 40)), showPid: false),
                       "restart_syscall(<... resuming interrupted system call ...>) = 0")
        // Other calls are shown as they are.
        XCTAssertEqual(c.shown(call("getpid")), call("getpid"))
    }

    func testGroupStopLineAndPaddedPrefix() {
        XCTAssertEqual(SyscallLine.formatGroupStop(tid: 3008, signal: "SIGSTOP", showPid: true), "[pid  3008] --- stopped by SIGSTOP ---")
        XCTAssertEqual(SyscallLine.formatGroupStop(tid: 3008, signal: "SIGTSTP", showPid: false), "--- stopped by SIGTSTP ---")
        XCTAssertEqual(SyscallLine.prefix(tid: 1234567, showPid: true), "[pid 1234567] ")
    }
}
