/// Reads a trace's lines in order and gives back whole records: it applies register deltas and sticky
/// observations per thread, and replaces stack, module and mapping ids by what their records defined.
/// It mirrors `TraceWriter` rule for rule (`StopDerivation` holds the shared ones).
public final class TraceResolver {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A record with the stops its crossing can be judged from. A reference: the record and its stops
    /// take kilobytes inline, and the reader passes each through several steps (measured: 24% memmove).
    /// Immutable: reading a `var` record out of a class copies it whole (it might change under the reader),
    /// a `let` is lent in place.
    public final class Resolved: @unchecked Sendable {
        public let record: TraceRecord
        public let syscall: SyscallObservations?
        public let signal: SignalObservations?
        init(record: TraceRecord, syscall: SyscallObservations? = nil, signal: SignalObservations? = nil) {
            self.record = record; self.syscall = syscall; self.signal = signal
        }
        /// The same record with `crossing` instead of its own.
        public func replacingCrossing(_ crossing: Crossing?) -> Resolved {
            var r = record
            r.crossing = crossing
            return Resolved(record: r, syscall: syscall, signal: signal)
        }
    }

    struct Sticky {
        var insn: [UInt8]?
        var maps: [Int]?
        var elf32: Bool?
        var alt: (Address, UInt64)?
    }

    /// A class: each stop updates its thread's state in place, instead of copying it out of the table and back.
    final class ThreadState {
        var regs: Registers?
        var sticky = Sticky()
        /// The mappings `sticky.maps` named when last looked up, while `mappingsDefined` was `mapsDefined`:
        /// the ids change seldom, and a stop reuses the array instead of looking each id up again.
        var maps: (ids: [Int], mappings: [MemoryMapping], mapsDefined: Int)?
    }

    public private(set) var header: TraceHeader?
    /// Per thread (PerIDTable: a trace's stops mostly come from one thread). A key record starts its thread over.
    var threads = PerIDTable<ThreadState>()
    var stacks: [Int: [Frame]] = [:]
    var frames: [Int: Frame] = [:]
    var modules: [Int: (path: String, buildId: String?)] = [:]
    var mappings: [Int: MemoryMapping] = [:]
    /// How many mapping records have been read: a new one may redefine an id a thread's cached maps used.
    var mappingsDefined = 0

    public init() {}

    /// The record of `line`, or nil for a line that only defines something (header, stack, module, mapping).
    public func resolve(_ line: DecodedLine) throws -> Resolved? { try resolve(line, taking: false) }

    /// As `resolve`, moving the record out of the line instead of copying it: the line is spent (its record
    /// reads nil after). For the line's one owner (the reader's batch).
    func resolve(taking line: DecodedLine) throws -> Resolved? { try resolve(line, taking: true) }

    private func resolve(_ line: DecodedLine, taking: Bool) throws -> Resolved? {
        switch line.kind {
        case .header(let h):
            header = h
            return nil
        case .stack(let id, var frames, let moduleIds):
            for i in frames.indices {
                guard let m = moduleIds[i] else { continue }
                guard let mod = modules[m] else { throw Failure(message: "stack \(id) refers to module \(m), which no earlier line defines") }
                frames[i].module = mod.path
                frames[i].buildId = mod.buildId
            }
            stacks[id] = frames
            return nil
        case .stackOfFrames(let id, let ids):
            stacks[id] = try ids.map { f in
                guard let frame = frames[f] else { throw Failure(message: "stack \(id) refers to frame \(f), which no earlier line defines") }
                return frame
            }
            return nil
        case .frame(let id, var frame, let moduleId):
            if let m = moduleId {
                guard let mod = modules[m] else { throw Failure(message: "frame \(id) refers to module \(m), which no earlier line defines") }
                frame.module = mod.path
                frame.buildId = mod.buildId
            }
            frames[id] = frame
            return nil
        case .module(let id, let path, let buildId):
            modules[id] = (path, buildId)
            return nil
        case .mapping(let id, let m):
            mappings[id] = m
            mappingsDefined += 1
            return nil
        case .record(let box):
            guard let r = taking ? box.take() : box.record else { throw Failure(message: "a record resolved twice") }
            return try record(r, line.extras)
        }
    }

    func record(_ r: consuming TraceRecord, _ extras: RecordExtras?) throws -> Resolved {
        switch consume r {
        case .syscall(var s):
            guard let x = extras else { return Resolved(record: .syscall(s)) }
            if let id = x.userStack { s.userStack = try stack(id) }
            if let id = x.kernelStack { s.kernelStack = try stack(id) }
            if x.key { threads.remove(s.tid) }
            let judged = s.crossing != nil
            var entry: StopObservation?, exit: StopObservation?
            if let p = x.first {
                let (regs, obs) = try stop(p, kind: .syscallEntry, tid: s.tid, abi: s.abi, derived: nil, signo: nil,
                                           siCode: nil, recordKernelStack: s.kernelStack, observed: judged)
                s.entryRegs = regs
                entry = obs
            }
            if let p = x.second {
                let (regs, obs) = try stop(p, kind: .syscallExit, tid: s.tid, abi: s.abi, derived: entry, signo: nil,
                                           siCode: nil, recordKernelStack: nil, observed: judged)
                s.exitRegs = regs
                exit = obs
            }
            if s.rawArgs.isEmpty, let g = s.entryRegs { s.rawArgs = StopDerivation.rawArgs(g, abi: s.abi) }
            let observed = judged && (entry != nil || exit != nil) ? SyscallObservations(entry: entry, exit: exit) : nil
            return Resolved(record: .syscall(s), syscall: observed)
        case .signal(let g):
            guard let x = extras else { return Resolved(record: .signal(g)) }
            if x.key { threads.remove(g.tid) }
            var delivery: StopObservation?, handler: StopObservation?
            if let p = x.first {
                delivery = try stop(p, kind: .signalDelivery, tid: g.tid, abi: .x86_64, derived: nil, signo: g.signo,
                                    siCode: x.siCode, recordKernelStack: nil, observed: true).1
            }
            if let p = x.second {
                handler = try stop(p, kind: .handlerEntry, tid: g.tid, abi: .x86_64, derived: delivery, signo: g.signo,
                                   siCode: nil, recordKernelStack: nil, observed: true).1
            }
            return Resolved(record: .signal(g), signal: delivery.map { SignalObservations(delivery: $0, handlerEntry: handler) })
        case .exit(let e):
            threads.remove(e.tid)
            return Resolved(record: .exit(e))
        case .exec(let e):
            threads.remove(e.tid)
            if let f = e.formerTid { threads.remove(f) }
            return Resolved(record: .exec(e))
        case let other:
            return Resolved(record: other)
        }
    }

    func stack(_ id: Int) throws -> [Frame] {
        guard let f = stacks[id] else { throw Failure(message: "refers to stack \(id), which no earlier line defines") }
        return f
    }

    /// One stop's registers, and (when the record was judged) its observation for the model.
    func stop(_ p: StopPatch, kind: StopObservation.Kind, tid: Int32, abi: SyscallABI, derived: StopObservation?,
              signo: Int32?, siCode: Int32?, recordKernelStack: [Frame]?, observed: Bool) throws -> (Registers?, StopObservation?) {
        let t = threads.state(tid) { ThreadState() }
        var regs: Registers?
        if let g = t.regs {
            if p.regs.isEmpty {
                regs = g
            } else {
                var r = g
                for (i, x) in p.regs { r[index: i] = x }
                regs = r
            }
        } else if p.regs.count == 27 {
            var v = [UInt64](repeating: 0, count: 27)
            for (i, x) in p.regs { v[i] = x }
            regs = Registers(values: v)
        }
        // A delta with no full set before it (a trace read from its middle): registers unknown from here.
        t.regs = regs
        guard observed, !p.noObservation, let regs else { return (regs, nil) }

        t.sticky.insn = p.insn.applied(to: t.sticky.insn)
        t.sticky.maps = p.maps.applied(to: t.sticky.maps)
        t.sticky.elf32 = p.elf32.applied(to: t.sticky.elf32)
        switch p.alt {
        case .absent: break
        case .null: t.sticky.alt = nil
        case .value(let a): t.sticky.alt = a
        }

        var o = StopObservation(kind: kind, tid: tid, regs: regs)
        let predicted = StopDerivation.predictedInfo(kind, regs: regs, abi: abi)
        switch p.info {
        case .absent: o.syscallInfo = predicted
        case .null: o.syscallInfo = nil
        case .value(let d): o.syscallInfo = Self.apply(d, to: predicted)
        }
        o.bytesBeforeIP = t.sticky.insn
        if let ids = t.sticky.maps {
            if let known = t.maps, known.mapsDefined == mappingsDefined, known.ids == ids {
                o.maps = known.mappings
            } else {
                let maps = try ids.map { id in
                    guard let m = mappings[id] else { throw Failure(message: "refers to mapping \(id), which no earlier line defines") }
                    return m
                }
                t.maps = (ids, maps, mappingsDefined)
                o.maps = maps
            }
        }
        o.is32BitTask = t.sticky.elf32
        o.sigaltstack = t.sticky.alt.map { (base: $0.0, size: $0.1) }
        o.kernelStack = try p.kstack.map(stack) ?? recordKernelStack
        o.kernelStackReadAtStop = !p.kstackBeforeStop
        o.contextSwitches = p.ctxsw
        o.procSyscall = p.procSyscall
        o.procSyscallAtStop = p.procSyscallAtStop
        o.sigreturnFrameWords = p.frameWords
        o.signo = p.signo.applied(to: signo)
        o.entryRegs = p.entryRegs.applied(to: kind == .syscallExit ? derived?.regs : nil)
        o.interruptedRegs = p.interruptedRegs.applied(to: kind == .handlerEntry ? derived?.regs : nil)
        o.entryAuditArch = p.entryArch.applied(to: kind == .syscallExit ? derived?.syscallInfo?.arch : nil)
        o.entryContextSwitches = p.entryCtxsw.applied(to: kind == .syscallExit ? derived?.contextSwitches : nil)
        let ruleCode: Int32? = kind == .handlerEntry ? derived?.signalCode : (kind == .signalDelivery ? siCode : nil)
        o.signalCode = p.siCode.applied(to: ruleCode)
        o.saHandler = p.saHandler
        o.saFlags = p.saFlags
        o.saRestorer = p.saRestorer
        o.handlerStackWords = p.words
        o.injectedReturn = p.injected
        return (regs, o)
    }

    static func apply(_ d: InfoPatch, to predicted: SyscallInfo?) -> SyscallInfo {
        var i = predicted ?? SyscallInfo(op: .none, arch: 0, instructionPointer: 0, stackPointer: 0)
        if let v = d.op { i.op = v }
        if let v = d.arch { i.arch = v }
        if let v = d.ip { i.instructionPointer = v }
        if let v = d.sp { i.stackPointer = v }
        i.nr = d.nr.applied(to: i.nr)
        i.args = d.args.applied(to: i.args)
        i.rval = d.rval.applied(to: i.rval)
        i.isError = d.isError.applied(to: i.isError)
        return i
    }
}
