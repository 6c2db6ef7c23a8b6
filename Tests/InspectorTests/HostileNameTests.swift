import Foundation
import StackCross
import XCTest

/// Programs whose file names hold a newline, an ANSI colour sequence and a byte that is not UTF-8:
/// text output escapes them (no raw ESC, no broken lines) and the unwinder still opens the file.
final class HostileNameTests: XCTestCase {
    /// `evil\n ESC[31m \xff`: what the tracee's file is called.
    static let evilName: [UInt8] = Array("evil\n\u{1b}[31m".utf8) + [0xff]
    /// How the text views show it: strace's escapes (the \xff is U+FFFD in the String records keep).
    static let evilShown = #"evil\n\33[31m"#
    /// The name it is started by (a symlink to it): the main thread's comm, escape bytes and all.
    static let linkName = "r\n\u{1b}[32m"
    static let linkShown = #""r\n\33[32m""#

    private var dir: String = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/stackcross-evil-XXXXXX".utf8CString)
        guard let d = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        dir = String(cString: d)
    }

    override func tearDownWithError() throws {
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// A copy of `fixture` under the evil name (bytes, so the \xff survives) and the path of a
    /// symlink to it: exec'ing the link maps the evil file, so /proc/PID/maps and exe name it.
    func evilCopy(of name: String, as evilName: [UInt8] = evilName) throws -> URL {
        let bin = try fixture(name)
        let plain = dir + "/plain"
        try FileManager.default.copyItem(atPath: bin.path, toPath: plain)
        let evil = Array((dir + "/").utf8) + evilName + [0]
        let renamed = evil.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { rename(plain, $0.baseAddress!) }
        }
        XCTAssertEqual(renamed, 0, "rename: \(errno)")
        let link = dir + "/" + Self.linkName
        let linked = evil.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { symlink($0.baseAddress!, link) }
        }
        XCTAssertEqual(linked, 0, "symlink: \(errno)")
        return URL(fileURLWithPath: link)
    }

    /// No terminal control byte anywhere in `out`, and no line that a name broke: every line of an
    /// attach text view starts with what the view itself writes.
    func assertClean(_ out: Data, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(out.contains(0x1b), "raw ESC in output", file: file, line: line)
        XCTAssertFalse(out.contains(0xff), "raw 0xff in output", file: file, line: line)
    }

    func assertSnapshotText(_ text: String, pid: Int32, file: StaticString = #filePath, line: UInt = #line) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("process \(pid) \(dir)/\(Self.evilShown)") == true, lines.first ?? "", file: file, line: line)
        XCTAssertTrue(lines.first?.hasSuffix(" · 6 threads") == true, lines.first ?? "", file: file, line: line)
        XCTAssertTrue(lines.contains { $0.hasPrefix("thread \(pid) \(Self.linkShown) · ") }, text, file: file, line: line)
        let known = ["process ", "thread ", "  ", ""]
        for l in lines { XCTAssertTrue(known.contains { l.hasPrefix($0) }, "a name broke the line: \(l)", file: file, line: line) }
        // The fixture's own functions, from the evil file's symbols, in the module it is shown as.
        for (_, chain) in AttachTests.expectedChains {
            for fn in Set(chain) {
                XCTAssertTrue(lines.contains { $0.contains(" \(fn)+0x") && $0.contains("(\(Self.evilShown)") },
                              "\(fn) not named: \(text)", file: file, line: line)
            }
        }
        XCTAssertTrue(lines.contains { $0.contains(" main+0x") && $0.contains("(\(Self.evilShown)") }, text, file: file, line: line)
    }

    func testAttachTextEscapesNamesAndStillNamesTheFunctions() throws {
        let fx = try RunningFixture(try evilCopy(of: "threads"))
        defer { fx.stop() }
        let r = try stackcross(["attach", String(fx.pid)], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertClean(r.stdoutData)
        assertSnapshotText(r.stdout, pid: fx.pid)

        // The JSON keeps the newline and the escape sequence as they are.
        let j = try stackcross(["attach", "--json", String(fx.pid)], timeout: 30)
        XCTAssertEqual(j.status, 0, j.stderr)
        let s = try JSONDecoder().decode(Snapshot.self, from: j.stdoutData)
        XCTAssertTrue(s.exe.hasPrefix(dir + "/evil\n\u{1b}[31m"), s.exe)
        XCTAssertEqual(s.threads.first { $0.tid == fx.pid }?.name, Self.linkName)
    }

    /// Only a byte that is not UTF-8 (eu-stack cannot open a path whose newline maps shows as \012):
    /// the fixture's frames are the ones eu-stack names.
    func testFramesAgreeWithEuStackWhenThePathIsNotUTF8() throws {
        let fx = try RunningFixture(try evilCopy(of: "threads", as: Array("ff".utf8) + [0xff]))
        defer { fx.stop() }
        let j = try stackcross(["attach", "--json", String(fx.pid)], timeout: 30)
        XCTAssertEqual(j.status, 0, j.stderr)
        let s = try JSONDecoder().decode(Snapshot.self, from: j.stdoutData)
        let eu = try InspectorTests.run("/usr/bin/eu-stack", ["-p", String(fx.pid)], timeout: 30)
        XCTAssertEqual(eu.status, 0, eu.stderr)
        let theirs = AttachTests.parseEuStack(eu.stdout)
        let own = Set(AttachTests.expectedChains.values.flatMap { $0 } + ["main"])
        for t in s.threads {
            let ours = t.userStack.filter { $0.inlined != true && $0.note == nil }.compactMap(\.symbol).filter(own.contains)
            let eus = (theirs[t.tid] ?? []).filter(own.contains)
            XCTAssertFalse(eus.isEmpty, "eu-stack named nothing for tid \(t.tid): \(eu.stdout)")
            XCTAssertEqual(ours, eus, "tid \(t.tid) \(t.name)")
        }
    }

    func testReportTextOfASnapshotEscapesNames() throws {
        let fx = try RunningFixture(try evilCopy(of: "threads"))
        defer { fx.stop() }
        let json = dir + "/snap.json"
        let a = try stackcross(["attach", "--json", "-o", json, String(fx.pid)], timeout: 30)
        XCTAssertEqual(a.status, 0, a.stderr)
        let r = try stackcross(["report", "--format", "text", json], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertClean(r.stdoutData)
        assertSnapshotText(r.stdout, pid: fx.pid)
    }

    func testTraceStackFramesAndExecRecordsEscapeNames() throws {
        let prog = try evilCopy(of: "stack_chain")
        let t = try stackcross(["trace", "--stack", "-e", "trace=write", "--", prog.path, "2"], timeout: 60)
        XCTAssertEqual(t.status, 0, t.stderr)
        assertClean(t.stderr.data(using: .utf8)! + t.stdoutData)
        // ` > /dir/evil\n\33[31m\357\277\275(leaf+0x…) [0x…]`: one line per frame, the fixture's functions named.
        let frames = (t.stderr + t.stdout).split(separator: "\n").filter { $0.hasPrefix(" > ") }
        for fn in ["leaf", "level3", "level2", "level1", "main"] {
            XCTAssertTrue(frames.contains { $0.hasPrefix(" > \(dir)/\(Self.evilShown)") && $0.contains("(\(fn)+0x") },
                          "\(fn) not named: \(frames)")
        }

        let out = dir + "/trace.json"
        let o = try stackcross(["trace", "--stack", "-e", "trace=write", "-o", out, "--", prog.path, "2"], timeout: 60)
        XCTAssertEqual(o.status, 0, o.stderr)
        let r = try stackcross(["report", "--format", "text", out], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertClean(r.stdoutData)
        // The exec record keeps the path's bytes: the \xff comes back as \377, not as U+FFFD.
        XCTAssertTrue(r.stdout.contains("--- exec \"\(dir)/\(Self.evilShown)\\377\" ---"), r.stdout)
        XCTAssertTrue(r.stdout.split(separator: "\n").contains { $0.contains(" leaf+0x") && $0.contains("(\(Self.evilShown)") }, r.stdout)
    }
}
