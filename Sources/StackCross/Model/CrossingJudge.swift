/// The checks of one stop: what the model predicts at it, held against what was observed.
struct CrossingJudge {
    let model: KernelStackModel
    let obs: StopObservation
    /// The verdict so far, in a box: `add` then reads the judge while it records (its texts are closures).
    let verdict = Verdict()
    let config: KernelConfig
    /// Read through `obs` (a shared box), not copied into the judge: it is made at every judged stop.
    var regs: Registers { obs.regs }
    var info: SyscallInfo? { obs.syscallInfo }
    let _frameNames: [String]
    let detail: CrossingDetail
    final class Verdict {
        var checks: [Check] = []
        /// With `.failures`: the checks that held, counted and never spelled out.
        var passed = 0
    }

    init(model: KernelStackModel, obs: StopObservation, detail: CrossingDetail = .all) {
        self.model = model; self.obs = obs; self.detail = detail
        config = model.config
        var names = (obs.kernelStack ?? []).compactMap(\.symbol)
        // A kernel stack read before the stop describes these registers only if the thread has not
        // moved since: the /proc syscall line read with it must still match them.
        if obs.kind == .snapshot, !obs.kernelStackReadAtStop, !names.isEmpty,
           let line = obs.procSyscall, let p = ProcSyscallLine.parse(line) {
            let stayed = !p.running && p.nr == obs.regs.origRax.signed && p.sp == obs.regs.rsp && p.pc == obs.regs.rip
            if !stayed { names = [] }
        }
        _frameNames = names
        verdict.checks.reserveCapacity(detail == .failures ? 2 : 32)
    }

    /// One check. A record carries entry and exit checks together, so an exit stop's checks say so in
    /// their name (`exit.pt_regs`), unless it names its own family (`execve.`, `sigreturn.`, `switch.`).
    /// The texts are built only for a check that is listed: a compact verdict only counts those that hold.
    func add(_ name: String, _ ok: Bool, expected: @autoclosure () -> String, actual: @autoclosure () -> String) {
        if ok && detail == .failures { verdict.passed += 1; return }
        let named = obs.kind == .syscallExit && !Self.namesItsExitFamily(name) ? "exit." + name : name
        let spelled = detail != .names
        verdict.checks.append(Check(name: named, ok: ok, expected: spelled ? expected() : "", actual: spelled ? actual() : ""))
    }

    /// `entry.kind`'s texts, built only when the check is listed with its texts.
    static func entryKindExpected(_ entry: EntryKind, model kind: CrossingKind) -> String {
        var expected = TextBytes(capacity: 40)
        expected.append(entry.rawValue); expected.append(" (model: "); expected.append(kind.rawValue); expected.append(byte: UInt8(ascii: ")"))
        return expected.string
    }

    static func entryKindActual(_ set: KindMask, why: String) -> String {
        var actual = TextBytes(capacity: why.utf8.count + 24)
        if let only = set.only { actual.append(only.rawValue) } else { actual.append("one of "); actual.append(set.names) }
        actual.append(" ("); actual.append(why); actual.append(byte: UInt8(ascii: ")"))
        return actual.string
    }

    /// Whether a check with this verdict is kept without its texts (so they need not be built).
    func skipsTexts(ok: Bool) -> Bool { detail == .names || (detail == .failures && ok) }

    /// Spelled out, not a loop over a list: this runs for every check of every traced exit.
    @inline(__always)
    static func namesItsExitFamily(_ n: String) -> Bool {
        n.hasPrefix("exit.") || n.hasPrefix("execve.") || n.hasPrefix("sigreturn.") || n.hasPrefix("switch.")
    }

    // MARK: evidence

    var is32: Bool { obs.is32BitTask ?? (regs.cs.rawValue == X86.userCS32) }
    var origRax: Int64 { regs.origRax.signed }
    var vdso: MemoryMapping? { obs.maps?.first { $0.path == "[vdso]" } }
    var ipInVdso: Bool {
        guard let v = vdso else { return is32 }  // no maps: assume glibc's __kernel_vsyscall
        return v.contains(regs.rip)
    }
    var frameNames: [String] { _frameNames }
    var proc: ProcSyscallLine? { obs.procSyscall.flatMap(ProcSyscallLine.parse) }

    /// Signals the CPU raises through an exception.
    static let faultSignals: Set<Int32> = [4, 7, 8, 11]  // SIGILL, SIGBUS, SIGFPE, SIGSEGV
    static let sigtrap: Int32 = 5

    /// Whether the thread is inside a syscall at this stop, by the stop type or orig_rax.
    var inSyscall: Bool {
        switch obs.kind {
        case .syscallEntry, .syscallExit: true
        case .handlerEntry: (obs.interruptedRegs?.origRax.signed ?? -1) >= 0
        default: origRax >= 0
        }
    }

    func syscallPath() -> CrossingKind {
        // At an exit stop the way in is the entry's: execve may have switched the image since.
        if obs.kind == .syscallExit, let e = obs.entryRegs {
            let arch = obs.entryAuditArch ?? info?.arch
            if e.cs.rawValue == X86.userCS32 {
                let inVdso = vdso.map { $0.contains(e.rip) } ?? true
                return compatPath(inVdso: inVdso, nr: e.origRax.signed)
            }
            if let a = arch { return a == SyscallInfo.auditArchI386 ? .int80 : .syscall }
        }
        if is32 {
            return compatPath(inVdso: ipInVdso, nr: info?.nr ?? origRax)
        }
        if let i = info, i.op == .entry || i.op == .exit || i.op == .seccomp {
            return i.arch == SyscallInfo.auditArchI386 ? .int80 : .syscall
        }
        if let a = obs.entryAuditArch { return a == SyscallInfo.auditArchI386 ? .int80 : .syscall }
        return SyscallInstruction(bytesBeforeIP: obs.bytesBeforeIP) == .int80 ? .int80 : .syscall
    }

    /// A 32-bit task's way in: the vendor fast path (SYSCALL on AMD, SYSENTER on Intel) or int $0x80.
    func compatPath(inVdso: Bool, nr: Int64) -> CrossingKind {
        // A restarted syscall (ip rewound by 2 onto the vDSO's `int $0x80`) re-enters through int80 from the
        // same ip: only the outermost /proc frame tells the two apart, so it decides when it names int80.
        viaVsyscall(inVdso: inVdso, nr: nr) && !outermostNamesInt80 ? (config.isIntel ? .sysenter : .syscall32) : .int80From32
    }

    /// Whether the kernel stack read for this crossing ends in the int $0x80 entry.
    var outermostNamesInt80: Bool {
        guard let outer = frameNames.last else { return false }
        return EntrySymbols.entryKind(outermostFrame: outer) == .int80
    }

    /// A 32-bit task's call in the vDSO came through __kernel_vsyscall (SYSCALL/SYSENTER), except the
    /// vDSO's signal trampolines __kernel_sigreturn/__kernel_rt_sigreturn, which use int $0x80 themselves.
    func viaVsyscall(inVdso: Bool, nr: Int64) -> Bool {
        inVdso && !SpecialSyscall.isSigreturn(nr, i386: true)
    }

    func predictedKind() -> CrossingKind {
        switch obs.kind {
        case .syscallEntry, .syscallExit:
            return syscallPath()
        case .handlerEntry:
            if let alt = altstack, alt.contains(regs.rsp.rawValue) { return .sigaltstack }
            return .signal
        case .snapshot, .signalDelivery:
            if origRax >= 0 { return syscallPath() }
            if obs.kind == .signalDelivery, let s = obs.signo, signalIsFromCPU(s) {
                if s == Self.sigtrap { return .trap }
                return s == 11 || s == 7 ? .fault : .exception
            }
            return .interrupt
        }
    }

    /// A SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP the kernel raised for an exception (not one sent by kill).
    func signalIsFromCPU(_ s: Int32) -> Bool {
        guard Self.faultSignals.contains(s) || s == Self.sigtrap else { return false }
        if let code = obs.signalCode { return Signals.isFromKernel(code: code) }
        return true
    }

    /// The entry kinds the evidence allows, and what that evidence was.
    func evidenceKinds() -> (KindMask, String)? {
        if let outer = frameNames.last {
            if let k = EntrySymbols.entryKind(outermostFrame: outer) { return (KindMask(k), "outermost kernel frame " + outer) }
        }
        var allowed = KindMask.all
        // Built in place: this runs at every traced entry.
        var why = TextBytes(capacity: 48)
        let i386Paths: KindMask = [.int80, .syscall32, .sysenter]
        if let b = obs.bytesBeforeIP, b.count == 2, inSyscall {
            switch SyscallInstruction(bytesBeforeIP: b) {
            case .syscall?: allowed.formIntersection(KindMask(.syscall))
            case .int80?: allowed.formIntersection(i386Paths)
            default: allowed = []
            }
            why.append("bytes before ip "); why.append(hexBytes(b))
        }
        if let i = info, i.op != .none {
            allowed.formIntersection(i.arch == SyscallInfo.auditArchI386 ? i386Paths : KindMask(.syscall))
            if !why.isEmpty { why.append(", ") }
            why.append("arch "); why.append(i.abi.rawValue)
        }
        if regs.cs.rawValue == X86.userCS32 {
            allowed.formIntersection(i386Paths.union([.interrupt, .exception]))
            if !why.isEmpty { why.append(", ") }
            why.append("CS 0x23")
        }
        if !inSyscall, obs.kind != .handlerEntry {
            allowed.formIntersection([.interrupt, .exception])
            if !why.isEmpty { why.append(", ") }
            why.append("orig_rax -1")
        }
        if why.isEmpty { return nil }
        return (allowed, why.string)
    }

    var altstack: (base: UInt64, size: UInt64, contains: (UInt64) -> Bool)? {
        var alt: (UInt64, UInt64)?
        if let a = obs.sigaltstack { alt = (a.base.rawValue, a.size) }
        else if obs.kind == .handlerEntry, let w = obs.handlerStackWords, w.count > SignalFrameLayout.ucStackSizeWord,
                UInt32(truncatingIfNeeded: w[SignalFrameLayout.ucStackFlagsWord]) & 2 == 0,
                w[SignalFrameLayout.ucStackSizeWord] > 0 {
            // The kernel saved current->sas_ss_sp/size in uc_stack; SS_DISABLE (2) means none.
            alt = (w[SignalFrameLayout.ucStackSpWord], w[SignalFrameLayout.ucStackSizeWord])
        }
        guard let (b, s) = alt else { return nil }
        return (b, s, { $0 >= b && $0 < b &+ s })
    }

    // MARK: run

    func run() -> Crossing {
        let kind = predictedKind()
        let way = model.ways[kind] ?? model.wayIn(kind)
        let evidence = evidenceKinds()
        var entry = way.entry
        if let (set, _) = evidence, let only = set.only { entry = only }

        // At an exit stop, selectors and the user RSP only change for execve and rt_sigreturn.
        let exitRewrites = obs.kind == .syscallExit && exitRewritesRegisters
        if obs.kind != .syscallExit || exitRewrites { selectorChecks(kind) }
        switch obs.kind {
        case .syscallEntry: entryChecks(kind, way)
        case .syscallExit: exitChecks(kind)
        case .signalDelivery: signalStopChecks(kind)
        case .handlerEntry: handlerChecks()
        case .snapshot: snapshotChecks(kind)
        }
        if obs.kind != .handlerEntry && obs.kind != .syscallExit, let (set, why) = evidence {
            add("entry.kind", set.contains(way.entry), expected: Self.entryKindExpected(way.entry, model: kind),
                actual: Self.entryKindActual(set, why: why))
        }
        if obs.kind != .handlerEntry { kernelFrameChecks(way) }
        let mapping = obs.kind != .syscallExit || exitRewrites ? userStackChecks() : nil

        var syscall: SyscallCall?
        if let i = info, let nr = i.nr, let table = SyscallTable.for(auditArch: i.arch) {
            syscall = SyscallCall(abi: i.abi, nr: nr, name: table.displayName(nr), args: i.args ?? [])
        }
        let phase: CrossingPhase = switch obs.kind {
        case .syscallEntry: .syscallEntry
        case .syscallExit: .syscallExit
        case .signalDelivery: .signalDelivery
        case .handlerEntry: .handlerEntry
        case .snapshot: (proc?.running ?? false) ? .running : (inSyscall ? .blocked : .interrupted)
        }
        var crossing = Crossing(entry: obs.kind == .handlerEntry ? .signal : entry, phase: phase, syscall: syscall,
                                userRsp: regs.rsp, userStackMapping: mapping, checks: verdict.checks)
        if detail == .failures { crossing.passed = verdict.passed }
        return crossing
    }

}
