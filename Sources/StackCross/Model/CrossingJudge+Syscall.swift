/// Checks at syscall-entry and syscall-exit stops: pt_regs against the way in, the exit rewrites.

extension CrossingJudge {
    // MARK: syscall entry

    /// The pt_regs the model predicts at a syscall-entry stop from GET_SYSCALL_INFO and constants. Without
    /// GET_SYSCALL_INFO (a stop where the tracer did not read it) only what constants and the entry path
    /// give: the selectors, the flags, -ENOSYS in ax and the registers SYSCALL saved.
    func predictedEntryRegs(_ kind: CrossingKind, _ i: SyscallInfo?) -> [(PtRegsSlot, SlotExpectation)] {
        var p: [(PtRegsSlot, SlotExpectation)] = []
        let userFlags = SlotExpectation.property("IF|0x2 set, RF clear") {
            $0 & (X86.flagIF | X86.flagFixed) == (X86.flagIF | X86.flagFixed) && $0 & X86.flagRF == 0
        }
        p.append((.ss, .value(X86.userDS)))
        if let i { p.append((.sp, .value(i.stackPointer.rawValue))) }
        p.append((.flags, userFlags))
        let cs: UInt64 = [.int80From32, .syscall32, .sysenter].contains(kind) ? X86.userCS32 : X86.userCS64
        p.append((.cs, .value(cs)))
        if let i { p.append((.ip, .value(i.instructionPointer.rawValue))) }
        if let nr = i?.nr { p.append((.origAx, .value(UInt64(bitPattern: nr)))) }
        p.append((.ax, .value(UInt64(bitPattern: X86.enosys))))
        let argSlots: [PtRegsSlot] = i?.arch == SyscallInfo.auditArchI386 ? [.bx, .cx, .dx, .si, .di, .bp] : [.di, .si, .dx, .r10, .r8, .r9]
        if let args = i?.args {
            for (s, a) in zip(argSlots, args) { p.append((s, .value(a.rawValue))) }
        }
        switch kind {
        case .syscall, .sigreturn, .execve:
            if let i { p.append((.cx, .value(i.instructionPointer.rawValue))) } else { p.append((.cx, .equal(regs.rip.rawValue, "= ip (SYSCALL saved the return address in RCX)"))) }
            p.append((.r11, .equal(regs.eflags.rawValue, "= flags (SYSCALL saved RFLAGS in R11)")))
        case .syscall32:
            p.append((.r8, .value((i?.stackPointer ?? regs.rsp).rawValue & 0xFFFF_FFFF)))
            p.append((.r11, .equal(regs.eflags.rawValue, "= flags (SYSCALL saved EFLAGS in R11)")))
        default: break
        }
        return p
    }

    /// Expected lists `slot=prediction` pairs then `(note)`; actual lists `slot=value (predicted …)` per mismatch
    /// (PtRegsView in the report parses both).
    func compareRegs(_ name: String, _ predicted: [(PtRegsSlot, SlotExpectation)], note: @autoclosure () -> String) {
        // A compact verdict needs only whether every slot holds (no text when they do); a names-only one never has text.
        if detail != .all {
            let holds = predicted.allSatisfy({ $0.1.holds($0.0.value(in: regs).rawValue) })
            if skipsTexts(ok: holds) { add(name, holds, expected: "", actual: ""); return }
        }
        // Built in place: this runs twice per traced syscall.
        let noteText = note()
        var exp = TextBytes(capacity: predicted.count * 24 + noteText.utf8.count + 4)
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
        exp.append(" ("); exp.append(noteText); exp.append(byte: UInt8(ascii: ")"))
        let ok = bad.isEmpty
        add(name, ok, expected: exp.string,
            actual: !ok ? bad.string : predicted.count < Self.allSlotsMatch.count ? Self.allSlotsMatch[predicted.count] : "all \(predicted.count) predicted slots match")
    }

    func entryChecks(_ kind: CrossingKind, _ way: WayIn) {
        add("entry.rax", regs.rax.signed == X86.enosys, expected: "-38 (-ENOSYS)", actual: String(regs.rax.signed))
        // A seccomp stop (PTRACE_EVENT_SECCOMP) sees the same entry state as a syscall-entry stop.
        if let i = info, i.op != .entry, i.op != .seccomp {
            add("entry.syscall_info", false, expected: "GET_SYSCALL_INFO op entry", actual: "op \(i.op)")
            return
        }
        // nil: GET_SYSCALL_INFO was not read at this stop; the checks that need it are not made.
        let i = info
        if let i {
            if let nr = i.nr {
                add("entry.orig_rax", origRax == nr, expected: decimalText("", nr, " (GET_SYSCALL_INFO nr)"), actual: String(origRax))
            }
            add("entry.ip", regs.rip == i.instructionPointer, expected: hexText("", i.instructionPointer.rawValue, " (GET_SYSCALL_INFO)"), actual: hex(regs.rip.rawValue))
            add("entry.sp", regs.rsp == i.stackPointer, expected: hexText("", i.stackPointer.rawValue, " (GET_SYSCALL_INFO)"), actual: hex(regs.rsp.rawValue))
        }
        if kind == .syscall || kind == .sigreturn || kind == .execve {
            add("syscall.rcx", regs.rcx == regs.rip, expected: hexText("rcx == rip ", regs.rip.rawValue, " (SYSCALL saved the return address)"), actual: hex(regs.rcx.rawValue))
            add("syscall.r11", regs.r11 == regs.eflags, expected: hexText("r11 == eflags ", regs.eflags.rawValue, " (SYSCALL saved RFLAGS)"), actual: hex(regs.r11.rawValue))
        }
        if let b = obs.bytesBeforeIP, let want = way.bytesBeforeIP {
            add("entry.bytes", b == want, expected: {
                var expected = TextBytes(capacity: 32)
                expected.append(hexBytes(want)); expected.append(" ("); expected.append(kind.rawValue); expected.append(byte: UInt8(ascii: ")"))
                return expected.string
            }(), actual: hexBytes(b))
        }
        // Check 6 from evidence independent of the arch: the instruction bytes and the task's CS.
        let byInstruction = SyscallInstruction(bytesBeforeIP: obs.bytesBeforeIP) == .int80 || is32
        if let i, obs.bytesBeforeIP != nil || obs.is32BitTask != nil || regs.cs.rawValue == X86.userCS32 {
            add("entry.arch", (i.arch == SyscallInfo.auditArchI386) == byInstruction,
                expected: byInstruction ? "i386 (int $0x80 or a 32-bit task)" : "x86_64 (SYSCALL from a 64-bit task)",
                actual: i.abi.rawValue)
        }
        compareRegs("pt_regs", predictedEntryRegs(kind, i),
                    note: i == nil ? "predicted from the \(kind.rawValue) entry path; GET_SYSCALL_INFO not read at this stop"
                        : "predicted from GET_SYSCALL_INFO and the \(kind.rawValue) entry path")
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

    /// `exit.unchanged` with its texts: one text buffer, no per-field strings.
    func exitUnchangedCheck(entry e: Registers) {
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
    }

    func exitChecks(_ kind: CrossingKind) {
        let ret = regs.rax.signed
        // i386 syscalls return a 32-bit value in EAX.
        let r = is32 ? Int64(Int32(truncatingIfNeeded: ret)) : ret
        let inErrorRange = Errno.isError(r)
        // Fault injection: the kernel ran no call (orig_rax -1 returns -ENOSYS), then the tracer wrote rax.
        if let injected = obs.injectedReturn {
            injectedExitChecks(injected, r: r)
            return
        }
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
        // Every traced call passes here: no text unless the check is listed with its texts.
        let unchanged = e.rip == regs.rip && e.rsp == regs.rsp && e.origRax == regs.origRax && e.cs == regs.cs && e.ss == regs.ss
        if skipsTexts(ok: unchanged) { add("exit.unchanged", unchanged, expected: "", actual: "") } else { exitUnchangedCheck(entry: e) }
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

    /// An exit stop after the tracer set orig_rax to -1 at the entry (`-e inject=`): the kernel skipped the
    /// call and returned -ENOSYS (GET_SYSCALL_INFO's rval), the tracer then wrote the injected value into rax;
    /// every other register is as at the entry stop, orig_rax is -1.
    func injectedExitChecks(_ injected: Int64, r: Int64) {
        let enosys: Int64 = -38
        if let i = info, i.op == .exit, let v = i.rval {
            add("inject.kernel_rval", v == enosys, expected: "-38 (ENOSYS: orig_rax -1 runs no call)", actual: decimalText("", v, " (GET_SYSCALL_INFO rval)"))
        }
        add("inject.rax", r == injected || regs.rax.signed == injected, expected: decimalText("", injected, " (written by the tracer)"),
            actual: decimalText("", r, " (rax)"))
        guard let e = obs.entryRegs else { return }
        var p: [(PtRegsSlot, SlotExpectation)] = []
        p.reserveCapacity(21)
        for s in PtRegsSlot.allCases where s != .ax && s != .origAx { p.append((s, .value(s.value(in: e).rawValue))) }
        p.append((.origAx, .value(UInt64.max)))
        p.append((.ax, .value(UInt64(bitPattern: injected))))
        compareRegs("pt_regs", p, note: "predicted: the entry stop's pt_regs, orig_ax -1 (skipped), ax = the injected value")
    }

    /// A sleep that returned 0 went through __schedule: the task switched out (inactive task frame at
    /// thread.sp, user registers left in pt_regs) and voluntary_ctxt_switches grew.
    func switchCheck(nr: Int64, i386: Bool, ret: Int64) {
        guard let a = obs.entryContextSwitches, let b = obs.contextSwitches, ret == 0 else { return }
        let sleeps: Set<Int64> = i386 ? [162, 267, 407] : [35, 230]  // nanosleep, clock_nanosleep(_time64)
        guard sleeps.contains(nr) else { return }
        add("switch.voluntary", b.voluntary > a.voluntary,
            expected: "voluntary_ctxt_switches > \(a.voluntary) (the sleep switched the task out)",
            actual: "\(b.voluntary) (nonvoluntary \(a.nonvoluntary) → \(b.nonvoluntary))")
    }

    func execveExitChecks() {
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

    func sigreturnExitChecks(entry e: Registers) {
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
}
