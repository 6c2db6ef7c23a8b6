import Foundation
import XCTest
@testable import StackCross

/// The trace writer and the exporters escape strings with one escaper: same rules, same bytes.
final class JSONEscapeTests: XCTestCase {
    static let hostile = "a\"b\\c\n\t\r\u{1}\u{7f}\u{2028}\u{2029}<>&é€😀"

    func testTraceWriterAndExportersWriteTheSameString() {
        var line: [UInt8] = []
        TraceRecordJSON.appendLine(.exit(ExitRecord(pid: 1, tid: 1, code: nil, signal: Self.hostile, timeNs: 0)), to: &line)
        let text = String(decoding: line, as: UTF8.self)
        let literal = #""a\"b\\c\n\t\r\u0001\u007f\u2028\u2029<>&é€😀""#
        XCTAssertEqual(Escape.json(Self.hostile), literal)
        XCTAssertTrue(text.contains(literal), text)
    }

    func testHTMLSafeAlsoEscapesMarkup() {
        XCTAssertEqual(Escape.json("</script>&", htmlSafe: true), #""\u003c/script\u003e\u0026""#)
    }

    func testEscapedTextDecodesToTheSameString() throws {
        for s in [Self.hostile, "", "plain", "\u{e2}\u{80}", "€\u{2028}€"] {
            let json = Escape.json(s, htmlSafe: true)
            XCTAssertEqual(try JSONDecoder().decode(String.self, from: Data(json.utf8)), s, json)
        }
    }
}
