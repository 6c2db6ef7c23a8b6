/// Checks at stops outside syscall stops (signal delivery, snapshots) and at a handler's first instruction.

extension CrossingJudge {
    // MARK: stops outside syscall stops

    /// Check 10 where independent evidence says the thread was not in a syscall.
    func outsideSyscallCheck(_ why: String) {
        add("stop.orig_rax", origRax == -1, expected: "-1 (\(why))", actual: String(origRax))
    }

    func signalStopChecks(_ kind: CrossingKind) {
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

    func snapshotChecks(_ kind: CrossingKind) {
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
    func procSyscallCheck() {
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

    func handlerChecks() {
        guard let before = obs.interruptedRegs else { return }
        if is32 { return handlerChecks32(before: before) }
        handlerRegisterChecks(before: before)
        let words = obs.handlerStackWords ?? []
        let (frame, fpPtr) = signalFrameLayout(words)
        let placed = handlerPlacementChecks(before: before, frame: frame)
        handlerFpstateCheck(words, fpPtr: fpPtr, want: placed)
        guard words.count > SignalFrameLayout.siginfoWord + 1 else {
            if obs.handlerStackWords != nil {
                add("signal.frame_read", false, expected: "\(SignalFrameLayout.siginfoWord + 2) words at rsp", actual: "\(words.count) words")
            }
            return
        }
        handlerSavedContextChecks(before: before, words: words)
    }

    /// An i386 handler: the frame's placement and the arguments it passes on the stack.
    func handlerChecks32(before: Registers) {
        let sp = regs.rsp.rawValue
        add("signal.below", sp < before.rsp.rawValue || (altstack?.contains(sp) ?? false),
            expected: "frame below the interrupted esp \(before.rsp) or on the sigaltstack", actual: hex(sp))
        add("signal.alignment", (sp &+ 4) % 16 == 0, expected: "(esp + 4) % 16 == 0 (i386 frame)", actual: "esp % 16 = \(sp % 16)")
        // i386 frames pass the arguments on the stack: pretcode, sig, then (rt frames) pinfo and puc.
        guard let w = obs.handlerStackWords, w.count >= 2 else { return }
        let pretcode = w[0] & 0xFFFF_FFFF, sig = Int32(truncatingIfNeeded: w[0] >> 32)
        if let s = obs.signo { add("signal.sig32", sig == s, expected: "\(s) at esp + 4", actual: String(sig)) }
        if let f = obs.saFlags, f & SigactionFlags.siginfo != 0 {
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
    }

    /// A 64-bit handler's registers: its three arguments, rax, alignment, flags and ip.
    func handlerRegisterChecks(before: Registers) {
        let sp = regs.rsp.rawValue
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
    }

    /// The frame layout with the XSAVE size the kernel used (from the frame's _fpx_sw_bytes), and
    /// uc_mcontext.fpstate when it points above the frame.
    func signalFrameLayout(_ words: [UInt64]) -> (SignalFrameLayout, fpstate: UInt64?) {
        let sp = regs.rsp.rawValue
        func word(_ i: Int) -> UInt64? { i < words.count ? words[i] : nil }
        guard let fp = word(SignalFrameLayout.word(.fpstate)), fp > sp, (fp - sp) % 8 == 0 else {
            return (SignalFrameLayout(config: config, xstateSize: nil), nil)
        }
        var xsize: UInt64?
        let idx = Int((fp - sp + SignalFrameLayout.fpxSwBytesOffset) / 8)
        if let w = word(idx), UInt32(truncatingIfNeeded: w) == SignalFrameLayout.fpXstateMagic1 { xsize = w >> 32 }
        return (SignalFrameLayout(config: config, xstateSize: xsize), fp)
    }

    /// get_sigframe(): the frame sits at the sigaltstack top under SA_ONSTACK (when not already on it),
    /// else below the interrupted rsp's red zone. Returns where the XSAVE area should be.
    func handlerPlacementChecks(before: Registers, frame: SignalFrameLayout) -> UInt64? {
        let sp = regs.rsp.rawValue
        let onstackKnown = obs.saFlags.map { $0 & SigactionFlags.onstack != 0 }
        let alt = altstack
        let interruptedOnAlt = alt?.contains(before.rsp.rawValue) ?? false
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
        if !(alt?.contains(sp) ?? false) {
            let used = before.rsp.rawValue &- sp
            add("signal.frame_size", used >= frame.minimumBytes && used <= frame.maximumBytes,
                expected: "\(frame.minimumBytes)–\(frame.maximumBytes) bytes below the interrupted rsp (red zone \(config.redZone) + xstate + \(frame.frameSize))",
                actual: "\(used) bytes")
        }
        return hit?.1.fpstate ?? placed.first?.1.fpstate
    }

    /// uc_mcontext.fpstate: the 64-byte aligned XSAVE area where the placement puts it.
    func handlerFpstateCheck(_ words: [UInt64], fpPtr: UInt64?, want: UInt64?) {
        if let fp = fpPtr {
            add("signal.fpstate", fp % 64 == 0 && want.map { $0 == fp } ?? true,
                expected: (want.map(hex) ?? "64-byte aligned") + " (XSAVE area, 64-byte aligned)", actual: hex(fp))
        } else if !words.isEmpty {
            let i = SignalFrameLayout.word(.fpstate)
            add("signal.fpstate", false, expected: "uc_mcontext.fpstate above the frame", actual: i < words.count ? hex(words[i]) : "not read")
        }
    }

    /// The words the kernel wrote: the return address, the saved sp/ip/ax (with the syscall-restart
    /// rewrites), siginfo and uc_stack.
    func handlerSavedContextChecks(before: Registers, words: [UInt64]) {
        if let r = obs.saRestorer {
            add("signal.restorer", words[0] == r.rawValue, expected: "\(r) (sa_restorer)", actual: hex(words[0]))
        } else if let maps = obs.maps {
            let m = maps.first { $0.contains(Address(words[0])) }
            add("signal.restorer", m?.isExecutable ?? false, expected: "*rsp = sa_restorer, in an executable mapping",
                actual: "\(hex(words[0])) \(m.map { "\($0.path) \($0.perms)" } ?? "in no mapping")")
        }
        add("signal.saved_sp", words[SignalFrameLayout.word(.sp)] == before.rsp.rawValue,
            expected: "\(before.rsp) (interrupted rsp)", actual: hex(words[SignalFrameLayout.word(.sp)]))
        let savedIP = words[SignalFrameLayout.word(.ip)], savedAX = words[SignalFrameLayout.word(.ax)]
        let allowed = restartRewrites(before: before)
        let ipOK = allowed.contains { $0.0 == savedIP && $0.1 == savedAX }
        add("signal.saved_ip", ipOK, expected: allowed.map { "ip \(hex($0.0)) ax \(SlotExpectation.value($0.1).text) (\($0.2))" }.joined(separator: " or "),
            actual: "ip \(hex(savedIP)) ax \(SlotExpectation.value(savedAX).text)")
        // setup_rt_frame() copies siginfo only for SA_SIGINFO handlers; otherwise that space is stale.
        if let s = obs.signo, let f = obs.saFlags, f & SigactionFlags.siginfo != 0 {
            let got = Int32(truncatingIfNeeded: words[SignalFrameLayout.siginfoWord])
            add("signal.siginfo", got == s, expected: "si_signo \(s) at rsp + \(SignalFrameLayout.siginfoOffset)", actual: "si_signo \(got)")
        }
        if let a = obs.sigaltstack {
            let ssp = words[SignalFrameLayout.ucStackSpWord], ssz = words[SignalFrameLayout.ucStackSizeWord]
            add("signal.uc_stack", ssp == a.base.rawValue && ssz == a.size,
                expected: "ss_sp \(a.base) ss_size \(a.size) (the recorded sigaltstack)", actual: "ss_sp \(hex(ssp)) ss_size \(ssz)")
        }
    }

    /// The saved (ip, ax) pairs handle_signal() may leave: it rewinds ip by 2 and restores ax for
    /// restartable syscalls, or sets -EINTR, by the restart code and SA_RESTART.
    func restartRewrites(before: Registers) -> [(UInt64, UInt64, String)] {
        let interrupted = (before.rip.rawValue, before.rax.rawValue, "interrupted rip/rax")
        guard before.origRax.signed >= 0 else { return [interrupted] }
        let restartTo = (before.rip.rawValue &- 2, before.origRax.rawValue, "rip - 2, rax = orig_rax (restart)")
        let eintr = (before.rip.rawValue, UInt64(bitPattern: X86.eintr), "rax = -EINTR")
        let saRestart = obs.saFlags.map { $0 & SigactionFlags.restart != 0 }
        switch before.rax.signed {
        case X86.erestartnohand, X86.erestartRestartblock: return [eintr]
        case X86.erestartnointr: return [restartTo]
        case X86.erestartsys: return saRestart == true ? [restartTo] : saRestart == false ? [eintr] : [restartTo, eintr]
        default: return [interrupted]
        }
    }
}
