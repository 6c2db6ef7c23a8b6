import Foundation
import XCTest
import CStackCross
@testable import Inspector

final class SmokeTests: XCTestCase {
    func testShimMirrorsKernelSyscallInfo() {
        XCTAssertEqual(MemoryLayout<sc_syscall_info>.size, 88)
    }

    func testCLIPrintsHelp() throws {
        let r = try stackcross(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("attach"), r.stdout)
    }
}
