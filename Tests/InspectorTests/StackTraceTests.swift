import Foundation
import StackCross
import XCTest
@testable import Inspector

/// `stackcross trace --stack` against Fixtures/stack_chain.c and strace -k.
final class StackTraceTests: XCTestCase {
    static let chain = ["leaf", "level3", "level2", "level1", "main", "_start"]

    /// Runs `stackcross trace --stack … -o FILE -- fixture ARGS` and returns its write records.
    func traceWrites(_ args: [String], extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [SyscallRecord] {
        let bin = try fixture("stack_chain")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try stackcross(["trace", "--stack", "-e", "trace=write", "-o", out.path] + extra + ["--", bin.path] + args,
                               timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let text = try String(contentsOf: out, encoding: .utf8)
        return try TraceFile.records(text).compactMap { r -> SyscallRecord? in
            if case .syscall(let s) = r, s.name == "write" { return s }
            return nil
        }
    }

    func ownFrames(_ frames: [Frame]) -> [String] {
        frames.filter { ($0.module ?? "").hasSuffix("/stack_chain") && $0.inlined != true }.compactMap(\.symbol)
    }

    func testEveryWriteCarriesItsChain() throws {
        let writes = try traceWrites(["200"])
        XCTAssertEqual(writes.count, 200)
        for w in writes {
            let stack = try XCTUnwrap(w.userStack, "write without a stack")
            XCTAssertEqual(ownFrames(stack), Self.chain)
            XCTAssertTrue(stack.first?.symbol?.contains("write") == true, "\(stack.first!)")
            XCTAssertEqual(stack.first?.isActivation, true)
            XCTAssertEqual(stack.first?.pc, w.entryRegs?.rip, "the innermost frame is where the syscall was made")
            XCTAssertNil(stack.last?.note, "\(stack.last!)")
            let leaf = try XCTUnwrap(stack.first { $0.symbol == "leaf" })
            XCTAssertEqual(leaf.file.map { URL(fileURLWithPath: $0).lastPathComponent }, "stack_chain.c")
            XCTAssertNotNil(leaf.buildId)
        }
    }

    func testStacksUnwoundAtTheStopWhenTooManyCopiesWait() throws {
        // No copy may wait for the output thread: every stack is unwound on the tracer thread.
        let writes = try traceWrites(["100"], extra: ["--stack-max-copies", "0"])
        XCTAssertEqual(writes.count, 100)
        for w in writes { XCTAssertEqual(ownFrames(w.userStack ?? []), Self.chain) }
    }

    func testThreadsEachCarryTheirOwnChain() throws {
        let writes = try traceWrites(["50", "threads"], extra: ["-f"]).filter { $0.tid != $0.pid }
        XCTAssertEqual(writes.count, 200)
        let tids = Set(writes.map(\.tid))
        XCTAssertEqual(tids.count, 4)
        for w in writes {
            XCTAssertEqual(ownFrames(w.userStack ?? []), ["leaf", "level3", "level2", "level1", "thread_main"])
        }
    }

    func testLibunwindBackendNamesTheSameChain() throws {
        let writes = try traceWrites(["20"], extra: ["--unwinder", "libunwind"])
        XCTAssertEqual(writes.count, 20)
        for w in writes { XCTAssertEqual(ownFrames(w.userStack ?? []), Self.chain, "\(w.userStack ?? [])") }
        // Bad stacks end with a marker there too.
        let broken = try XCTUnwrap(try traceWrites(["1", "broken"], extra: ["--unwinder", "libunwind"]).first?.userStack)
        XCTAssertEqual(broken.last?.note, "unwind stopped: return address 0x10 is in no executable mapping")
        let loop = try XCTUnwrap(try traceWrites(["1", "loop"], extra: ["--unwinder", "libunwind"]).first?.userStack)
        XCTAssertTrue(loop.count < 10 && loop.last?.note?.hasPrefix("unwind stopped:") == true, "\(loop)")
        let cut = try XCTUnwrap(try traceWrites(["1", "deep"], extra: ["--unwinder", "libunwind", "--stack-bytes", "1024"]).first?.userStack)
        XCTAssertEqual(cut.last?.note, "unwind stopped: the stack copy ends at +1024 bytes (--stack-bytes 1024)")
    }

    func testSameFunctionsAsStraceK() throws {
        let bin = try fixture("stack_chain")
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-f", "-k", "-e", "trace=write", bin.path, "30"], timeout: 60)
        XCTAssertEqual(theirs.status, 0, theirs.stderr)
        let ours = try stackcross(["trace", "--stack", "-e", "trace=write", "--", bin.path, "30"], timeout: 60)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let a = Self.parseStraceK(theirs.stderr, module: bin.path)
        let b = Self.parseStraceK(ours.stderr, module: bin.path)
        XCTAssertEqual(a.count, 30, theirs.stderr)
        XCTAssertEqual(b.count, 30, ours.stderr)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.first, Self.chain)
    }

    func testBrokenStacksEndWithAMarker() throws {
        let broken = try XCTUnwrap(try traceWrites(["1", "broken"]).first?.userStack)
        XCTAssertEqual(ownFrames(broken), ["broken_leaf"])
        XCTAssertEqual(broken.last?.note, "unwind stopped: return address 0x10 is in no executable mapping")

        let loop = try XCTUnwrap(try traceWrites(["1", "loop"]).first?.userStack)
        XCTAssertEqual(ownFrames(loop), ["loop_leaf", "main"], "\(loop)")
        XCTAssertTrue(loop.last?.note?.hasPrefix("unwind stopped: frame repeats") == true, "\(loop.last!)")

        // Code in no module gives a raw pc, and the walk goes on from its caller's frame.
        let jit = try XCTUnwrap(try traceWrites(["1", "jit"]).first?.userStack)
        XCTAssertNil(jit.first?.module)
        XCTAssertNil(jit.first?.symbol)
        XCTAssertTrue(ownFrames(jit).contains("main"), "\(jit)")
    }

    func test32BitProgramStacksWalkThroughTheVdso() throws {
        let bin = try fixture("stack_chain", .m32)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("stack32-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try stackcross(["trace", "--stack", "-e", "trace=write", "-o", out.path, "--", bin.path, "5"], timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        let writes = try TraceFile.records(String(contentsOf: out, encoding: .utf8)).compactMap { r -> SyscallRecord? in
            if case .syscall(let s) = r, s.name == "write" { return s }
            return nil
        }
        XCTAssertEqual(writes.count, 5)
        for w in writes {
            XCTAssertEqual(w.abi, .i386)
            let stack = w.userStack ?? []
            // The vDSO image was read while the process lived: it may be gone by the time this is unwound.
            XCTAssertEqual(stack.first?.symbol, "__kernel_vsyscall", "\(stack)")
            XCTAssertEqual(stack.filter { ($0.module ?? "").hasSuffix("/stack_chain-m32") }.compactMap(\.symbol), Self.chain)
        }
    }

    func testInlinedFramesAreMarkedWithTheirCallSites() throws {
        let stack = try XCTUnwrap(try traceWrites(["1", "inline"]).first?.userStack)
        let mine = stack.filter { ($0.module ?? "").hasSuffix("/stack_chain") }
        XCTAssertEqual(mine.map { $0.symbol ?? "?" }, ["inline_leaf", "inline_mid", "inline_outer", "main", "_start"])
        XCTAssertEqual(mine.prefix(3).map { $0.inlined ?? false }, [true, true, false])
        XCTAssertEqual(Set(mine.prefix(3).map(\.pc)).count, 1, "inlined frames share their container's pc")
        // Each frame's line is where it is in its own function: the write, then each call site.
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Fixtures/stack_chain.c"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let lines = mine.prefix(3).map { f in f.line.map { String(source[$0 - 1]) } ?? "" }
        XCTAssertTrue(lines[0].contains("write("), lines[0])
        XCTAssertTrue(lines[1].contains("inline_leaf();"), lines[1])
        XCTAssertTrue(lines[2].contains("inline_mid();"), lines[2])
    }

    func testDlopenedLibraryFramesAreNamed() throws {
        for unwinder in ["libdw", "libunwind"] {
            // -e trace=write: mmap still stops the tracee (unreported), so the module map is re-read
            // between the first write and the one libz makes.
            let writes = try traceWrites(["1", "dlopen"], extra: ["--unwinder", unwinder])
            XCTAssertEqual(writes.count, 2)
            XCTAssertFalse(writes.contains { $0.name == "mmap" })
            let stack = try XCTUnwrap(writes.last?.userStack, unwinder)
            let libz = stack.filter { ($0.module ?? "").contains("libz.so") }
            XCTAssertFalse(libz.isEmpty, "\(unwinder): no libz frames in \(stack)")
            XCTAssertTrue(libz.contains { $0.symbol == "gzclose" || $0.symbol?.hasPrefix("gz") == true }, "\(libz)")
            XCTAssertEqual(ownFrames(stack), ["dlopen_leaf", "main", "_start"], unwinder)
        }
    }

    /// A shell running 40 short programs: the collector forgets each process's module map when the
    /// process is gone, and the vDSO images it read (one a process) are held once per distinct image.
    func testManyShortProcessesLeaveNoPerProcessState() throws {
        var so = StackOptions()
        so.sourceLines = .none
        let sink = CountingSink()
        let collector = SyscallStackCollector(options: so, downstream: sink)
        let processesBefore = VdsoImages.shared.processes
        let script = "for i in $(seq 40); do /bin/true; done"
        let (outcome, most) = try traceSamplingPeak(["/bin/sh", "-c", script], sink: collector, extensions: [collector]) { collector.mapsKept }
        XCTAssertEqual(outcome.exitStatus, 0)
        XCTAssertEqual(sink.calls["execve"], 42, "sh, seq and 40 programs")
        XCTAssertGreaterThan(most, 0, "no module map was ever kept: the check below proves nothing")
        XCTAssertLessThan(most, 5, "module maps piled up with the processes")
        XCTAssertEqual(collector.mapsKept, 0, "every process is gone")
        XCTAssertGreaterThanOrEqual(VdsoImages.shared.processes - processesBefore, 40, "a vDSO read for each process")
        XCTAssertLessThanOrEqual(VdsoImages.shared.distinctImages, 2, "one 64-bit image (and at most one 32-bit one)")
    }

    func testStackBytesBoundTheCopy() throws {
        let full = try XCTUnwrap(try traceWrites(["1", "deep"]).first?.userStack)
        XCTAssertEqual(ownFrames(full).filter { $0 == "deep" }.count, 201)
        XCTAssertEqual(ownFrames(full).suffix(2), ["main", "_start"])
        let cut = try XCTUnwrap(try traceWrites(["1", "deep"], extra: ["--stack-bytes", "1024"]).first?.userStack)
        let deepFrames = ownFrames(cut).filter { $0 == "deep" }.count
        XCTAssertGreaterThan(deepFrames, 10)
        XCTAssertLessThan(deepFrames, 40, "1 KiB holds about 32 frames of 32 bytes")
        XCTAssertEqual(cut.last?.note, "unwind stopped: the stack copy ends at +1024 bytes (--stack-bytes 1024)")
    }

    func testStackCopyUnitReadsOnlyTheCopy() {
        let m = StackCopyMemory(base: 0x1000, bytes: (0..<16).map(UInt8.init))
        XCTAssertEqual(m.readWord(at: 0x1000), 0x0706_0504_0302_0100)
        XCTAssertEqual(m.readWord(at: 0x1008), 0x0f0e_0d0c_0b0a_0908)
        XCTAssertFalse(m.readPastEnd)
        XCTAssertNil(m.readWord(at: 0x1009))
        XCTAssertTrue(m.readPastEnd)
        XCTAssertNil(m.readWord(at: 0xff8), "below the stack pointer")
    }

    /// Per syscall, the fixture module's functions named in strace -k style frame lines.
    static func parseStraceK(_ text: String, module: String) -> [[String]] {
        var out: [[String]] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("write(") {
                out.append([])
            } else if line.hasPrefix(" > \(module)("), !out.isEmpty {
                let inner = line.dropFirst(" > \(module)(".count).prefix { $0 != ")" }
                let name = inner.split(separator: "+").first.map(String.init) ?? ""
                if !line.contains("[inlined]") { out[out.count - 1].append(name) }
            }
        }
        return out
    }
}
