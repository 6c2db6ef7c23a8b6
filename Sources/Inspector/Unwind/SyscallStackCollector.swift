import CStackCross
import Glibc
import Logging
import StackCross

/// Which library walks the copied stacks.
public enum UnwinderKind: String, CaseIterable, Sendable {
    case libdw
    case libunwind
}

/// `trace --stack`: what to copy at each syscall-entry stop and how to unwind it.
public struct StackOptions: Sendable {
    /// Bytes of user stack copied from the stack pointer up (never past the end of its mapping).
    public var stackBytes = 16 * 1024
    public var maxFrames = 256
    public var unwinder: UnwinderKind = .libdw
    public var sourceLines: SourceLines = .inFile
    /// Most copies kept waiting for the output thread (16 KiB each at most); past that the tracer
    /// unwinds at the stop, so memory stays bounded however far behind the output is.
    public var maxWaitingCopies = 512
    public init() {}
}

/// The /proc/PID/maps of one address space as read at some stop. Immutable: shared with the output thread.
final class ModuleMapSnapshot: @unchecked Sendable {
    let pid: Int32
    /// Bumped only when the executable mappings change, so the unwinder rebuilds its modules only then.
    let generation: Int
    /// The raw /proc/PID/maps bytes, for libdw (paths kept exact).
    let text: [UInt8]
    let mappings: [MemoryMapping]
    let executable: [MemoryMapping]

    /// The address space runs stackcross's own executable (a spawned child before its execve).
    let isTracerImage: Bool
    static let tracerImage = ProcFS.exe(getpid())

    init(pid: Int32, generation: Int, text: [UInt8], mappings: [MemoryMapping]) {
        self.pid = pid; self.generation = generation; self.text = text; self.mappings = mappings
        executable = mappings.filter(\.isExecutable)
        isTracerImage = Self.tracerImage != nil && executable.first?.path == Self.tracerImage
    }

    /// The mapping holding `a`, if any.
    func mapping(containing a: UInt64) -> MemoryMapping? {
        var lo = 0, hi = mappings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if mappings[mid].end.rawValue <= a { lo = mid + 1 } else { hi = mid }
        }
        return lo < mappings.count && mappings[lo].contains(Address(a)) ? mappings[lo] : nil
    }
}

/// One copied stack waiting to be unwound.
struct StackJob: @unchecked Sendable {
    var tid: Int32
    var maps: ModuleMapSnapshot
    var regs: Registers
    var buffer: UnsafeMutableRawPointer
    var count: Int
    /// --stack-bytes: a copy this long was cut short of the stack's end.
    var limit: Int
    /// Why nothing (or little) could be copied, for the stack's end marker.
    var copyNote: String?
    /// Already unwound (on the tracer thread, when too many copies were waiting): the copy is freed.
    var frames: [Frame]?
}

/// `trace --stack`. At each syscall-entry stop (tracer thread) it copies the registers and the top
/// of the user stack with one process_vm_readv and lets the tracee go. As the `TraceSink` in front of
/// the real one it runs on the trace's output thread, which takes records in stop order: there it
/// unwinds each call's copy and hands the record on with its frames, off the tracee's critical path.
public final class SyscallStackCollector: TraceSink, TraceExtension {

    let options: StackOptions
    let downstream: TraceSink
    let logger: Logger

    // Tracer-thread state.
    private var maps: [Int32: ModuleMapSnapshot] = [:]
    private var dirty: Set<Int32> = []
    private var nextGeneration = 1
    private var changers: [SyscallABI: Set<Int64>] = [:]

    // Handed from the tracer thread to the output thread, under `lock`.
    private let lock = NSLockLike()
    private var jobs: [RecordKey: StackJob] = [:]
    /// Most copies waiting at once: bounded by the output thread's queue, whatever the trace's length.
    private var maxOutstanding = 0
    private var copiesWaiting = 0

    /// Tracer thread: unwinds past `maxWaitingCopies`.
    private var overflowUnwinder: CopiedStackUnwinder?
    private var overflowed = 0

    // Output-thread state.
    private var unwinder: CopiedStackUnwinder!
    private var unwindTime = 0.0
    private var unwound = 0

    struct RecordKey: Hashable { var tid: Int32; var entryNs: UInt64 }

    public init(options: StackOptions, downstream: TraceSink, logger: Logger = Logger(label: "stackcross.stack")) {
        self.options = options
        self.downstream = downstream
        self.logger = logger
        unwinder = makeUnwinder()
        for abi in SyscallABI.allCases { changers[abi] = SyscallEffects.numbers(abi, with: .changesMappings) }
    }

    deinit {
        for j in jobs.values where j.frames == nil { j.buffer.deallocate() }
    }

    private func makeUnwinder() -> CopiedStackUnwinder {
        switch options.unwinder {
        case .libdw: DwflCopiedStackUnwinder(sourceLines: options.sourceLines)
        case .libunwind: LibunwindCopiedStackUnwinder(sourceLines: options.sourceLines)
        }
    }

    /// The syscalls the tracer must stop at even when -e leaves them out.
    public var alsoStop: SyscallFilter {
        func selection(_ abi: SyscallABI) -> SyscallFilter.Selection {
            SyscallFilter.Selection(numbers: Set((changers[abi] ?? []).map(Int.init)), complement: false)
        }
        return SyscallFilter(x86_64: selection(.x86_64), i386: selection(.i386))
    }

    // MARK: TraceExtension (tracer thread, task stopped)

    public func syscallEntered(_ record: inout SyscallRecord, at stop: TaskStop) {
        capture(pid: stop.pid, tid: stop.tid, record: record)
    }

    public func syscallExited(abi: SyscallABI, nr: Int64, ret: Int64, at stop: TaskStop) {
        if changers[abi]?.contains(nr) == true { dirty.insert(stop.pid) }
    }

    public func taskGone(pid: Int32, tid: Int32, processGone: Bool) {
        // Jobs already made hold their snapshot; a trace of many short processes keeps none of theirs.
        if processGone { self.processGone(pid) }
    }

    /// Tracer thread: forgets the module map of a process that is gone.
    func processGone(_ pid: Int32) {
        maps[pid] = nil
        dirty.remove(pid)
    }

    /// Tracer thread: how many processes' module maps are kept (for tests).
    var mapsKept: Int { maps.count }

    // MARK: At the stop (tracer thread)

    func capture(pid: Int32, tid: Int32, record rec: SyscallRecord) {
        guard let regs = rec.entryRegs else { return }
        let rsp = regs.rsp.rawValue
        var snapshot = currentMaps(pid, tid: tid)
        var mapping = snapshot?.mapping(containing: rsp)
        if mapping == nil, snapshot != nil {
            // A stack we have not seen (a thread created before we attached): read the maps again once.
            dirty.insert(pid)
            snapshot = currentMaps(pid, tid: tid)
            mapping = snapshot?.mapping(containing: rsp)
        }
        // Our own child between fork and execve runs stackcross's image: nothing of the program yet.
        guard let snapshot, !snapshot.isTracerImage else { return }
        var count = 0
        var note: String?
        var want = 0
        if let m = mapping {
            want = Int(min(UInt64(options.stackBytes), m.end.rawValue - rsp))
        } else {
            note = "the stack pointer \(regs.rsp) is in no mapping"
        }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(want, 8), alignment: 16)
        if want > 0 {
            let n = TraceeMemoryReader(tid: tid).copy(into: buffer, rsp, count: want)
            if n > 0 { count = n } else { note = "cannot read the stack at \(regs.rsp): \(String(cString: strerror(errno)))" }
        }
        var job = StackJob(tid: tid, maps: snapshot, regs: regs, buffer: buffer, count: count,
                           limit: options.stackBytes, copyNote: note)
        if lock.withLock({ copiesWaiting }) >= options.maxWaitingCopies {
            // The output thread is far behind: unwind here so that memory stays bounded.
            let u = overflowUnwinder ?? makeUnwinder()
            overflowUnwinder = u
            job.frames = u.unwind(job, maxFrames: options.maxFrames)
            job.buffer.deallocate()
            job.count = 0
            overflowed += 1
        }
        lock.withLock {
            jobs[RecordKey(tid: tid, entryNs: rec.entryNs)] = job
            if job.frames == nil { copiesWaiting += 1 }
            maxOutstanding = max(maxOutstanding, copiesWaiting)
        }
    }

    /// The module map of `pid`, re-read after a syscall that may have changed it, through the stopped
    /// task `tid` (a zombie leader's /proc/PID/maps is empty).
    private func currentMaps(_ pid: Int32, tid: Int32) -> ModuleMapSnapshot? {
        if let m = maps[pid], !dirty.contains(pid) { return m }
        dirty.remove(pid)
        guard let text = ProcFS.readBytes("/proc/\(tid)/maps") else { return maps[pid] }
        let mappings = MemoryMapping.parse(String(decoding: text, as: UTF8.self))
        let old = maps[pid]
        let sameModules = old.map { $0.executable == mappings.filter(\.isExecutable) } ?? false
        let gen = sameModules ? old!.generation : nextGeneration
        if !sameModules { nextGeneration += 1 }
        let snap = ModuleMapSnapshot(pid: pid, generation: gen, text: text, mappings: mappings)
        maps[pid] = snap
        if let v = mappings.first(where: { $0.path == "[vdso]" }) { VdsoImages.shared.capture(pid: pid, tid: tid, mapping: v) }
        return snap
    }

    // MARK: The sink (output thread, in stop order)

    public var wantsCrossings: Bool { downstream.wantsCrossings }
    public var crossingDetail: CrossingDetail { downstream.crossingDetail }
    public var wantsText: Bool { downstream.wantsText }

    public func syscallEntered(_ record: SyscallRecord) { downstream.syscallEntered(record) }

    public func syscallExited(_ record: SyscallRecord, observed: SyscallObservations?) {
        let key = RecordKey(tid: record.tid, entryNs: record.entryNs)
        guard let job = lock.withLock({ jobs.removeValue(forKey: key) }) else {
            downstream.syscallExited(record, observed: observed)
            return
        }
        var r = record
        if let done = job.frames {
            r.userStack = done
            downstream.syscallExited(r, observed: observed)
            return
        }
        let t0 = monotonicSeconds()
        r.userStack = unwinder.unwind(job, maxFrames: options.maxFrames)
        job.buffer.deallocate()
        lock.withLock { copiesWaiting -= 1 }
        let dt = monotonicSeconds() - t0
        unwindTime += dt
        unwound += 1
        if dt > 0.002 {
            logger.debug("slow unwind", metadata: ["us": "\(Int(dt * 1e6))", "syscall": "\(record.name)", "tracee.tid": "\(record.tid)"])
        }
        downstream.syscallExited(r, observed: observed)
    }

    public func signal(_ record: SignalRecord, observed: SignalObservations?, siginfoFields: [(String, String)]) {
        downstream.signal(record, observed: observed, siginfoFields: siginfoFields)
    }

    public func emit(_ record: TraceRecord) { downstream.emit(record) }

    public func groupStop(pid: Int32, tid: Int32, signal: String) { downstream.groupStop(pid: pid, tid: tid, signal: signal) }

    public func flush() { downstream.flush() }

    public var writeFailure: String? { downstream.writeFailure }

    /// After the trace: what unwinding cost (-v).
    public func logTimings() {
        var meta: Logger.Metadata = ["stacks": "\(unwound)", "unwind.ms": "\(Int(unwindTime * 1000))",
                                     "copies.max": "\(lock.withLock { maxOutstanding })",
                                     "unwound.on.tracer": "\(overflowed)"]
        if let d = unwinder as? DwflCopiedStackUnwinder { meta["memo.hits"] = "\(d.memoHits)" }
        logger.debug("stack timings", metadata: meta)
    }
}
