import XCTest
@testable import StackCross

/// The decoder tests' way to decode one x86_64 call by name: its arguments at the entry, or, given `ret`,
/// at the exit with the entry's view kept for the inputs (as the tracer does).
protocol DecodesX86_64Calls {}

extension DecodesX86_64Calls {
    func nr(_ name: String) -> Int64 { Int64(SyscallTable.x86_64.number(of: name)!) }

    /// `constants`: -X (the tracer hands its style to every decode; nothing global holds it).
    func args(_ name: String, _ a: [UInt64], _ m: TraceeMemory? = nil, ret: Int64? = nil,
              constants: StraceLineStyles.Constants = .abbrev) -> [String] {
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, at: .entry, constants: constants)
        guard let ret else { return entry.args }
        return SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, at: .exit(ret), entry: entry,
                                     constants: constants).args
    }
}
