import Foundation

/// One sample with its stacks resolved (innermost frame first, as records store them).
public struct ResolvedSample: Sendable {
    public var timeNs: UInt64
    public var tid: Int32
    public var threadName: String
    public var state: String
    public var user: [Frame]
    public var kernel: [Frame]
    public var syscall: String?
}

/// What a profile view receives from `ProfileReader`.
public protocol ProfileConsumer: AnyObject {
    func consume(_ sample: ResolvedSample, start: ProfileStart?) throws
    func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws
}

/// Reads `stackcross profile` JSON Lines as a stream: resolves interned stacks and thread names.
public final class ProfileReader {
    private let file: String
    private let consumer: ProfileConsumer
    private let decoder = JSONDecoder()
    private var pending: [UInt8] = []
    private var lineNumber = 0
    private var stacks: [Int: [Frame]] = [:]
    private var names: [Int32: String] = [:]
    public private(set) var header: ProfileHeader?
    public private(set) var start: ProfileStart?
    public private(set) var summary: ProfileSummary?

    public init(file: String, consumer: ProfileConsumer) { self.file = file; self.consumer = consumer }

    private struct Probe: Decodable { var type: String }

    /// Whether the first bytes of an input are a profile (its `profile` record within the first two lines).
    public static func isProfile(_ head: UnsafeRawBufferPointer) -> Bool {
        var lines = 0
        var start = 0
        for (i, b) in head.enumerated() where b == UInt8(ascii: "\n") {
            let line = Data(head[start..<i])
            if let p = try? JSONDecoder().decode(Probe.self, from: line), p.type == "profile" { return true }
            start = i + 1
            lines += 1
            if lines == 2 { break }
        }
        return false
    }

    public func feed(_ chunk: UnsafeRawBufferPointer) throws {
        var start = 0
        for (i, b) in chunk.enumerated() where b == UInt8(ascii: "\n") {
            pending.append(contentsOf: chunk[start..<i])
            try line(pending)
            pending.removeAll(keepingCapacity: true)
            start = i + 1
        }
        pending.append(contentsOf: chunk[start...])
    }

    public func finish() throws {
        if !pending.isEmpty { try line(pending); pending.removeAll() }
        try consumer.finish(header: header, start: start, summary: summary)
    }

    private func fail(_ message: String) -> ReportInputError {
        ReportInputError(file: file, line: lineNumber, message: message)
    }

    private func line(_ bytes: [UInt8]) throws {
        lineNumber += 1
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { return }
        let data = Data(bytes)
        do {
            switch try decoder.decode(Probe.self, from: data).type {
            case "header": header = try decoder.decode(ProfileHeader.self, from: data)
            case "profile": start = try decoder.decode(ProfileStart.self, from: data)
            case "thread":
                let t = try decoder.decode(ProfileThread.self, from: data)
                names[t.tid] = t.name
            case "stack":
                let s = try decoder.decode(ProfileStack.self, from: data)
                stacks[s.id] = s.frames
            case "sample":
                let s = try decoder.decode(ProfileSample.self, from: data)
                try consumer.consume(resolve(s), start: start)
            case "profileSummary": summary = try decoder.decode(ProfileSummary.self, from: data)
            default: break  // a record this reader does not know: nothing to do
            }
        } catch let e as ReportInputError {
            throw e
        } catch {
            throw fail("not a profile record: \(error)")
        }
    }

    private func resolve(_ s: ProfileSample) throws -> ResolvedSample {
        func frames(_ id: Int?) throws -> [Frame] {
            guard let id else { return [] }
            guard let f = stacks[id] else { throw fail("sample refers to stack \(id), which no earlier stack record defines") }
            return f
        }
        return ResolvedSample(timeNs: s.timeNs, tid: s.tid, threadName: names[s.tid] ?? "", state: s.state,
                              user: try frames(s.userStack), kernel: try frames(s.kernelStack), syscall: s.syscall)
    }
}

/// A sample's merged stack in folded form, root first: user frames, then kernel frames (`_[k]`);
/// with `stateRoot`, the thread state (`[S]`) as the root frame.
public func foldedFrames(_ s: ResolvedSample, stateRoot: Bool) -> [String] {
    var f = FoldedStack.frames(user: s.user, kernel: s.kernel, syscall: nil)
    if f.isEmpty { f = ["[" + FoldedStack.sanitize(s.threadName.isEmpty ? "tid \(s.tid)" : s.threadName) + "]"] }
    if stateRoot { f.insert("[" + FoldedStack.sanitize(s.state) + "]", at: 0) }
    return f
}

/// `folded` of a profile: one line per merged stack with its sample count.
public final class ProfileFoldedExporter: ProfileConsumer {
    private let out: ReportWriter
    private let stateRoot: Bool
    private var counter = StackCounter()

    public init(writer: ReportWriter, stateRoot: Bool) { out = writer; self.stateRoot = stateRoot }

    public func consume(_ sample: ResolvedSample, start: ProfileStart?) throws {
        counter.add(foldedFrames(sample, stateRoot: stateRoot))
    }

    public func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws {
        for (stack, count) in counter.lines { out.write(stack + " " + String(count) + "\n") }
        out.flush()
    }
}

/// `flamegraph` of a profile: the trace's SVG flame graph, fed merged stacks.
public final class ProfileFlameGraphExporter: ProfileConsumer {
    private let graph: FlameGraphExporter
    private let stateRoot: Bool

    public init(writer: ReportWriter, title: String, stateRoot: Bool) {
        graph = FlameGraphExporter(writer: writer, title: "stackcross profile: " + title)
        self.stateRoot = stateRoot
    }

    public func consume(_ sample: ResolvedSample, start: ProfileStart?) throws {
        graph.add(folded: foldedFrames(sample, stateRoot: stateRoot))
    }

    public func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws {
        try graph.finish()
    }
}

/// `speedscope` of a profile: one sampled profile per thread (https://www.speedscope.app file format).
public final class ProfileSpeedscopeExporter: ProfileConsumer {
    private let out: ReportWriter
    private let stateRoot: Bool
    private var frameIndex: [String: Int] = [:]
    private var frameNames: [String] = []
    private struct ThreadSamples { var name: String; var first: UInt64; var last: UInt64; var samples: [[Int]] = [] }
    private var threads: [Int32: ThreadSamples] = [:]

    public init(writer: ReportWriter, stateRoot: Bool) { out = writer; self.stateRoot = stateRoot }

    public func consume(_ s: ResolvedSample, start: ProfileStart?) throws {
        let ids = foldedFrames(s, stateRoot: stateRoot).map { name -> Int in
            if let i = frameIndex[name] { return i }
            frameIndex[name] = frameNames.count
            frameNames.append(name)
            return frameNames.count - 1
        }
        threads[s.tid, default: ThreadSamples(name: s.threadName, first: s.timeNs, last: s.timeNs)].samples.append(ids)
        threads[s.tid]!.last = s.timeNs
    }

    private struct File: Encodable {
        var schema = "https://www.speedscope.app/file-format-schema.json"
        var shared: Shared
        var profiles: [Profile]
        var name: String
        var exporter = "stackcross"
        enum CodingKeys: String, CodingKey { case schema = "$schema", shared, profiles, name, exporter }
    }
    private struct Shared: Encodable { var frames: [Named] }
    private struct Named: Encodable { var name: String }
    private struct Profile: Encodable {
        var type = "sampled"
        var name: String
        var unit = "nanoseconds"
        var startValue: UInt64
        var endValue: UInt64
        var samples: [[Int]]
        var weights: [UInt64]
    }

    public func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws {
        let period = UInt64(1_000_000_000 / max(1, start?.hz ?? 49))
        let profiles = threads.keys.sorted().map { tid -> Profile in
            let t = threads[tid]!
            return Profile(name: "\(tid) \(t.name)", startValue: 0, endValue: UInt64(t.samples.count) * period,
                           samples: t.samples, weights: Array(repeating: period, count: t.samples.count))
        }
        let file = File(shared: Shared(frames: frameNames.map { Named(name: $0) }), profiles: profiles,
                        name: start.map { "pid \($0.pid) \($0.exe)" } ?? "stackcross profile")
        let enc = JSONEncoder()
        enc.outputFormatting = [.withoutEscapingSlashes]
        out.write(bytes: [UInt8](try enc.encode(file)))
        out.write("\n")
        out.flush()
    }
}
