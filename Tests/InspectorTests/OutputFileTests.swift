import Foundation
import XCTest

/// `-o` must write into what the path is, as a shell's `>` does: a device stays a device, even
/// when the run fails (only a half-written regular file is removed).
final class OutputFileTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "sc-out" }
    private var device: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        // A private twin of /dev/null (char 1:3), so a regression cannot damage the real one.
        device = dir.appendingPathComponent("null")
        let r = try InspectorTests.run("/usr/bin/mknod", ["-m", "666", device.path, "c", "1", "3"])
        XCTAssertEqual(r.status, 0, "mknod needs root: \(r.stderr)")
    }

    private func assertStillDevice(_ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let type = (try? FileManager.default.attributesOfItem(atPath: device.path))?[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeCharacterSpecial, "\(what) replaced the device at -o", file: file, line: line)
    }

    func testEveryCommandWritesIntoADeviceInPlace() throws {
        let t = try stackcross(["trace", "-o", device.path, "--", "/bin/true"], timeout: 60)
        XCTAssertEqual(t.status, 0, t.stderr)
        assertStillDevice("trace -o")

        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { sleeper.terminate(); sleeper.waitUntilExit() }
        usleep(100_000)
        let a = try stackcross(["attach", String(sleeper.processIdentifier), "--json", "-o", device.path], timeout: 60)
        XCTAssertEqual(a.status, 0, a.stderr)
        assertStillDevice("attach -o")

        let corrupt = dir.appendingPathComponent("corrupt.jsonl")
        try Data("{\"type\":\"exit\",\"pid\":1,\"tid\":1,\"timeNs\":1}\nnot json\n".utf8).write(to: corrupt)
        let r = try stackcross(["report", corrupt.path, "--format", "summary", "-o", device.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(":2"), "the error names the line: \(r.stderr)")
        assertStillDevice("a failed report -o")
    }

    func testAFailedReportRemovesItsHalfWrittenRegularFile() throws {
        let corrupt = dir.appendingPathComponent("corrupt.jsonl")
        try Data("{\"type\":\"exit\",\"pid\":1,\"tid\":1,\"timeNs\":1}\n{broken\n".utf8).write(to: corrupt)
        let out = dir.appendingPathComponent("out.html")
        let r = try stackcross(["report", corrupt.path, "--format", "html", "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
