import XCTest
@testable import StackCross

final class SyscallEffectsTests: XCTestCase {
    func testEachCacheAsksOneClassification() {
        XCTAssertEqual(SyscallEffects.of("mmap"), [.mapsCode, .changesMappings])
        XCTAssertEqual(SyscallEffects.of("brk"), [.changesMappings])
        XCTAssertEqual(SyscallEffects.of("execve"), [.changesFdTable, .changesMappings])
        XCTAssertEqual(SyscallEffects.of("dup2"), [.changesFdTable])
        XCTAssertEqual(SyscallEffects.of("write"), [])
        // Code that can be mapped in also changes the module map.
        for abi in SyscallABI.allCases {
            XCTAssertTrue(SyscallEffects.numbers(abi, with: .mapsCode)
                .isSubset(of: SyscallEffects.numbers(abi, with: .changesMappings)), "\(abi)")
        }
        XCTAssertEqual(SyscallEffects.numbers(.x86_64, with: .mapsCode), [9, 11, 25, 30, 67, 216])  // mmap munmap mremap shmat shmdt remap_file_pages
        XCTAssertTrue(SyscallEffects.numbers(.i386, with: .mapsCode).contains(192))  // mmap2
    }
}
