/// The live trace's judge for the call a thread makes again and again.
///
/// A plain call (SYSCALL from a 64-bit task, GET_SYSCALL_INFO not read or exactly what the registers predict at
/// each stop, no kernel stack, no injection, not execve or rt_sigreturn) is judged from its registers only
/// through relations: rcx = rip,
/// r11 = flags, rax = -ENOSYS at the entry, the selectors, the mapping that holds rsp, and at the exit every
/// pt_regs slot but ax as at the entry. When all of them hold and the call has the shape of the thread's last
/// fully judged plain call, whose checks all passed, the full judge would give that verdict again (with this
/// call's rsp): it is reused instead of judging. Any other call, and any relation that fails, goes to the full
/// judge, which then speaks for the failure with its own texts. For the compact verdict (`.failures`, the live
/// trace) and for check names with their results (`.names`, what `stackcross check` and the views' tallies judge
/// again): neither holds a text that depends on a register's value when every check passes. `.all` spells each
/// check's values out, so at that detail every call is judged in full.
///
/// A call that read GET_SYSCALL_INFO (every `infoInterval`-th) has more checks, each comparing the info with
/// the registers: when the info is what the registers predict (`StopDerivation.predictedInfo`) they all pass,
/// so its verdict is that of the thread's last such call read at the same stops, with this call's rsp and the
/// syscall GET_SYSCALL_INFO named at its entry. Those calls keep their own templates (`infoTemplates`).
public struct RepeatedCallJudge {
    /// A class: the lookup at every call hands out one reference, not a copy of each of its parts.
    final class Template {
        init(crossing: Crossing, maps: [MemoryMapping], stackMapping: MemoryMapping, cloneChild: Bool, info: InfoRead) {
            self.crossing = crossing; self.maps = maps; self.stackMapping = stackMapping; self.cloneChild = cloneChild
            self.info = info
        }
        let crossing: Crossing
        /// The maps the template was judged with, and the one of them that held its rsp.
        let maps: [MemoryMapping]
        let stackMapping: MemoryMapping
        let cloneChild: Bool
        /// At which stops GET_SYSCALL_INFO was read (`.none` for every template in `templates`).
        let info: InfoRead
    }
    /// At which of a call's stops GET_SYSCALL_INFO was read.
    struct InfoRead: OptionSet, Equatable {
        let rawValue: UInt8
        static let entry = InfoRead(rawValue: 1), exit = InfoRead(rawValue: 2)
    }
    /// The thread's last plain call judged in full that read no GET_SYSCALL_INFO; and one that did.
    var templates: [Int32: Template] = [:]
    var infoTemplates: [Int32: Template] = [:]
    /// Calls whose verdict was reused, for tests and benchmarks.
    public private(set) var reused = 0
    static let maxThreads = 4096
    /// The detail of the verdicts it gives.
    public let detail: CrossingDetail

    public init(detail: CrossingDetail = .failures) { self.detail = detail }

    /// The verdict of a call at `detail`, as `model.crossing(for:detail:)` gives it. The model is
    /// fetched only for a call judged in full.
    public mutating func crossing(for call: SyscallObservations, model: @autoclosure () -> KernelStackModel) -> Crossing? {
        guard detail != .all, let e = call.entry, let x = call.exit, let shape = Self.plainShape(entry: e, exit: x) else {
            return model().crossing(for: call, detail: detail)
        }
        if let t = shape.info.isEmpty ? templates[e.tid] : infoTemplates[e.tid], t.info == shape.info,
           t.cloneChild == shape.cloneChild, t.stackMapping.contains(e.regs.rsp),
           Self.relationsHold(entry: e, exit: x), e.maps == t.maps {
            reused += 1
            var c = t.crossing
            c.userRsp = e.regs.rsp
            // The entry's info names the call (its own arguments); the exit's names none.
            if !shape.info.isEmpty { c.syscall = Self.syscallCall(e.syscallInfo) }
            return c
        }
        let c = model().crossing(for: call, detail: detail)
        let passed = c.map(allPassed) ?? false
        if shape.info.isEmpty {
            Self.remember(c, allPassed: passed, entry: e, exit: x, shape: shape, in: &templates)
        } else {
            Self.remember(c, allPassed: passed, entry: e, exit: x, shape: shape, in: &infoTemplates)
        }
        return c
    }

    /// Whether a verdict at this judge's detail says that every check passed.
    func allPassed(_ c: Crossing) -> Bool {
        switch detail {
        case .failures: c.checks.isEmpty && c.passed != nil
        case .names: c.passed == nil && !c.checks.isEmpty && c.checks.allSatisfy(\.ok)
        case .all: false
        }
    }

    /// Keeps `c` as the thread's template when every check passed (`allPassed`) and the relations hold.
    static func remember(_ c: Crossing?, allPassed: Bool, entry e: StopObservation, exit x: StopObservation,
                         shape: (nr: Int64, cloneChild: Bool, info: InfoRead), in templates: inout [Int32: Template]) {
        guard let c, allPassed, Self.relationsHold(entry: e, exit: x),
              let maps = e.maps, let m = maps.first(where: { $0.contains(e.regs.rsp) }) else {
            templates[e.tid] = nil
            return
        }
        if templates.count >= maxThreads, templates[e.tid] == nil { templates.removeAll(keepingCapacity: true) }
        templates[e.tid] = Template(crossing: c, maps: maps, stackMapping: m, cloneChild: shape.cloneChild, info: shape.info)
    }

    /// The syscall a stop's GET_SYSCALL_INFO names, as the full judge puts it in the verdict.
    static func syscallCall(_ info: SyscallInfo?) -> SyscallCall? {
        guard let i = info, let nr = i.nr, let table = SyscallTable.for(auditArch: i.arch) else { return nil }
        return SyscallCall(abi: i.abi, nr: nr, name: table.displayName(nr), args: i.args ?? [])
    }

    /// Whether the stop read no GET_SYSCALL_INFO, or read what its registers predict (every check of the info passes).
    static func infoAsPredicted(_ o: StopObservation) -> Bool {
        guard let i = o.syscallInfo else { return true }
        return i == StopDerivation.predictedInfo(o.kind, regs: o.regs, abi: .x86_64)
    }

    static let syscallBytes: [UInt8] = [0x0F, 0x05]

    /// Whether the call is one whose checks depend on its registers only through the relations below; with
    /// whether it is a clone-like call's child side (its exit has one check fewer), and where it read GET_SYSCALL_INFO.
    static func plainShape(entry e: StopObservation, exit x: StopObservation) -> (nr: Int64, cloneChild: Bool, info: InfoRead)? {
        guard e.kind == .syscallEntry, x.kind == .syscallExit,
              infoAsPredicted(e), infoAsPredicted(x),
              e.kernelStack?.isEmpty ?? true, x.kernelStack?.isEmpty ?? true,
              e.is32BitTask == false, x.is32BitTask == false,
              x.injectedReturn == nil, e.injectedReturn == nil,
              e.sigaltstack == nil, e.maps != nil,
              e.entryAuditArch == nil, x.entryAuditArch == nil || x.entryAuditArch == SyscallInfo.auditArchX86_64,
              x.contextSwitches == nil || x.entryContextSwitches == nil,
              e.bytesBeforeIP == syscallBytes, x.bytesBeforeIP == nil || x.bytesBeforeIP == syscallBytes,
              x.entryRegsAreRegs(of: e)  // x.entryRegs == e.regs, compared in place
        else { return nil }
        let nr = e.regs.origRax.signed
        guard !SpecialSyscall.isExecve(nr, i386: false), !SpecialSyscall.isSigreturn(nr, i386: false) else { return nil }
        var info: InfoRead = []
        if e.syscallInfo != nil { info.insert(.entry) }
        if x.syscallInfo != nil { info.insert(.exit) }
        return (nr, SpecialSyscall.isCloneLike(nr, i386: false) && x.regs.rax.signed == 0, info)
    }

    /// Every relation the full judge checks at a plain call's two stops.
    static func relationsHold(entry e: StopObservation, exit x: StopObservation) -> Bool {
        let r = e.regs
        let flags = r.eflags.rawValue
        guard r.cs.rawValue == X86.userCS64, r.ss.rawValue == X86.userDS,
              r.ds.rawValue | r.es.rawValue | r.fs.rawValue | r.gs.rawValue == 0,
              flags & (X86.flagIF | X86.flagFixed) == (X86.flagIF | X86.flagFixed), flags & X86.flagRF == 0,
              r.rax.signed == X86.enosys, r.rcx == r.rip, r.r11 == r.eflags,
              r.rsp.rawValue < X86.userSpaceEnd
        else { return false }
        let q = x.regs
        for s in PtRegsSlot.allCases where s != .ax && s.value(in: q) != s.value(in: r) { return false }
        return true
    }
}
