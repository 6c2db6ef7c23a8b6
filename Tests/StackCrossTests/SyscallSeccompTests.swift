import XCTest
@testable import StackCross

final class SyscallSeccompTests: XCTestCase {
    enum BPFError: Error { case badOpcode(Int), outOfBounds(Int), fellOffEnd }

    /// A tiny classic-BPF interpreter over struct seccomp_data {nr, arch, ...}, enough for these programs;
    /// it refuses backward or out-of-range jumps as the kernel's checker does.
    func run(_ p: [BPFInstruction], arch: UInt32, nr: UInt32) throws -> UInt32 {
        var a: UInt32 = 0
        var pc = 0
        var steps = 0
        while pc < p.count {
            steps += 1
            if steps > p.count { throw BPFError.fellOffEnd }
            let i = p[pc]
            var next = pc + 1
            switch i.code {
            case BPFInstruction.ldAbsW:
                switch i.k {
                case 0: a = nr
                case 4: a = arch
                default: throw BPFError.badOpcode(pc)
                }
            case BPFInstruction.aluAndK: a &= i.k
            case BPFInstruction.ja: next = pc + 1 + Int(i.k)
            case BPFInstruction.jeqK: next = pc + 1 + Int(a == i.k ? i.jt : i.jf)
            case BPFInstruction.jgtK: next = pc + 1 + Int(a > i.k ? i.jt : i.jf)
            case BPFInstruction.jgeK: next = pc + 1 + Int(a >= i.k ? i.jt : i.jf)
            case BPFInstruction.retK: return i.k
            default: throw BPFError.badOpcode(pc)
            }
            if next >= p.count { throw BPFError.outOfBounds(pc) }
            pc = next
        }
        throw BPFError.fellOffEnd
    }

    func assertAgrees(_ filter: SyscallFilter, file: StaticString = #filePath, line: UInt = #line) throws {
        let p = SeccompProgram.make(filter: filter)
        XCTAssertLessThanOrEqual(p.count, SeccompProgram.maxInstructions, file: file, line: line)
        for (abi, arch) in [(SyscallABI.x86_64, SyscallInfo.auditArchX86_64), (.i386, SyscallInfo.auditArchI386)] {
            for nr in Array(0 ..< 600) + [1023, 4096, 0x3FFF_FFFF, 0x7FFF_FFFF, 0xFFFF_FFFF] {
                let want = filter.contains(abi: abi, nr: Int64(nr)) ? SeccompProgram.retTrace : SeccompProgram.retAllow
                let got = try run(p, arch: arch, nr: UInt32(nr))
                XCTAssertEqual(got, want, "\(abi) nr \(nr)", file: file, line: line)
                if abi == .x86_64, nr < 600 {
                    // x32: the same number with __X32_SYSCALL_BIT set gets the same verdict.
                    XCTAssertEqual(try run(p, arch: arch, nr: UInt32(nr) | 0x4000_0000), want, "x32 \(nr)",
                                   file: file, line: line)
                }
            }
        }
        // AUDIT_ARCH_X86_64 with the x32 bit is not some other arch: an unknown arch is allowed.
        XCTAssertEqual(try run(p, arch: 0x1234, nr: 1), SeccompProgram.retAllow, file: file, line: line)
    }

    func testVerdictsMatchTheFilter() throws {
        try assertAgrees(try SyscallFilter.parse("trace=write"))
        try assertAgrees(try SyscallFilter.parse("trace=open,openat,%process"))
        try assertAgrees(try SyscallFilter.parse("%file,%desc,%network"))
        try assertAgrees(try SyscallFilter.parse("!write,read"))
        try assertAgrees(try SyscallFilter.parse("none"))
        try assertAgrees(.all)
    }

    func testWriteOnlyProgramIsShortAndExact() throws {
        let p = SeccompProgram.make(filter: try SyscallFilter.parse("write"))
        XCTAssertLessThan(p.count, 20)
        XCTAssertEqual(try run(p, arch: SyscallInfo.auditArchX86_64, nr: 1), SeccompProgram.retTrace)
        XCTAssertEqual(try run(p, arch: SyscallInfo.auditArchX86_64, nr: 4), SeccompProgram.retAllow)
        XCTAssertEqual(try run(p, arch: SyscallInfo.auditArchI386, nr: 4), SeccompProgram.retTrace)
        XCTAssertEqual(try run(p, arch: SyscallInfo.auditArchI386, nr: 1), SeccompProgram.retAllow)
        XCTAssertEqual(p[0], BPFInstruction(code: 0x20, k: 4))  // ld seccomp_data.arch
    }

    func testLongProgramsKeepJumpsInRange() throws {
        // Every other syscall, by name: hundreds of separate checks, well over 255 instructions.
        let names = SyscallTable.x86_64.allNames.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            + SyscallTable.i386.allNames.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let filter = try SyscallFilter.parse("trace=" + names.joined(separator: ","))
        let p = SeccompProgram.make(filter: filter)
        XCTAssertGreaterThan(p.count, 300)
        try assertAgrees(filter)
        let negated = try SyscallFilter.parse("trace=!" + names.joined(separator: ","))
        try assertAgrees(negated)
    }
}
