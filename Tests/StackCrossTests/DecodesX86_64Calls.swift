import XCTest
@testable import StackCross

/// The decoder tests' way to decode one x86_64 call by name: its arguments at the entry, or, given `ret`,
/// at the exit with the entry's view kept for the inputs (as the tracer does).
protocol DecodesX86_64Calls {}

extension DecodesX86_64Calls {
    func nr(_ name: String) -> Int64 { Int64(SyscallTable.x86_64.number(of: name)!) }

    func args(_ name: String, _ a: [UInt64], _ m: TraceeMemory? = nil, ret: Int64? = nil) -> [String] {
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, at: .entry)
        guard let ret else { return entry.args }
        return SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, at: .exit(ret), entry: entry).args
    }
}
