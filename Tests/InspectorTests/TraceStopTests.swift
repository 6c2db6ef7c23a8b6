import XCTest
@testable import Inspector

/// The raw wait status is decoded once; these are the statuses the kernel builds (wait(2), ptrace(2)).
final class TraceStopTests: XCTestCase {
    func stopped(_ sig: Int32, event: Int32 = 0) -> Int32 { (event << 16) | (sig << 8) | 0x7F }

    func testExitAndKill() {
        XCTAssertEqual(WaitStop(raw: 3 << 8), .exited(code: 3))
        XCTAssertEqual(WaitStop(raw: SIGKILL), .killed(signal: SIGKILL))
        XCTAssertEqual(WaitStop(raw: SIGSEGV | 0x80), .killed(signal: SIGSEGV), "core dumped is still a kill")
        XCTAssertTrue(WaitStop(raw: 0).isGone)
        XCTAssertFalse(WaitStop(raw: stopped(SIGTRAP | 0x80)).isGone)
    }

    func testSyscallStopNeedsTraceSysGoodBit() {
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP | 0x80)), .syscallStop)
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP)), .signalDelivery(signal: SIGTRAP), "a plain SIGTRAP is a signal")
    }

    func testSignalDeliveryAndGroupStop() {
        XCTAssertEqual(WaitStop(raw: stopped(SIGUSR1)), .signalDelivery(signal: SIGUSR1))
        XCTAssertEqual(WaitStop(raw: stopped(SIGSTOP)), .signalDelivery(signal: SIGSTOP), "without EVENT_STOP, SIGSTOP is about to be delivered")
        XCTAssertEqual(WaitStop(raw: stopped(SIGSTOP, event: 128)), .groupStop(signal: SIGSTOP))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTSTP, event: 128)), .groupStop(signal: SIGTSTP))
    }

    func testEventStopsAreTyped() {
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 128)).ptraceEvent, .stop, "PTRACE_INTERRUPT / new tracee")
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 1), eventMessage: 41).ptraceEvent, .fork(child: 41))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 2), eventMessage: 42).ptraceEvent, .vfork(child: 42))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 3), eventMessage: 43).ptraceEvent, .clone(child: 43))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 4), eventMessage: 44).ptraceEvent, .exec(formerTid: 44))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 5), eventMessage: 45).ptraceEvent, .vforkDone(child: 45))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 6), eventMessage: 0x100).ptraceEvent, .exit(status: 0x100))
        XCTAssertEqual(WaitStop(raw: stopped(SIGTRAP, event: 7), eventMessage: 7).ptraceEvent, .seccomp(data: 7))
        XCTAssertNil(WaitStop(raw: stopped(SIGUSR1)).ptraceEvent)
    }

    func testContinued() {
        XCTAssertEqual(WaitStop(raw: 0xFFFF), .continued)
    }

    func testPathResolutionLikeExecvp() {
        XCTAssertEqual(ProgramPath.resolve("/bin/sh"), "/bin/sh")
        XCTAssertNotNil(ProgramPath.resolve("sh"))
        XCTAssertNil(ProgramPath.resolve("no-such-program-xyz"))
        XCTAssertNil(ProgramPath.resolve("/no/such/dir/prog"))
    }
}
