import Foundation
import XCTest

/// Argument decodings of #15 held against strace itself on the same fixture (decode_calls.c).
final class DecodeLinesTests: XCTestCase {
    static let calls = ["setfsuid", "dup3", "mlockall", "syslog", "getgroups", "sched_setaffinity", "sched_getaffinity",
                        "fadvise64", "chdir", "sendmsg"]

    /// The traced calls' lines with the -a padding before ` = ` and mmap-area addresses (0x7… of 12 digits) normalised.
    func normalised(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
            .filter { line in Self.calls.contains { line.hasPrefix($0 + "(") } }
            .map { line in
                line.replacingOccurrences(of: #"\)\s+= "#, with: ") = ", options: .regularExpression)
                    .replacingOccurrences(of: #"0x7[0-9a-f]{11}"#, with: "0xADDR", options: .regularExpression)
            }
    }

    func testDecodedArgumentsMatchStrace() throws {
        let bin = try fixture("decode_calls").path
        let set = "trace=" + Self.calls.joined(separator: ",")
        let ours = try stackcross(["trace", "-e", set, "--", bin], timeout: 60)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        // strace -o keeps its own warnings (umovestr: short read) out of the lines.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("decode-strace-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-o", log.path, "-e", set, "--", bin], timeout: 60)
        XCTAssertEqual(theirs.status, 0, "strace could not run: \(theirs.stderr)")
        let expected = normalised(try String(contentsOf: log, encoding: .utf8))
        XCTAssertEqual(expected.count, Self.calls.count + 1, "strace's lines: \(expected)")  // syslog twice
        XCTAssertEqual(normalised(ours.stderr), expected)
    }
}
