import Foundation
import XCTest
@testable import StackCross

/// The text view of a snapshot (Report/SnapshotText.swift), from hand-made records.
final class ProcSnapshotTextTests: XCTestCase {
    func regs(origRax: Int64, rsp: UInt64) -> Registers {
        var v = [UInt64](repeating: 0, count: 27)
        v[15] = UInt64(bitPattern: origRax)
        v[17] = 0x33
        v[19] = rsp
        v[20] = 0x2b
        return Registers(values: v)
    }

    /// Tracee names (exe, comm, module, symbol, file, stack mapping, notes) cannot drive the
    /// terminal nor break a line: strace's escapes, in attach text and in trace --stack lines.
    func testHostileNamesAreEscaped() {
        let evil = "/tmp/evil\n\u{1b}[31m"
        let f = Frame(pc: 0x5555_0000_1000, symbol: "f\u{1b}", offset: 1, module: evil, file: "/s/x\n.c", line: 3)
        let t = ThreadSnapshot(tid: 7, name: "n\u{1b}\"", state: "S", userStack: [f, Frame(pc: 0, note: "stopped: \u{1b}\n")],
                               kernelStack: [Frame(pc: 0, symbol: "k\u{1b}", module: "m\n")],
                               crossing: Crossing(entry: .none, phase: .interrupted, userRsp: 0x10, userStackMapping: evil))
        let text = SnapshotText.render(Snapshot(pid: 7, exe: evil, threads: [t]))
        XCTAssertFalse(text.utf8.contains(0x1b), text)
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), [
            #"process 7 /tmp/evil\n\33[31m · 1 thread"#,
            "",
            #"thread 7 "n\33\"" · S (sleeping)"#,
            #"  [k] k\33 [m\n]"#,
            #"  ── interrupted in user mode (orig_rax -1) · user rsp 0x10 in /tmp/evil\n\33[31m ──"#,
            #"  #0 0x0000555500001000 f\33+0x1 (evil\n\33[31m) x\n.c:3"#,
            #"  -- stopped: \33\n"#,
            "",
        ])
        XCTAssertEqual(StackText.straceLines(t.userStack), [
            #" > /tmp/evil\n\33[31m(f\33+0x1) [0x555500001000] /s/x\n.c:3"#,
            #" > -- stopped: \33\n"#,
        ])
    }

    func testThreadInSyscall() {
        let t = ThreadSnapshot(
            tid: 11, name: "reader", state: "S", registers: regs(origRax: 0, rsp: 0x7ffd_0000_1000),
            userStack: [
                Frame(pc: 0x7f00_0000_12ec, symbol: "read", offset: 0x4c, module: "/usr/lib/libc.so.6", isActivation: true),
                Frame(pc: 0x5555_0000_12a2, symbol: "reader_wait", offset: 0x26, module: "/tmp/threads",
                      file: "/src/threads.c", line: 37),
                Frame(pc: 0x5555_0000_1300, symbol: "inner", module: "/tmp/threads", inlined: true),
                Frame(pc: 0, note: "unwind stopped: --max-frames 3 reached"),
            ],
            kernelStack: [Frame(pc: 0, symbol: "anon_pipe_read", offset: 0x366, length: 0x410),
                          Frame(pc: 0, symbol: "nfs_read", offset: 1, length: 2, module: "nfs")],
            procSyscall: "0 0x3 …",
            crossing: Crossing(entry: .syscall, phase: .interrupted,
                               syscall: SyscallCall(abi: .x86_64, nr: 0, name: "read", args: [3, 0x7ffd_0000_2000, 4096, 0, 0, 0]),
                               userRsp: 0x7ffd_0000_1000, userStackMapping: "[stack]",
                               checks: [Check(name: "cpl", ok: true, expected: "3", actual: "3"),
                                        Check(name: "rsp-in-stack", ok: false, expected: "[stack]", actual: "none")]))
        let lines = SnapshotText.thread(t).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            "thread 11 \"reader\" · S (sleeping)",
            "  [k] anon_pipe_read+0x366/0x410",
            "  [k] nfs_read+0x1/0x2 [nfs]",
            "  ── read(3, 0x7ffd00002000, 4096) entered via SYSCALL · user rsp 0x7ffd00001000 in [stack] ──",
            "  ✗ rsp-in-stack: expected [stack], actual none",
            "  #0 0x00007f00000012ec read+0x4c (libc.so.6)",
            "  #1 0x00005555000012a2 reader_wait+0x26 (threads) threads.c:37",
            "  #2 0x0000555500001300 inner (threads) [inlined]",
            "  -- unwind stopped: --max-frames 3 reached",
        ])
    }

    func testRunningAndInterruptedThreads() {
        var t = ThreadSnapshot(tid: 12, name: "spinner", state: "R", registers: regs(origRax: -1, rsp: 0x7f00),
                               userStack: [Frame(pc: 0x5555_0000_0010, offset: 0x1234, module: "/tmp/stripped")],
                               procSyscall: "running",
                               crossing: Crossing(entry: .interrupt, phase: .interrupted, userRsp: 0x7f00))
        XCTAssertEqual(SnapshotText.crossingLine(t), "── running in user mode, stopped by an interrupt (orig_rax -1) · user rsp 0x7f00 ──")
        XCTAssertEqual(SnapshotText.userFrame(t.userStack[0], index: 0), "#0 0x0000555500000010 +0x1234 (stripped)")
        t.procSyscall = "-1 0x7f00 0x5555"
        XCTAssertEqual(SnapshotText.crossingLine(t), "── interrupted in user mode (orig_rax -1) · user rsp 0x7f00 ──")
        t.crossing = nil
        t.error = "did not stop within 3.0 s (state D)"
        let text = SnapshotText.thread(t)
        XCTAssertTrue(text.contains("  ! did not stop within 3.0 s (state D)\n"), text)
        XCTAssertTrue(text.contains("── no crossing: thread not stopped ──"), text)
    }

    func testSnapshotHeader() {
        let s = Snapshot(pid: 7, exe: "/bin/x", threads: [ThreadSnapshot(tid: 7, name: "x", state: "t")])
        XCTAssertTrue(SnapshotText.render(s).hasPrefix("process 7 /bin/x · 1 thread\n\nthread 7 \"x\" · t (tracing stop)\n"))
    }
}

/// strace -k style stack lines (Report/StackText.swift).
final class ProcStackTextTests: XCTestCase {
    func testStraceKLines() {
        let frames = [
            Frame(pc: 0x7f00_0000_0350, symbol: "__write", offset: 0x10, module: "/usr/lib/libc.so.6", isActivation: true),
            Frame(pc: 0x5555_0000_115d, symbol: "inner", module: "/tmp/x", file: "x.c", line: 3, inlined: true),
            Frame(pc: 0x5555_0000_115d, symbol: "leaf", offset: 0x24, module: "/tmp/x", file: "x.c", line: 9),
            Frame(pc: 0x7f00_dead_0007),
            Frame(pc: 0, note: "unwind stopped: frame repeats"),
        ]
        XCTAssertEqual(StackText.straceLines(frames), [
            " > /usr/lib/libc.so.6(__write+0x10) [0x7f0000000350]",
            " > /tmp/x(inner) [0x55550000115d] x.c:3 [inlined]",
            " > /tmp/x(leaf+0x24) [0x55550000115d] x.c:9",
            " > [0x7f00dead0007]",
            " > -- unwind stopped: frame repeats",
        ])
        var b: [UInt8] = []
        StackText.append([Frame(pc: 0)], to: &b)
        XCTAssertEqual(String(decoding: b, as: UTF8.self), " > [0x0]\n")

        // The renderer gives the same bytes, from its cache for the same array and anew for an equal one.
        let r = StackTextRenderer(capacity: 2)
        var direct: [UInt8] = []
        StackText.append(frames, to: &direct)
        for _ in 0..<3 {
            var c: [UInt8] = []
            r.append(frames, to: &c)
            XCTAssertEqual(c, direct)
        }
        var other = frames
        other[0].symbol = "__GI___write"
        var c: [UInt8] = []
        r.append(other, to: &c)
        XCTAssertTrue(String(decoding: c, as: UTF8.self).hasPrefix(" > /usr/lib/libc.so.6(__GI___write+0x10)"))
    }
}

/// The snapshot's fast JSON writer (Report/SnapshotJSON.swift) against JSONDecoder and JSONEncoder.
final class ProcSnapshotJSONTests: XCTestCase {
    func fullSnapshot() -> Snapshot {
        var v = [UInt64](repeating: 0, count: 27)
        for i in 0..<27 { v[i] = UInt64(i) &* 0x1_0000_0001 }
        v[15] = UInt64(bitPattern: -1)
        let t = ThreadSnapshot(
            tid: 42, name: "we\"ird\\name\u{1}é", state: "S", registers: Registers(values: v),
            userStack: [
                Frame(pc: 0x7f00_0000_0350, symbol: "__write", offset: 0x10, length: 3, module: "/usr/lib/libc.so.6",
                      buildId: "93ac61ec5a8eb1396f9fbd350e3169a558528a40", file: "read.c", line: 26, inlined: true,
                      isActivation: true),
                Frame(pc: 0, note: "unwind stopped: frame repeats"),
            ],
            kernelStack: [Frame(pc: 0, symbol: "anon_pipe_read", offset: 0x366, length: 0x410, module: "nfs")],
            procSyscall: "0 0x3 0x7ffd 0x40 0x0 0x0 0x0 0x7ffd 0x7f00",
            crossing: Crossing(entry: .syscall, phase: .blocked,
                               syscall: SyscallCall(abi: .x86_64, nr: 0, name: "read", args: [3, 0xffff_ffff_ffff_ffff, 64]),
                               userRsp: 0x7ffd_0000_1000, userStackMapping: "[stack]",
                               checks: [Check(name: "selectors.cpl", ok: false, expected: "3", actual: "0")]),
            error: "an error")
        return Snapshot(pid: 7, exe: "/bin/x y", timeNs: 1_700_000_000_000_000_000,
                        threads: [t, ThreadSnapshot(tid: 8, name: "k", state: "R")])
    }

    func testRoundTripsThroughJSONDecoder() throws {
        let s = fullSnapshot()
        let bytes = SnapshotJSON.encode(s)
        XCTAssertEqual(bytes.last, 0x0A)
        XCTAssertEqual(try JSONDecoder().decode(Snapshot.self, from: Data(bytes)), s)
    }

    func testSameObjectAsJSONEncoder() throws {
        let s = fullSnapshot()
        let ours = try JSONSerialization.jsonObject(with: Data(SnapshotJSON.encode(s))) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(s)) as? NSDictionary
        XCTAssertNotNil(ours)
        XCTAssertEqual(ours, theirs)
    }
}
