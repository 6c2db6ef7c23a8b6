import XCTest
@testable import StackCross

/// select, pselect6, poll and ppoll as strace 6.1 shows them (tests/select.c, pselect6.c, ppoll.c), and the
/// fd decorations -yy and --decode-fds add (tests/dup-yy.c, dev-yy.c).
final class SyscallDecoderSelectTests: XCTestCase {
    func nr(_ name: String) -> Int64 { Int64(SyscallTable.x86_64.number(of: name)!) }

    /// A memory whose fd 3 is /dev/null, as a -y trace shows it.
    struct Memory: TraceeMemory {
        var paged = PagedMemory()
        func read(_ address: UInt64, count: Int) -> [UInt8]? { paged.read(address, count: count) }
        func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? { paged.readCString(address, limit: limit) }
        func fdPath(_ fd: Int32) -> String? { fd == 3 ? "/dev/null" : nil }
    }

    func testSelectSetsAtEntryAndReadyFdsInTheNote() {
        var m = Memory()
        m.paged.regions[0x1000] = [0x18] + [UInt8](repeating: 0, count: 7)  // fds 3 and 4
        m.paged.regions[0x2000] = [0x16] + [UInt8](repeating: 0, count: 7)  // fds 1, 2 and 4
        m.paged.regions[0x3000] = [0x85, 0x0E, 0x0C, 0, 0, 0, 0, 0, 0xE2, 0x0D, 0x0C, 0, 0, 0, 0, 0]
        let a: [UInt64] = [61, 0x1000, 0x2000, 0, 0x3000]
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("select"), args: a, memory: m, at: .entry).args,
                       ["61", "[3</dev/null> 4]", "[1 2 4]", "NULL", "{tv_sec=790149, tv_usec=789986}"])
        XCTAssertEqual(SyscallDecoder.returnNote(abi: .x86_64, nr: nr("select"), rawArgs: a.map { Address($0) }, ret: 3, memory: m),
                       "in [3 4], out [1], left {tv_sec=790149, tv_usec=789986}")
        XCTAssertEqual(SyscallDecoder.returnNote(abi: .x86_64, nr: nr("select"), rawArgs: a.map { Address($0) }, ret: 0, memory: m), "Timeout")
        XCTAssertNil(SyscallDecoder.returnNote(abi: .x86_64, nr: nr("select"), rawArgs: a.map { Address($0) }, ret: -9, memory: m))
        // No fds to look at: the address, as strace prints it.
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("select"), args: [0, 0x1000, 0, 0, 0], memory: m, at: .entry).args,
                       ["0", "0x1000", "NULL", "NULL", "NULL"])
    }

    func testPselect6SigmaskStruct() {
        var m = Memory()
        m.paged.regions[0x4000] = [0x00, 0x50, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]  // -> 0x5000, 8
        m.paged.regions[0x5000] = [0x01, 0x00, 0x01, 0, 0, 0, 0, 0]  // HUP, CHLD
        let a: [UInt64] = [0, 0, 0, 0, 0, 0x4000]
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("pselect6"), args: a, memory: m, at: .entry).args.last,
                       "{sigmask=[HUP CHLD], sigsetsize=8}")
    }

    func testPollArrayCutAtTheStringLimitAndItsNote() {
        var m = Memory()
        // {fd=3, events=POLLIN}, {fd=4, events=POLLOUT, revents=POLLOUT}, {fd=-1}
        m.paged.regions[0x1000] = [3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 4, 0, 4, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]
        let a: [UInt64] = [0x1000, 3, 0, 0, 8]
        XCTAssertEqual(SyscallDecoder.decode(abi: .x86_64, nr: nr("ppoll"), args: a, memory: m, stringLimit: 2, at: .entry).args,
                       ["[{fd=3</dev/null>, events=POLLIN}, {fd=4, events=POLLOUT}, ...]", "3", "NULL", "NULL", "8"])
        XCTAssertEqual(SyscallDecoder.verbose(abi: .x86_64, nr: nr("ppoll"), rawArgs: a, args: ["", "3"], memory: m,
                                              stringLimit: 2, at: .entry)[0],
                       "[{fd=3</dev/null>, events=POLLIN}, {fd=4, events=POLLOUT}, {fd=-1}]")
        XCTAssertEqual(SyscallDecoder.returnNote(abi: .x86_64, nr: nr("ppoll"), rawArgs: a.map { Address($0) }, ret: 1, memory: m),
                       "[{fd=4, revents=POLLOUT}]")
    }

    func testNoteFollowsTheReturnValue() {
        var r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr("select"), name: "select", args: [], rawArgs: [], ret: 1, entryNs: 0)
        r.retNote = ""
        XCTAssertEqual(ReturnRendering.text(r), "1 ()")
        r.retNote = "out [4]"
        XCTAssertEqual(ReturnRendering.text(r), "1 (out [4])")
    }

    func testDeviceSuffixKeptUnescapedAndStrippedForDecodeFdsNone() {
        XCTAssertEqual(DeviceNumbers.suffix(mode: 0o020666, rdev: 0x103), Array("<char 1:3>".utf8))
        XCTAssertEqual(DeviceNumbers.suffix(mode: 0o060660, rdev: 0x800), Array("<block 8:0>".utf8))
        XCTAssertNil(DeviceNumbers.suffix(mode: 0o100644, rdev: 0))
        XCTAssertEqual(SyscallDecoder.escapePath(Array("/dev/a>b<char 1:3>".utf8)), "/dev/a\\76b<char 1:3>")
        XCTAssertEqual(SyscallDecoder.escapePath(Array("/tmp/x<char 1:y>".utf8)), "/tmp/x\\74char 1:y\\76")
        XCTAssertEqual(DeviceNumbers.bareFds("[3</dev/null<char 1:3>> 4<TCP:[1.2.3.4:5->6.7.8.9:10]> 5]"), "[3 4 5]")
        XCTAssertEqual(DeviceNumbers.bareFds("{sun_path=\"9<x>\", fd=9</a b>}"), "{sun_path=\"9<x>\", fd=9}")
        XCTAssertEqual(DeviceNumbers.withoutSuffix("4</dev/zero<char 1:5>>"), "4</dev/zero>")
    }

    func testPathSelectionFindsFdsInSetsAndDevices() {
        var s = TraceSelection()
        s.paths = [Array("/dev/full".utf8)]
        var r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr("select"), name: "select",
                              args: ["10", "[1 9</dev/full>]", "NULL", "NULL", "NULL"], rawArgs: [], entryNs: 0)
        XCTAssertTrue(s.touches(r))
        r.args[1] = "[1 2</dev/zero>]"
        XCTAssertFalse(s.touches(r))
        r = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: nr("fsync"), name: "fsync", args: ["4</dev/full<char 1:7>>"],
                          rawArgs: [], entryNs: 0)
        XCTAssertTrue(s.touches(r))
    }
}
