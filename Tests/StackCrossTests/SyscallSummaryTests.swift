import XCTest
@testable import StackCross

final class SyscallSummaryTests: XCTestCase {
    func testTableLikeStraceC() {
        var s = SyscallSummary()
        s.add(name: "write", durationNs: 30_000, failed: false)
        s.add(name: "write", durationNs: 30_000, failed: false)
        s.add(name: "openat", durationNs: 25_000, failed: true)
        s.add(name: "openat", durationNs: 15_000, failed: false)
        s.add(name: "close", durationNs: 0, failed: false)
        XCTAssertEqual(s.rows.map(\.name), ["write", "openat", "close"])
        XCTAssertEqual(s.total, SyscallSummary.Row(name: "total", calls: 5, errors: 1, totalNs: 100_000))
        XCTAssertEqual(s.format(), """
        % time     seconds  usecs/call     calls    errors syscall
        ------ ----------- ----------- --------- --------- ----------------
         60.00    0.000060          30         2           write
         40.00    0.000040          20         2         1 openat
          0.00    0.000000           0         1           close
        ------ ----------- ----------- --------- --------- ----------------
        100.00    0.000100          20         5         1 total

        """)
    }

    func testRecordsAndMerge() {
        var s = SyscallSummary()
        s.add(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 0, name: "read", args: [], rawArgs: [], ret: -11,
                            error: "EAGAIN", entryNs: 1_000, exitNs: 3_500))
        s.add(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 231, name: "exit_group", args: ["0"], rawArgs: [],
                            entryNs: 5_000))
        XCTAssertEqual(s.rows, [SyscallSummary.Row(name: "read", calls: 1, errors: 1, totalNs: 2_500)])
        var t = SyscallSummary()
        t.add(name: "read", durationNs: 500, failed: false)
        t.merge(s)
        XCTAssertEqual(t.rows, [SyscallSummary.Row(name: "read", calls: 2, errors: 1, totalNs: 3_000)])
        XCTAssertEqual(SyscallSummary.fixed(99.995, 2), "100.00")
        XCTAssertEqual(SyscallSummary.fixed(0.0000015, 6), "0.000002")
        XCTAssertTrue(SyscallSummary().format().hasSuffix("  0.00    0.000000           0         0           total\n"))
    }
}
