import Foundation
import XCTest
@testable import StackCross

/// ReturnRendering is the one text of a return value; every view must show exactly its output.
final class ReturnRenderingTests: XCTestCase {
    func nr(_ name: String, _ abi: SyscallABI = .x86_64) -> Int64 { Int64(SyscallTable.for(abi: abi).number(of: name)!) }

    func testErrorsAreStraceText() {
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("openat"), ret: -2), "-1 ENOENT (No such file or directory)")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("read"), ret: -512),
                       "? ERESTARTSYS (To be restarted if SA_RESTART is set)")
        // An error beats the kind: a failed mmap is not an address, a failed open has no path.
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("mmap"), ret: -12), "-1 ENOMEM (Cannot allocate memory)")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("openat"), ret: -13, retPath: Array("/x".utf8)),
                       "-1 EACCES (Permission denied)")
        // i386: the 32-bit value is what the program sees.
        XCTAssertEqual(ReturnRendering.text(abi: .i386, nr: nr("open", .i386), ret: 0xFFFF_FFFE), "-1 ENOENT (No such file or directory)")
    }

    func testAddressesAreHexInTheABIsWidth() {
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("mmap"), ret: 0x7FA2_BABD_3000), "0x7fa2babd3000")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("brk"), ret: 0x55_5555_6000), "0x5555556000")
        XCTAssertEqual(ReturnRendering.text(abi: .i386, nr: nr("mmap2", .i386), ret: 0xF7F0_0000), "0xf7f00000")
    }

    func testFdsShowTheirPathEscaped() {
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("openat"), ret: 3, retPath: Array("/etc/ld.so.cache".utf8)),
                       "3</etc/ld.so.cache>")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("openat"), ret: 3), "3", "no path known")
        // Tracee bytes: one line, no control bytes, `<>` in octal so the end of the path is unambiguous.
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("socket"), ret: 4, retPath: [0x2F, 0x61, 0x0A, 0x1B, 0x3E, 0xFF]),
                       "4</a\\n\\33\\76\\377>")
        // A path on a call that does not return an fd is ignored.
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: nr("read"), ret: 3, retPath: Array("/x".utf8)), "3")
    }

    func testFcntlByCommand() {
        let f = nr("fcntl")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 10, args: [3, 0, 10], retPath: Array("/p".utf8)), "10</p>")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 11, args: [3, 1030, 10], retPath: Array("/p".utf8)), "11</p>")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 1, args: [3, 1]), "0x1 (flags FD_CLOEXEC)")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 0x8002, args: [3, 3]), "0x8002 (flags O_RDWR|O_LARGEFILE)")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 0, args: [3, 2, 1]), "0", "F_SETFD")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 0, args: [3, 1]), "0", "F_GETFD without flags, as strace")
        XCTAssertEqual(ReturnRendering.text(abi: .x86_64, nr: f, ret: 0, args: [3, 3]), "0 (flags O_RDONLY)", "F_GETFL of O_RDONLY")
        XCTAssertTrue(ReturnRendering.returnsFD(abi: .x86_64, nr: f, args: [3, 0, 10]))
        XCTAssertFalse(ReturnRendering.returnsFD(abi: .x86_64, nr: f, args: [3, 1]))
        XCTAssertTrue(ReturnRendering.returnsFD(abi: .i386, nr: nr("fcntl64", .i386), args: [3, 1030, 0]))
        XCTAssertTrue(ReturnRendering.returnsFD(abi: .x86_64, nr: nr("openat"), args: []))
        XCTAssertFalse(ReturnRendering.returnsFD(abi: .x86_64, nr: nr("mmap"), args: []))
        XCTAssertFalse(ReturnRendering.returnsFD(abi: .x86_64, nr: 99_999, args: []))
    }

    func testRecordNeverReturnedIsAQuestionMark() {
        let r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 231, name: "exit_group", args: ["0"], rawArgs: [0], entryNs: 0)
        XCTAssertEqual(ReturnRendering.text(r), "?")
        XCTAssertEqual(SyscallLine.returnText(record: r), "?")
    }

    /// The record's retPath survives both writers and both readers byte for byte (not UTF-8 included).
    func testRetPathRoundTripsThroughEveryCodec() throws {
        let path = TraceeString(bytes: [0x2F, 0x74, 0xFF, 0x0A])
        let r = TraceRecord.syscall(SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 257, name: "openat",
                                                  args: ["AT_FDCWD", "\"/t\"", "O_RDONLY"], rawArgs: [0, 1, 0], ret: 3,
                                                  entryNs: 1, exitNs: 2, retPath: path))
        var line: [UInt8] = []
        TraceRecordJSON.appendLine(r, to: &line)
        XCTAssertTrue(String(decoding: line, as: UTF8.self).contains("\"retPath\":{\"base64\":"), String(decoding: line, as: UTF8.self))
        for bytes in [line, Array(try JSONEncoder().encode(r))] {
            XCTAssertEqual(FastRecordDecoder.decode(bytes), r)
            XCTAssertEqual(try JSONDecoder().decode(TraceRecord.self, from: Data(bytes)), r)
        }
        if case .syscall(let s) = r { XCTAssertEqual(SyscallLine.returnText(record: s), "3</t\\377\\n>") }
    }

    /// text, html, chrome and summary show the same return text for the same record.
    func testEveryViewShowsTheSameText() throws {
        func call(_ name: String, _ nr: Int64, ret: Int64, args: [Address] = [0, 0, 0], path: String? = nil, at: UInt64) -> TraceRecord {
            .syscall(SyscallRecord(pid: 100, tid: 100, abi: .x86_64, nr: nr, name: name, args: ["a"], rawArgs: args, ret: ret,
                                   error: Errno.name(forReturn: ret), entryNs: at, exitNs: at + 10,
                                   retPath: path.map { TraceeString(bytes: Array($0.utf8)) }))
        }
        let records = [
            call("openat", nr("openat"), ret: -2, at: 1_000),
            call("mmap", nr("mmap"), ret: 0x7FA2_BABD_3000, at: 2_000),
            call("openat", nr("openat"), ret: 3, path: "/etc/ld.so.cache", at: 3_000),
        ]
        let texts = ["-1 ENOENT (No such file or directory)", "0x7fa2babd3000", "3</etc/ld.so.cache>"]
        let text = ReportSamples.text(try ReportSamples.export(.text, records))
        let chrome = ReportSamples.text(try ReportSamples.export(.chrome, records))
        let html = ReportSamples.text(try ReportSamples.export(.html, records))
        for t in texts {
            XCTAssertTrue(text.contains(") = " + t + " <"), "text: \(t)\n\(text)")
            XCTAssertTrue(chrome.contains("\"return\":" + Escape.json(t)), "chrome: \(t)\n\(chrome)")
            XCTAssertTrue(html.contains("\"rt\":" + Escape.json(t, htmlSafe: true)), "html: \(t)")
        }
        XCTAssertTrue(chrome.contains("\"ret\":140336894390272"), "chrome keeps the number")
        let summary = ReportSamples.text(try ReportSamples.export(.summary, records))
        XCTAssertTrue(summary.contains("failed calls:\n        1  openat = -1 ENOENT (No such file or directory)\n"), summary)
    }
}
