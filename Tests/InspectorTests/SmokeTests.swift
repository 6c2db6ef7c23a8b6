import Foundation
import XCTest
@testable import Inspector

final class SmokeTests: XCTestCase {
    func testShimMirrorsKernelSyscallInfo() {
        XCTAssertEqual(InspectorInfo.syscallInfoSize, 88)
    }

    func testCLIPrintsHelp() throws {
        let r = try stackcross(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("attach"), r.stdout)
    }
}
