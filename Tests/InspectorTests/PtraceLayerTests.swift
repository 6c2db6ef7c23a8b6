import Foundation
import XCTest
@testable import Inspector

/// The typed ptrace layer: one tracer thread, errors as values, events decoded into the stop.
final class PtraceLayerTests: XCTestCase {
    /// A handle belongs to the thread that made it; any other thread is refused (an assertion in debug builds).
    func testHandleKnowsItsTracerThread() {
        let ptrace = Ptrace()
        XCTAssertTrue(ptrace.isOnTracerThread)
        var elsewhere: Bool?
        let t = Thread { elsewhere = ptrace.isOnTracerThread }
        t.start()
        let deadline = Date().addingTimeInterval(5)
        while elsewhere == nil && Date() < deadline { usleep(1000) }
        XCTAssertEqual(elsewhere, false)
    }

    /// ESRCH and EPERM come back as ordinary values a caller can switch over.
    func testErrorsAreValues() throws {
        let ptrace = Ptrace()
        // A pid that cannot exist (beyond pid_max).
        XCTAssertThrowsError(try ptrace.interrupt(Int32.max)) { error in
            XCTAssertEqual(error as? PtraceError, .noSuchProcess(tid: Int32.max))
        }
        // A process may not trace itself.
        XCTAssertThrowsError(try ptrace.seize(getpid())) { error in
            XCTAssertEqual(error as? PtraceError, .permission(tid: getpid()))
        }
    }
}
