import Foundation
import StackCross
import SwiftProtobuf

typealias OTLPRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias OTLPSpan = Opentelemetry_Proto_Trace_V1_Span
typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// Where serialized `ExportTraceServiceRequest` batches go: a file (batches concatenated, which
/// protobuf reads as ONE request whose repeated `resource_spans` are the union) or an OTLP/HTTP endpoint.
public protocol OTLPBatchSink: AnyObject {
    func send(_ request: [UInt8], spans: Int) throws
    func finish() throws
}

/// Batches appended to a ReportWriter: the file is one valid ExportTraceServiceRequest.
public final class OTLPWriterSink: OTLPBatchSink {
    private let writer: ReportWriter
    public init(writer: ReportWriter) { self.writer = writer }
    public func send(_ request: [UInt8], spans: Int) throws { writer.write(bytes: request) }
    public func finish() throws { writer.flush() }
}

/// `otlp`: OpenTelemetry spans. One resource per traced process image (pid, and a new one after
/// each exec), one span per syscall (name = syscall, wall-clock start/end, error status with the
/// errno, decoded args, thread.id, the crossing verdict, the user stack as code.stacktrace) whose
/// parent is the image's process span; signals, clones and exits are events of the process span;
/// exec and fork/vfork are links between process spans (and from the clone syscall to the child).
///
/// Bound: spans are sent in batches of at most `batchSpans` (or ~`batchBytes`); memory holds one
/// batch plus a small state per live process image, never the trace.
public final class OTLPExporter: ReportExporter {
    public static let defaultBatchSpans = 1024
    static let batchBytes = 4 << 20
    static let maxEventsPerProcessSpan = 128

    /// One process image: a pid between two execs.
    final class Image {
        let key: Int
        let pid: Int32
        let spanID: UInt64
        var startNs: UInt64
        var endNs: UInt64
        var executable: String?
        var commandArgs: [String]?
        var events: [OTLPSpan.Event] = []
        var droppedEvents: UInt32 = 0
        var links: [OTLPSpan.Link] = []
        var exitCode: Int32?
        var exitSignal: String?
        var ended = false
        /// False until a span or event is about this image: an image with nothing is never sent.
        var used = false
        init(key: Int, pid: Int32, spanID: UInt64, startNs: UInt64) {
            self.key = key; self.pid = pid; self.spanID = spanID; self.startNs = startNs; self.endNs = startNs
        }
    }

    private let sink: OTLPBatchSink
    private let batchSpans: Int
    private var wallOffsetNs: Int64
    private let traceID: Data
    private let spanSeed: UInt64
    private var spanCounter: UInt64 = 0
    private var imageCounter = 0
    private var current: [Int32: Image] = [:]
    /// Images with spans in the pending batch (or ended and not yet sent), by key.
    private var batchImages: [Int: Image] = [:]
    private var pending: [Int: [OTLPSpan]] = [:]
    private var pendingSpans = 0
    private var pendingBytes = 0
    /// The child process span a tid's next clone/fork/vfork syscall span links to.
    private var cloneLinks: [Int32: (spanID: UInt64, kind: String)] = [:]
    private let hostName: String
    public private(set) var spansSent = 0

    /// `wallClockOffsetNs`: CLOCK_REALTIME − CLOCK_MONOTONIC of the traced machine, ns.
    public init(sink: OTLPBatchSink, wallClockOffsetNs: Int64? = nil, batchSpans: Int = OTLPExporter.defaultBatchSpans) {
        self.sink = sink
        self.batchSpans = max(1, batchSpans)
        // A schema 2 trace's header replaces this (consume(header:)); a schema 1 trace has no clock
        // pair: the caller's offset, or the offset now on this machine.
        self.wallOffsetNs = wallClockOffsetNs ?? Self.currentWallClockOffsetNs()
        var rng = SystemRandomNumberGenerator()
        var id = Data(count: 16)
        for i in 0..<16 { id[i] = UInt8.random(in: 0...255, using: &rng) }
        self.traceID = id
        self.spanSeed = UInt64.random(in: 1...UInt64.max, using: &rng) & 0xffff_ffff_0000_0000
        self.hostName = ProcessInfo.processInfo.hostName
    }

    /// CLOCK_REALTIME − CLOCK_MONOTONIC now: right for traces made on this machine since its boot.
    public static func currentWallClockOffsetNs() -> Int64 {
        var rt = timespec(), mono = timespec()
        clock_gettime(CLOCK_MONOTONIC, &mono)
        clock_gettime(CLOCK_REALTIME, &rt)
        return (Int64(rt.tv_sec) - Int64(mono.tv_sec)) * 1_000_000_000 + (Int64(rt.tv_nsec) - Int64(mono.tv_nsec))
    }

    private func wall(_ ns: UInt64) -> UInt64 {
        let w = Int64(bitPattern: ns) &+ wallOffsetNs
        return w > 0 ? UInt64(w) : 0
    }

    private func nextSpanID() -> UInt64 {
        spanCounter += 1
        return spanSeed | spanCounter
    }

    private static func idBytes(_ v: UInt64) -> Data {
        withUnsafeBytes(of: v.bigEndian) { Data($0) }
    }

    // MARK: attributes

    static func attr(_ key: String, _ s: String) -> OTLPKeyValue {
        var kv = OTLPKeyValue(); kv.key = key; kv.value.stringValue = s; return kv
    }
    static func attr(_ key: String, _ i: Int64) -> OTLPKeyValue {
        var kv = OTLPKeyValue(); kv.key = key; kv.value.intValue = i; return kv
    }
    static func attr(_ key: String, _ b: Bool) -> OTLPKeyValue {
        var kv = OTLPKeyValue(); kv.key = key; kv.value.boolValue = b; return kv
    }
    static func attr(_ key: String, strings: [String]) -> OTLPKeyValue {
        var kv = OTLPKeyValue(); kv.key = key
        var a = Opentelemetry_Proto_Common_V1_ArrayValue()
        a.values = strings.map { var v = OTLPAnyValue(); v.stringValue = $0; return v }
        kv.value.arrayValue = a
        return kv
    }
    /// Tracee bytes: a string when valid UTF-8, else the exact bytes.
    static func attr(_ key: String, _ t: TraceeString) -> OTLPKeyValue {
        var kv = OTLPKeyValue(); kv.key = key
        if let s = t.utf8 { kv.value.stringValue = s } else { kv.value.bytesValue = Data(t.bytes) }
        return kv
    }

    static func frameText(_ f: Frame) -> String {
        var s = f.shortName
        if let m = f.module { s += " (\(m))" }
        if let file = f.file { s += " \(file)" + (f.line.map { ":\($0)" } ?? "") }
        if f.inlined == true { s += " [inlined]" }
        if let n = f.note { s += " [\(n)]" }
        return s
    }

    /// The user stack as a stack trace text, innermost first (semantic convention `code.stacktrace`).
    static func stackTrace(_ frames: [Frame]) -> String {
        frames.map { "at " + frameText($0) }.joined(separator: "\n")
    }

    // MARK: images

    private func image(pid: Int32, ns: UInt64) -> Image {
        if let img = current[pid] { return img }
        return newImage(pid: pid, ns: ns)
    }

    private func newImage(pid: Int32, ns: UInt64, spanID: UInt64? = nil) -> Image {
        imageCounter += 1
        let img = Image(key: imageCounter, pid: pid, spanID: spanID ?? nextSpanID(), startNs: ns)
        current[pid] = img
        return img
    }

    private func touch(_ img: Image, _ ns: UInt64) {
        img.startNs = min(img.startNs, ns)
        img.endNs = max(img.endNs, ns)
    }

    private func event(_ img: Image, name: String, ns: UInt64, _ attrs: [OTLPKeyValue]) {
        touch(img, ns)
        img.used = true
        guard img.events.count < Self.maxEventsPerProcessSpan else { img.droppedEvents += 1; return }
        var e = OTLPSpan.Event()
        e.name = name
        e.timeUnixNano = wall(ns)
        e.attributes = attrs
        img.events.append(e)
    }

    private func link(to spanID: UInt64, kind: String) -> OTLPSpan.Link {
        var l = OTLPSpan.Link()
        l.traceID = traceID
        l.spanID = Self.idBytes(spanID)
        l.attributes = [Self.attr("stackcross.link", kind)]
        return l
    }

    /// Ends an image: its process span joins the batch.
    private func end(_ img: Image) throws {
        guard !img.ended else { return }
        img.ended = true
        if current[img.pid] === img { current[img.pid] = nil }
        var s = OTLPSpan()
        s.traceID = traceID
        s.spanID = Self.idBytes(img.spanID)
        s.name = "process " + (img.executable.map { URL(fileURLWithPath: $0).lastPathComponent } ?? String(img.pid))
        s.kind = .internal
        s.startTimeUnixNano = wall(img.startNs)
        s.endTimeUnixNano = wall(img.endNs)
        var a = [Self.attr("process.pid", Int64(img.pid))]
        if let c = img.exitCode { a.append(Self.attr("process.exit.code", Int64(c))) }
        if let sig = img.exitSignal {
            a.append(Self.attr("stackcross.exit.signal", sig))
            s.status.code = .error
            s.status.message = "killed by " + sig
        }
        s.attributes = a
        s.events = img.events
        s.droppedEventsCount = img.droppedEvents
        s.links = img.links
        img.events = []
        img.links = []
        try add(s, to: img, bytes: 256)
    }

    private func add(_ span: OTLPSpan, to img: Image, bytes: Int) throws {
        img.used = true
        batchImages[img.key] = img
        pending[img.key, default: []].append(span)
        pendingSpans += 1
        pendingBytes += bytes
        if pendingSpans >= batchSpans || pendingBytes >= Self.batchBytes { try flush() }
    }

    private func resource(_ img: Image) -> Opentelemetry_Proto_Resource_V1_Resource {
        var r = Opentelemetry_Proto_Resource_V1_Resource()
        var a = [Self.attr("service.name", "stackcross"),
                 Self.attr("process.pid", Int64(img.pid)),
                 Self.attr("host.name", hostName),
                 Self.attr("os.type", "linux")]
        if let e = img.executable { a.append(Self.attr("process.executable.path", e)) }
        if let c = img.commandArgs { a.append(Self.attr("process.command_args", strings: c)) }
        r.attributes = a
        return r
    }

    /// Spans made and not yet handed to the sink.
    public var pendingSpanCount: Int { pendingSpans }

    /// Hands the pending spans to the sink now (a live trace sends what it has every second or so).
    public func sendPending() throws { try flush() }

    /// Sends the pending spans as one ExportTraceServiceRequest.
    private func flush() throws {
        guard pendingSpans > 0 else { return }
        var req = OTLPRequest()
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = "stackcross"
        for key in pending.keys.sorted() {
            guard let img = batchImages[key], let spans = pending[key] else { continue }
            var rs = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            rs.resource = resource(img)
            var ss = Opentelemetry_Proto_Trace_V1_ScopeSpans()
            ss.scope = scope
            ss.spans = spans
            rs.scopeSpans = [ss]
            req.resourceSpans.append(rs)
        }
        let bytes: [UInt8] = try req.serializedBytes()
        let n = pendingSpans
        pending.removeAll(keepingCapacity: true)
        batchImages.removeAll(keepingCapacity: true)
        pendingSpans = 0
        pendingBytes = 0
        try sink.send(bytes, spans: n)
        spansSent += n
    }

    // MARK: records

    /// The clock pair read at the trace's start turns record times into dates.
    public func consume(header: TraceHeader) throws {
        wallOffsetNs = Int64(bitPattern: header.startWallNs &- header.startMonoNs)
    }

    public func consume(_ record: TraceRecord) throws {
        switch record {
        case .syscall(let r): try syscall(r)
        case .signal(let r):
            var a = [Self.attr("thread.id", Int64(r.tid)), Self.attr("stackcross.signal.number", Int64(r.signo))]
            if let c = r.code { a.append(Self.attr("stackcross.signal.code", c)) }
            if let c = r.crossing { a += Self.crossingAttrs(c) }
            event(image(pid: r.pid, ns: r.timeNs), name: r.name, ns: r.timeNs, a)
        case .exec(let r):
            let old = current[r.pid]
            if let old, old.used {
                touch(old, r.timeNs)
                try end(old)
            }
            // An image with nothing in it (a vfork child that execs at once) is not sent: the new image
            // takes its span id and links, so the fork links made to it stay valid.
            let img = newImage(pid: r.pid, ns: r.timeNs, spanID: old.flatMap { $0.used ? nil : $0.spanID })
            img.executable = r.path.utf8 ?? String(decoding: r.path.bytes, as: UTF8.self)
            if let old { img.links = old.used ? [link(to: old.spanID, kind: "exec")] : old.links }
            var a = [Self.attr("thread.id", Int64(r.tid)), Self.attr("process.executable.path", r.path)]
            if let f = r.formerTid { a.append(Self.attr("stackcross.exec.former_tid", Int64(f))) }
            event(img, name: "exec", ns: r.timeNs, a)
        case .clone(let r):
            let parent = image(pid: r.pid, ns: r.timeNs)
            event(parent, name: "clone", ns: r.timeNs, [
                Self.attr("thread.id", Int64(r.tid)), Self.attr("stackcross.clone.child", Int64(r.child)),
                Self.attr("stackcross.clone.kind", r.kind.rawValue)])
            if r.kind != .thread {
                let child = current[r.child] ?? newImage(pid: r.child, ns: r.timeNs)
                child.executable = child.executable ?? parent.executable
                child.commandArgs = child.commandArgs ?? parent.commandArgs
                child.links.append(link(to: parent.spanID, kind: r.kind.rawValue))
                cloneLinks[r.tid] = (child.spanID, r.kind.rawValue)
            }
        case .exit(let r):
            guard let img = current[r.pid] else { return }
            var a = [Self.attr("thread.id", Int64(r.tid))]
            if let c = r.code { a.append(Self.attr("process.exit.code", Int64(c))) }
            if let s = r.signal { a.append(Self.attr("stackcross.exit.signal", s)) }
            event(img, name: "exit", ns: r.timeNs, a)
            if r.tid == r.pid {
                img.exitCode = r.code
                img.exitSignal = r.signal
                try end(img)
            }
        case .attach(let r), .detach(let r):
            event(image(pid: r.pid, ns: r.timeNs), name: record.type, ns: r.timeNs, [Self.attr("thread.id", Int64(r.tid))])
        }
    }

    static func crossingAttrs(_ c: Crossing) -> [OTLPKeyValue] {
        let failed = c.failedChecks
        var a = [attr("stackcross.crossing.entry", c.entry.rawValue),
                 attr("stackcross.crossing.verdict", failed.isEmpty ? "ok" : "failed"),
                 attr("stackcross.crossing.checks", Int64(c.checkCount))]
        if !failed.isEmpty {
            a.append(attr("stackcross.crossing.failed_checks",
                          strings: failed.map { "\($0.name): expected \($0.expected), actual \($0.actual)" }))
        }
        return a
    }

    private static let cloneSyscalls: Set<String> = ["clone", "clone3", "fork", "vfork"]

    private func syscall(_ r: SyscallRecord) throws {
        let img = image(pid: r.pid, ns: r.entryNs)
        let endNs = max(r.exitNs ?? r.entryNs, r.entryNs)
        touch(img, r.entryNs)
        touch(img, endNs)
        var s = OTLPSpan()
        s.traceID = traceID
        s.spanID = Self.idBytes(nextSpanID())
        s.parentSpanID = Self.idBytes(img.spanID)
        s.name = r.name
        s.kind = .internal
        s.startTimeUnixNano = wall(r.entryNs)
        s.endTimeUnixNano = wall(endNs)
        var a: [OTLPKeyValue] = [
            Self.attr("thread.id", Int64(r.tid)),
            Self.attr("stackcross.syscall.nr", r.nr),
            Self.attr("stackcross.syscall.abi", r.abi.rawValue),
            Self.attr("stackcross.syscall.args", strings: r.args),
        ]
        var size = 200 + r.args.reduce(0) { $0 + $1.utf8.count }
        if let ret = r.ret { a.append(Self.attr("stackcross.syscall.ret", ret)) } else { a.append(Self.attr("stackcross.syscall.unfinished", true)) }
        if let e = r.error {
            a.append(Self.attr("error.type", e))
            s.status.code = .error
            s.status.message = e
        }
        if let strings = r.strings {
            for k in strings.keys.sorted() {
                a.append(Self.attr("stackcross.syscall.string." + k, strings[k]!))
                size += strings[k]!.bytes.count
            }
        }
        if let c = r.crossing { a += Self.crossingAttrs(c) }
        if let u = r.userStack, !u.isEmpty {
            a.append(Self.attr("code.stacktrace", Self.stackTrace(u)))
            size += u.count * 80
        }
        if let k = r.kernelStack, !k.isEmpty {
            a.append(Self.attr("stackcross.kernel_stack", Self.stackTrace(k)))
            size += k.count * 60
        }
        s.attributes = a
        if Self.cloneSyscalls.contains(r.name), let l = cloneLinks.removeValue(forKey: r.tid) {
            s.links = [link(to: l.spanID, kind: l.kind)]
        }
        if r.name == "execve" || r.name == "execveat", r.ret == 0, r.args.count > (r.name == "execve" ? 1 : 2) {
            img.commandArgs = StraceArgv.parse(r.args[r.name == "execve" ? 1 : 2]) ?? img.commandArgs
        }
        try add(s, to: img, bytes: size)
    }

    /// `consume(.syscall(r))` without wrapping the record (a live trace hands over each call).
    public func consume(syscall r: SyscallRecord) throws { try syscall(r) }

    public func consume(_ snapshot: Snapshot) throws {
        throw ReportInputError(file: "otlp", line: 1, message: "otlp exports a trace, not an attach snapshot")
    }

    public func finish() throws {
        for img in current.values.sorted(by: { $0.key < $1.key }) { try end(img) }
        try flush()
        try sink.finish()
    }
}

/// Reads back the argv that the syscall decoder printed strace style: `["a", "b\n"]`.
enum StraceArgv {
    static func parse(_ text: String) -> [String]? {
        var bytes = Array(text.utf8)[...]
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        bytes = bytes.dropFirst().dropLast()
        var out: [String] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            while i < bytes.endIndex, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: ",") { i += 1 }
            guard i < bytes.endIndex else { break }
            guard bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var s: [UInt8] = []
            while i < bytes.endIndex, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.endIndex {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): s.append(0x0a)
                    case UInt8(ascii: "t"): s.append(0x09)
                    case UInt8(ascii: "r"): s.append(0x0d)
                    case UInt8(ascii: "v"): s.append(0x0b)
                    case UInt8(ascii: "f"): s.append(0x0c)
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        // Octal, one to three digits (strace's escape of other bytes).
                        var v = 0, n = 0
                        while n < 3, i < bytes.endIndex, (48...55).contains(bytes[i]) { v = v * 8 + Int(bytes[i] - 48); i += 1; n += 1 }
                        s.append(UInt8(truncatingIfNeeded: v)); i -= 1
                    default: s.append(bytes[i])
                    }
                } else {
                    s.append(bytes[i])
                }
                i += 1
            }
            guard i < bytes.endIndex else { return nil }
            i += 1
            out.append(String(decoding: s, as: UTF8.self))
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") { break }  // "..." after a truncated list
        }
        return out
    }
}
