import XCTest
@testable import StackCross

final class SyscallFilterTests: XCTestCase {
    func testNamesAndClasses() throws {
        let f = try SyscallFilter.parse("trace=open,openat,%process")
        XCTAssertTrue(f.contains(abi: .x86_64, nr: 2))  // open
        XCTAssertTrue(f.contains(abi: .x86_64, nr: 257))
        XCTAssertTrue(f.contains(abi: .x86_64, nr: 59))  // execve
        XCTAssertTrue(f.contains(abi: .x86_64, nr: 231))  // exit_group
        XCTAssertTrue(f.contains(abi: .x86_64, nr: 56))  // clone
        XCTAssertFalse(f.contains(abi: .x86_64, nr: 1))  // write
        XCTAssertTrue(f.contains(abi: .i386, nr: 5))  // open
        XCTAssertTrue(f.contains(abi: .i386, nr: 7))  // waitpid, i386 only
        XCTAssertFalse(f.contains(abi: .i386, nr: 4))  // write
        XCTAssertNil(SyscallABI(rawValue: "x32"))  // no third ABI to filter
        XCTAssertEqual(f.numbers(abi: .x86_64).map { SyscallTable.x86_64.name(Int64($0))! }.sorted(),
                       ["clone", "clone3", "execve", "execveat", "exit", "exit_group", "fork", "kill", "open", "openat",
                        "rt_sigqueueinfo", "rt_tgsigqueueinfo", "tgkill", "tkill", "vfork", "wait4", "waitid",
                        "pidfd_send_signal"].sorted())
    }

    func testBareListNegationAllNone() throws {
        XCTAssertEqual(try SyscallFilter.parse("open,read"), try SyscallFilter.parse("trace=read,open"))
        let neg = try SyscallFilter.parse("trace=!write")
        XCTAssertFalse(neg.contains(abi: .x86_64, nr: 1))
        XCTAssertTrue(neg.contains(abi: .x86_64, nr: 0))
        XCTAssertTrue(neg.contains(abi: .x86_64, nr: 9999))  // unknown numbers stay traced under negation
        XCTAssertFalse(neg.contains(abi: .i386, nr: 4))
        XCTAssertTrue(try SyscallFilter.parse("all").tracesAll)
        XCTAssertEqual(try SyscallFilter.parse("trace=none"), .none)
        XCTAssertEqual(try SyscallFilter.parse("!all"), .none)
        XCTAssertEqual(try SyscallFilter.parse("!none"), .all)
        XCTAssertEqual(try SyscallFilter.parse(["write", "read"]), try SyscallFilter.parse("read,write"))
        XCTAssertEqual(try SyscallFilter.parse(["!write", "write"]), .all)
    }

    func testClassSpellings() throws {
        let net = try SyscallFilter.parse("%net")
        XCTAssertEqual(net, try SyscallFilter.parse("%network"))
        XCTAssertEqual(net, try SyscallFilter.parse("network"))  // old spelling without %
        XCTAssertTrue(net.contains(abi: .x86_64, nr: 41))  // socket
        let file = try SyscallFilter.parse("%file")
        for name in ["open", "openat", "stat", "execve", "readlink", "unlinkat", "statx"] {
            XCTAssertTrue(file.contains(abi: .x86_64, nr: Int64(SyscallTable.x86_64.number(of: name)!)), name)
        }
        XCTAssertFalse(file.contains(abi: .x86_64, nr: 0))  // read has no path
        // "stat" is a syscall before it is a class.
        XCTAssertEqual(try SyscallFilter.parse("stat").numbers(abi: .x86_64), [4])
        XCTAssertEqual(try SyscallFilter.parse("%stat").numbers(abi: .i386).count, 3)  // stat oldstat stat64
        XCTAssertEqual(Set(try SyscallFilter.parse("%%stat").numbers(abi: .x86_64)), [4, 5, 6, 262, 332])
        XCTAssertEqual(try SyscallFilter.parse("%pure").numbers(abi: .x86_64).count, 8)
        for cls in ["file", "process", "network", "net", "signal", "ipc", "desc", "memory", "creds", "clock",
                    "stat", "lstat", "fstat", "%stat", "statfs", "fstatfs", "%statfs", "pure"] {
            XCTAssertFalse(try SyscallFilter.parse("%" + cls).numbers(abi: .x86_64).isEmpty, cls)
        }
        XCTAssertEqual(SyscallClass.classes(of: "openat"), ["desc", "file"])
    }

    func testRegexAndOptional() throws {
        let f = try SyscallFilter.parse("/^pread")
        XCTAssertEqual(f.numbers(abi: .x86_64).map { SyscallTable.x86_64.name(Int64($0))! }, ["pread64", "preadv", "preadv2"])
        XCTAssertEqual(try SyscallFilter.parse("bogus?,write"), try SyscallFilter.parse("write"))
    }

    func testUnknownNamesThrowNamingThem() {
        for (expr, word) in [("trace=open,bogus", "'bogus'"), ("%bogus", "'%bogus'"), ("signal=SIGINT", "'signal'"),
                             ("trace=", "empty"), ("open,,read", "empty"), ("/[", "regex")] {
            XCTAssertThrowsError(try SyscallFilter.parse(expr), expr) { error in
                XCTAssertTrue("\(error)".contains(word), "\(error)")
            }
        }
    }
}
