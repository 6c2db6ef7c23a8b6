import Dispatch
import Glibc
import StackCross

/// The profile's worker thread: unwinds the stack copies the sampler hands over (never while a thread
/// is held), interns stacks and writes the records, in the order the samples were taken.
final class ProfileWorker: @unchecked Sendable {
    /// One thread's sample as the sampler took it; `stack` is the copy still to unwind.
    struct Sample: @unchecked Sendable {
        var tid: Int32
        var timeNs: UInt64
        var state: String
        var name: String
        var kernel: [Frame] = []
        var syscall: String?
        var stack: StackJob?
    }

    enum Work: @unchecked Sendable {
        case records([Encodable])
        case sample(Sample)
    }

    struct Stats { var samples = 0; var droppedBacklog = 0 }

    private let pid: Int32
    private let options: ProfileOptions
    private let write: ([UInt8]) -> String?
    private let queue = DispatchQueue(label: "stackcross.profile.unwind")
    private let lock = NSLockLike()
    private var backlog = 0
    private var stats = Stats()
    private var firstFailure: String?

    // Worker-queue state.
    private lazy var unwinder = DwflCopiedStackUnwinder(sourceLines: options.sourceLines)
    private let encoder = ProfileRecordEncoder()

    init(pid: Int32, options: ProfileOptions, write: @escaping ([UInt8]) -> String?) {
        self.pid = pid; self.options = options; self.write = write
    }

    /// The first write failure, if any (any thread).
    var failure: String? { lock.withLock { firstFailure } }

    /// Sampler thread: queues work; a sample past the backlog bound is dropped (its copy freed).
    func submit(_ work: Work) {
        if case .sample(let s) = work {
            let accepted = lock.withLock { () -> Bool in
                if backlog >= options.maxBacklog { stats.droppedBacklog += 1; return false }
                backlog += 1
                return true
            }
            guard accepted else { s.stack?.buffer.deallocate(); return }
        }
        queue.async { self.run(work) }
    }

    private func run(_ work: Work) {
        var out: [UInt8] = []
        switch work {
        case .records(let rs):
            for r in rs { out += encoder.line(AnyEncodable(r)) }
        case .sample(let s):
            out = line(for: s)
            lock.withLock { backlog -= 1; stats.samples += 1 }
        }
        emit(out)
    }

    private func line(for s: Sample) -> [UInt8] {
        var out: [UInt8] = []
        var user: [Frame]?
        if let job = s.stack {
            user = unwinder.unwind(job, maxFrames: options.maxFrames)
            job.buffer.deallocate()
        }
        encoder.thread(s.tid, name: { s.name }, into: &out)
        let u = user.map { encoder.stackId($0, into: &out) }
        let k = s.kernel.isEmpty ? nil : encoder.stackId(s.kernel, into: &out)
        out += encoder.line(ProfileSample(timeNs: s.timeNs, pid: pid, tid: s.tid, state: s.state,
                                          userStack: u, kernelStack: k, syscall: s.syscall))
        return out
    }

    private func emit(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, failure == nil else { return }
        if let f = write(bytes) { lock.withLock { if firstFailure == nil { firstFailure = f } } }
    }

    /// Waits for every queued sample; returns the counts.
    func finish() -> Stats {
        queue.sync {}
        return lock.withLock { stats }
    }

    /// Writes one record after `finish` (the summary).
    func writeNow<T: Encodable>(_ record: T) {
        queue.sync { emit(encoder.line(record)) }
    }
}

/// An existential record encoded as itself.
struct AnyEncodable: Encodable {
    let value: Encodable
    init(_ value: Encodable) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}
