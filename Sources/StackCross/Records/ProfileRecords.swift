import Foundation

/// `stackcross profile` output: JSON Lines. A header (the trace format's shape), one `profile` record,
/// then `thread`, interned `stack` and `sample` records, and a closing `profileSummary`.

/// The first line: the trace format's header (`TraceHeader`) as a `"type":"header"` record.
public struct ProfileHeader: Codable, Sendable, Equatable {
    public var header: TraceHeader
    public init(_ header: TraceHeader) { self.header = header }

    private enum Keys: String, CodingKey { case type }

    public func encode(to encoder: Encoder) throws {
        try header.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode("header", forKey: .type)
    }

    public init(from decoder: Decoder) throws { header = try TraceHeader(from: decoder) }

    public var startWallNs: UInt64 { header.startWallNs }
}

/// What was profiled and how: the record that tells a profile from a trace.
public struct ProfileStart: Codable, Sendable, Equatable {
    public var type = "profile"
    public var pid: Int32
    public var exe: String
    public var hz: Int
    public init(pid: Int32, exe: String, hz: Int) { self.pid = pid; self.exe = exe; self.hz = hz }
}

/// A thread's name, written when the thread is first sampled.
public struct ProfileThread: Codable, Sendable, Equatable {
    public var type = "thread"
    public var tid: Int32
    public var name: String
    public init(tid: Int32, name: String) { self.tid = tid; self.name = name }
}

/// One interned stack (innermost frame first), written once before the first sample that uses it.
public struct ProfileStack: Codable, Sendable, Equatable {
    public var type = "stack"
    public var id: Int
    public var frames: [Frame]
    public init(id: Int, frames: [Frame]) { self.id = id; self.frames = frames }
}

/// One sample of one thread. `userStack`/`kernelStack` are stack ids (nil: none taken).
public struct ProfileSample: Codable, Sendable, Equatable {
    public var type = "sample"
    public var timeNs: UInt64
    public var pid: Int32
    public var tid: Int32
    /// R, S, D, T, t… as /proc/PID/task/TID/stat gave it.
    public var state: String
    public var userStack: Int?
    public var kernelStack: Int?
    /// The syscall the thread was blocked in, by name.
    public var syscall: String?

    public init(timeNs: UInt64, pid: Int32, tid: Int32, state: String, userStack: Int?, kernelStack: Int?, syscall: String?) {
        self.timeNs = timeNs; self.pid = pid; self.tid = tid; self.state = state
        self.userStack = userStack; self.kernelStack = kernelStack; self.syscall = syscall
    }
}

/// The last record: what the profile cost the target.
public struct ProfileSummary: Codable, Sendable, Equatable {
    public var type = "profileSummary"
    public var durationNs: UInt64
    public var ticks: Int
    public var samples: Int
    /// Samples dropped because the thread moved while its stack was copied, or the unwinder fell behind.
    public var droppedMoved: Int
    public var droppedBacklog: Int
    /// PTRACE_INTERRUPT stops made to sample, by the thread state read just before ("R": n).
    public var stopsByState: [String: Int]
    /// The same stops per thread (tid as a string, JSON object keys are strings).
    public var stopsByTid: [String: Int]
    /// Stops made only to detach at the end (PTRACE_DETACH needs a stopped tracee).
    public var detachStops: Int
    /// Why sampling ended: duration, signal, exited, error.
    public var ended: String

    public init(durationNs: UInt64, ticks: Int, samples: Int, droppedMoved: Int, droppedBacklog: Int,
                stopsByState: [String: Int], stopsByTid: [String: Int], detachStops: Int, ended: String) {
        self.durationNs = durationNs; self.ticks = ticks; self.samples = samples; self.droppedMoved = droppedMoved
        self.droppedBacklog = droppedBacklog; self.stopsByState = stopsByState; self.stopsByTid = stopsByTid
        self.detachStops = detachStops; self.ended = ended
    }
}

/// Encodes profile records as JSON lines and interns stacks. One thread uses it.
public final class ProfileRecordEncoder {
    private let encoder: JSONEncoder
    private var stackIds: [[Frame]: Int] = [:]
    private var namedThreads: Set<Int32> = []

    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    }

    public func line<T: Encodable>(_ value: T) -> [UInt8] {
        // Our own record types only (strings, numbers, frames): encoding cannot fail.
        var bytes = (try? encoder.encode(value)).map { [UInt8]($0) } ?? Array("{}".utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The id of `frames`, appending its `stack` record to `out` the first time it is seen.
    public func stackId(_ frames: [Frame], into out: inout [UInt8]) -> Int {
        if let id = stackIds[frames] { return id }
        let id = stackIds.count + 1
        stackIds[frames] = id
        out += line(ProfileStack(id: id, frames: frames))
        return id
    }

    /// The thread's name record the first time the thread is seen.
    public func thread(_ tid: Int32, name: () -> String, into out: inout [UInt8]) {
        guard namedThreads.insert(tid).inserted else { return }
        out += line(ProfileThread(tid: tid, name: name()))
    }

    public var distinctStacks: Int { stackIds.count }
}
