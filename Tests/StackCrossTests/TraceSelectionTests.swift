import XCTest
@testable import StackCross

final class TraceSelectionTests: XCTestCase {
    func record(_ name: String, nr: Int64, args: [String], raw: [UInt64], ret: Int64?, strings: [String: TraceeString]? = nil) -> SyscallRecord {
        SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr, name: name, args: args, rawArgs: raw.map { Address(rawValue: $0) },
                      strings: strings, ret: ret, entryNs: 1, exitNs: 2)
    }

    func testPathsFdsAndStatus() throws {
        var s = TraceSelection()
        XCTAssertFalse(s.stagesCalls)
        s.paths = [Array("/etc/a\nb".utf8)]
        let open = record("openat", nr: 257, args: ["AT_FDCWD", "\"/etc/a\\nb\"", "O_RDONLY"], raw: [UInt64(bitPattern: -100), 0x1000, 0],
                          ret: 3, strings: ["1": TraceeString(bytes: Array("/etc/a\nb".utf8))])
        XCTAssertTrue(s.touches(open))
        let read = record("read", nr: 0, args: ["3</etc/a\\nb>", "\"x\"", "1"], raw: [3, 0x2000, 1], ret: 1)
        XCTAssertTrue(s.touches(read), "an fd argument resolved to the path")
        let other = record("read", nr: 0, args: ["4</etc/c>", "\"x\"", "1"], raw: [4, 0x2000, 1], ret: 1)
        XCTAssertFalse(s.touches(other))
        s.paths = []
        XCTAssertTrue(try s.apply("trace-fds=3,5"))
        XCTAssertTrue(s.touches(read))
        XCTAssertFalse(s.touches(other))
        XCTAssertFalse(s.touches(open), "AT_FDCWD is no fd of the set")
        XCTAssertTrue(try s.apply("status=failed,unfinished"))
        XCTAssertFalse(s.statusSelects(read))
        XCTAssertTrue(s.statusSelects(record("read", nr: 0, args: [], raw: [], ret: -9)))
        XCTAssertTrue(s.statusSelects(record("exit_group", nr: 231, args: [], raw: [], ret: nil)))
        XCTAssertTrue(try s.apply("status=!failed"))
        XCTAssertEqual(s.statuses, [.successful, .unfinished, .unavailable, .detached])
        XCTAssertFalse(try s.apply("trace=read"))
        XCTAssertThrowsError(try s.apply("status=fine"))
        XCTAssertThrowsError(try s.apply("trace-fds=-1"))
    }

    func testSignalsAndQuiet() throws {
        var s = TraceSelection()
        XCTAssertTrue(s.showsSignal(10))
        XCTAssertTrue(try s.apply("signal=!SIGUSR1,chld"))
        XCTAssertFalse(s.showsSignal(10))
        XCTAssertFalse(s.showsSignal(17))
        XCTAssertTrue(s.showsSignal(2))
        XCTAssertTrue(try s.apply("signals=none"))
        XCTAssertFalse(s.showsSignal(2))
        s.setQ(count: 1)
        XCTAssertEqual(s.quiet, [.attach, .personality])
        s.setQ(count: 2)
        XCTAssertTrue(s.quiet.contains(.exit))
        XCTAssertTrue(try s.apply("quiet=exits,superseded"))
        XCTAssertEqual(s.quiet, [.exit, .threadExecve])
        XCTAssertThrowsError(try s.apply("quiet=loud"))
    }
}
