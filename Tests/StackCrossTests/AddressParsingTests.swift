import Testing
@testable import StackCross

// Swift Testing suite: parsing of the hex forms /proc and the records use.
@Suite struct AddressParsingTests {
    @Test(arguments: [("0x7ffd1000", UInt64(0x7FFD_1000)), ("7ffd1000", 0x7FFD_1000), ("0XFF", 0xFF)])
    func parsesHex(text: String, value: UInt64) {
        #expect(Address(hex: text)?.rawValue == value)
    }

    @Test func rejectsNonHex() {
        #expect(Address(hex: "0x") == nil)
        #expect(Address(hex: "zz") == nil)
        #expect(Address(hex: "") == nil)
    }

    @Test func parsesMapsLine() throws {
        let m = try #require(MemoryMapping.parseLine("7ffd5000-7ffd6000 rw-p 00000000 00:00 0                          [stack]"))
        #expect(m.path == "[stack]")
        #expect(m.contains(Address(0x7FFD_5800)))
        #expect(!m.contains(Address(0x7FFD_6000)))
        let anon = try #require(MemoryMapping.parseLine("7f0000000000-7f0000800000 rw-p 00000000 00:00 0 "))
        #expect(anon.path == "")
        #expect(!anon.isExecutable)
    }
}
