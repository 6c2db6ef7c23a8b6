import Foundation
import XCTest
import StackCross

/// Decodings held against strace's own output for one Python run each (#15): -X inside a sockaddr,
/// select/poll with their return notes, device numbers under -yy and --decode-fds=dev.
final class StraceNetDecodingTests: XCTestCase {
    /// stderr lines of `stackcross trace ARGS -- python3 -c SCRIPT` and of `strace STRACE_ARGS …`, digits as 9.
    func assertSame(_ ours: [String], strace theirs: [String], _ script: String, mustContain: String,
                    file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try stackcross(["trace"] + ours + ["--", "/usr/bin/python3", "-c", script], timeout: 60)
        XCTAssertEqual(a.status, 0, a.stderr, file: file, line: line)
        let b = try InspectorTests.run("/usr/bin/strace", theirs + ["--", "/usr/bin/python3", "-c", script], timeout: 60)
        XCTAssertEqual(b.status, 0, b.stderr, file: file, line: line)
        // The port is the kernel's pick: its hex bytes differ between the runs.
        func lines(_ s: String) -> [String] {
            s.split(separator: "\n").map {
                StraceFlagsTests.normalized(String($0).replacingOccurrences(of: #"\\x[0-9a-f]{2}"#, with: "XX", options: .regularExpression))
            }
        }
        XCTAssertEqual(lines(a.stderr), lines(b.stderr), "ours:\n\(a.stderr)\nstrace:\n\(b.stderr)", file: file, line: line)
        XCTAssertTrue(a.stderr.contains(mustContain), a.stderr, file: file, line: line)
    }

    func testSockaddrFieldsFollowDashX() throws {
        let script = """
            import socket
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
            c = socket.socket(); c.connect(s.getsockname())
            """
        for x in ["raw", "verbose"] {
            try assertSame(["-X", x, "-e", "trace=connect"], strace: ["-y", "-X", x, "-e", "trace=connect"], script,
                           mustContain: "sin_addr=\"\\x7f\\x00\\x00\\x01\"")
        }
    }

    func testSelectAndPollNotes() throws {
        let script = """
            import os, select
            r, w = os.pipe(); os.write(w, b"x")
            select.select([r], [w], [], 5)
            select.select([], [], [], 0)
            p = select.poll(); p.register(r, select.POLLIN); p.poll(5000)
            """
        try assertSame(["--decode-fds=none", "-e", "trace=select,pselect6,poll,ppoll"],
                       strace: ["-e", "trace=select,pselect6,poll,ppoll"], script, mustContain: "(Timeout)")
    }

    func testDeviceNumbers() throws {
        let script = """
            import os
            fd = os.open("/dev/null", os.O_RDONLY)
            try: os.fsync(fd)
            except OSError: pass
            """
        for ours in [["-yy"], ["--decode-fds=dev"], ["--decode-fds=path,dev"]] {
            try assertSame(ours + ["-e", "trace=fsync"], strace: ["--decode-fds=" + (ours == ["--decode-fds=dev"] ? "dev" : "all"),
                                                                 "-e", "trace=fsync"], script, mustContain: "</dev/null<char 1:3>>")
        }
        XCTAssertEqual(try stackcross(["trace", "--decode-fds=pidfd", "--", "true"]).status, 64)
    }
}
