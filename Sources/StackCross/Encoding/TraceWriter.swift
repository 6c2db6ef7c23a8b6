/// Writes a `stackcross.trace/2` trace: a header line, then one JSON line per record, with what each
/// thread's previous stop already showed left out, and stacks, modules and mappings written once as
/// their own records and referred to by id. `TraceResolver` reads it back. Not thread-safe: one
/// writer per trace, used in record order (the output thread).
///
/// A stop (`entryStop`, `exitStop`, `deliveryStop`, `handlerStop`) holds:
/// - `regs`: the registers that differ from the thread's previous stop (all 27 at a key record, at the
///   thread's first stop, and with `--regs full`);
/// - the observations the model judges, each written only when it is not what the rest gives back
///   (`StopDerivation`): `info` (GET_SYSCALL_INFO fields that the registers do not predict, null when
///   there was none), and the sticky ones, written when they change from the thread's previous stop:
///   `insn` (the two bytes before ip), `maps` (ids of the mappings under sp, ip and the vDSO), `elf`
///   (32 or 64), `alt` (sigaltstack base and size);
/// - per stop: `kstack` (a stack id), `ctxsw`, `frameWords`, and for a handler `sa` and `words`.
public final class TraceWriter {
    public let options: TraceWriterOptions

    /// A thread's state between its stops. A class: `stop` changes it in place at every stop instead of
    /// copying it (its registers) out and back.
    final class ThreadView {
        /// The registers of the thread's last stop, when `hasRegs` (else its next stop writes them whole). Not
        /// optional: a delta reads them register by register where they are, no copy of the set per stop.
        var regs = TraceWriter.noRegisters
        var hasRegs = false
        /// Whether the sticky fields below are what the thread's last stop wrote. false at a key record, and
        /// when the mapping ids start over: the next stop then writes every one of them.
        var stickyKnown = false
        var insn: [UInt8]?
        var maps: [Int]?
        var elf32: Bool?
        var alt: SigaltstackValue?
        var sinceKey = 0
        /// The bytes of the thread's last syscall record from after its `{` to `"args"` (type, pid, tid, abi,
        /// nr, name), and what they were written from: a thread calling the same syscall again copies them.
        var prefix: [UInt8] = []
        var prefixOf: (pid: Int32, abi: SyscallABI, nr: Int64, name: String)?
    }

    /// `alt`: the sigaltstack's base and size.
    struct SigaltstackValue: Equatable { var base: UInt64; var size: UInt64 }

    static let noRegisters = Registers(values: Array(repeating: 0, count: 27))

    /// Per thread; the view given last is held aside (a trace's records mostly come from one thread).
    var threads = PerIDTable<ThreadView>()
    var stacks: [[Frame]: Int] = [:]
    /// Each distinct frame, written once as a `frame` record; stacks list frame ids (deep stacks share most frames).
    var frameIds: [Frame: Int] = [:]
    var modules: [ModuleKey: Int] = [:]
    var mappings: [MemoryMapping: Int] = [:]
    /// The mappings interned last and their ids (held, so that the array's storage is not reused).
    var lastMaps: [MemoryMapping] = []
    var lastMapIds: [Int] = []

    struct ModuleKey: Hashable { var path: String; var buildId: String? }

    public init(options: TraceWriterOptions = TraceWriterOptions()) { self.options = options }

    /// Threads whose state is held (tests check it stays bounded).
    public var threadCount: Int { threads.count }

    // MARK: records

    public func header(_ h: TraceHeader, to buffer: JSONLineBuffer) {
        TraceRecordJSON.appending(to: buffer) { w in
            w.open()
            w.field("type", string: "header")
            w.field("schema", string: h.schema); w.field("tool", string: h.tool); w.field("version", string: h.version)
            w.key("command"); w.openArray()
            for a in h.command { w.string(a) }
            w.closeArray()
            if let r = h.kernelRelease { w.field("kernelRelease", string: r) }
            if let k = h.kernel {
                w.key("kernel"); w.open()
                w.field("threadSize", uint: k.threadSize); w.field("fred", bool: k.fred)
                w.field("randomKstackOffset", bool: k.randomKstackOffset); w.field("cpuVendor", string: k.cpuVendor)
                w.field("kasan", bool: k.kasan); w.field("ia32Emulation", bool: k.ia32Emulation)
                w.field("vmapStack", bool: k.vmapStack); w.field("maxRandomOffset", uint: k.maxRandomOffset)
                w.field("istStackSize", uint: k.istStackSize); w.field("irqStackSize", uint: k.irqStackSize)
                w.field("xstateSigframeSize", uint: k.xstateSigframeSize); w.field("rtSigframeSize", uint: k.rtSigframeSize)
                w.field("redZone", uint: k.redZone); w.field("source", string: k.source)
                w.close()
            }
            if let b = h.bootId { w.field("bootId", string: b) }
            w.field("clock", string: h.clock)
            w.field("startMonoNs", uint: h.startMonoNs); w.field("startWallNs", uint: h.startWallNs)
            w.field("checks", string: h.checks); w.field("regs", string: h.regs)
            w.field("keyInterval", int: Int64(h.keyInterval))
            TraceRecordJSON.endLine(&w)
        }
    }

    public func syscall(_ r: SyscallRecord, observed: SyscallObservations?, to buffer: JSONLineBuffer) {
        makeRoom()
        let userStack = r.userStack.map { intern($0, buffer) }
        let kernelStack = r.kernelStack.map { intern($0, buffer) }
        let entryObs = observed?.entry, exitObs = observed?.exit
        let entryMaps = entryObs?.maps.map { internMaps($0, buffer) }
        let exitMaps = exitObs?.maps.map { internMaps($0, buffer) }
        let entryKstack = entryObs?.kernelStack.flatMap { $0 == r.kernelStack ? nil : intern($0, buffer) }
        let exitKstack = exitObs?.kernelStack.map { intern($0, buffer) }
        let view = view(r.tid)
        let key = beginRecord(view)
        // Asked once: each `crossing != nil` copies the verdict out of the record and destroys the copy.
        let judged = r.crossing != nil
        TraceRecordJSON.appending(to: buffer) { w in
            w.open()
            if let o = view.prefixOf, o.nr == r.nr, o.pid == r.pid, o.abi == r.abi, o.name == r.name {
                w.bytes(view.prefix)
            } else {
                let start = w.n
                w.field("type", string: "syscall")
                w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
                w.field("abi", string: r.abi.rawValue); w.field("nr", int: r.nr); w.field("name", string: r.name)
                view.prefix = Array(UnsafeBufferPointer(start: w.p + start, count: w.n - start))
                view.prefixOf = (r.pid, r.abi, r.nr, r.name)
            }
            w.key("args"); w.openArray()
            for a in r.args { w.string(a) }
            w.closeArray()
            if !(r.entryRegs.map { StopDerivation.rawArgs($0, abi: r.abi, equal: r.rawArgs) } ?? false) {
                w.key("rawArgs"); w.openArray()
                for a in r.rawArgs { w.hex(a.rawValue) }
                w.closeArray()
            }
            if let s = r.strings { w.key("strings"); TraceRecordJSON.strings(s, &w) }
            if let v = r.ret { w.field("ret", int: v) }
            if let e = r.error { w.field("error", string: e) }
            if let p = r.retPath { w.key("retPath"); w.traceeString(p) }
            if let j = r.injected { w.key("injected"); TraceRecordJSON.injected(j, &w) }
            if let d = r.dump { w.key("dump"); w.traceeString(d) }
            if r.detached == true { w.field("detached", bool: true) }
            if let n = r.retNote { w.field("retNote", string: n) }
            w.field("entryNs", uint: r.entryNs)
            if let x = r.exitNs { w.field("exitNs", uint: x) }
            if key { w.field("key", bool: true) }
            if let id = userStack { w.field("userStack", int: Int64(id)) }
            if let id = kernelStack { w.field("kernelStack", int: Int64(id)) }
            if let g = r.entryRegs {
                w.key("entryStop")
                stop(view, regs: g, obs: entryObs, abi: r.abi, maps: entryMaps, kstack: entryKstack, derived: nil,
                     judged: judged, &w)
            }
            if let g = r.exitRegs {
                w.key("exitStop")
                stop(view, regs: g, obs: exitObs, abi: r.abi, maps: exitMaps, kstack: exitKstack, derived: entryObs,
                     judged: judged, &w)
            }
            if judged { w.key("crossing"); crossing(r.crossing, &w) }
            TraceRecordJSON.endLine(&w)
        }
    }

    public func signal(_ r: SignalRecord, observed: SignalObservations?, to buffer: JSONLineBuffer) {
        makeRoom()
        let d = observed?.delivery, h = observed?.handlerEntry
        let dMaps = d?.maps.map { internMaps($0, buffer) }, hMaps = h?.maps.map { internMaps($0, buffer) }
        let dKstack = d?.kernelStack.map { intern($0, buffer) }, hKstack = h?.kernelStack.map { intern($0, buffer) }
        let key = d != nil && beginRecord(view(r.tid))
        TraceRecordJSON.appending(to: buffer) { w in
            w.open()
            w.field("type", string: "signal")
            w.field("pid", int: Int64(r.pid)); w.field("tid", int: Int64(r.tid))
            w.field("signo", int: Int64(r.signo)); w.field("name", string: r.name)
            if let c = r.code { w.field("code", string: c) }
            if let c = d?.signalCode { w.field("siCode", int: Int64(c)) }
            w.field("timeNs", uint: r.timeNs)
            if let s = r.handlerStepped { w.field("handlerStepped", bool: s) }
            if key { w.field("key", bool: true) }
            if let d {
                w.key("deliveryStop")
                stop(view(r.tid), regs: d.regs, obs: d, abi: .x86_64, maps: dMaps, kstack: dKstack, derived: nil, signo: r.signo, judged: true, &w)
            }
            if let h {
                w.key("handlerStop")
                stop(view(r.tid), regs: h.regs, obs: h, abi: .x86_64, maps: hMaps, kstack: hKstack, derived: d, signo: r.signo, judged: true, &w)
            }
            if r.crossing != nil { w.key("crossing"); crossing(r.crossing, &w) }
            TraceRecordJSON.endLine(&w)
        }
    }

    /// exec, clone, exit, attach and detach records. An exit ends the thread's state.
    public func record(_ r: TraceRecord, to buffer: JSONLineBuffer) {
        switch r {
        case .syscall(let s): syscall(s, observed: nil, to: buffer)
        case .signal(let s): signal(s, observed: nil, to: buffer)
        case .exit(let e):
            forget(e.tid)
            TraceRecordJSON.appendLine(r, to: buffer)
        case .exec(let e):
            // The new image: the thread (under the leader's tid) starts over with a key record.
            forget(e.tid)
            if let f = e.formerTid { forget(f) }
            TraceRecordJSON.appendLine(r, to: buffer)
        default:
            TraceRecordJSON.appendLine(r, to: buffer)
        }
    }

    // MARK: stops

    /// Whether this record of the thread is a key record (its first stop written in full), and counts it.
    func beginRecord(_ t: ThreadView) -> Bool {
        let key = !t.hasRegs || t.sinceKey + 1 >= options.keyInterval
        if key { t.hasRegs = false; t.stickyKnown = false; t.sinceKey = 0 } else { t.sinceKey += 1 }
        return key
    }

    func view(_ tid: Int32) -> ThreadView { threads.state(tid) { ThreadView() } }

    /// Ends a thread's state (its next record is a key record).
    func forget(_ tid: Int32) {
        threads.remove(tid)
    }

    /// One stop. `derived`: the stop its derived fields come from (the entry stop for an exit, the
    /// delivery for a handler entry).
    func stop(_ view: ThreadView, regs g: Registers, obs: StopObservation?, abi: SyscallABI, maps: [Int]?, kstack: Int?,
              derived: StopObservation?, signo: Int32? = nil, judged: Bool, _ w: inout JSONBytes) {
        w.open()
        w.key("regs")
        if options.regsFull || !view.hasRegs {
            TraceRecordJSON.registers(g, &w)
        } else {
            registerDelta(from: view, to: g, &w)
        }
        view.regs = g
        view.hasRegs = true
        if obs == nil && judged { w.field("noObs", bool: true) }
        if let o = obs {
            if let si = o.syscallInfo {
                let predicted = StopDerivation.predictedInfo(o.kind, regs: g, abi: abi)
                if si != predicted { w.key("info"); info(si, predicted: predicted, &w) }
            } else if o.kind == .syscallEntry || o.kind == .syscallExit {
                // Not read at this stop (sampled): said without building the prediction it would differ from.
                w.key("info"); w.null()
            }
            // The sticky fields, each written when it is not what the thread's last stop wrote (compared in
            // place: a stop builds no copy of them, and an unchanged one is not stored again).
            let known = view.stickyKnown
            let insn = o.bytesBeforeIP
            if !known || !Self.same(view.insn, insn) {
                w.key("insn")
                if let b = insn { w.string(hexDigits(b)) } else { w.null() }
                view.insn = insn
            }
            if !known || !Self.same(view.maps, maps) {
                w.key("maps")
                if let m = maps { ints(m, &w) } else { w.null() }
                view.maps = maps
            }
            let elf32 = o.is32BitTask
            if !known || view.elf32 != elf32 {
                w.key("elf")
                if let e = elf32 { w.int(e ? 32 : 64) } else { w.null() }
                view.elf32 = elf32
            }
            let alt = o.sigaltstack.map { SigaltstackValue(base: $0.base.rawValue, size: $0.size) }
            if !known || view.alt != alt {
                w.key("alt")
                if let a = alt { w.openArray(); w.hex(a.base); w.hex(a.size); w.closeArray() } else { w.null() }
                view.alt = alt
            }
            view.stickyKnown = true
            if let k = kstack { w.field("kstack", int: Int64(k)) }
            if !o.kernelStackReadAtStop { w.field("kstackBeforeStop", bool: true) }
            if let c = o.contextSwitches { w.key("ctxsw"); w.openArray(); w.uint(c.voluntary); w.uint(c.nonvoluntary); w.closeArray() }
            if let s = o.procSyscall { w.field("procSyscall", string: s) }
            if let s = o.procSyscallAtStop { w.field("procSyscallAtStop", string: s) }
            if let f = o.sigreturnFrameWords { w.key("frameWords"); words(f, &w) }
            if let v = o.injectedReturn { w.field("injected", int: v) }
            if o.signo != signo { w.key("signo"); if let s = o.signo { w.int(Int64(s)) } else { w.null() } }
            derivedFields(o, from: derived, &w)
            if o.saHandler != nil || o.saFlags != nil || o.saRestorer != nil {
                w.key("sa"); w.open()
                if let h = o.saHandler { w.hexField("handler", h) }
                if let f = o.saFlags { w.key("flags"); w.hex(f) }
                if let r = o.saRestorer { w.hexField("restorer", r) }
                w.close()
            }
            if let words = o.handlerStackWords { w.key("words"); self.words(words, &w) }
        }
        w.close()
    }

    /// The fields an exit (handler-entry) stop takes from its entry (delivery) stop, written only when they
    /// are not what that stop gives.
    func derivedFields(_ o: StopObservation, from d: StopObservation?, _ w: inout JSONBytes) {
        // The rule: an exit's entryRegs are its entry stop's regs, a handler entry's interruptedRegs the delivery's,
        // none otherwise. Compared where the sets are held (`o.entryRegs != d?.regs` copied both out).
        let entryRegsAsRule = if o.kind == .syscallExit, let d { o.entryRegsAreRegs(of: d) } else { !o.hasEntryRegs }
        if !entryRegsAsRule {
            w.key("entryRegs"); if let g = o.entryRegs { TraceRecordJSON.registers(g, &w) } else { w.null() }
        }
        let interruptedAsRule = if o.kind == .handlerEntry, let d { o.interruptedRegsAreRegs(of: d) } else { !o.hasInterruptedRegs }
        if !interruptedAsRule {
            w.key("interruptedRegs"); if let g = o.interruptedRegs { TraceRecordJSON.registers(g, &w) } else { w.null() }
        }
        let ruleArch = o.kind == .syscallExit ? d?.syscallInfo?.arch : nil
        if o.entryAuditArch != ruleArch {
            w.key("entryArch"); if let a = o.entryAuditArch { w.hex(UInt64(a)) } else { w.null() }
        }
        let ruleSwitches = o.kind == .syscallExit ? d?.contextSwitches : nil
        if o.entryContextSwitches != ruleSwitches {
            w.key("entryCtxsw")
            if let c = o.entryContextSwitches { w.openArray(); w.uint(c.voluntary); w.uint(c.nonvoluntary); w.closeArray() } else { w.null() }
        }
        let ruleCode = o.kind == .handlerEntry ? d?.signalCode : (o.kind == .signalDelivery ? o.signalCode : nil)
        if o.signalCode != ruleCode {
            w.key("siCode"); if let c = o.signalCode { w.int(Int64(c)) } else { w.null() }
        }
    }

    /// Two optional arrays equal (the same storage is equal at once: the writer's map ids, a cached insn).
    @inline(__always)
    static func same<T: Equatable>(_ a: [T]?, _ b: [T]?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a == b
    }

    /// The registers that differ from the thread's last stop's, in user_regs_struct order (`registerKeys`),
    /// written field by field: no index switch per register, and each read where it is held.
    func registerDelta(from view: ThreadView, to b: Registers, _ w: inout JSONBytes) {
        w.open()
        @inline(__always) func d(_ k: StaticString, _ x: Address, _ y: Address) { if x != y { w.key(k); w.hex(y.rawValue) } }
        // Each register read from the view where it is held (`view.regs.rax` loads one word, no copy of the set).
        let a = view
        d("r15", a.regs.r15, b.r15); d("r14", a.regs.r14, b.r14); d("r13", a.regs.r13, b.r13); d("r12", a.regs.r12, b.r12)
        d("rbp", a.regs.rbp, b.rbp); d("rbx", a.regs.rbx, b.rbx); d("r11", a.regs.r11, b.r11); d("r10", a.regs.r10, b.r10)
        d("r9", a.regs.r9, b.r9); d("r8", a.regs.r8, b.r8); d("rax", a.regs.rax, b.rax); d("rcx", a.regs.rcx, b.rcx); d("rdx", a.regs.rdx, b.rdx)
        d("rsi", a.regs.rsi, b.rsi); d("rdi", a.regs.rdi, b.rdi); d("origRax", a.regs.origRax, b.origRax); d("rip", a.regs.rip, b.rip)
        d("cs", a.regs.cs, b.cs); d("eflags", a.regs.eflags, b.eflags); d("rsp", a.regs.rsp, b.rsp); d("ss", a.regs.ss, b.ss)
        d("fsBase", a.regs.fsBase, b.fsBase); d("gsBase", a.regs.gsBase, b.gsBase); d("ds", a.regs.ds, b.ds); d("es", a.regs.es, b.es)
        d("fs", a.regs.fs, b.fs); d("gs", a.regs.gs, b.gs)
        w.close()
    }

    /// The delta by index and `registerKeys`: what `registerDelta` writes (the tests hold the two equal).
    func registerDeltaByIndex(from a: Registers, to b: Registers, _ w: inout JSONBytes) {
        w.open()
        for i in 0..<27 {
            let v = b[index: i]
            if v != a[index: i] { w.key(Self.registerKeys[i]); w.hex(v) }
        }
        w.close()
    }

    static let registerKeys: [StaticString] = [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
        "origRax", "rip", "cs", "eflags", "rsp", "ss", "fsBase", "gsBase", "ds", "es", "fs", "gs",
    ]

    func info(_ i: SyscallInfo?, predicted p: SyscallInfo?, _ w: inout JSONBytes) {
        guard let i else { w.null(); return }
        w.open()
        if i.op != p?.op { w.field("op", int: Int64(i.op.rawValue)) }
        if i.arch != p?.arch { w.key("arch"); w.hex(UInt64(i.arch)) }
        if i.instructionPointer != p?.instructionPointer { w.hexField("ip", i.instructionPointer) }
        if i.stackPointer != p?.stackPointer { w.hexField("sp", i.stackPointer) }
        if i.nr != p?.nr { w.key("nr"); if let n = i.nr { w.int(n) } else { w.null() } }
        if i.args != p?.args {
            w.key("args")
            if let a = i.args { w.openArray(); for v in a { w.hex(v.rawValue) }; w.closeArray() } else { w.null() }
        }
        if i.rval != p?.rval { w.key("rval"); if let v = i.rval { w.int(v) } else { w.null() } }
        if i.isError != p?.isError { w.key("isError"); if let v = i.isError { w.bool(v) } else { w.null() } }
        w.close()
    }

    func ints(_ v: [Int], _ w: inout JSONBytes) {
        w.openArray()
        for x in v { w.int(Int64(x)) }
        w.closeArray()
    }

    func words(_ v: [UInt64], _ w: inout JSONBytes) {
        w.openArray()
        for x in v { w.hex(x) }
        w.closeArray()
    }

    // MARK: verdicts

    /// The compact verdict (entry, counts, the failures in full), or every check with `--checks all`.
    func crossing(_ c: Crossing?, _ w: inout JSONBytes) {
        guard let c else { w.null(); return }
        if options.checksAll { TraceRecordJSON.crossing(c, &w); return }
        w.open()
        w.field("entry", string: c.entry.rawValue)
        var passed = c.passed ?? 0
        for k in c.checks where k.ok { passed += 1 }
        w.field("passed", int: Int64(passed))
        w.key("failed"); w.openArray()
        for k in c.checks where !k.ok {
            w.open()
            w.field("name", string: k.name); w.field("expected", string: k.expected); w.field("actual", string: k.actual)
            w.close()
        }
        w.closeArray()
        w.close()
    }

    // MARK: interning

    /// Starts the intern tables over when full, before a record and never inside one: ids are reused
    /// from 0, and a record's ids must all name what was defined for it.
    func makeRoom() {
        // Stacks name frames and frames name modules: the three start over together.
        if stacks.count >= options.internCapacity || modules.count >= options.internCapacity
            || frameIds.count >= 4 * options.internCapacity {
            stacks.removeAll(keepingCapacity: true)
            frameIds.removeAll(keepingCapacity: true)
            modules.removeAll(keepingCapacity: true)
        }
        if mappings.count >= options.internCapacity {
            mappings.removeAll(keepingCapacity: true)
            (lastMaps, lastMapIds) = ([], [])
            // A thread's remembered `maps` ids may now name other mappings: each writes its maps again.
            for v in threads.states { v.stickyKnown = false }
        }
    }

    /// The id of a stack, writing its record (and its new frames' and modules') first when it is new.
    func intern(_ frames: [Frame], _ buffer: JSONLineBuffer) -> Int {
        if let id = stacks[frames] { return id }
        let id = stacks.count
        stacks[frames] = id
        let ids = frames.map { internFrame($0, buffer) }
        TraceRecordJSON.appending(to: buffer) { w in
            w.open()
            w.field("type", string: "stack"); w.field("id", int: Int64(id))
            w.key("frameIds"); ints(ids, &w)
            TraceRecordJSON.endLine(&w)
        }
        return id
    }

    /// The id of a frame, writing its record (and its module's) first when it is new.
    func internFrame(_ f: Frame, _ buffer: JSONLineBuffer) -> Int {
        if let id = frameIds[f] { return id }
        let module = f.module.map { internModule(ModuleKey(path: $0, buildId: f.buildId), buffer) }
        let id = frameIds.count
        frameIds[f] = id
        TraceRecordJSON.appending(to: buffer) { w in
            w.open()
            w.field("type", string: "frame"); w.field("id", int: Int64(id))
            TraceRecordJSON.frameFields(f, moduleId: module, interned: true, &w)
            TraceRecordJSON.endLine(&w)
        }
        return id
    }

    func internModule(_ m: ModuleKey, _ buffer: JSONLineBuffer) -> Int {
        if let id = modules[m] { return id }
        let id = modules.count
        modules[m] = id
        TraceRecordJSON.appending(to: buffer) { w in
            w.open()
            w.field("type", string: "module"); w.field("id", int: Int64(id)); w.field("path", string: m.path)
            if let b = m.buildId { w.field("buildId", string: b) }
            TraceRecordJSON.endLine(&w)
        }
        return id
    }

    func internMaps(_ maps: [MemoryMapping], _ buffer: JSONLineBuffer) -> [Int] {
        // The live trace hands the same kept array at stop after stop (RecordedMaps): its ids are known
        // without hashing each mapping (its path too) again.
        if !maps.isEmpty, RecordedMaps.sameStorage(maps, lastMaps) { return lastMapIds }
        let ids = internEachMapping(maps, buffer)
        (lastMaps, lastMapIds) = (maps, ids)
        return ids
    }

    func internEachMapping(_ maps: [MemoryMapping], _ buffer: JSONLineBuffer) -> [Int] {
        maps.map { m in
            if let id = mappings[m] { return id }
            let id = mappings.count
            mappings[m] = id
            TraceRecordJSON.appending(to: buffer) { w in
                w.open()
                w.field("type", string: "mapping"); w.field("id", int: Int64(id))
                w.hexField("start", m.start); w.hexField("end", m.end); w.field("perms", string: m.perms)
                w.key("offset"); w.hex(m.offset); w.field("inode", uint: m.inode); w.field("path", string: m.path)
                TraceRecordJSON.endLine(&w)
            }
            return id
        }
    }
}
