import Foundation
import StackCross
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

    // MARK: Bytes, not Strings

    /// Runs SCRIPT with sh, $0 being stackcross, $1 the argv_bytes fixture and $2 a scratch directory:
    /// printf makes the bytes that no Swift String (and so no Process argument) can hold.
    func shell(_ script: String) throws -> RunResult {
        let bin = try fixture("argv_bytes")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sc-launch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try InspectorTests.run("/bin/sh", ["-c", script, stackcrossBinary.path, bin.path, dir.path])
    }

    func testArgumentBytesReachTheProgramUnchanged() throws {
        let r = try shell(#"exec "$0" trace -o /dev/null -- "$1" "$(printf '\377\376')" "$(printf 'a\001\303\251')""#)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "fffe\n6101c3a9\n", r.stderr)
    }

    func testEnvironmentBytesReachTheProgramUnchanged() throws {
        let r = try shell(#"SC_BYTES="$(printf 'x\377\300')" exec "$0" trace -o /dev/null -- "$1""#)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "env 78ffc0\n", r.stderr)
    }

    func testProgramPathAndPATHWithInvalidUTF8() throws {
        // By its path, then found in a $PATH directory whose name is not UTF-8 either.
        let r = try shell(#"""
            d="$2/d$(printf '\377')"; p="p$(printf '\376')"
            mkdir "$d" && cp "$1" "$d/$p" || exit 99
            "$0" trace -o /dev/null -- "$d/$p" a && PATH="$d:$PATH" exec "$0" trace -o /dev/null -- "$p" b
            """#)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "61\n62\n", r.stderr)
    }

    func testMissingProgramIsNamedWithItsBytesEscaped() throws {
        let r = try shell(#"exec "$0" trace -- "$2/$(printf 'no\377\nsuch')""#)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(#"/no\377\nsuch": No such file or directory"#), r.stderr)
    }

    // MARK: Options and the program

    func testUnknownOptionBeforeTheProgramIsAUsageError() throws {
        for args in [["--bogus", "--", "/bin/true"], ["-q", "--bogus", "/bin/true"], ["-J", "/bin/true"]] {
            let r = try stackcross(["trace"] + args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("Unknown option '\(args.first { $0.hasPrefix("-") && $0 != "-q" }!)'"), "\(args): \(r.stderr)")
        }
    }

    func testOptionsAfterTheProgramAreTheProgramsArguments() throws {
        let bin = try fixture("argv_bytes")
        for args in [["--", bin.path, "--bogus", "-f"], [bin.path, "--bogus", "-f"], ["--", bin.path, "--", "-x"]] {
            let r = try stackcross(["trace", "-o", "/dev/null"] + args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            let shown = args.drop { $0 != bin.path }.dropFirst().map { $0.utf8.map { String(format: "%02x", $0) }.joined() }
            XCTAssertEqual(r.stdout, shown.map { $0 + "\n" }.joined(), "\(args)")
        }
    }

    // MARK: fd paths

    /// The path part of the `write(3<…>, ` line in strace-style TEXT.
    func writePath(_ text: String) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("write(3<") }),
              let end = line.range(of: ">, \"x\"") else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: 8) ..< end.lowerBound])
    }

    func testFdPathIsEscapedLikeStraceAndKeptWholeInJSON() throws {
        let bin = try fixture("fd_path_bytes")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sc-fdpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ours = try stackcross(["trace", "-q", "-e", "trace=write", "--", bin.path, dir.path])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-y", "-qq", "-e", "trace=write", "--", bin.path, dir.path])
        XCTAssertEqual(theirs.status, 0, theirs.stderr)
        let path = try XCTUnwrap(writePath(ours.stderr), ours.stderr)
        XCTAssertEqual(path, writePath(theirs.stderr), "strace: \(theirs.stderr)")
        XCTAssertEqual(path, dir.path + #"/a\377b\nc\74d\76e\\f\"g\1h\0012 \303\251\177"#)
        // The JSON args hold the same lossless text (no U+FFFD).
        let out = dir.appendingPathComponent("out.jsonl")
        let r = try stackcross(["trace", "-e", "trace=write", "-o", out.path, "--", bin.path, dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = try TraceFile.records([UInt8](Data(contentsOf: out)))
        XCTAssertEqual(TraceTests.syscalls(records).first { $0.name == "write" }?.args.first, "3<\(path)>")
    }

    func testExecRecordKeepsThePathBytes() throws {
        let r = try shell(#"""
            p="$2/$(printf 'p\376\nq')"
            cp "$1" "$p" || exit 99
            "$0" trace -o "$2/out.jsonl" -- "$p" && cat "$2/out.jsonl"
            """#)
        XCTAssertEqual(r.status, 0, r.stderr)
        let execs = try TraceFile.records(r.stdout)
            .compactMap { if case .exec(let e) = $0 { e } else { nil } }
        XCTAssertEqual(execs.count, 1)
        XCTAssertEqual(execs.first.map { Array($0.path.bytes.suffix(5)) }, [UInt8(ascii: "/"), UInt8(ascii: "p"), 0xFE, 0x0A, UInt8(ascii: "q")])
    }
}
