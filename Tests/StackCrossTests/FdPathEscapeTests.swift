import XCTest
@testable import StackCross

/// fd paths (`3</path>`) as strace -y shows them: every byte readable, one line, nothing lost.
final class FdPathEscapeTests: XCTestCase {
    /// Memory whose only fd path is given as bytes (not UTF-8).
    struct BytePathMemory: TraceeMemory {
        let path: [UInt8]
        func read(_ address: UInt64, count: Int) -> [UInt8]? { nil }
        func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? { nil }
        func fdPath(_ fd: Int32) -> String? { String(decoding: path, as: UTF8.self) }
        func fdPathBytes(_ fd: Int32) -> [UInt8]? { path }
    }

    func testPathBytesAreQuotedLikeStraceWithoutTheQuotes() {
        XCTAssertEqual(SyscallDecoder.escapePath(Array("/dev/null".utf8)), "/dev/null")
        // strace -y: octal for non-ASCII and control bytes (three digits before a digit), \n, \\, \", and <> in octal.
        let path: [UInt8] = Array("/t/a".utf8) + [0xFF] + Array("b\nc<d>e\\f\"g".utf8) + [1] + Array("h".utf8) + [1] + Array("2 ".utf8) + [0xC3, 0xA9, 0x7F]
        XCTAssertEqual(SyscallDecoder.escapePath(path), #"/t/a\377b\nc\74d\76e\\f\"g\1h\0012 \303\251\177"#)
    }

    func testWriteShowsTheFdPathBytesNotReplacementCharacters() {
        let m = BytePathMemory(path: Array("/tmp/".utf8) + [0xFF, 0xFE])
        let args = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: [3, 0, 0], memory: m, at: .entry).args
        XCTAssertEqual(args.first, #"3</tmp/\377\376>"#)
    }

    func testQuoteOutsidePathsLeavesAnglesAlone() {
        XCTAssertEqual(SyscallDecoder.quote(Array("<a>".utf8)), #""<a>""#)
    }
}
