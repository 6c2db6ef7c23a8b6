/// One classic-BPF instruction, laid out as the kernel's `struct sock_filter`.
public struct BPFInstruction: Hashable, Sendable, CustomStringConvertible {
    public var code: UInt16
    public var jt: UInt8
    public var jf: UInt8
    public var k: UInt32

    public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32) {
        self.code = code; self.jt = jt; self.jf = jf; self.k = k
    }

    // linux/bpf_common.h opcodes used here.
    public static let ldAbsW: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
    public static let aluAndK: UInt16 = 0x54  // BPF_ALU | BPF_AND | BPF_K
    public static let ja: UInt16 = 0x05  // BPF_JMP | BPF_JA
    public static let jeqK: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    public static let jgtK: UInt16 = 0x25  // BPF_JMP | BPF_JGT | BPF_K
    public static let jgeK: UInt16 = 0x35  // BPF_JMP | BPF_JGE | BPF_K
    public static let retK: UInt16 = 0x06  // BPF_RET | BPF_K

    public var description: String {
        "{ 0x\(String(code, radix: 16)), \(jt), \(jf), 0x\(String(k, radix: 16)) }"
    }
}

/// The seccomp filter for `trace -e trace=SET`: SECCOMP_RET_TRACE for traced syscalls so the tracer
/// gets a PTRACE_EVENT_SECCOMP stop, SECCOMP_RET_ALLOW for the rest, which then never stop.
public enum SeccompProgram {
    public static let retTrace: UInt32 = 0x7FF0_0000
    public static let retAllow: UInt32 = 0x7FFF_0000
    /// struct seccomp_data: int nr at 0, __u32 arch at 4.
    public static let nrOffset: UInt32 = 0
    public static let archOffset: UInt32 = 4
    /// __X32_SYSCALL_BIT: x32 calls arrive as AUDIT_ARCH_X86_64 with this bit set in nr.
    public static let x32SyscallBit: UInt32 = 0x4000_0000
    /// BPF_MAXINSNS.
    public static let maxInstructions = 4096
    /// Range checks per block, so that every conditional jump stays well within its 8-bit offset.
    static let checksPerBlock = 100

    /// Whether a filter is worth installing at all (tracing everything needs none).
    public static func isNeeded(for filter: SyscallFilter) -> Bool { !filter.tracesAll }

    public static func make(filter: SyscallFilter) -> [BPFInstruction] {
        let x86 = block(filter.x86_64, maskX32: true)
        let i386 = block(filter.i386, maskX32: false)
        typealias I = BPFInstruction
        var p: [I] = [
            I(code: I.ldAbsW, k: archOffset),
            I(code: I.jeqK, jt: 0, jf: 1, k: SyscallInfo.auditArchX86_64),
            I(code: I.ja, k: 3),  // to the x86_64 block
            I(code: I.jeqK, jt: 0, jf: 1, k: SyscallInfo.auditArchI386),
            I(code: I.ja, k: UInt32(1 + x86.count)),  // over the x86_64 block to the i386 block
            // Any other architecture cannot occur on an x86_64 kernel; let it run.
            I(code: I.retK, k: retAllow),
        ]
        p += x86
        p += i386
        return p
    }

    /// Loads nr and returns MATCH for the listed numbers, NOMATCH for the others.
    static func block(_ sel: SyscallFilter.Selection, maskX32: Bool) -> [BPFInstruction] {
        typealias I = BPFInstruction
        let match = sel.complement ? retAllow : retTrace
        let noMatch = sel.complement ? retTrace : retAllow
        var p: [I] = [I(code: I.ldAbsW, k: nrOffset)]
        // x32 numbers share x86_64's: match them with the bit cleared.
        if maskX32 { p.append(I(code: I.aluAndK, k: ~x32SyscallBit)) }
        let ranges = ranges(of: sel.numbers.filter { $0 >= 0 && $0 < Int(x32SyscallBit) }.sorted())
        var start = 0
        while start < ranges.count {
            let chunk = ranges[start ..< min(start + checksPerBlock, ranges.count)]
            start += chunk.count
            // Each chunk ends in `ja +1; ret MATCH`: count instructions to that ret as we go.
            let size = chunk.reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 2) }
            var at = 0
            for (lo, hi) in chunk {
                if lo == hi {
                    let toMatch = size - at + 1 - 1  // from the next instruction to `ret MATCH`
                    p.append(I(code: I.jeqK, jt: UInt8(toMatch), jf: 0, k: UInt32(lo)))
                    at += 1
                } else {
                    p.append(I(code: I.jgeK, jt: 0, jf: 1, k: UInt32(lo)))
                    let toMatch = size - (at + 2) + 1
                    p.append(I(code: I.jgtK, jt: 0, jf: UInt8(toMatch), k: UInt32(hi)))
                    at += 2
                }
            }
            p.append(I(code: I.ja, k: 1))
            p.append(I(code: I.retK, k: match))
        }
        p.append(I(code: I.retK, k: noMatch))
        return p
    }

    /// Sorted numbers to inclusive runs of consecutive values.
    static func ranges(of sorted: [Int]) -> [(Int, Int)] {
        var out = [(Int, Int)]()
        for n in sorted {
            if let last = out.last, last.1 + 1 == n { out[out.count - 1].1 = n } else { out.append((n, n)) }
        }
        return out
    }
}
