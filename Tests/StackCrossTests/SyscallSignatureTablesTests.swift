import XCTest
@testable import StackCross

/// The hand-kept signature tables split the syscalls by family. A name in two of them was read from
/// one only, and the other entry, with its own argument kinds, looked like it was in use (35 such
/// entries were found and removed). These tests keep every name in one table.
final class SyscallSignatureTablesTests: XCTestCase {
    func testNoSyscallIsInTwoTables() {
        var owner: [String: String] = [:]
        var twice: [String] = []
        for t in SyscallDecoder.signatureTables {
            for name in t.kinds.keys.sorted() {
                if let first = owner[name] { twice.append("\(name): \(first) and \(t.family)") } else { owner[name] = t.family }
            }
        }
        XCTAssertEqual(twice, [], "names in two signature tables")
        // The check sees the tables' contents: a handful of names each family is known to hold.
        XCTAssertEqual(owner["memfd_create"], "io")
        XCTAssertEqual(owner["wait4"], "proc")
        XCTAssertEqual(owner["mount"], "fs")
        XCTAssertEqual(owner["accept4"], "suite")
        XCTAssertEqual(owner["write"], "common")
    }

    func testArgKindsComeFromTheOwningTable() {
        for t in SyscallDecoder.signatureTables {
            for (name, kinds) in t.kinds where name != "clone" {
                XCTAssertEqual(SyscallDecoder.argKinds(abi: .x86_64, name: name), kinds, name)
            }
        }
    }
}
