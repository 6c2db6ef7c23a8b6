import Foundation
import Glibc
import XCTest

/// `-o FILE.zst`: traces written as a zstd stream, ended properly on every way out; `report` reads
/// `.zst` (by its magic bytes, also from stdin) as a stream, and refuses a truncated or corrupt one.
final class ZstdTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "sc-zstd" }

    static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func bytes(_ p: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: p))) }

    /// The zstd CLI's view of a file: its decompressed bytes, and whether `zstd -t` finds it whole.
    func zstdDecompress(_ p: String) throws -> (ok: Bool, data: Data) {
        let r = try InspectorTests.run("/usr/bin/zstd", ["-q", "-d", "-c", p], timeout: 60)
        return (r.status == 0, r.stdoutData)
    }

    /// A trace reduced to what two runs of the same program share: each record's type and syscall name.
    func shape(_ jsonl: Data) throws -> [String] {
        try jsonl.split(separator: UInt8(ascii: "\n")).map { line in
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            return "\(o["type"] ?? "?") \(o["name"] ?? "")"
        }
    }

    /// A traced run of trace_writes to `out`.
    func traceWrites(_ out: String, count: Int = 300) throws {
        let r = try InspectorTests.stackcross(["trace", "-f", "-o", out, "--", try fixture("trace_writes").path, String(count)])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testTraceToZstIsAZstdStreamOfTheSameRecordsAsAPlainTrace() throws {
        try traceWrites(path("t.jsonl.zst"))
        try traceWrites(path("t.jsonl"))
        let z = try bytes(path("t.jsonl.zst"))
        XCTAssertEqual(Array(z.prefix(4)), Self.magic, "a zstd frame")
        let (ok, plain) = try zstdDecompress(path("t.jsonl.zst"))
        XCTAssertTrue(ok, "zstd -d accepts the whole file (its frame is ended)")
        let reference = try Data(contentsOf: URL(fileURLWithPath: path("t.jsonl")))
        XCTAssertEqual(try shape(plain), try shape(reference))
        XCTAssertEqual(try shape(plain).filter { $0 == "syscall write" }.count, 300)
        XCTAssertLessThan(z.count * 10, reference.count, "compressed at least 10×: \(z.count) vs \(reference.count)")
        // A plain name stays plain.
        XCTAssertNotEqual(Array(try bytes(path("t.jsonl")).prefix(4)), Self.magic)
    }

    func testReportReadsZstByMagicFromFileAndStdinAsItsDecompressedCopy() throws {
        let zst = path("t.jsonl.zst")
        try traceWrites(zst)
        let (ok, plain) = try zstdDecompress(zst)
        XCTAssertTrue(ok)
        try plain.write(to: URL(fileURLWithPath: path("copy.jsonl")))
        // Told by its magic bytes, not its name.
        try FileManager.default.copyItem(atPath: zst, toPath: path("renamed.trace"))
        for format in ["text", "summary", "chrome"] {
            let reference = try InspectorTests.stackcross(["report", "--format", format, path("copy.jsonl")])
            XCTAssertEqual(reference.status, 0, reference.stderr)
            XCTAssertFalse(reference.stdout.isEmpty)
            for input in [zst, path("renamed.trace")] {
                let r = try InspectorTests.stackcross(["report", "--format", format, input])
                XCTAssertEqual(r.status, 0, "\(format) \(input): \(r.stderr)")
                XCTAssertEqual(r.stdout, reference.stdout, "\(format) of \(input)")
            }
            let stdin = try XCTUnwrap(FileHandle(forReadingAtPath: zst))
            defer { try? stdin.close() }
            let piped = try InspectorTests.run(stackcrossBinary.path, ["report", "--format", format, "-"], stdin: stdin)
            XCTAssertEqual(piped.status, 0, piped.stderr)
            // The views name their input (chrome's title): only text and summary are byte-equal from stdin.
            if format != "chrome" { XCTAssertEqual(piped.stdout, reference.stdout, "\(format) from stdin") }
        }
    }

    /// `check` reads a .zst (and a .zst on stdin) as its decompressed copy, and refuses a truncated one.
    func testCheckReadsZst() throws {
        let zst = path("t.jsonl.zst")
        try traceWrites(zst)
        let (ok, plain) = try zstdDecompress(zst)
        XCTAssertTrue(ok)
        try plain.write(to: URL(fileURLWithPath: path("copy.jsonl")))
        let reference = try InspectorTests.stackcross(["check", path("copy.jsonl")])
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let r = try InspectorTests.stackcross(["check", zst])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.replacingOccurrences(of: zst, with: "F"), reference.stdout.replacingOccurrences(of: path("copy.jsonl"), with: "F"))
        let stdin = try XCTUnwrap(FileHandle(forReadingAtPath: zst))
        defer { try? stdin.close() }
        let piped = try InspectorTests.run(stackcrossBinary.path, ["check", "-"], stdin: stdin)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        let cut = path("cut.zst")
        try Data(try bytes(zst).prefix(1000)).write(to: URL(fileURLWithPath: cut))
        let t = try InspectorTests.stackcross(["check", cut])
        XCTAssertEqual(t.status, 1, t.stderr)
        XCTAssertTrue(t.stderr.contains("check: \(cut): truncated zstd stream"), t.stderr)
    }

    func testTruncatedOrCorruptZstIsAnErrorNamingTheFile() throws {
        let zst = path("t.jsonl.zst")
        try traceWrites(zst)
        let whole = try bytes(zst)
        var cases: [(String, [UInt8], String)] = []
        // Cut in the middle, just before the end (the checksum), and right after the magic.
        for (name, n) in [("half.zst", whole.count / 2), ("end.zst", whole.count - 1), ("magic.zst", 4)] {
            cases.append((name, Array(whole.prefix(n)), "truncated zstd stream"))
        }
        var flipped = whole
        flipped[whole.count / 2] ^= 0xFF
        cases.append(("flipped.zst", flipped, "not a valid zstd stream"))
        for (name, data, message) in cases {
            let p = path(name)
            try Data(data).write(to: URL(fileURLWithPath: p))
            let view = path(name + ".txt")
            let r = try InspectorTests.stackcross(["report", "--format", "text", p, "-o", view])
            XCTAssertEqual(r.status, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("report: \(p): \(message)"), "\(name): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: view), "\(name): no partial view left behind")
            // The same from stdin.
            let stdin = try XCTUnwrap(FileHandle(forReadingAtPath: p))
            defer { try? stdin.close() }
            let piped = try InspectorTests.run(stackcrossBinary.path, ["report", "--format", "summary", "-"], stdin: stdin)
            XCTAssertEqual(piped.status, 1, "\(name) from stdin: \(piped.stderr)")
            XCTAssertTrue(piped.stderr.contains("report: stdin: \(message)"), "\(name) from stdin: \(piped.stderr)")
        }
    }

    /// A `.zst` whose compressed writes fail (here a name for /dev/full): the message names it, exit 1.
    func testZstToAFullDeviceFailsNamingIt() throws {
        let full = path("full.zst")
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: "/dev/full")
        let fx = try fixture("trace_writes").path
        for extra in [[], ["--stack"]] {
            let r = try InspectorTests.stackcross(["trace"] + extra + ["-o", full, "--", fx, "20"])
            XCTAssertEqual(r.status, 1, "\(extra): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("cannot write \(full): No space left on device"), "\(extra): \(r.stderr)")
        }
        // An endless child: the trace stops at the failed write and does not hang.
        let r = try InspectorTests.stackcross(["trace", "-f", "-o", full, "--", try fixture("trace_loop").path], timeout: 20)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot write \(full): No space left on device"), r.stderr)
    }

    /// SIGINT ends a trace (killing its own child, or detaching with -p): the zstd frame is ended all the same.
    func testSIGINTEndsTheZstdStream() throws {
        let loop = try fixture("trace_loop").path
        let target = try RunningFixture(try fixture("trace_loop"))
        defer { target.stop() }
        for (name, args) in [("child.zst", ["-f", "--", loop]), ("attached.zst", ["-f", "-p", String(target.pid)])] {
            let out = path(name)
            let p = Process()
            p.executableURL = stackcrossBinary
            p.arguments = ["trace", "-o", out] + args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Wait for compressed output to appear (zstd emits blocks as the trace grows), then interrupt.
            XCTAssertTrue(eventually(timeout: 20) { ((try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0) > 0 },
                          "\(name): output appears")
            kill(p.processIdentifier, SIGINT)
            XCTAssertTrue(eventually(timeout: 20) { !p.isRunning }, "\(name): stackcross ends after SIGINT")
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
            let (ok, plain) = try zstdDecompress(out)
            XCTAssertTrue(ok, "\(name): zstd -d accepts the file: its frame was ended")
            XCTAssertGreaterThan(try shape(plain).filter { $0 == "syscall write" }.count, 0, name)
            let r = try InspectorTests.stackcross(["report", "--format", "summary", out])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
        }
    }

    /// `attach --json -o FILE.zst` writes the snapshot compressed; `report` reads it.
    func testAttachJSONToZst() throws {
        let target = try RunningFixture(try fixture("trace_loop"))
        defer { target.stop() }
        let out = path("snap.json.zst")
        let r = try InspectorTests.stackcross(["attach", "--json", "-o", out, String(target.pid)], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Array(try bytes(out).prefix(4)), Self.magic)
        let (ok, plain) = try zstdDecompress(out)
        XCTAssertTrue(ok)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: plain))
        let folded = try InspectorTests.stackcross(["report", "--format", "folded", out])
        XCTAssertEqual(folded.status, 0, folded.stderr)
    }

    /// A .zst is read as a stream: twenty times the records cost (almost) no more memory.
    func testReportOfALargeZstStaysInBoundedMemory() throws {
        try traceWrites(path("small.jsonl.zst"), count: 2000)
        try traceWrites(path("big.jsonl.zst"), count: 40000)
        XCTAssertEqual(Array(try bytes(path("big.jsonl.zst")).prefix(4)), Self.magic, "a zstd stream is what is measured")
        let (r0, small) = try peakRSS(["report", "--format", "summary", path("small.jsonl.zst")])
        XCTAssertEqual(r0.status, 0, r0.stderr)
        let (r, peak) = try peakRSS(["report", "--format", "summary", path("big.jsonl.zst")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("40000"), r.stdout)
        let size = try zstdDecompress(path("big.jsonl.zst")).data.count
        print("report of a .zst: \(size >> 20) MiB decompressed, peak RSS \(peak >> 10) MiB (1/20 of the records: \(small >> 10) MiB)")
        XCTAssertLessThan(peak, small + (8 << 10), "peak RSS \(peak) KiB against \(small) KiB")
    }

    func peakRSS(_ args: [String]) throws -> (RunResult, Int) {
        let script = """
        import resource, subprocess, sys
        r = subprocess.run(sys.argv[1:])
        sys.stderr.write("PEAK_RSS_KB=%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.exit(r.returncode)
        """
        let r = try InspectorTests.run("/usr/bin/python3", ["-c", script, stackcrossBinary.path] + args, timeout: 120)
        let line = try XCTUnwrap(r.stderr.split(separator: "\n").last { $0.hasPrefix("PEAK_RSS_KB=") })
        return (r, Int(line.dropFirst("PEAK_RSS_KB=".count))!)
    }
}
