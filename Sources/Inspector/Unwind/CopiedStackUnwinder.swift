import CLibdw
import Glibc
import StackCross

/// Walks a copied stack into symbolized frames. Each instance is used by one thread only.
protocol CopiedStackUnwinder: AnyObject {
    func unwind(_ job: StackJob, maxFrames: Int) -> [Frame]
}

/// libdw backend: one Dwfl per address space and module-map generation, our thread callbacks
/// reading from the copy (perf's DWARF call-chain design).
final class DwflCopiedStackUnwinder: CopiedStackUnwinder {
    private var spaces: [Int32: (generation: Int, space: DwflAddressSpace?)] = [:]
    private let cache = SymbolCache()
    private let memory = StackCopyMemory()
    let sourceLines: SourceLines

    init(sourceLines: SourceLines) { self.sourceLines = sourceLines }

    /// A walk is a function of the pc, the registers a CFA rule can use after a call (rsp, rbp and
    /// the callee-saved ones), the module map and the stack words it read: when all of those match
    /// a previous walk, so do its frames.
    struct WalkKey: Hashable {
        var pid: Int32, generation: Int, maxFrames: Int
        var rip: UInt64, rsp: UInt64, rbp: UInt64, rbx: UInt64, r12: UInt64, r13: UInt64, r14: UInt64, r15: UInt64
    }
    private var memo: [WalkKey: (reads: [(address: UInt64, value: UInt64)], frames: [Frame], count: Int)] = [:]
    private(set) var memoHits = 0

    func unwind(_ job: StackJob, maxFrames: Int) -> [Frame] {
        let r = job.regs
        let key = WalkKey(pid: job.maps.pid, generation: job.maps.generation, maxFrames: maxFrames,
                          rip: r.rip.rawValue, rsp: r.rsp.rawValue, rbp: r.rbp.rawValue, rbx: r.rbx.rawValue,
                          r12: r.r12.rawValue, r13: r.r13.rawValue, r14: r.r14.rawValue, r15: r.r15.rawValue)
        memory.reset(base: job.regs.rsp.rawValue, pointer: UnsafeRawPointer(job.buffer), count: job.count)
        if let hit = memo[key], hit.count == job.count, job.copyNote == nil,
           hit.reads.allSatisfy({ memory.readWord(at: $0.address) == $0.value }) {
            memoHits += 1
            return hit.frames
        }
        let frames = walkAndSymbolize(job, maxFrames: maxFrames)
        if job.copyNote == nil {
            if memo.count >= 4096 { memo.removeAll(keepingCapacity: true) }
            memo[key] = (memory.reads, frames, job.count)
        }
        return frames
    }

    private func walkAndSymbolize(_ job: StackJob, maxFrames: Int) -> [Frame] {
        let space = addressSpace(job.maps)
        guard let space else { return [Frame(pc: job.regs.rip, isActivation: true), Frame(pc: 0, note: "unwind stopped: no modules for pid \(job.maps.pid)")] }
        memory.reset(base: job.regs.rsp.rawValue, pointer: UnsafeRawPointer(job.buffer), count: job.count)
        memory.recording = true
        defer { memory.recording = false }
        let exec = job.maps.executable
        var raw = space.walk(tid: job.tid, regs: job.regs, memory: memory, maxFrames: maxFrames,
                             isExecutable: { pc in exec.contains { $0.contains(Address(pc)) } })
        // libdw ends a walk quietly when a read fails: say so when the copy was what ran out.
        if let why = job.copyNote {
            raw.stopReason = .other(why)
        } else if memory.readPastEnd && job.count == job.limit {
            raw.stopReason = .copyEnds(bytes: job.count, limit: job.limit)
        }
        return space.symbolize(raw)
    }

    /// Symbols for a stack walked by another backend.
    func symbolize(_ raw: RawStack, maps: ModuleMapSnapshot) -> [Frame] {
        guard let space = addressSpace(maps) else { return raw.frames.map { Frame(pc: Address($0.pc), isActivation: $0.isActivation) } }
        return space.symbolize(raw)
    }

    private func addressSpace(_ maps: ModuleMapSnapshot) -> DwflAddressSpace? {
        if let s = spaces[maps.pid], s.generation == maps.generation { return s.space }
        if spaces.count > 64 { spaces.removeAll() }
        let space = try? DwflAddressSpace(pid: maps.pid, mapsText: maps.text, sharedCache: cache)
        space?.sourceLines = sourceLines
        spaces[maps.pid] = (maps.generation, space)
        return space
    }
}
