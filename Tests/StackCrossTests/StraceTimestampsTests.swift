import XCTest
@testable import StackCross

final class StraceTimestampsTests: XCTestCase {
    func testPrefixesAndSuffixLikeStrace() throws {
        var t = StraceTimestamps()
        XCTAssertEqual(t.prefix(wallNs: 1_796_475_178_351_018_999, sinceLastNs: 5), "")
        t.setT(count: 3)
        XCTAssertEqual(t.prefix(wallNs: 1_796_475_178_351_018_999, sinceLastNs: 5), "1796475178.351018 ")
        try t.parseAbsolute("unix,ns")
        XCTAssertEqual(t.prefix(wallNs: 1_796_475_178_000_000_123, sinceLastNs: 5), "1796475178.000000123 ")
        try t.parseAbsolute("format:unix,precision:s")
        XCTAssertEqual(t.prefix(wallNs: 1_796_475_178_999_999_999, sinceLastNs: 5), "1796475178 ")
        t.relative = .us
        XCTAssertEqual(t.prefix(wallNs: 1_796_475_178_999_999_999, sinceLastNs: 12_345_678_901),
                       "1796475178 (+    12.345678) ")
        t.absolute = .none
        XCTAssertEqual(t.prefix(wallNs: 0, sinceLastNs: 260_999), "     0.000260 ")
        t.relative = .ms
        XCTAssertEqual(t.prefix(wallNs: 0, sinceLastNs: 1_234_567_890_123), "  1234.567 ")
        XCTAssertEqual(t.suffix(durationNs: 70_999), "")
        t.syscallTimes = .us
        XCTAssertEqual(t.suffix(durationNs: 70_999), " <0.000070>")
        XCTAssertEqual(t.suffix(durationNs: nil), "", "a call that never returned has no time")
        t.syscallTimes = .s
        XCTAssertEqual(t.suffix(durationNs: 2_900_000_000), " <2>")
        var tt = StraceTimestamps()
        tt.setT(count: 2)
        XCTAssertTrue(tt.prefix(wallNs: 1_796_475_178_000_001_999, sinceLastNs: 0).hasSuffix(".000001 "))
        XCTAssertThrowsError(try tt.parseAbsolute("precision:ps"))
        XCTAssertThrowsError(try StraceTimestamps.precision("minutes", option: "-T"))
    }
}
