import XCTest
@testable import StackCross

final class SyscallInjectionTests: XCTestCase {
    func testParseLikeStrace() throws {
        let a = try XCTUnwrap(try SyscallInjection.parse("inject=openat,close:error=EACCES:signal=USR1:delay_enter=5ms:delay_exit=7"))
        XCTAssertEqual(a.returnValue, -13)
        XCTAssertFalse(a.isRetval)
        XCTAssertEqual(a.signal, 10)
        XCTAssertEqual(a.delayEnterUs, 5000)
        XCTAssertEqual(a.delayExitUs, 7)
        XCTAssertTrue(a.set.contains(abi: .x86_64, nr: 257))
        XCTAssertFalse(a.set.contains(abi: .x86_64, nr: 0))
        XCTAssertEqual(try SyscallInjection.parse("fault=%file")?.returnValue, -38, "fault= defaults to ENOSYS")
        XCTAssertEqual(try SyscallInjection.parse("inject=getpid:retval=42")?.returnValue, 42)
        XCTAssertEqual(try SyscallInjection.parse("inject=getpid:error=5")?.returnValue, -5)
        XCTAssertNil(try SyscallInjection.parse("trace=getpid"))
        for bad in ["inject=getpid", "inject=:error=EIO", "inject=getpid:error=EIO:retval=1", "inject=getpid:error=4096",
                    "fault=getpid:signal=SIGUSR1", "inject=getpid:when=1..", "inject=getpid:error=EIO:bogus=1"] {
            XCTAssertThrowsError(try SyscallInjection.parse(bad), bad)
        }
    }

    /// when=: F only F; F+ from F on; F+S every S from F; F..L from F to L; F..L+S.
    func testWhen() throws {
        func hits(_ when: String) throws -> [UInt32] {
            let r = try XCTUnwrap(try SyscallInjection.parse("inject=getpid:error=EIO:when=\(when)"))
            return (1...12).filter { r.hits(invocation: $0) }
        }
        XCTAssertEqual(try hits("3"), [3])
        XCTAssertEqual(try hits("10+"), [10, 11, 12])
        XCTAssertEqual(try hits("2+4"), [2, 6, 10])
        XCTAssertEqual(try hits("4..6"), [4, 5, 6])
        XCTAssertEqual(try hits("1..9+3"), [1, 4, 7])
        let always = try XCTUnwrap(try SyscallInjection.parse("inject=getpid:error=EIO"))
        XCTAssertEqual((1...3).filter { always.hits(invocation: $0) }, [1, 2, 3])
    }

    func testTextNoteAndJSONRoundTrip() throws {
        var r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 110, name: "getppid", args: [], rawArgs: [], ret: 42, entryNs: 1, exitNs: 2)
        XCTAssertEqual(ReturnRendering.text(r), "42")
        r.injected = InjectedCall(ret: 42)
        XCTAssertEqual(ReturnRendering.text(r), "42 (INJECTED)")
        r.ret = -2
        r.injected = InjectedCall(ret: -2, delayExitUs: 10)
        XCTAssertEqual(ReturnRendering.text(r), "-1 ENOENT (No such file or directory) (INJECTED) (DELAYED)")
        let decoded = try JSONDecoder().decode(SyscallRecord.self, from: JSONEncoder().encode(r))
        XCTAssertEqual(decoded.injected, r.injected)
    }
}
