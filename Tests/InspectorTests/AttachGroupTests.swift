import Foundation
import StackCross
import XCTest

/// `attach --group` on the profile fixture: the 20 condition-variable waiters share one merged stack.
final class AttachGroupTests: XCTestCase {
    func testIdenticalStacksPrintOnceWithCountAndTids() throws {
        let fx = try RunningFixture(try fixture("profile_mix"), ["30"])
        defer { fx.stop() }
        let f = fx.readyLine.split(separator: " ")
        let spinner = Int32(f[1])!, sleeper = Int32(f[2])!
        let waiters = taskIDs(fx.pid).filter { $0 != fx.pid && $0 != spinner && $0 != sleeper }.sorted()
        XCTAssertEqual(waiters.count, 20)

        let text = try stackcross(["attach", "\(fx.pid)", "--group"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("23 threads in 4 groups"), text.stdout)
        XCTAssertTrue(text.stdout.contains("20 threads: \(SnapshotGrouping.ranges(waiters)) \"profile_mix\""), text.stdout)
        XCTAssertEqual(text.stdout.components(separatedBy: "profile_wait_forever").count - 1, 1, "the waiters' stack is printed once")

        let json = try stackcross(["attach", "\(fx.pid)", "--group", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let g = try JSONDecoder().decode(GroupedSnapshot.self, from: json.stdoutData)
        XCTAssertEqual(g.type, "snapshotGroups")
        XCTAssertEqual(g.threads, 23)
        XCTAssertEqual(g.groups.map(\.count), [20, 1, 1, 1])
        XCTAssertEqual(g.groups[0].tids, waiters)
        XCTAssertTrue(g.groups[0].userStack.contains { $0.symbol == "profile_wait_forever" })
        XCTAssertEqual(g.groups[0].syscall, "futex")
    }

    func testTidRanges() {
        XCTAssertEqual(SnapshotGrouping.ranges([1201, 1202, 1203, 1210, 1212, 1213]), "1201-1203,1210,1212-1213")
        XCTAssertEqual(SnapshotGrouping.ranges([7]), "7")
        XCTAssertEqual(SnapshotGrouping.ranges([]), "")
    }
}
