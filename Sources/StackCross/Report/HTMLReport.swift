/// `html`: one self-contained page (inline CSS and JS, nothing fetched) with a timeline per
/// thread (user time, kernel slices), the crossings with their stacks side by side and the
/// pt_regs diagram (predicted against observed), filters, and the summary table.
///
/// The data sits in a `<script type="application/json">` island, every string JSON-escaped with
/// `<`, `>`, `&`, U+2028/2029 as \u escapes; the page's JS builds the DOM with textContent only.
///
/// Bound, so a long trace stays a usable page: in full detail, the first
/// `crossingsPerThread` syscalls of each thread and after them those with a failed check, at most
/// `crossingsTotal` in all; every syscall still counts in the per-thread timeline aggregate
/// (`bucketCount` time buckets whose width doubles as the thread's span grows), in the
/// summary table and in the check totals. Threads beyond `maxThreads` count in the totals only.
/// Instants (signals, exec, clone, exit) are kept up to `eventsPerThread` per thread.
public final class HTMLExporter: ReportExporter {
    /// Shows every check of a crossing: judged again from a schema 2 record's observations.
    public var wantsJudgedCrossings: Bool { true }
    /// Every crossing counts in the totals by name and verdict; only the kept ones are judged in words.
    public var judgedDetail: CrossingDetail { .names }
    public static let defaultCrossingsPerThread = 1000
    public static let defaultCrossingsTotal = 5000
    public static let bucketCount = 256
    public static let maxThreads = 2000
    public static let eventsPerThread = 200

    struct Kept {
        var index: Int
        var pid: Int32, tid: Int32
        var name: String
        var args: [String]
        var ret: Int64?
        var error: String?
        /// ReturnRendering's text (`-1 ENOENT (…)`, `3</path>`); nil for a snapshot's thread.
        var returnText: String?
        var entryNs: UInt64, exitNs: UInt64?
        var userStack: Int?, kernelStack: Int?
        var regs: Registers?
        var exitRegs: Registers?
        var crossing: Crossing?
        var abi: SyscallABI?
        // Snapshot threads only.
        var state: String?
        var procSyscall: String?
        var threadName: String?
    }

    struct Instant { var tid: Int32; var ns: UInt64; var kind: String; var label: String }

    /// A thread's kernel time over its lifetime in a fixed number of buckets.
    struct Buckets {
        var start: UInt64
        var width: UInt64 = 1000
        var kernelNs = [UInt64](repeating: 0, count: HTMLExporter.bucketCount)
        var calls = [UInt32](repeating: 0, count: HTMLExporter.bucketCount)

        init(start: UInt64) { self.start = start }

        mutating func cover(_ t: UInt64) {
            while t >= start && (t - start) / width >= UInt64(kernelNs.count) {
                // Halve the resolution: merge neighbouring buckets.
                let n = kernelNs.count
                for i in 0..<n / 2 {
                    kernelNs[i] = kernelNs[2 * i] &+ kernelNs[2 * i + 1]
                    calls[i] = calls[2 * i] &+ calls[2 * i + 1]
                }
                for i in n / 2..<n { kernelNs[i] = 0; calls[i] = 0 }
                width *= 2
            }
        }

        mutating func add(entry: UInt64, exit: UInt64) {
            let a = max(entry, start), b = max(exit, a)
            cover(b)
            calls[Int((a - start) / width)] &+= 1
            var t = a
            while t < b {
                let i = Int((t - start) / width)
                // Times come from an untrusted file: a bucket boundary past UInt64.max ends at b.
                let (m, o1) = UInt64(i + 1).multipliedReportingOverflow(by: width)
                let (bound, o2) = start.addingReportingOverflow(m)
                let end = o1 || o2 ? b : min(b, bound)
                kernelNs[i] &+= end - t
                t = end
            }
        }
    }

    struct ThreadInfo {
        var pid: Int32
        var tid: Int32
        var name: String?
        var first: UInt64, last: UInt64
        var calls = 0, errors = 0, failed = 0, kept = 0, keptExtra = 0
        var kernelNs: UInt64 = 0
        var buckets: Buckets
        var events = 0
    }

    private let out: ReportWriter
    private let title: String
    private let perThread: Int
    private let total: Int
    private var totals = ReportTotals()
    private var kept: [Kept] = []
    private var instants: [Instant] = []
    private var threads: [Int32: ThreadInfo] = [:]
    private var threadOrder: [Int32] = []
    private var untrackedThreads = Set<Int32>()
    private var snapshot: (pid: Int32, exe: String, timeNs: UInt64?)?
    private var processNames: [Int32: String] = [:]
    private var syscallIndex = 0
    private var omittedCrossings = 0

    // Frames and stacks are interned: a trace repeats the same few stacks many times.
    private var frameIDs: [Frame: Int] = [:]
    private var frameList: [Frame] = []
    private var stackIDs: [[Int]: Int] = [:]
    private var stackList: [[Int]] = []

    public init(writer: ReportWriter, title: String, options: ReportOptions = ReportOptions()) {
        self.out = writer
        self.title = title
        self.perThread = options.htmlCrossingsPerThread
        self.total = options.htmlCrossingsTotal
    }

    private func intern(_ frames: [Frame]?) -> Int? {
        guard let frames, !frames.isEmpty else { return nil }
        let ids = frames.map { f -> Int in
            if let id = frameIDs[f] { return id }
            frameIDs[f] = frameList.count
            frameList.append(f)
            return frameList.count - 1
        }
        if let id = stackIDs[ids] { return id }
        stackIDs[ids] = stackList.count
        stackList.append(ids)
        return stackList.count - 1
    }

    private func thread(pid: Int32, tid: Int32, ns: UInt64) -> Bool {
        if threads[tid] != nil { return true }
        if untrackedThreads.contains(tid) { return false }
        if threads.count >= Self.maxThreads {
            // Bounded by the number of distinct tids, which is small beside the record count.
            untrackedThreads.insert(tid)
            return false
        }
        threads[tid] = ThreadInfo(pid: pid, tid: tid, first: ns, last: ns, buckets: Buckets(start: ns))
        threadOrder.append(tid)
        return true
    }

    private func instant(pid: Int32, tid: Int32, ns: UInt64, kind: String, label: String) {
        guard thread(pid: pid, tid: tid, ns: ns) else { return }
        threads[tid]!.first = min(threads[tid]!.first, ns)
        threads[tid]!.last = max(threads[tid]!.last, ns)
        guard threads[tid]!.events < Self.eventsPerThread else { return }
        threads[tid]!.events += 1
        instants.append(Instant(tid: tid, ns: ns, kind: kind, label: label))
    }

    public func consume(_ record: TraceRecord) throws {
        try consume(record, fullCrossing: { record.crossing })
    }

    public func consume(_ record: TraceRecord, fullCrossing: () -> Crossing?) throws {
        totals.add(record)
        switch record {
        case .syscall(let r):
            syscallIndex += 1
            guard thread(pid: r.pid, tid: r.tid, ns: r.entryNs) else { omittedCrossings += 1; return }
            var t = threads[r.tid]!
            let exit = r.exitNs.map { max($0, r.entryNs) } ?? r.entryNs
            t.first = min(t.first, r.entryNs)
            t.last = max(t.last, exit)
            t.calls += 1
            if r.error != nil { t.errors += 1 }
            let failed = r.crossing?.checks.contains(where: { !$0.ok }) ?? false
            if failed { t.failed += 1 }
            t.kernelNs &+= exit - r.entryNs
            t.buckets.add(entry: r.entryNs, exit: exit)
            var keep = false
            if kept.count < total {
                if t.kept < perThread { keep = true } else if failed && t.keptExtra < perThread { keep = true; t.keptExtra += 1 }
            }
            if keep {
                t.kept += 1
                kept.append(Kept(index: syscallIndex, pid: r.pid, tid: r.tid, name: r.name, args: r.args, ret: r.ret,
                                 error: r.error, returnText: ReturnRendering.text(r), entryNs: r.entryNs, exitNs: r.exitNs,
                                 userStack: intern(r.userStack), kernelStack: intern(r.kernelStack),
                                 regs: r.entryRegs, exitRegs: r.exitRegs, crossing: fullCrossing(), abi: r.abi))
            } else {
                omittedCrossings += 1
            }
            threads[r.tid] = t
        case .signal(let r):
            let failed = r.crossing?.failedChecks.count ?? 0
            instant(pid: r.pid, tid: r.tid, ns: r.timeNs, kind: "signal",
                    label: r.name + (r.code.map { " " + $0 } ?? "") + (failed > 0 ? " (\(failed) failed checks)" : ""))
        case .exec(let r):
            if let p = r.path.utf8 { processNames[r.pid] = p }
            instant(pid: r.pid, tid: r.tid, ns: r.timeNs, kind: "exec", label: "exec " + TextExporter.quoted(r.path))
        case .clone(let r):
            instant(pid: r.pid, tid: r.tid, ns: r.timeNs, kind: "clone", label: "\(r.kind.rawValue) → \(r.child)")
        case .exit(let r):
            instant(pid: r.pid, tid: r.tid, ns: r.timeNs, kind: "exit",
                    label: r.signal.map { "killed by \($0)" } ?? "exited \(r.code ?? 0)")
        case .attach(let r):
            instant(pid: r.pid, tid: r.tid, ns: r.timeNs, kind: "attach", label: "attached")
        case .detach(let r):
            instant(pid: r.pid, tid: r.tid, ns: r.timeNs, kind: "detach", label: "detached")
        }
    }

    public func consume(_ s: Snapshot) throws {
        totals.add(s)
        snapshot = (s.pid, s.exe, s.timeNs)
        for (i, t) in s.threads.enumerated() {
            let name = t.crossing?.syscall?.name ?? (t.crossing?.phase?.rawValue ?? (t.crossing?.entry.rawValue ?? "thread"))
            let args = t.crossing?.syscall?.args.map(\.description) ?? []
            kept.append(Kept(index: i + 1, pid: s.pid, tid: t.tid, name: name, args: args, ret: nil, error: t.error,
                             entryNs: 0, exitNs: nil, userStack: intern(t.userStack), kernelStack: intern(t.kernelStack),
                             regs: t.registers, exitRegs: nil, crossing: t.crossing, abi: t.crossing?.syscall?.abi,
                             state: t.state, procSyscall: t.procSyscall, threadName: t.name))
        }
    }

    // MARK: writing

    private func json(_ s: String) -> String { Escape.json(s, htmlSafe: true) }

    private func frameJSON(_ f: Frame) -> String {
        var where_ = ""
        if let file = f.file { where_ = file + (f.line.map { ":\($0)" } ?? "") }
        var name = f.shortName
        if f.pc.rawValue == 0, f.module == nil, let l = f.length { name += "/0x" + String(l, radix: 16) }
        var flags = ""
        if f.inlined == true { flags += "inlined " }
        if let n = f.note { flags += n }
        return [json(name), json(f.module ?? ""), json(where_), json(f.pc.rawValue == 0 ? "" : f.pc.description),
                json(flags)].jsonArray
    }

    private func crossingJSON(_ k: Kept, t0: UInt64) -> String {
        var o = JSONObject(htmlSafe: true)
        o.int("i", k.index)
        o.int("pid", k.pid)
        o.int("tid", k.tid)
        o.string("name", k.name)
        o.raw("args", k.args.map(json).jsonArray)
        o.int("ret", k.ret)
        o.string("err", k.error)
        o.string("rt", k.returnText)
        o.string("abi", k.abi?.rawValue)
        if snapshot == nil {
            o.int("t", k.entryNs >= t0 ? k.entryNs - t0 : 0)
            if let x = k.exitNs { o.int("d", x >= k.entryNs ? x - k.entryNs : 0) }
        }
        o.int("us", k.userStack)
        o.int("ks", k.kernelStack)
        if let r = k.regs { o.raw("regs", r.values.map { json(Address($0).description) }.jsonArray) }
        if let r = k.exitRegs { o.raw("xregs", r.values.map { json(Address($0).description) }.jsonArray) }
        if let c = k.crossing {
            o.string("entry", c.entry.rawValue)
            o.string("phase", c.phase?.rawValue)
            o.string("rsp", c.userRsp?.description)
            o.string("map", c.userStackMapping)
            o.raw("checks", c.checks.map { [json($0.name), $0.ok ? "1" : "0", json($0.expected), json($0.actual)].jsonArray }.jsonArray)
            func slots(_ atExit: Bool) -> String {
                PtRegsView.predictions(c, atExit: atExit).values.sorted { $0.slot.rawValue < $1.slot.rawValue }
                    .map { [String($0.slot.rawValue), json($0.predicted), $0.ok ? "1" : "0", json($0.check)].jsonArray }.jsonArray
            }
            o.raw("slots", slots(false))
            if k.exitRegs != nil { o.raw("xslots", slots(true)) }
        }
        o.string("state", k.state)
        o.string("procSyscall", k.procSyscall)
        o.string("tname", k.threadName)
        return o.done()
    }

    public func finish() throws {
        let t0 = threads.values.map(\.first).min() ?? 0
        out.write(HTMLTemplate.head(title: Escape.markup("stackcross report: " + title)))
        out.write("<script type=\"application/json\" id=\"data\">")
        var top = JSONObject(htmlSafe: true)
        top.string("kind", snapshot == nil ? "trace" : "snapshot")
        top.string("title", title)
        top.string("t0", String(t0))
        if let s = snapshot {
            top.int("pid", s.pid)
            top.string("exe", s.exe)
        }
        top.raw("slotNames", PtRegsView.slots.map(json).jsonArray)
        top.raw("kernelSlotNames", PtRegsView.kernelNames.map(json).jsonArray)
        top.raw("regNames", Registers.names.map(json).jsonArray)
        out.write(String(top.done().dropLast()) + ",")

        out.write("\"frames\":[")
        for (i, f) in frameList.enumerated() { out.write((i == 0 ? "" : ",") + frameJSON(f)) }
        out.write("],\"stacks\":[")
        for (i, s) in stackList.enumerated() { out.write((i == 0 ? "" : ",") + s.map(String.init).jsonArray) }
        out.write("],\n\"threads\":[")
        for (i, tid) in threadOrder.enumerated() {
            let t = threads[tid]!
            var o = JSONObject(htmlSafe: true)
            o.int("tid", t.tid)
            o.int("pid", t.pid)
            o.string("proc", processNames[t.pid].map { String($0.split(separator: "/").last ?? "") })
            o.int("first", t.first - t0)
            o.int("last", t.last - t0)
            o.int("calls", t.calls)
            o.int("errors", t.errors)
            o.int("failed", t.failed)
            o.int("kept", t.kept)
            o.int("kernelNs", t.kernelNs)
            o.int("bstart", t.buckets.start - t0)
            o.int("bwidth", t.buckets.width)
            o.raw("bk", t.buckets.kernelNs.map { String($0) }.jsonArray)
            o.raw("bn", t.buckets.calls.map { String($0) }.jsonArray)
            out.write((i == 0 ? "" : ",") + o.done())
        }
        out.write("],\n\"crossings\":[\n")
        for (i, k) in kept.enumerated() { out.write((i == 0 ? "" : ",\n") + crossingJSON(k, t0: t0)) }
        out.write("],\n\"events\":[")
        for (i, e) in instants.enumerated() {
            out.write((i == 0 ? "" : ",") + [String(e.tid), String(e.ns >= t0 ? e.ns - t0 : 0), json(e.kind), json(e.label)].jsonArray)
        }
        out.write("],\n\"summary\":{\"syscalls\":")
        out.write(totals.syscalls.rows.map { [json($0.name), String($0.calls), String($0.errors), String($0.totalNs)].jsonArray }.jsonArray)
        out.write(",\"checks\":")
        out.write(totals.orderedChecks.map { [json($0.0), String($0.1.passed), String($0.1.failed)].jsonArray }.jsonArray)
        out.write(",\"records\":")
        out.write(totals.orderedRecordCounts.map { [json($0.0), String($0.1)].jsonArray }.jsonArray)
        out.write(",\"crossings\":\(totals.crossings),\"failedCrossings\":\(totals.failedCrossings)")
        out.write(",\"omittedCrossings\":\(omittedCrossings),\"untrackedThreads\":\(untrackedThreads.count)")
        out.write(",\"limits\":{\"perThread\":\(perThread),\"total\":\(total),\"buckets\":\(Self.bucketCount)}}}")
        out.write("</script>\n")
        out.write(HTMLTemplate.body)
        out.flush()
    }
}
