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
        XCTAssertEqual(s.total, SyscallSummary.Row(name: "total", calls: 5, errors: 1, totalNs: 100_000, minNs: 0, maxNs: 30_000))
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
        XCTAssertEqual(s.rows, [SyscallSummary.Row(name: "read", calls: 1, errors: 1, totalNs: 2_500, minNs: 2_500, maxNs: 2_500, nr: 0)])
        var t = SyscallSummary()
        t.add(name: "read", durationNs: 500, failed: false)
        t.merge(s)
        XCTAssertEqual(t.rows, [SyscallSummary.Row(name: "read", calls: 2, errors: 1, totalNs: 3_000, minNs: 500, maxNs: 2_500, nr: 0)])
        XCTAssertEqual(SyscallSummary.fixed(99.995, 2), "100.00")
        XCTAssertEqual(SyscallSummary.fixed(0.0000015, 6), "0.000002")
        // strace's total line says 100.00 even when no time was measured.
        XCTAssertTrue(SyscallSummary().format().hasSuffix("100.00    0.000000           0         0           total\n"))
    }

    /// -U picks and orders columns (min/max included), the name column grows with the longest name and is
    /// unpadded only when last; -S orders rows, ties in syscall-number order (strace's stable sort by number).
    func testColumnsSortAndWidthsLikeStrace() throws {
        var s = SyscallSummary()
        s.add(name: "sched_getaffinity", durationNs: 2_000_000_000, failed: false, nr: 204)
        s.add(name: "close", durationNs: 1_000, failed: true, nr: 3)
        s.add(name: "close", durationNs: 3_000, failed: false, nr: 3)
        s.add(name: "openat", durationNs: 5_000, failed: false, nr: 257)
        s.add(name: "openat", durationNs: 7_000, failed: true, nr: 257)
        XCTAssertEqual(s.rows(sortedBy: .calls).map(\.name), ["close", "openat", "sched_getaffinity"])
        XCTAssertEqual(s.rows(sortedBy: .errors).map(\.name), ["close", "openat", "sched_getaffinity"])
        XCTAssertEqual(s.rows(sortedBy: .name).map(\.name), ["close", "openat", "sched_getaffinity"])
        XCTAssertEqual(s.rows(sortedBy: .minTime).map(\.name), ["sched_getaffinity", "openat", "close"])
        XCTAssertEqual(s.rows(sortedBy: .nothing).map(\.name), ["close", "sched_getaffinity", "openat"])
        let cols = try SyscallSummary.columns("calls,max-time,shortest,time-avg")
        XCTAssertEqual(cols, [.calls, .maxTime, .minTime, .avgTime, .name])
        XCTAssertEqual(s.format(columns: cols, sortedBy: .calls), """
            calls  longest shortest  usecs/call syscall
        --------- -------- -------- ----------- ------------------
                2 0.000003 0.000001           2 close
                2 0.000007 0.000005           6 openat
                1 2.000000 2.000000     2000000 sched_getaffinity
        --------- -------- -------- ----------- ------------------
                5 2.000000 0.000001      400003 total

        """)
        XCTAssertEqual(s.format(columns: [.name, .errors], sortedBy: .name), """
        syscall               errors
        ------------------ ---------
        close                      1
        openat                     1
        sched_getaffinity           
        ------------------ ---------
        total                      2

        """)
        XCTAssertEqual(try SyscallSummary.sortKey("count"), .calls)
        XCTAssertEqual(try SyscallSummary.sortKey("none"), .nothing)
        XCTAssertThrowsError(try SyscallSummary.sortKey("bogus"))
        XCTAssertThrowsError(try SyscallSummary.columns("calls,count"))
        XCTAssertThrowsError(try SyscallSummary.columns("calls,none"))
    }
}
