import XCTest
@testable import StackCross

final class HexTests: XCTestCase {
    /// The one hex writer prints what String(radix: 16) prints, at every digit count.
    func testHexMatchesStringRadix() {
        var values: [UInt64] = [0, 1, 9, 10, 15, 16, 0x7ffd_0000_f000, UInt64.max]
        for shift in 0..<64 { values += [1 << UInt64(shift), (1 << UInt64(shift)) &- 1] }
        for v in values {
            let want = "0x" + String(v, radix: 16)
            XCTAssertEqual(hex(v), want)
            XCTAssertEqual(Address(v).description, want)
            var b: [UInt8] = [0x41]
            writeHex(v, to: &b)
            XCTAssertEqual(String(decoding: b, as: UTF8.self), "A" + want)
        }
        XCTAssertEqual(hexBytes([0x0F, 0x05]), "0f 05")
        XCTAssertEqual(hexBytes([0xCD, 0x80, 0x00, 0xFF]), "cd 80 00 ff")
        XCTAssertEqual(hexBytes([]), "")
    }
}
