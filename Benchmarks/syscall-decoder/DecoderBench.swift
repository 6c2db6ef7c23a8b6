/// Per-call cost of the pure syscall pieces (decode, return text, line, filter), compiled -O outside SwiftPM.
struct Mem: TraceeMemory {
    let buf: [UInt8] = Array("hello world, this is a line of output text\n".utf8)
    func read(_ address: UInt64, count: Int) -> [UInt8]? { Array(buf.prefix(count)) }
    func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)? { (Array("/etc/passwd".utf8), false) }
    func fdPath(_ fd: Int32) -> String? { "/dev/null" }
}
@main struct Bench {
    static func main() {
        let m = Mem()
        let n = 1_000_000
        var total = 0
        let c = ContinuousClock()
        let t0 = c.now
        for i in 0 ..< n {
            let d = SyscallDecoder.decode(abi: .x86_64, nr: 1, args: [1, 0x1000, 43, 0, 0, 0], memory: m, stringLimit: 32, at: .exit(43))
            let r = SyscallDecoder.decodeReturn(abi: .x86_64, nr: 1, ret: 43, memory: m)
            let rec = SyscallRecord(pid: 1, tid: 1, abi: .x86_64, nr: 1, name: "write", args: d.args, rawArgs: [], strings: d.strings, ret: 43, entryNs: UInt64(i))
            total += SyscallLine.format(record: rec, showPid: false, returnText: r).utf8.count
        }
        let t1 = c.now
        print("write decode+format: \((t1 - t0) / n) per call, \(total)")
        let t2 = c.now
        for _ in 0 ..< n {
            let d = SyscallDecoder.decode(abi: .x86_64, nr: 257, args: [UInt64(bitPattern: -100), 0x1000, 0o2000000, 0, 0, 0], memory: m, stringLimit: 32, at: .entry)
            total += d.args.count
        }
        print("openat decode: \((c.now - t2) / n) per call")
        let f = try! SyscallFilter.parse("trace=%file,%desc")
        let t3 = c.now
        for i in 0 ..< n { if f.contains(abi: .x86_64, nr: Int64(i % 400)) { total += 1 } }
        print("filter contains: \((c.now - t3) / n) per call \(total)")
    }
}
