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

    /// The in-place text builders print what String formatting prints, signs, extremes and growth included.
    func testTextBuildersMatchStringFormatting() {
        let ints: [Int64] = [0, 1, -1, 9, 10, -38, 4095, -4095, 1 << 40, Int64.max, Int64.min]
        for v in ints {
            XCTAssertEqual(decimalText("rax ", v, " (x)"), "rax \(v) (x)")
            XCTAssertEqual(decimalText("", v, ""), String(v))
            var t = TextBytes(capacity: 0)
            t.appendDecimal(v)
            XCTAssertEqual(t.string, String(v))
        }
        for v: UInt64 in [0, 0xf, 0x7ffd_0000_f000, UInt64.max] {
            XCTAssertEqual(hexText("rcx == rip ", v, " (SYSCALL saved the return address)"), "rcx == rip 0x\(String(v, radix: 16)) (SYSCALL saved the return address)")
        }
        // One-character, non-ASCII and empty literals as prefix, suffix and piece.
        XCTAssertEqual(hexText("[", 0x10, "]"), "[0x10]")
        XCTAssertEqual(decimalText("(", -4, ")"), "(-4)")
        var one = TextBytes(capacity: 0)
        one.append("x"); one.append("é"); one.append("")
        XCTAssertEqual(one.string, "xé")
        var t = TextBytes(capacity: 4)
        XCTAssertTrue(t.isEmpty)
        XCTAssertEqual(t.string, "")
        for i in 0..<100 {
            t.append("slot"); t.append(byte: UInt8(ascii: "=")); t.appendHex(UInt64(i)); t.append(String(" é"))
        }
        XCTAssertEqual(t.string, (0..<100).map { "slot=0x\(String($0, radix: 16)) é" }.joined())
    }

    /// KindMask's bit for a kind is its place in EntryKind.allCases (the judge's masks rely on it).
    func testKindMaskBitsFollowAllCases() {
        for (i, k) in EntryKind.allCases.enumerated() {
            XCTAssertEqual(Int(KindMask.bit(k)), i, "\(k)")
            XCTAssertEqual(KindMask(k).kinds, [k])
            XCTAssertEqual(KindMask(k).only, k)
        }
        let two: KindMask = [.syscall, .int80]
        XCTAssertNil(two.only)
        XCTAssertNil(KindMask(rawValue: 0).only)
        XCTAssertEqual(KindMask.all.kinds, EntryKind.allCases)
    }
}
