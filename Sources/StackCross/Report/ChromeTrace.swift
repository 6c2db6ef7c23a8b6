/// `chrome`: Chrome trace-event JSON (object form, `traceEvents`) that Perfetto and
/// chrome://tracing load. A track per thread (pid/tid) named by metadata events; each syscall a
/// complete event ("X", ts/dur in µs) with its decoded args, return value and error; signals,
/// exec, clone, exit, attach and detach as thread-scoped instants.
///
/// Bound: events stream straight out; at most `maxEventsPerThread` syscall slices per thread
/// are written, the rest are counted and reported by one instant per thread at the end, so the
/// output stays loadable however long the trace. Memory holds per-thread counters only.
public final class ChromeTraceExporter: ReportExporter {
    public static let defaultMaxEventsPerThread = 50_000

    private struct ThreadState {
        var pid: Int32
        var slices = 0
        var omitted = 0
        var omittedNs: UInt64 = 0
        var lastNs: UInt64 = 0
    }

    private let out: ReportWriter
    private let maxEventsPerThread: Int
    private var opened = false
    private var first = true
    private var threads: [Int32: ThreadState] = [:]
    private var processNames: [Int32: String] = [:]
    private var threadNames: [Int32: String] = [:]

    public init(writer: ReportWriter, maxEventsPerThread: Int = ChromeTraceExporter.defaultMaxEventsPerThread) {
        self.out = writer
        self.maxEventsPerThread = maxEventsPerThread
    }

    private func event(_ json: String) {
        if !opened {
            out.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")
            opened = true
        }
        out.write(first ? json : ",\n" + json)
        first = false
    }

    private func seen(pid: Int32, tid: Int32, ns: UInt64) {
        var t = threads[tid] ?? ThreadState(pid: pid)
        t.pid = pid
        t.lastNs = max(t.lastNs, ns)
        threads[tid] = t
    }

    private func instant(_ name: String, cat: String, pid: Int32, tid: Int32, ns: UInt64, args: JSONObject?) {
        seen(pid: pid, tid: tid, ns: ns)
        var e = JSONObject()
        e.string("name", name)
        e.string("cat", cat)
        e.string("ph", "i")
        e.string("s", "t")
        e.raw("ts", microseconds(ns))
        e.int("pid", pid)
        e.int("tid", tid)
        if let args { e.raw("args", args.done()) }
        event(e.done())
    }

    static func frameList(_ frames: [Frame]?) -> String? {
        guard let frames, !frames.isEmpty else { return nil }
        return frames.map { Escape.json(TextExporter.frameText($0)) }.jsonArray
    }

    static func checksJSON(_ c: Crossing?) -> (String?, String?) {
        guard let c else { return (nil, nil) }
        let failed = c.failedChecks.map { ch -> String in
            var o = JSONObject()
            o.string("name", ch.name); o.string("expected", ch.expected); o.string("actual", ch.actual)
            return o.done()
        }
        return (c.entry.rawValue, failed.isEmpty ? nil : failed.jsonArray)
    }

    public func consume(_ record: TraceRecord) throws {
        switch record {
        case .syscall(let r):
            seen(pid: r.pid, tid: r.tid, ns: r.exitNs ?? r.entryNs)
            let dur = r.exitNs.map { $0 >= r.entryNs ? $0 - r.entryNs : 0 } ?? 0
            if threads[r.tid]!.slices >= maxEventsPerThread {
                threads[r.tid]!.omitted += 1
                threads[r.tid]!.omittedNs &+= dur
                return
            }
            threads[r.tid]!.slices += 1
            var args = JSONObject()
            args.raw("args", r.args.map { Escape.json($0) }.jsonArray)
            if let ret = r.ret { args.int("ret", ret) } else { args.bool("unfinished", true) }
            args.string("return", ReturnRendering.text(r))
            args.string("error", r.error)
            args.int("nr", r.nr)
            args.string("abi", r.abi.rawValue)
            if let strings = r.strings, !strings.isEmpty {
                var s = JSONObject()
                for k in strings.keys.sorted() { s.raw(k, Escape.json(strings[k]!)) }
                args.raw("strings", s.done())
            }
            let (entry, failed) = Self.checksJSON(r.crossing)
            args.string("entry", entry)
            if let c = r.crossing { args.int("checks", c.checkCount) }
            args.raw("failedChecks", failed)
            args.raw("userStack", Self.frameList(r.userStack))
            args.raw("kernelStack", Self.frameList(r.kernelStack))
            var e = JSONObject()
            e.string("name", r.name)
            e.string("cat", r.error == nil ? "syscall" : "syscall,error")
            e.string("ph", "X")
            e.raw("ts", microseconds(r.entryNs))
            e.raw("dur", microseconds(dur))
            e.int("pid", r.pid)
            e.int("tid", r.tid)
            e.raw("args", args.done())
            event(e.done())
        case .signal(let r):
            var a = JSONObject()
            a.int("signo", r.signo)
            a.string("code", r.code)
            let (entry, failed) = Self.checksJSON(r.crossing)
            a.string("entry", entry)
            a.raw("failedChecks", failed)
            instant(r.name, cat: "signal", pid: r.pid, tid: r.tid, ns: r.timeNs, args: a)
        case .exec(let r):
            var a = JSONObject()
            a.raw("path", Escape.json(r.path))
            a.int("formerTid", r.formerTid)
            if let p = r.path.utf8 {
                processNames[r.pid] = (p.split(separator: "/").last.map(String.init) ?? p) + " (\(r.pid))"
            }
            instant("exec", cat: "process", pid: r.pid, tid: r.tid, ns: r.timeNs, args: a)
        case .clone(let r):
            var a = JSONObject()
            a.int("child", r.child)
            a.string("kind", r.kind.rawValue)
            instant("clone \(r.kind.rawValue) \(r.child)", cat: "process", pid: r.pid, tid: r.tid, ns: r.timeNs, args: a)
        case .exit(let r):
            var a = JSONObject()
            a.int("code", r.code)
            a.string("signal", r.signal)
            instant(r.signal.map { "killed by \($0)" } ?? "exit \(r.code ?? 0)", cat: "process", pid: r.pid, tid: r.tid, ns: r.timeNs, args: a)
        case .attach(let r):
            instant("attach", cat: "process", pid: r.pid, tid: r.tid, ns: r.timeNs, args: nil)
        case .detach(let r):
            instant("detach", cat: "process", pid: r.pid, tid: r.tid, ns: r.timeNs, args: nil)
        }
    }

    public func consume(_ snapshot: Snapshot) throws {
        let ns = snapshot.timeNs ?? 0
        processNames[snapshot.pid] = (snapshot.exe.split(separator: "/").last.map(String.init) ?? snapshot.exe) + " (\(snapshot.pid))"
        for t in snapshot.threads {
            threadNames[t.tid] = "\(t.name) (\(t.tid))"
            var a = JSONObject()
            a.string("state", t.state)
            a.string("procSyscall", t.procSyscall)
            let (entry, failed) = Self.checksJSON(t.crossing)
            a.string("entry", entry)
            a.string("phase", t.crossing?.phase?.rawValue)
            a.raw("failedChecks", failed)
            a.raw("userStack", Self.frameList(t.userStack))
            a.raw("kernelStack", Self.frameList(t.kernelStack))
            a.string("error", t.error)
            instant("snapshot", cat: "snapshot", pid: snapshot.pid, tid: t.tid, ns: ns, args: a)
        }
    }

    public func finish() throws {
        for tid in threads.keys.sorted() {
            let t = threads[tid]!
            if t.omitted > 0 {
                var a = JSONObject()
                a.int("omittedSyscalls", t.omitted)
                a.raw("omittedKernelMs", microseconds(t.omittedNs / 1000))
                a.int("keptSlices", t.slices)
                instant("\(t.omitted) more syscalls not shown", cat: "stackcross", pid: t.pid, tid: tid, ns: t.lastNs, args: a)
            }
        }
        var pids = Set(threads.values.map(\.pid))
        pids.formUnion(processNames.keys)
        for pid in pids.sorted() {
            var e = JSONObject()
            e.string("name", "process_name"); e.string("ph", "M"); e.int("pid", pid); e.int("tid", pid)
            var a = JSONObject()
            a.string("name", processNames[pid] ?? "pid \(pid)")
            e.raw("args", a.done())
            event(e.done())
        }
        for tid in threads.keys.sorted() {
            let t = threads[tid]!
            var e = JSONObject()
            e.string("name", "thread_name"); e.string("ph", "M"); e.int("pid", t.pid); e.int("tid", tid)
            var a = JSONObject()
            a.string("name", threadNames[tid] ?? (tid == t.pid ? "main \(tid)" : "thread \(tid)"))
            e.raw("args", a.done())
            event(e.done())
        }
        if !opened {
            out.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")
            opened = true
        }
        out.write("\n]}\n")
        out.flush()
    }
}
