import Foundation
import XCTest
@testable import StackCross

final class RecordTests: XCTestCase {
    func testAddressIsLowercaseHexInJSON() throws {
        let data = try JSONEncoder().encode([Address(0x7FFD_1234_ABCD)])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["0x7ffd1234abcd"]"#)
        XCTAssertEqual(try JSONDecoder().decode([Address].self, from: data), [Address(0x7FFD_1234_ABCD)])
        XCTAssertEqual(Address(signed: -38).signed, -38)
    }

    func testTraceRecordRoundTripKeepsTypeAndFields() throws {
        let rec = TraceRecord.syscall(SyscallRecord(
            pid: 10, tid: 11, abi: .x86_64, nr: 1, name: "write", args: ["1", "\"hi\\n\"", "3"],
            rawArgs: [1, 0x1000, 3], ret: 3, entryNs: 5, exitNs: 9))
        let data = try JSONEncoder().encode(rec)
        let obj = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        XCTAssertEqual(obj["type"] as? String, "syscall")
        XCTAssertEqual(obj["name"] as? String, "write")
        XCTAssertEqual(try JSONDecoder().decode(TraceRecord.self, from: data), rec)
    }

    func testUnknownRecordTypeIsAnError() {
        XCTAssertThrowsError(try JSONDecoder().decode(TraceRecord.self, from: Data(#"{"type":"bogus"}"#.utf8)))
    }

    func testTraceeStringKeepsInvalidUTF8Losslessly() throws {
        let raw: [UInt8] = [0x66, 0xFF, 0xFE, 0x00, 0x41]
        let s = TraceeString(bytes: raw)
        XCTAssertNil(s.utf8)
        let data = try JSONEncoder().encode(s)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("base64"))
        XCTAssertEqual(try JSONDecoder().decode(TraceeString.self, from: data).bytes, raw)
        let ok: TraceeString = "héllo"
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(ok), as: UTF8.self), "\"héllo\"")
    }

    func testBase64MatchesFoundation() {
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) & 0xff) }
            XCTAssertEqual(Base64.encode(bytes), Data(bytes).base64EncodedString())
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes)
        }
    }
}
