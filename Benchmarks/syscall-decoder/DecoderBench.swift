/// Per-call cost of the pure syscall pieces, compiled -O outside SwiftPM (Benchmarks/pure-bench.sh).
/// "tracer write path" is what SyscallTracer+Syscalls.swift asks of the decoder for one traced
/// `write(1, "x\n", 2) = 2` (the #14 fixture): at the entry the name and the arguments (fd path, 2-byte
/// buffer), at the exit the return note, the returned fd's path, the errno name; write has no output
/// arguments, so no second decode.
import Glibc

struct Mem: TraceeMemory {
    let buf: [UInt8] = Array("x\nhello world, this is a line of output text\n".utf8)
    let devNull: [UInt8] = Array("/dev/null".utf8)
    func read(_ address: UInt64, count: Int) -> [UInt8]? { Array(buf.prefix(count)) }
    func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? { (Array("/etc/passwd".utf8), false) }
    func fdPath(_ fd: Int32) -> String? { "/dev/null" }
    // The tracer's memory answers from its fd path cache, as bytes.
    func fdPathBytes(_ fd: Int32) -> [UInt8]? { devNull }
}

enum ProcessInfoLite {
    static var only: String? { getenv("BENCH_ONLY").map { String(cString: $0) } }
}

@main struct Bench {
    static func main() {
        let m = Mem()
        let n = 1_000_000
        var total = 0
        let c = ContinuousClock()

        let t0 = c.now
        for i in 0 ..< n {
            let a: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (1, 0x5555_0000_1000 &+ UInt64(i & 1), 2, 0, 0, 0)
            // Entry stop.
            let raw = [Address(a.0), Address(a.1), Address(a.2), Address(a.3), Address(a.4), Address(a.5)]
            let name = SyscallTable.x86_64.displayName(1)
            let d = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: [a.0, a.1, a.2, a.3, a.4, a.5], memory: m,
                                          stringLimit: 32, at: .entry, stackPointer: 0x7ffe_0000_0000, constants: .abbrev)
            // Exit stop.
            let ret: Int64 = 2
            let note = SyscallDecoder.returnNote(abi: .x86_64, nr: 1, rawArgs: raw, ret: ret, memory: m, stringLimit: 32)
            var path: [UInt8]? = nil
            switch ReturnRendering.kind(abi: .x86_64, nr: 1) {
            case .fd, .fcntl:
                path = SyscallDecoder.returnedFDPath(abi: .x86_64, nr: 1, ret: ret, args: raw.map(\.rawValue), memory: m)
            default: break
            }
            let errno: String? = Errno.isError(ret) ? Errno.name(forReturn: ret) : nil
            total += name.utf8.count + d.args.count + d.strings.count + (note?.utf8.count ?? 0) + (path?.count ?? 0) + (errno?.utf8.count ?? 0)
        }
        print("tracer write path: \((c.now - t0) / n) per call, \(total)")
        // BENCH_ONLY=write: the tracer's write path alone (for perf record).
        if ProcessInfoLite.only == "write" { return }

        let t1 = c.now
        for _ in 0 ..< n {
            let d = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: [1, 0x1000, 2, 0, 0, 0], memory: m, stringLimit: 32, at: .entry)
            total += d.args.count
        }
        print("write entry decode: \((c.now - t1) / n) per call, \(total)")

        let t2 = c.now
        for _ in 0 ..< n {
            let d = SyscallDecoder.decode(abi: .x86_64, nr: 257, args: [UInt64(bitPattern: -100), 0x1000, 0o2000000, 0, 0, 0], memory: m, stringLimit: 32, at: .entry)
            total += d.args.count
        }
        print("openat decode: \((c.now - t2) / n) per call")

        // read(3, …, 4096) = 43: entry, then the exit's second decode with the entry's result.
        let t3 = c.now
        for _ in 0 ..< n {
            let args: [UInt64] = [3, 0x1000, 4096, 0, 0, 0]
            let e = SyscallDecoder.decode(abi: .x86_64, nr: 0, args: args, memory: m, stringLimit: 32, at: .entry)
            let x = SyscallDecoder.decode(abi: .x86_64, nr: 0, args: args, memory: m, stringLimit: 32, at: .exit(43), entry: e)
            total += x.args.count + x.strings.count
        }
        print("read entry+exit decode: \((c.now - t3) / n) per call")

        guard let f = try? SyscallFilter.parse("trace=%file,%desc") else { return }
        let t4 = c.now
        for i in 0 ..< n { if f.contains(abi: .x86_64, nr: Int64(i % 400)) { total += 1 } }
        print("filter contains: \((c.now - t4) / n) per call \(total)")
    }
}
