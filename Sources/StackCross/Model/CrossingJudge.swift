/// The checks of one stop: what the model predicts at it, held against what was observed.
struct CrossingJudge {
    let model: KernelStackModel
    let obs: StopObservation
    var checks: [Check] = []
    let config: KernelConfig
    let regs: Registers
    let info: SyscallInfo?
    let _frameNames: [String]

    init(model: KernelStackModel, obs: StopObservation) {
        self.model = model; self.obs = obs
        config = model.config; regs = obs.regs; info = obs.syscallInfo
        var names = (obs.kernelStack ?? []).compactMap(\.symbol)
        // A kernel stack read before the stop describes these registers only if the thread has not
        // moved since: the /proc syscall line read with it must still match them.
        if obs.kind == .snapshot, !obs.kernelStackReadAtStop, !names.isEmpty,
           let line = obs.procSyscall, let p = ProcSyscallLine.parse(line) {
            let stayed = !p.running && p.nr == obs.regs.origRax.signed && p.sp == obs.regs.rsp && p.pc == obs.regs.rip
            if !stayed { names = [] }
        }
        _frameNames = names
        checks.reserveCapacity(32)
    }

    mutating func add(_ name: String, _ ok: Bool, expected: String, actual: String) {
        checks.append(Check(name: name, ok: ok, expected: expected, actual: actual))
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

    mutating func run() -> Crossing {
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
            var expected = TextBytes(capacity: 40), actual = TextBytes(capacity: why.utf8.count + 24)
            expected.append(way.entry.rawValue); expected.append(" (model: "); expected.append(kind.rawValue); expected.append(byte: UInt8(ascii: ")"))
            if let only = set.only { actual.append(only.rawValue) } else { actual.append("one of "); actual.append(set.names) }
            actual.append(" ("); actual.append(why); actual.append(byte: UInt8(ascii: ")"))
            add("entry.kind", set.contains(way.entry), expected: expected.string, actual: actual.string)
        }
        if obs.kind != .handlerEntry { kernelFrameChecks(way) }
        let mapping = obs.kind != .syscallExit || exitRewrites ? userStackChecks() : nil
        if obs.kind == .syscallExit {
            // The record carries entry and exit checks together: exit-stop checks say so in their name.
            for i in checks.indices {
                let n = checks[i].name
                if !n.hasPrefix("exit.") && !n.hasPrefix("execve.") && !n.hasPrefix("sigreturn.") && !n.hasPrefix("switch.") {
                    checks[i].name = "exit." + n
                }
            }
        }

        var syscall: SyscallCall?
        if let i = info, let nr = i.nr, let table = SyscallTable.for(auditArch: i.arch) {
            syscall = SyscallCall(abi: i.abi, nr: nr, name: table.displayName(nr), args: i.args ?? [])
        }
        let phase: String = switch obs.kind {
        case .syscallEntry: "syscall-entry"
        case .syscallExit: "syscall-exit"
        case .signalDelivery: "signal-delivery"
        case .handlerEntry: "handler-entry"
        case .snapshot:
            (proc?.running ?? false) ? "running" : (inSyscall ? "blocked" : "interrupted")
        }
        return Crossing(entry: obs.kind == .handlerEntry ? .signal : entry, phase: phase, syscall: syscall,
                        userRsp: regs.rsp, userStackMapping: mapping, checks: checks)
    }

    // MARK: checks that apply at every stop

    static let userHalfText = "< " + hex(X86.userSpaceEnd) + " (user half)"
    /// "all N predicted slots match", made once per N.
    static let allSlotsMatch = (0...PtRegsSlot.allCases.count).map { "all \($0) predicted slots match" }

    mutating func selectorChecks(_ kind: CrossingKind) {
        // Runs at every stop: the texts are literals where they can be, built once where they cannot.
        let cs = regs.cs.rawValue
        add("selectors.cpl", cs & 3 == 3, expected: "CS & 3 == 3 (user mode)", actual: cs & 3 == 3 ? hexText("CS ", cs, " → CPL 3") : "CS \(hex(cs)) → CPL \(cs & 3)")
        let csOK: Bool, csExpected: String
        switch obs.is32BitTask {
        case true?: (csOK, csExpected) = (cs == X86.userCS32, "0x23 (32-bit image)")
        case false?: (csOK, csExpected) = (cs == X86.userCS64, "0x33 (64-bit image)")
        case nil: (csOK, csExpected) = (cs == X86.userCS32 || cs == X86.userCS64, "0x23 or 0x33")
        }
        add("selectors.cs", csOK, expected: csExpected, actual: hex(cs))
        add("selectors.ss", regs.ss.rawValue == X86.userDS, expected: "0x2b", actual: hex(regs.ss.rawValue))
        if cs == X86.userCS64 && !is32 {
            // A 64-bit task never loads data selectors: TLS lives in fs_base, not in a descriptor.
            let (ds, es, fs, gs) = (regs.ds.rawValue, regs.es.rawValue, regs.fs.rawValue, regs.gs.rawValue)
            add("selectors.data", ds | es | fs | gs == 0, expected: "ds = es = fs = gs = 0 (64-bit task)",
                actual: ds | es | fs | gs == 0 ? "ds 0x0 es 0x0 fs 0x0 gs 0x0"
                    : "ds " + hex(ds) + " es " + hex(es) + " fs " + hex(fs) + " gs " + hex(gs))
        }
    }

    /// Check 12: user RSP in a user stack mapping, never in kernel space.
    mutating func userStackChecks() -> String? {
        let sp = regs.rsp.rawValue
        add("user_rsp.user_space", sp < X86.userSpaceEnd, expected: Self.userHalfText, actual: hex(sp))
        var where_: String?
        if let alt = altstack, alt.contains(sp) { where_ = "sigaltstack" }
        else if let maps = obs.maps {
            if let m = maps.first(where: { $0.contains(regs.rsp) }) {
                if m.path == "[stack]" { where_ = "[stack]" }
                else if m.path.isEmpty, m.perms.hasPrefix("rw") { where_ = "thread stack" }
                else { where_ = nil }
                add("user_rsp.mapping", where_ != nil, expected: "[stack], a thread stack (anonymous rw) or the sigaltstack",
                    actual: where_ ?? "\(m.path.isEmpty ? "anonymous" : m.path) \(m.perms) \(m.start)-\(m.end)")
            } else {
                add("user_rsp.mapping", false, expected: "[stack], a thread stack (anonymous rw) or the sigaltstack",
                    actual: "\(hex(sp)) is in no mapping")
            }
        }
        return where_
    }

    /// Check 11: the /proc kernel stack against the predicted path.
    mutating func kernelFrameChecks(_ way: WayIn) {
        let names = frameNames
        guard !names.isEmpty else { return }
        if obs.kernelStackReadAtStop {
            add("kstack.innermost", names.first == "ptrace_stop", expected: "ptrace_stop (read at a ptrace stop)",
                actual: names.first ?? "")
        }
        if !way.outermostFrames.isEmpty {
            let outer = names.last ?? ""
            add("kstack.outermost", way.outermostFrames.contains { outer.hasPrefix($0) },
                expected: way.outermostFrames.map { $0 + "…" }.joined(separator: " or "), actual: outer)
        }
        var path = way.pathFrames
        if obs.kernelStackReadAtStop {
            switch obs.kind {
            case .syscallEntry: path.append("syscall_trace_enter")
            case .syscallExit: path.append("syscall_exit_work")
            case .signalDelivery, .snapshot: path.append("get_signal")
            case .handlerEntry: break
            }
        }
        if !path.isEmpty {
            let missing = path.filter { alt in !alt.split(separator: "|").contains { names.contains(String($0)) } }
            add("kstack.path", missing.isEmpty, expected: path.joined(separator: ", "),
                actual: missing.isEmpty ? "all present" : "missing \(missing.joined(separator: ", ")) in \(names.joined(separator: " ← "))")
        }
    }

    // MARK: syscall entry

    /// The pt_regs the model predicts at a syscall-entry stop from GET_SYSCALL_INFO and constants.
    func predictedEntryRegs(_ kind: CrossingKind, _ i: SyscallInfo) -> [(PtRegsSlot, SlotExpectation)] {
        var p: [(PtRegsSlot, SlotExpectation)] = []
        let userFlags = SlotExpectation.property("IF|0x2 set, RF clear") {
            $0 & (X86.flagIF | X86.flagFixed) == (X86.flagIF | X86.flagFixed) && $0 & X86.flagRF == 0
        }
        p.append((.ss, .value(X86.userDS)))
        p.append((.sp, .value(i.stackPointer.rawValue)))
        p.append((.flags, userFlags))
        let cs: UInt64 = [.int80From32, .syscall32, .sysenter].contains(kind) ? X86.userCS32 : X86.userCS64
        p.append((.cs, .value(cs)))
        p.append((.ip, .value(i.instructionPointer.rawValue)))
        if let nr = i.nr { p.append((.origAx, .value(UInt64(bitPattern: nr)))) }
        p.append((.ax, .value(UInt64(bitPattern: X86.enosys))))
        let argSlots: [PtRegsSlot] = i.arch == SyscallInfo.auditArchI386 ? [.bx, .cx, .dx, .si, .di, .bp] : [.di, .si, .dx, .r10, .r8, .r9]
        if let args = i.args {
            for (s, a) in zip(argSlots, args) { p.append((s, .value(a.rawValue))) }
        }
        switch kind {
        case .syscall, .sigreturn, .execve:
            p.append((.cx, .value(i.instructionPointer.rawValue)))
            p.append((.r11, .equal(regs.eflags.rawValue, "= flags (SYSCALL saved RFLAGS in R11)")))
        case .syscall32:
            p.append((.r8, .value(i.stackPointer.rawValue & 0xFFFF_FFFF)))
            p.append((.r11, .equal(regs.eflags.rawValue, "= flags (SYSCALL saved EFLAGS in R11)")))
        default: break
        }
        return p
    }

    /// Expected lists `slot=prediction` pairs then `(note)`; actual lists `slot=value (predicted …)` per mismatch
    /// (PtRegsView in the report parses both).
    mutating func compareRegs(_ name: String, _ predicted: [(PtRegsSlot, SlotExpectation)], note: String) {
        // Built in place: this runs twice per traced syscall.
        var exp = TextBytes(capacity: predicted.count * 24 + note.utf8.count + 4)
        var bad = TextBytes(capacity: 0)
        for (slot, e) in predicted {
            if !exp.isEmpty { exp.append(byte: 0x20) }
            exp.append(slot.kernelName)
            exp.append(byte: UInt8(ascii: "="))
            e.write(to: &exp)
            let v = slot.value(in: regs).rawValue
            if !e.holds(v) {
                if !bad.isEmpty { bad.append("; ") }
                bad.append(slot.kernelName)
                bad.append(byte: UInt8(ascii: "="))
                SlotExpectation.value(v).write(to: &bad)
                bad.append(" (predicted ")
                e.write(to: &bad)
                bad.append(byte: UInt8(ascii: ")"))
            }
        }
        exp.append(" ("); exp.append(note); exp.append(byte: UInt8(ascii: ")"))
        let ok = bad.isEmpty
        add(name, ok, expected: exp.string,
            actual: !ok ? bad.string : predicted.count < Self.allSlotsMatch.count ? Self.allSlotsMatch[predicted.count] : "all \(predicted.count) predicted slots match")
    }

    mutating func entryChecks(_ kind: CrossingKind, _ way: WayIn) {
        add("entry.rax", regs.rax.signed == X86.enosys, expected: "-38 (-ENOSYS)", actual: String(regs.rax.signed))
        // A seccomp stop (PTRACE_EVENT_SECCOMP) sees the same entry state as a syscall-entry stop.
        guard let i = info, i.op == .entry || i.op == .seccomp else {
            if let i = info {
                add("entry.syscall_info", false, expected: "GET_SYSCALL_INFO op entry", actual: "op \(i.op)")
            }
            return
        }
        if let nr = i.nr {
            add("entry.orig_rax", origRax == nr, expected: decimalText("", nr, " (GET_SYSCALL_INFO nr)"), actual: String(origRax))
        }
        add("entry.ip", regs.rip == i.instructionPointer, expected: hexText("", i.instructionPointer.rawValue, " (GET_SYSCALL_INFO)"), actual: hex(regs.rip.rawValue))
        add("entry.sp", regs.rsp == i.stackPointer, expected: hexText("", i.stackPointer.rawValue, " (GET_SYSCALL_INFO)"), actual: hex(regs.rsp.rawValue))
        if kind == .syscall || kind == .sigreturn || kind == .execve {
            add("syscall.rcx", regs.rcx == regs.rip, expected: hexText("rcx == rip ", regs.rip.rawValue, " (SYSCALL saved the return address)"), actual: hex(regs.rcx.rawValue))
            add("syscall.r11", regs.r11 == regs.eflags, expected: hexText("r11 == eflags ", regs.eflags.rawValue, " (SYSCALL saved RFLAGS)"), actual: hex(regs.r11.rawValue))
        }
        if let b = obs.bytesBeforeIP, let want = way.bytesBeforeIP {
            var expected = TextBytes(capacity: 32)
            expected.append(hexBytes(want)); expected.append(" ("); expected.append(kind.rawValue); expected.append(byte: UInt8(ascii: ")"))
            add("entry.bytes", b == want, expected: expected.string, actual: hexBytes(b))
        }
        // Check 6 from evidence independent of the arch: the instruction bytes and the task's CS.
        let byInstruction = SyscallInstruction(bytesBeforeIP: obs.bytesBeforeIP) == .int80 || is32
        if obs.bytesBeforeIP != nil || obs.is32BitTask != nil || regs.cs.rawValue == X86.userCS32 {
            add("entry.arch", (i.arch == SyscallInfo.auditArchI386) == byInstruction,
                expected: byInstruction ? "i386 (int $0x80 or a 32-bit task)" : "x86_64 (SYSCALL from a 64-bit task)",
                actual: i.abi.rawValue)
        }
        compareRegs("pt_regs", predictedEntryRegs(kind, i), note: "predicted from GET_SYSCALL_INFO and the \(kind.rawValue) entry path")
    }

    // MARK: syscall exit

    /// Whether this exit stop ends an execve that succeeded or an rt_sigreturn: both rewrite pt_regs.
    var exitRewritesRegisters: Bool {
        guard let e = obs.entryRegs else { return false }
        let i386 = obs.entryAuditArch.map { $0 == SyscallInfo.auditArchI386 }
            ?? (e.cs.rawValue == X86.userCS32 || SyscallInstruction(bytesBeforeIP: obs.bytesBeforeIP) == .int80)
        let nr = e.origRax.signed
        let r = is32 ? Int64(Int32(truncatingIfNeeded: regs.rax.signed)) : regs.rax.signed
        return (SpecialSyscall.isExecve(nr, i386: i386) && r == 0) || SpecialSyscall.isSigreturn(nr, i386: i386)
    }

    mutating func exitChecks(_ kind: CrossingKind) {
        let ret = regs.rax.signed
        // i386 syscalls return a 32-bit value in EAX.
        let r = is32 ? Int64(Int32(truncatingIfNeeded: ret)) : ret
        let inErrorRange = r >= -4095 && r <= -1
        if let i = info, i.op == .exit {
            if let e = i.isError {
                add("exit.is_error", e == inErrorRange,
                    expected: inErrorRange ? decimalText("true (rax ", r, " in [-4095, -1])") : decimalText("false (rax ", r, " outside [-4095, -1])"),
                    actual: e ? "true" : "false")
            }
            if let v = i.rval {
                add("exit.rval", v == r || v == ret, expected: decimalText("", r, " (rax)"), actual: decimalText("", v, " (GET_SYSCALL_INFO rval)"))
            }
        } else if let i = info {
            add("exit.syscall_info", false, expected: "GET_SYSCALL_INFO op exit", actual: "op \(i.op)")
        }
        guard let e = obs.entryRegs else { return }
        let entryI386 = obs.entryAuditArch.map { $0 == SyscallInfo.auditArchI386 }
            ?? (e.cs.rawValue == X86.userCS32 || SyscallInstruction(bytesBeforeIP: obs.bytesBeforeIP) == .int80)
        let nr = e.origRax.signed
        if SpecialSyscall.isExecve(nr, i386: entryI386) && r == 0 {
            execveExitChecks()
            return
        }
        if SpecialSyscall.isSigreturn(nr, i386: entryI386) {
            sigreturnExitChecks(entry: e)
            return
        }
        // Every traced call passes here: one text buffer, no per-field strings.
        var expected = TextBytes(capacity: 112), changed = TextBytes(capacity: 0)
        func field(_ name: StaticString, _ was: Address, _ now: Address) {
            if !expected.isEmpty { expected.append(byte: 0x20) }
            expected.append(name); expected.append(byte: 0x20); expected.appendHex(was.rawValue)
            if was != now {
                if !changed.isEmpty { changed.append(byte: 0x20) }
                changed.append(name); changed.append(byte: 0x20); changed.appendHex(now.rawValue)
            }
        }
        field("rip", e.rip, regs.rip); field("rsp", e.rsp, regs.rsp); field("orig_rax", e.origRax, regs.origRax)
        field("cs", e.cs, regs.cs); field("ss", e.ss, regs.ss)
        expected.append(" (as at entry)")
        add("exit.unchanged", changed.isEmpty, expected: expected.string, actual: changed.isEmpty ? "unchanged" : changed.string)
        switchCheck(nr: nr, i386: entryI386, ret: r)
        if SpecialSyscall.isCloneLike(nr, i386: entryI386) && r == 0 { return }  // the child's copy of pt_regs
        // Every slot as the entry stop saw it (the record's entryRegs), ax = the return value.
        var p: [(PtRegsSlot, SlotExpectation)] = []
        p.reserveCapacity(21)
        for s in PtRegsSlot.allCases where s != .ax { p.append((s, .value(s.value(in: e).rawValue))) }
        if let v = info?.rval {
            p.append((.ax, .returnValue(v)))
        }
        compareRegs("pt_regs", p, note: "predicted: the entry stop's pt_regs with ax = the return value")
    }

    /// A sleep that returned 0 went through __schedule: the task switched out (inactive task frame at
    /// thread.sp, user registers left in pt_regs) and voluntary_ctxt_switches grew.
    mutating func switchCheck(nr: Int64, i386: Bool, ret: Int64) {
        guard let a = obs.entryContextSwitches, let b = obs.contextSwitches, ret == 0 else { return }
        let sleeps: Set<Int64> = i386 ? [162, 267, 407] : [35, 230]  // nanosleep, clock_nanosleep(_time64)
        guard sleeps.contains(nr) else { return }
        add("switch.voluntary", b.voluntary > a.voluntary,
            expected: "voluntary_ctxt_switches > \(a.voluntary) (the sleep switched the task out)",
            actual: "\(b.voluntary) (nonvoluntary \(a.nonvoluntary) → \(b.nonvoluntary))")
    }

    mutating func execveExitChecks() {
        let cs = regs.cs.rawValue
        let nr: UInt64 = cs == X86.userCS32 ? 11 : 59
        var p: [(PtRegsSlot, SlotExpectation)] = [
            (.ss, .value(X86.userDS)),
            (.cs, .property("0x33 or 0x23 (new image)") { $0 == X86.userCS64 || $0 == X86.userCS32 }),
            (.flags, .value(X86.flagIF | X86.flagFixed)), (.ax, .value(0)), (.origAx, .value(nr)),
        ]
        for s: PtRegsSlot in [.bx, .cx, .dx, .si, .di, .bp, .r8, .r9, .r10, .r11, .r12, .r13, .r14, .r15] { p.append((s, .value(0))) }
        compareRegs("pt_regs", p, note: "execve: start_thread and elf_common_init rewrote pt_regs")
        if let maps = obs.maps {
            let m = maps.first { $0.contains(regs.rip) }
            add("execve.ip", m?.isExecutable ?? false, expected: "new ip in an executable mapping of the new image",
                actual: m.map { "\($0.path) \($0.perms)" } ?? "\(regs.rip) in no mapping")
            let s = maps.first { $0.contains(regs.rsp) }
            add("execve.sp", s?.path == "[stack]", expected: "new sp in [stack]", actual: s.map { $0.path.isEmpty ? "anonymous" : $0.path } ?? "no mapping")
        }
    }

    mutating func sigreturnExitChecks(entry e: Registers) {
        add("sigreturn.orig_rax", origRax == -1, expected: "-1 (restore_sigcontext)", actual: String(origRax))
        if let w = obs.sigreturnFrameWords, w.count > 22 {
            // At rt_sigreturn entry rsp = frame + 8, so uc_mcontext field k is word 5 + k.
            func saved(_ f: SignalFrameLayout.SigcontextField) -> UInt64 { w[SignalFrameLayout.word(f) - 1] }
            let p: [(PtRegsSlot, SlotExpectation)] = [
                (.ip, .value(saved(.ip))), (.sp, .value(saved(.sp))), (.ax, .value(saved(.ax))),
                (.di, .value(saved(.di))), (.si, .value(saved(.si))), (.dx, .value(saved(.dx))),
                (.cx, .value(saved(.cx))), (.r11, .value(saved(.r11))), (.bp, .value(saved(.bp))), (.bx, .value(saved(.bx))),
                (.cs, .value(X86.userCS64)), (.ss, .value(X86.userDS)),
            ]
            compareRegs("pt_regs", p, note: "rt_sigreturn: restored from the ucontext at the entry rsp")
        } else {
            add("sigreturn.sp", regs.rsp > e.rsp, expected: "rsp above the entry rsp \(e.rsp) (the frame is popped)", actual: regs.rsp.description)
        }
    }

    // MARK: stops outside syscall stops

    /// Check 10 where independent evidence says the thread was not in a syscall.
    mutating func outsideSyscallCheck(_ why: String) {
        add("stop.orig_rax", origRax == -1, expected: "-1 (\(why))", actual: String(origRax))
    }

    mutating func signalStopChecks(_ kind: CrossingKind) {
        guard let s = obs.signo else { return }
        if signalIsFromCPU(s) {
            outsideSyscallCheck("signal \(s) raised by a CPU exception")
            if s == Self.sigtrap {
                if let b = obs.bytesBeforeIP, b.count == 2 {
                    add("exception.trap_ip", b[1] == 0xCC, expected: "cc before ip (int3 is a trap: ip after it)", actual: hexBytes(b))
                }
                add("exception.rf", regs.eflags.rawValue & X86.flagRF == 0, expected: "RF clear (trap)", actual: hex(regs.eflags.rawValue))
            } else {
                add("exception.rf", regs.eflags.rawValue & X86.flagRF != 0, expected: "RF (0x10000) set (fault: ip at the faulting instruction)",
                    actual: hex(regs.eflags.rawValue))
            }
        }
        if inSyscall, let b = obs.bytesBeforeIP, b.count == 2 {
            let want = (is32 || kind == .int80 ? SyscallInstruction.int80 : .syscall).bytes
            add("entry.bytes", want == b, expected: hexBytes(want) + " (interrupted syscall)", actual: hexBytes(b))
        }
        if inSyscall, kind == .syscall {
            add("syscall.rcx", regs.rcx == regs.rip, expected: "rcx == rip \(regs.rip)", actual: regs.rcx.description)
            add("syscall.r11", regs.r11 == regs.eflags, expected: "r11 == eflags \(regs.eflags)", actual: regs.r11.description)
        }
        procSyscallCheck()
    }

    mutating func snapshotChecks(_ kind: CrossingKind) {
        let atStop = obs.procSyscallAtStop.flatMap(ProcSyscallLine.parse)
        if let p = proc, p.running {
            // Read "running" before the stop: the stop interrupted user code, unless the thread entered a
            // syscall in between (the line read at the stop then names it).
            if (atStop?.nr ?? -1) < 0 {
                outsideSyscallCheck("/proc syscall read 'running' before the stop: interrupted in user mode")
            }
        }
        procSyscallCheck()
        // The line read before the stop predicts pt_regs only if the thread is still where it was.
        if let p = proc, let nr = p.nr, nr >= 0, p.sp == regs.rsp, p.pc == regs.rip, nr == origRax {
            var pred: [(PtRegsSlot, SlotExpectation)] = [(.origAx, .value(UInt64(bitPattern: nr)))]
            if let sp = p.sp { pred.append((.sp, .value(sp.rawValue))) }
            if let pc = p.pc { pred.append((.ip, .value(pc.rawValue))) }
            let argSlots: [PtRegsSlot] = is32 ? [.bx, .cx, .dx, .si, .di, .bp] : [.di, .si, .dx, .r10, .r8, .r9]
            for (s, a) in zip(argSlots, p.args) { pred.append((s, .value(a.rawValue))) }
            if kind == .syscall, let pc = p.pc { pred.append((.cx, .value(pc.rawValue))) }
            pred.append((.ss, .value(X86.userDS)))
            compareRegs("pt_regs", pred, note: "predicted from /proc/TID/syscall read before the stop (\(kind.rawValue) path)")
        }
    }

    /// The /proc/TID/syscall line against the registers (nr, sp, pc): the one read at the stop when
    /// there is one; a line read before the stop only while the thread has not moved since.
    mutating func procSyscallCheck() {
        let atStop = obs.kind == .snapshot ? obs.procSyscallAtStop : nil
        guard let line = atStop ?? obs.procSyscall else { return }
        guard let p = ProcSyscallLine.parse(line) else {
            add("proc_syscall", false, expected: "nr args… sp pc, -1 sp pc or running", actual: line)
            return
        }
        guard let nr = p.nr else {
            if atStop != nil { add("proc_syscall", false, expected: "nr args… sp pc or -1 sp pc (read while stopped)", actual: line) }
            return
        }
        if atStop == nil, p.sp != regs.rsp || p.pc != regs.rip {
            return  // read before the stop and the thread ran on since: no longer about these registers
        }
        let ok = nr == origRax && p.sp == regs.rsp && p.pc == regs.rip
        add("proc_syscall", ok, expected: "nr \(origRax) sp \(regs.rsp) pc \(regs.rip) (registers)",
            actual: line.trimmingCharacters(in: " \n") + (atStop != nil ? " (read at the stop)" : " (read before the stop)"))
    }

    // MARK: handler entry (check 9)

    mutating func handlerChecks() {
        guard let before = obs.interruptedRegs else { return }
        let sp = regs.rsp.rawValue
        if is32 {
            add("signal.below", sp < before.rsp.rawValue || (altstack?.contains(sp) ?? false),
                expected: "frame below the interrupted esp \(before.rsp) or on the sigaltstack", actual: hex(sp))
            add("signal.alignment", (sp &+ 4) % 16 == 0, expected: "(esp + 4) % 16 == 0 (i386 frame)", actual: "esp % 16 = \(sp % 16)")
            // i386 frames pass the arguments on the stack: pretcode, sig, then (rt frames) pinfo and puc.
            guard let w = obs.handlerStackWords, w.count >= 2 else { return }
            let pretcode = w[0] & 0xFFFF_FFFF, sig = Int32(truncatingIfNeeded: w[0] >> 32)
            if let s = obs.signo { add("signal.sig32", sig == s, expected: "\(s) at esp + 4", actual: String(sig)) }
            if let f = obs.saFlags, f & 0x4 != 0 {
                let pinfo = w[1] & 0xFFFF_FFFF, puc = w[1] >> 32
                add("signal.rt32", pinfo == sp &+ 16 && puc == sp &+ 144,
                    expected: "pinfo = esp + 16 \(hex(sp &+ 16)), puc = esp + 144 \(hex(sp &+ 144)) (rt_sigframe_ia32)",
                    actual: "pinfo \(hex(pinfo)), puc \(hex(puc))")
            }
            if let maps = obs.maps {
                let m = maps.first { $0.contains(Address(pretcode)) }
                add("signal.restorer", m?.isExecutable ?? false, expected: "pretcode in an executable mapping (sa_restorer or the vDSO's __kernel_sigreturn)",
                    actual: "\(hex(pretcode)) \(m.map { $0.path.isEmpty ? $0.perms : "\($0.path) \($0.perms)" } ?? "in no mapping")")
            }
            return
        }
        if let s = obs.signo {
            add("signal.rdi", regs.rdi.rawValue == UInt64(s), expected: "\(s) (signo)", actual: String(regs.rdi.signed))
        }
        add("signal.rsi", regs.rsi.rawValue == sp &+ SignalFrameLayout.siginfoOffset,
            expected: "rsp + \(SignalFrameLayout.siginfoOffset) = \(hex(sp &+ SignalFrameLayout.siginfoOffset)) (&frame->info)", actual: regs.rsi.description)
        add("signal.rdx", regs.rdx.rawValue == sp &+ SignalFrameLayout.ucontextOffset,
            expected: "rsp + 8 = \(hex(sp &+ 8)) (&frame->uc)", actual: regs.rdx.description)
        add("signal.rax", regs.rax.rawValue == 0, expected: "0", actual: String(regs.rax.signed))
        add("signal.alignment", sp % 16 == 8, expected: "rsp % 16 == 8 (as after a call)", actual: "rsp % 16 == \(sp % 16)")
        let wantFlags = before.eflags.rawValue & ~(X86.flagDF | X86.flagRF | X86.flagTF)
        add("signal.flags", regs.eflags.rawValue == wantFlags, expected: "\(hex(wantFlags)) (interrupted flags without DF, RF, TF)",
            actual: regs.eflags.description)
        if let h = obs.saHandler {
            add("signal.handler", regs.rip == h, expected: "\(h) (sa_handler)", actual: regs.rip.description)
        } else if let maps = obs.maps {
            let m = maps.first { $0.contains(regs.rip) }
            add("signal.handler", m?.isExecutable ?? false, expected: "ip in an executable mapping (the handler)",
                actual: m.map { "\($0.path) \($0.perms)" } ?? "\(regs.rip) in no mapping")
        }

        let words = obs.handlerStackWords ?? []
        func word(_ i: Int) -> UInt64? { i < words.count ? words[i] : nil }
        // The exact XSAVE size the kernel used is in the frame's fpstate (struct _fpx_sw_bytes).
        var xsize: UInt64?
        var fpPtr: UInt64?
        if let fp = word(SignalFrameLayout.word(.fpstate)), fp > sp, (fp - sp) % 8 == 0 {
            fpPtr = fp
            let idx = Int((fp - sp + SignalFrameLayout.fpxSwBytesOffset) / 8)
            if let w = word(idx), UInt32(truncatingIfNeeded: w) == SignalFrameLayout.fpXstateMagic1 {
                xsize = w >> 32
            }
        }
        let frame = SignalFrameLayout(config: config, xstateSize: xsize)
        let onstackKnown = obs.saFlags.map { $0 & 0x0800_0000 != 0 }  // SA_ONSTACK
        let alt = altstack
        let interruptedOnAlt = alt?.contains(before.rsp.rawValue) ?? false
        // get_sigframe(): the sigaltstack top when SA_ONSTACK and not already on it; else rsp - red zone.
        let userBase = before.rsp.rawValue &- config.redZone
        var candidates: [(String, UInt64)] = [("interrupted rsp \(before.rsp) - \(config.redZone)", userBase)]
        if let a = alt, !interruptedOnAlt {
            let top = ("sigaltstack top \(hex(a.base &+ a.size))", a.base &+ a.size)
            switch onstackKnown {
            case true?: candidates = [top]
            case false?: break
            case nil: candidates.insert(top, at: 0)
            }
        }
        let placed = candidates.map { ($0.0, frame.place(base: $0.1)) }
        let hit = placed.first { $0.1.frame == sp }
        add("signal.placement", hit != nil,
            expected: placed.map { "\(hex($0.1.frame)) (\($0.0), xstate \(frame.xstateSize) B, rt_sigframe \(frame.frameSize) B)" }.joined(separator: " or "),
            actual: hex(sp))
        if let onstack = onstackKnown, let a = alt, !interruptedOnAlt {
            add("signal.altstack", a.contains(sp) == onstack,
                expected: onstack ? "frame on the sigaltstack (SA_ONSTACK)" : "frame on the interrupted stack (no SA_ONSTACK)",
                actual: a.contains(sp) ? "on the sigaltstack \(hex(a.base))+\(a.size)" : "not on the sigaltstack")
        }
        if alt == nil || !(alt!.contains(sp)) {
            let used = before.rsp.rawValue &- sp
            add("signal.frame_size", used >= frame.minimumBytes && used <= frame.maximumBytes,
                expected: "\(frame.minimumBytes)–\(frame.maximumBytes) bytes below the interrupted rsp (red zone \(config.redZone) + xstate + \(frame.frameSize))",
                actual: "\(used) bytes")
        }
        if let fp = fpPtr {
            let want = hit?.1.fpstate ?? placed.first?.1.fpstate
            add("signal.fpstate", fp % 64 == 0 && want.map { $0 == fp } ?? true,
                expected: (want.map(hex) ?? "64-byte aligned") + " (XSAVE area, 64-byte aligned)", actual: hex(fp))
        } else if !words.isEmpty {
            add("signal.fpstate", false, expected: "uc_mcontext.fpstate above the frame", actual: word(SignalFrameLayout.word(.fpstate)).map(hex) ?? "not read")
        }
        guard words.count > SignalFrameLayout.siginfoWord + 1 else {
            if obs.handlerStackWords != nil {
                add("signal.frame_read", false, expected: "\(SignalFrameLayout.siginfoWord + 2) words at rsp", actual: "\(words.count) words")
            }
            return
        }
        if let r = obs.saRestorer {
            add("signal.restorer", words[0] == r.rawValue, expected: "\(r) (sa_restorer)", actual: hex(words[0]))
        } else if let maps = obs.maps {
            let m = maps.first { $0.contains(Address(words[0])) }
            add("signal.restorer", m?.isExecutable ?? false, expected: "*rsp = sa_restorer, in an executable mapping",
                actual: "\(hex(words[0])) \(m.map { "\($0.path) \($0.perms)" } ?? "in no mapping")")
        }
        add("signal.saved_sp", words[SignalFrameLayout.word(.sp)] == before.rsp.rawValue,
            expected: "\(before.rsp) (interrupted rsp)", actual: hex(words[SignalFrameLayout.word(.sp)]))
        // Restart codes: handle_signal() rewinds ip by 2 and restores ax for restartable syscalls.
        let savedIP = words[SignalFrameLayout.word(.ip)], savedAX = words[SignalFrameLayout.word(.ax)]
        var allowed: [(UInt64, UInt64, String)] = [(before.rip.rawValue, before.rax.rawValue, "interrupted rip/rax")]
        if before.origRax.signed >= 0 {
            let restartTo = (before.rip.rawValue &- 2, before.origRax.rawValue, "rip - 2, rax = orig_rax (restart)")
            let eintr = (before.rip.rawValue, UInt64(bitPattern: X86.eintr), "rax = -EINTR")
            let saRestart = obs.saFlags.map { $0 & 0x1000_0000 != 0 }
            switch before.rax.signed {
            case X86.erestartnohand, X86.erestartRestartblock: allowed = [eintr]
            case X86.erestartnointr: allowed = [restartTo]
            case X86.erestartsys: allowed = saRestart == true ? [restartTo] : saRestart == false ? [eintr] : [restartTo, eintr]
            default: break
            }
        }
        let ipOK = allowed.contains { $0.0 == savedIP && $0.1 == savedAX }
        add("signal.saved_ip", ipOK, expected: allowed.map { "ip \(hex($0.0)) ax \(SlotExpectation.value($0.1).text) (\($0.2))" }.joined(separator: " or "),
            actual: "ip \(hex(savedIP)) ax \(SlotExpectation.value(savedAX).text)")
        // setup_rt_frame() copies siginfo only for SA_SIGINFO handlers; otherwise that space is stale.
        if let s = obs.signo, let f = obs.saFlags, f & 0x4 != 0 {
            let got = Int32(truncatingIfNeeded: words[SignalFrameLayout.siginfoWord])
            add("signal.siginfo", got == s, expected: "si_signo \(s) at rsp + \(SignalFrameLayout.siginfoOffset)", actual: "si_signo \(got)")
        }
        if let a = obs.sigaltstack {
            let ssp = words[SignalFrameLayout.ucStackSpWord], ssz = words[SignalFrameLayout.ucStackSizeWord]
            add("signal.uc_stack", ssp == a.base.rawValue && ssz == a.size,
                expected: "ss_sp \(a.base) ss_size \(a.size) (the recorded sigaltstack)", actual: "ss_sp \(hex(ssp)) ss_size \(ssz)")
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(inSet: set) }
}

/// A set of entry kinds as bits: the judge intersects evidence at every traced stop.
struct KindMask: ExpressibleByArrayLiteral {
    var rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }
    mutating func formIntersection(_ o: KindMask) { rawValue &= o.rawValue }
    func union(_ o: KindMask) -> KindMask { KindMask(rawValue: rawValue | o.rawValue) }
    init(_ k: EntryKind) { rawValue = 1 << Self.bit(k) }
    /// The kind's bit: its position in `EntryKind.allCases`, without building that array per call.
    static func bit(_ k: EntryKind) -> UInt16 {
        switch k {
        case .syscall: 0
        case .int80: 1
        case .syscall32: 2
        case .sysenter: 3
        case .interrupt: 4
        case .exception: 5
        case .signal: 6
        case .none: 7
        }
    }
    init(arrayLiteral kinds: EntryKind...) { rawValue = kinds.reduce(0) { $0 | KindMask($1).rawValue } }
    static let all = KindMask(rawValue: (1 << UInt16(EntryKind.allCases.count)) - 1)
    func contains(_ k: EntryKind) -> Bool { rawValue & KindMask(k).rawValue != 0 }
    var kinds: [EntryKind] { EntryKind.allCases.filter { contains($0) } }
    /// The one kind left, if exactly one is.
    var only: EntryKind? {
        rawValue != 0 && rawValue & (rawValue - 1) == 0 ? EntryKind.allCases[rawValue.trailingZeroBitCount] : nil
    }
    var names: String { kinds.map(\.rawValue).sorted().joined(separator: ", ") }
}
