import Foundation
import XCTest

/// How `stackcross trace` starts a program: the tracer must never change what it does (issue #12).
final class TraceLaunchTests: XCTestCase {
    /// The `Seccomp:` and `NoNewPrivs:` lines of the traced program's /proc/self/status.
    func statusLines(_ traceArgs: [String]) throws -> [String] {
        let r = try stackcross(["trace"] + traceArgs + ["-o", "/dev/null", "--", "/bin/grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map { $0.replacingOccurrences(of: "\t", with: " ") }
    }

    // MARK: The seccomp filter

    func testFilterWithoutFollowLeavesUntracedChildrenWorking() throws {
        // cat is not traced without -f: a SECCOMP_RET_TRACE filter it inherited would fail its openat with ENOSYS.
        let hostname = try String(contentsOfFile: "/etc/hostname", encoding: .utf8)
        let r = try stackcross(["trace", "-e", "trace=write,openat", "-o", "/dev/null", "--", "sh", "-c", "cat /etc/hostname; echo $?"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, hostname + "0\n", r.stderr)
        XCTAssertTrue(try statusLines(["-e", "trace=write"]).contains("Seccomp: 0"))
    }

    func testFilterWithFollowIsASeccompFilterWithoutNoNewPrivsForRoot() throws {
        let lines = try statusLines(["-f", "-e", "trace=write"])
        XCTAssertTrue(lines.contains("Seccomp: 2"), "\(lines)")
        // no_new_privs stays with the program; it is needed only when the tracer lacks CAP_SYS_ADMIN.
        XCTAssertTrue(lines.contains(geteuid() == 0 ? "NoNewPrivs: 0" : "NoNewPrivs: 1"), "\(lines)")
        XCTAssertTrue(try statusLines(["-f"]).contains("Seccomp: 0"), "no filter without -e")
    }
}
