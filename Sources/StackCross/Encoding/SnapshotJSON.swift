/// The snapshot record as JSON, written with the trace records' byte writer: what JSONDecoder reads
/// back into the same `Snapshot` (see the round-trip test), several times faster than JSONEncoder,
/// which was a fifth of `attach --json`'s run time on a 31-thread process.
public enum SnapshotJSON {
    /// One JSON object and a newline.
    public static func encode(_ s: Snapshot) -> [UInt8] {
        let buffer = JSONLineBuffer(capacity: 1 << 16)
        var w = JSONBytes(p: buffer.base, n: buffer.count, cap: buffer.capacity)
        w.open()
        w.field("type", string: s.type)
        w.field("pid", int: Int64(s.pid))
        w.field("exe", string: s.exe)
        if let t = s.timeNs { w.field("timeNs", uint: t) }
        w.key("threads")
        w.openArray()
        for t in s.threads {
            w.open()
            w.field("tid", int: Int64(t.tid))
            w.field("name", string: t.name)
            w.field("state", string: t.state)
            if let r = t.registers { w.key("registers"); TraceRecordJSON.registers(r, &w) }
            w.key("userStack"); TraceRecordJSON.frames(t.userStack, &w)
            w.key("kernelStack"); TraceRecordJSON.frames(t.kernelStack, &w)
            if let p = t.procSyscall { w.field("procSyscall", string: p) }
            if let c = t.crossing { w.key("crossing"); TraceRecordJSON.crossing(c, &w) }
            if let e = t.error { w.field("error", string: e) }
            w.close()
        }
        w.closeArray()
        w.close()
        w.ensure(1)
        w.byte(0x0A)
        // The writer may have moved the storage: hand it back to the buffer, which frees it.
        buffer.base = w.p
        buffer.capacity = w.cap
        buffer.count = w.n
        return Array(buffer.bytes)
    }
}
