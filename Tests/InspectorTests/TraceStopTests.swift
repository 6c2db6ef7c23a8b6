import XCTest
@testable import Inspector

/// The raw wait status is decoded once; these are the statuses the kernel builds (wait(2), ptrace(2)).
final class TraceStopTests: XCTestCase {
    func stopped(_ sig: Int32, event: Int32 = 0) -> Int32 { (event << 16) | (sig << 8) | 0x7F }

    func testExitAndKill() {
        XCTAssertEqual(TraceWaitStop(raw: 3 << 8), .exited(code: 3))
        XCTAssertEqual(TraceWaitStop(raw: SIGKILL), .killed(signal: SIGKILL))
        XCTAssertEqual(TraceWaitStop(raw: SIGSEGV | 0x80), .killed(signal: SIGSEGV), "core dumped is still a kill")
        XCTAssertTrue(TraceWaitStop(raw: 0).isGone)
        XCTAssertFalse(TraceWaitStop(raw: stopped(SIGTRAP | 0x80)).isGone)
    }

    func testSyscallStopNeedsTraceSysGoodBit() {
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP | 0x80)), .syscallStop)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP)), .signalDelivery(signal: SIGTRAP), "a plain SIGTRAP is a signal")
    }

    func testSignalDeliveryAndGroupStop() {
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGUSR1)), .signalDelivery(signal: SIGUSR1))
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGSTOP)), .signalDelivery(signal: SIGSTOP), "without EVENT_STOP, SIGSTOP is about to be delivered")
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGSTOP, event: 128)), .groupStop(signal: SIGSTOP))
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTSTP, event: 128)), .groupStop(signal: SIGTSTP))
    }

    func testEventStopsAreTyped() {
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 128)).ptraceEvent, .stop, "PTRACE_INTERRUPT / new tracee")
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 1)).ptraceEvent, .fork)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 2)).ptraceEvent, .vfork)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 3)).ptraceEvent, .clone)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 4)).ptraceEvent, .exec)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 5)).ptraceEvent, .vforkDone)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 6)).ptraceEvent, .exit)
        XCTAssertEqual(TraceWaitStop(raw: stopped(SIGTRAP, event: 7)).ptraceEvent, .seccomp)
        XCTAssertNil(TraceWaitStop(raw: stopped(SIGUSR1)).ptraceEvent)
    }

    func testContinued() {
        XCTAssertEqual(TraceWaitStop(raw: 0xFFFF), .continued)
    }

    func testPathResolutionLikeExecvp() {
        XCTAssertEqual(SyscallTracer.resolve("/bin/sh"), "/bin/sh")
        XCTAssertNotNil(SyscallTracer.resolve("sh"))
        XCTAssertNil(SyscallTracer.resolve("no-such-program-xyz"))
        XCTAssertNil(SyscallTracer.resolve("/no/such/dir/prog"))
    }
}
