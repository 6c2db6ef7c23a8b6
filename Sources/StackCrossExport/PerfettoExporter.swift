import Foundation
import StackCross
import SwiftProtobuf

typealias PfPacket = Perfetto_Protos_TracePacket
typealias PfEvent = Perfetto_Protos_TrackEvent
typealias PfAnnotation = Perfetto_Protos_DebugAnnotation

/// `perfetto`: a native Perfetto trace (`perfetto.protos.Trace`, a stream of TracePackets) that
/// ui.perfetto.dev and trace processor open. One process track per process, one thread track per
/// thread under it (names from exec paths); each syscall is a slice (begin at entry, end at exit)
/// with its args, return value, error and crossing verdict as debug annotations and its user stack
/// as an interned callstack; signals, exec, clone, exit, attach and detach are instants, and a
/// clone starts a flow that ends at the new task's first event.
///
/// Interning: event names, function names, mappings, frames and callstacks are written once per
/// sequence in InternedData; the first packet carries SEQ_INCREMENTAL_STATE_CLEARED. Bound: when
/// the interning tables reach `maxInterned` entries they are dropped and the state cleared again,
/// so memory stays bounded however many distinct stacks the trace has. Times are the records'
/// CLOCK_MONOTONIC ns on the trace's default clock: one timeline, no clock conversion needed.
public final class PerfettoExporter: ReportExporter {
    public static let defaultMaxInterned = 100_000
    static let sequenceID: UInt32 = 1

    private let out: ReportWriter
    private let maxInterned: Int
    private var stateCleared = false
    private var eventNames: [String: UInt64] = [:]
    private var functionNames: [String: UInt64] = [:]
    private var mappings: [String: UInt64] = [:]
    private var strings: [String: UInt64] = [:]
    private var frames: [Frame: UInt64] = [:]
    private var callstacks: [[UInt64]: UInt64] = [:]
    private var nextIid: UInt64 = 1
    private var interned = 0
    private var processes: [Int32: String] = [:]
    private var threads: [Int32: Int32] = [:]
    private var pendingFlows: [Int32: UInt64] = [:]
    private var nextFlow: UInt64 = 1
    public private(set) var packetsWritten = 0

    public init(writer: ReportWriter, maxInterned: Int = PerfettoExporter.defaultMaxInterned) {
        self.out = writer
        self.maxInterned = max(16, maxInterned)
    }

    static func processUUID(_ pid: Int32) -> UInt64 { 0x1_0000_0000 | UInt64(UInt32(bitPattern: pid)) }
    static func threadUUID(_ tid: Int32) -> UInt64 { 0x2_0000_0000 | UInt64(UInt32(bitPattern: tid)) }

    // MARK: output

    /// Writes one `Trace.packet` (field 1, length-delimited), so the file is one Trace message.
    private func emit(_ p: PfPacket) throws {
        var p = p
        p.trustedPacketSequenceID = Self.sequenceID
        if !stateCleared {
            p.sequenceFlags |= UInt32(PfPacket.SequenceFlags.seqIncrementalStateCleared.rawValue)
            stateCleared = true
        }
        let bytes: [UInt8] = try p.serializedBytes()
        var head: [UInt8] = [0x0a]
        var n = UInt64(bytes.count)
        while n >= 0x80 { head.append(UInt8(n & 0x7f) | 0x80); n >>= 7 }
        head.append(UInt8(n))
        out.write(bytes: head)
        out.write(bytes: bytes)
        packetsWritten += 1
    }

    // MARK: interning

    /// Drops every interned entry when the tables are full; the next packet clears the reader's state.
    private func resetInterningIfFull() {
        guard interned >= maxInterned else { return }
        eventNames.removeAll(); functionNames.removeAll(); mappings.removeAll(); strings.removeAll()
        frames.removeAll(); callstacks.removeAll()
        interned = 0
        nextIid = 1
        stateCleared = false
    }

    private func newIid() -> UInt64 { defer { nextIid += 1; interned += 1 }; return nextIid }

    private func internString(_ s: String, _ data: inout Perfetto_Protos_InternedData, path: Bool) -> UInt64 {
        let key = (path ? "p:" : "f:") + s
        if let id = (path ? strings[key] : functionNames[s]) { return id }
        let id = newIid()
        var e = Perfetto_Protos_InternedString()
        e.iid = id
        e.str = Data(s.utf8)
        if path { strings[key] = id; data.mappingPaths.append(e) } else { functionNames[s] = id; data.functionNames.append(e) }
        return id
    }

    private func eventName(_ name: String, _ data: inout Perfetto_Protos_InternedData) -> UInt64 {
        if let id = eventNames[name] { return id }
        let id = newIid()
        var e = Perfetto_Protos_EventName()
        e.iid = id
        e.name = name
        data.eventNames.append(e)
        eventNames[name] = id
        return id
    }

    private func mapping(_ module: String, _ data: inout Perfetto_Protos_InternedData) -> UInt64 {
        if let id = mappings[module] { return id }
        let pathID = internString(module, &data, path: true)
        let id = newIid()
        var m = Perfetto_Protos_Mapping()
        m.iid = id
        m.pathStringIds = [pathID]
        data.mappings.append(m)
        mappings[module] = id
        return id
    }

    private func frame(_ f: Frame, _ data: inout Perfetto_Protos_InternedData) -> UInt64 {
        if let id = frames[f] { return id }
        var pf = Perfetto_Protos_Frame()
        pf.functionNameID = internString(f.symbol ?? f.note ?? f.pc.description, &data, path: false)
        if let m = f.module {
            pf.mappingID = mapping(m, &data)
            // Records do not carry the mapping's base: rel_pc is the absolute pc (symbols come from the name).
            pf.relPc = f.pc.rawValue
        }
        if let line = f.line, line > 0 { pf.lineNumber = UInt32(clamping: line) }
        let id = newIid()
        pf.iid = id
        data.frames.append(pf)
        frames[f] = id
        return id
    }

    private func callstack(_ stack: [Frame], _ data: inout Perfetto_Protos_InternedData) -> UInt64 {
        // Perfetto lists a callstack's frames outermost first; records list them innermost first.
        let ids = stack.reversed().map { frame($0, &data) }
        if let id = callstacks[ids] { return id }
        let id = newIid()
        var c = Perfetto_Protos_Callstack()
        c.iid = id
        c.frameIds = ids
        data.callstacks.append(c)
        callstacks[ids] = id
        return id
    }

    // MARK: tracks

    private func processTrack(_ pid: Int32, name: String?, cmdline: [String]? = nil) throws {
        if let known = processes[pid], name == nil || known == name, cmdline == nil { return }
        let shown = name ?? processes[pid] ?? "pid \(pid)"
        processes[pid] = shown
        var d = Perfetto_Protos_TrackDescriptor()
        d.uuid = Self.processUUID(pid)
        d.process.pid = pid
        d.process.processName = shown
        if let cmdline { d.process.cmdline = cmdline }
        var p = PfPacket()
        p.trackDescriptor = d
        try emit(p)
    }

    /// Declares the thread's track (and its process's) the first time the thread appears.
    private func threadTrack(pid: Int32, tid: Int32, rename: Bool = false) throws {
        try processTrack(pid, name: nil)
        if threads[tid] == pid && !rename { return }
        threads[tid] = pid
        var d = Perfetto_Protos_TrackDescriptor()
        d.uuid = Self.threadUUID(tid)
        d.parentUuid = Self.processUUID(pid)
        d.thread.pid = pid
        d.thread.tid = Int64(tid)
        d.thread.threadName = tid == pid ? (processes[pid] ?? "pid \(pid)") : "\(processes[pid] ?? "pid \(pid)") \(tid)"
        var p = PfPacket()
        p.trackDescriptor = d
        try emit(p)
    }

    // MARK: events

    static func annotation(_ name: String, _ s: String) -> PfAnnotation {
        var a = PfAnnotation(); a.name = name; a.stringValue = s; return a
    }
    static func annotation(_ name: String, _ i: Int64) -> PfAnnotation {
        var a = PfAnnotation(); a.name = name; a.intValue = i; return a
    }
    static func annotation(_ name: String, _ b: Bool) -> PfAnnotation {
        var a = PfAnnotation(); a.name = name; a.boolValue = b; return a
    }
    static func annotation(_ name: String, strings: [String]) -> PfAnnotation {
        var a = PfAnnotation(); a.name = name
        a.arrayValues = strings.map { var v = PfAnnotation(); v.stringValue = $0; return v }
        return a
    }
    /// Tracee bytes: the text when valid UTF-8, else strace-quoted (annotations have no bytes type).
    static func annotation(_ name: String, _ t: TraceeString) -> PfAnnotation {
        annotation(name, t.utf8.map { $0 } ?? SyscallDecoder.quote(t.bytes, truncated: t.truncated))
    }

    static func crossing(_ c: Crossing?) -> [PfAnnotation] {
        guard let c else { return [] }
        let failed = c.failedChecks
        var a = [annotation("entry", c.entry.rawValue), annotation("verdict", failed.isEmpty ? "ok" : "failed"),
                 annotation("checks", Int64(c.checkCount))]
        if !failed.isEmpty {
            a.append(annotation("failed_checks", strings: failed.map { "\($0.name): expected \($0.expected), actual \($0.actual)" }))
        }
        return a
    }

    private func event(_ type: PfEvent.TypeEnum, tid: Int32, ns: UInt64, name: String?, category: String,
                       annotations: [PfAnnotation] = [], stack: [Frame]? = nil, flowOut: UInt64? = nil) throws {
        resetInterningIfFull()
        var data = Perfetto_Protos_InternedData()
        var e = PfEvent()
        e.type = type
        e.trackUuid = Self.threadUUID(tid)
        if let name {
            e.nameIid = eventName(name, &data)
            e.categories = [category]
        }
        e.debugAnnotations = annotations
        if let stack, !stack.isEmpty { e.callstackIid = callstack(stack, &data) }
        if let f = pendingFlows.removeValue(forKey: tid) { e.terminatingFlowIds = [f] }
        if let flowOut { e.flowIds = [flowOut] }
        var p = PfPacket()
        p.timestamp = ns
        p.trackEvent = e
        p.sequenceFlags = UInt32(PfPacket.SequenceFlags.seqNeedsIncrementalState.rawValue)
        if data != Perfetto_Protos_InternedData() { p.internedData = data }
        try emit(p)
    }

    private func instant(_ name: String, pid: Int32, tid: Int32, ns: UInt64, _ annotations: [PfAnnotation], flowOut: UInt64? = nil) throws {
        try threadTrack(pid: pid, tid: tid)
        try event(.instant, tid: tid, ns: ns, name: name, category: "event", annotations: annotations, flowOut: flowOut)
    }

    public func consume(_ record: TraceRecord) throws {
        switch record {
        case .syscall(let r):
            try threadTrack(pid: r.pid, tid: r.tid)
            var a = [Self.annotation("args", strings: r.args), Self.annotation("nr", r.nr), Self.annotation("abi", r.abi.rawValue)]
            if let ret = r.ret { a.append(Self.annotation("ret", ret)) } else { a.append(Self.annotation("unfinished", true)) }
            if let e = r.error { a.append(Self.annotation("error", e)) }
            if let strings = r.strings {
                for k in strings.keys.sorted() { a.append(Self.annotation("string." + k, strings[k]!)) }
            }
            a += Self.crossing(r.crossing)
            if let k = r.kernelStack, !k.isEmpty { a.append(Self.annotation("kernel_stack", strings: k.map(OTLPExporter.frameText))) }
            try event(.sliceBegin, tid: r.tid, ns: r.entryNs, name: r.name, category: r.error == nil ? "syscall" : "syscall,error",
                      annotations: a, stack: r.userStack)
            try event(.sliceEnd, tid: r.tid, ns: max(r.exitNs ?? r.entryNs, r.entryNs), name: nil, category: "")
            if r.name == "execve" || r.name == "execveat", r.ret == 0,
               r.args.count > (r.name == "execve" ? 1 : 2), let argv = StraceArgv.parse(r.args[r.name == "execve" ? 1 : 2]) {
                try processTrack(r.pid, name: processes[r.pid], cmdline: argv)
            }
        case .signal(let r):
            var a = [Self.annotation("signo", Int64(r.signo))]
            if let c = r.code { a.append(Self.annotation("code", c)) }
            a += Self.crossing(r.crossing)
            try instant(r.name, pid: r.pid, tid: r.tid, ns: r.timeNs, a)
        case .exec(let r):
            let path = r.path.utf8 ?? String(decoding: r.path.bytes, as: UTF8.self)
            try processTrack(r.pid, name: URL(fileURLWithPath: path).lastPathComponent)
            try threadTrack(pid: r.pid, tid: r.tid, rename: true)
            var a = [Self.annotation("path", r.path)]
            if let f = r.formerTid { a.append(Self.annotation("former_tid", Int64(f))) }
            try instant("exec", pid: r.pid, tid: r.tid, ns: r.timeNs, a)
        case .clone(let r):
            let flow = nextFlow
            nextFlow += 1
            try instant("clone", pid: r.pid, tid: r.tid, ns: r.timeNs,
                        [Self.annotation("child", Int64(r.child)), Self.annotation("kind", r.kind.rawValue)], flowOut: flow)
            pendingFlows[r.child] = flow
            // The child is named after its parent until it execs.
            let childPid = r.kind == .thread ? r.pid : r.child
            if r.kind != .thread, processes[r.child] == nil { try processTrack(r.child, name: processes[r.pid]) }
            threads[r.child] = nil
            try threadTrack(pid: childPid, tid: r.child)
        case .exit(let r):
            var a: [PfAnnotation] = []
            if let c = r.code { a.append(Self.annotation("code", Int64(c))) }
            if let s = r.signal { a.append(Self.annotation("signal", s)) }
            try instant("exit", pid: r.pid, tid: r.tid, ns: r.timeNs, a)
            pendingFlows[r.tid] = nil
            threads[r.tid] = nil
        case .attach(let r), .detach(let r):
            try instant(record.type, pid: r.pid, tid: r.tid, ns: r.timeNs, [])
        }
    }

    public func consume(_ snapshot: Snapshot) throws {
        throw ReportInputError(file: "perfetto", line: 1, message: "perfetto exports a trace, not an attach snapshot")
    }

    public func finish() throws { out.flush() }
}
