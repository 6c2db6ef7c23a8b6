/// One stack-switch mechanism the seed questions compare (i386 TSS, x86_64 TSS, ARM banked SPs).
public struct StackMechanism: Codable, Hashable, Sendable {
    public var architecture: String
    /// True where stackcross cannot observe it on this machine (ARM, i386 hardware).
    public var modelOnly: Bool
    public var summary: String
    /// Stack pointers the hardware holds or the kernel keeps, one line each.
    public var stackPointers: [String]
    /// What a user→kernel crossing pushes, top of the new stack first.
    public var pushes: [String]
}

/// What `stackcross model --json` prints: one way in laid out on the simulated kernel stack.
public struct KernelStackDiagram: Codable, Hashable, Sendable {
    public var config: KernelConfig
    public var threadSize: UInt64
    public var ptRegsOffsetFromTop: UInt64
    public var canary: String
    public var way: WayIn
    public var mechanisms: [StackMechanism]
}

extension KernelStackModel {
    public func diagram(_ kind: CrossingKind) -> KernelStackDiagram {
        KernelStackDiagram(config: config, threadSize: config.threadSize, ptRegsOffsetFromTop: layout.ptRegsOffsetFromTop,
                           canary: hex(UInt64(X86.stackEndMagic)), way: wayIn(kind), mechanisms: Self.mechanisms(config))
    }

    static func mechanisms(_ c: KernelConfig) -> [StackMechanism] {
        [
            StackMechanism(
                architecture: "i386 (32-bit x86)", modelOnly: true,
                summary: "a ring 3→0 crossing through an interrupt or trap gate loads SS:ESP from the TSS's SS0:ESP0 and pushes the old stack pointer on the new stack; Linux kept ESP0 at the current task's stack top and rewrote it on every context switch",
                stackPointers: ["TSS.SS0:ESP0: the ring-0 stack (the only one Linux used)", "TSS.SS1:ESP1, SS2:ESP2: rings 1 and 2 (unused)",
                                "SYSENTER: MSR_IA32_SYSENTER_ESP instead of the TSS"],
                pushes: ["-4: old SS", "-8: old ESP", "-12: old EFLAGS", "-16: old CS", "-20: old EIP", "-24: error code (some exceptions)",
                         "no SS:ESP push when already in ring 0 (no privilege change)"]),
            StackMechanism(
                architecture: "x86_64 (this machine)", modelOnly: false,
                summary: "the 64-bit TSS has no SS fields, only RSP0–RSP2 and IST1–IST7; the CPU always pushes SS:RSP, aligned to 16. Linux points RSP0 at a small per-CPU entry stack and keeps the task's own stack top in the per-CPU cpu_current_top_of_stack, which each context switch updates; SYSCALL switches no stack at all, so entry_SYSCALL_64 parks the user RSP in TSS.sp2 and loads cpu_current_top_of_stack itself",
                stackPointers: ["TSS.RSP0: per-CPU entry stack (cpu_entry_area) for interrupts/exceptions from user mode; the entry code then moves to the task stack",
                                "TSS.sp1 (RSP1): cpu_current_top_of_stack's copy on some kernels; TSS.sp2 (RSP2): scratch for the user RSP on the SYSCALL path",
                                "per-CPU cpu_current_top_of_stack: the running task's stack top (\(c.threadSize / 1024) KiB task stack)",
                                "IST1 #DF, IST2 NMI, IST3 #DB, IST4 #MC: \(c.istStackSize / 1024) KiB each, per CPU",
                                "per-CPU hardirq stack (\(c.irqStackSize / 1024) KiB) for interrupts taken in kernel mode"],
                pushes: ["-8: SS", "-16: RSP", "-24: RFLAGS", "-32: CS", "-40: RIP", "-48: error code or -1 (orig_ax)",
                         "then the entry code pushes the rest of struct pt_regs (168 bytes in all)"]),
            StackMechanism(
                architecture: "ARM (AArch32 and AArch64)", modelOnly: true,
                summary: "no stack pointer is loaded from memory: each mode has its own banked SP register, so switching mode switches stacks by itself; Linux runs kernel code in SVC mode (AArch32) or EL1 (AArch64) on the task's kernel stack and saves pt_regs at its top itself",
                stackPointers: ["AArch32: SP_usr (shared with System mode), SP_svc, SP_irq, SP_fiq, SP_abt, SP_und (+ SP_hyp, SP_mon)",
                                "AArch32 Linux: SP_svc = the task's kernel stack; SP_irq/SP_abt/SP_und point at tiny per-CPU stacks used only to save a few registers before switching to SVC",
                                "AArch64: SP_EL0 (user) and SP_EL1 (kernel, selected by SPSel on exception entry); Linux keeps SP_EL1 on the task stack, per-CPU IRQ stacks and an overflow stack",
                                "the return address and status go to banked LR_<mode> and SPSR_<mode> (ELR_EL1/SPSR_EL1), not onto a stack"],
                pushes: ["the CPU pushes nothing; kernel_entry / vector_swi store the user registers into pt_regs at the top of the task stack"]),
        ]
    }

    /// The annotated text diagram `stackcross model` prints.
    public func diagramText(_ kind: CrossingKind) -> String {
        let d = diagram(kind)
        let w = d.way
        var out: [String] = []
        let c = config
        out.append("Simulated kernel stack: \(w.title)")
        out.append("  config (\(c.source)): THREAD_SIZE \(c.threadSize / 1024) KiB, FRED \(c.fred ? "on (+16 B above pt_regs)" : "off"), random kstack offset \(c.randomKstackOffset ? "on (0…\(c.maxRandomOffset) B)" : "off"), KASAN \(c.kasan ? "on" : "off"), CPU \(c.cpuVendor)")
        out.append("  trigger: \(w.trigger)")
        out.append("  runs on: \(w.stack)")
        out.append("")
        out.append("Stack switch:")
        for (i, s) in w.stackSwitch.enumerated() { out.append("  \(i + 1). \(s)") }
        out.append("")
        let title = kind == .signal || kind == .sigaltstack ? "pt_regs at the top of the task stack, as signal delivery rewrites it:"
            : kind == .sigreturn || kind == .execve ? "pt_regs at the top of the task stack (after the kernel rewrote it):"
            : "pt_regs at the top of the task stack:"
        out.append(title)
        out.append("  stack top = stack + \(c.threadSize) (\(c.threadSize / 1024) KiB aligned, vmalloc)" + (c.fred ? "; 16 bytes of FRED padding" : ""))
        if c.fred {
            out.append("  FRED: the layout above is modelled; the entry steps describe the IDT/SYSCALL paths, which FRED replaces by one event-delivery frame")
        }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        out.append("  " + pad("top-off", 9) + pad("pt_regs+", 9) + pad("slot", 8) + pad("pushed by", 20) + "value comes from")
        for s in w.slots {
            let val = s.constant.map { " = \(SlotExpectation.value($0.rawValue).text)" } ?? ""
            out.append("  " + pad("-\(s.offsetFromTop)", 9) + pad("\(s.ptRegsOffset)", 9) + pad(s.slot, 8) + pad(s.pushedBy.rawValue, 20) + s.source + val)
            if s.slot == "ip" { out.append("  " + String(repeating: " ", count: 26) + "^ ip..ss: the hardware (IRET) frame") }
        }
        out.append("  -\(d.ptRegsOffsetFromTop): pt_regs begins (task_pt_regs)")
        for b in w.below { out.append("  below: \(b)") }
        out.append("  bottom: stack + 0 holds the canary \(d.canary) (end_of_stack)")
        if !w.frameLayout.isEmpty {
            out.append("")
            out.append(kind == .switch || kind == .fork ? "Inactive task frame (struct inactive_task_frame at thread.sp):"
                       : "Signal frame (\(kind == .sigaltstack ? "on the sigaltstack" : "on the user stack"); the handler's rsp = frame):")
            for l in w.frameLayout { out.append("  \(l)") }
        }
        out.append("")
        out.append("What ptrace and /proc show:")
        if let b = w.bytesBeforeIP { out.append("  bytes before the saved ip: \(hexBytes(b))") }
        if let a = w.auditArch { out.append("  GET_SYSCALL_INFO arch: \(a.rawValue)") }
        if !w.outermostFrames.isEmpty { out.append("  /proc/TID/stack outermost: \(w.outermostFrames.map { $0 + "…" }.joined(separator: " or "))") }
        let path = w.pathFrames.map(\.description)
        out.append("  at a ptrace stop: innermost \(w.innermostAtStop)" + (path.isEmpty ? "" : "; on the path: \(path.joined(separator: ", "))"))
        if !w.innermostBlocked.isEmpty { out.append("  blocked (read before stopping): innermost e.g. \(w.innermostBlocked.joined(separator: ", "))") }
        if let lo = w.depthMin, let hi = w.depthMax {
            out.append("  depth in use (stack top - thread.sp): \(lo)–\(hi) bytes of \(c.threadSize)")
        }
        for n in w.notes { out.append("  note: \(n)") }
        out.append("")
        out.append("Where the kernel stack comes from (the seed questions):")
        for m in d.mechanisms {
            out.append("  \(m.architecture)\(m.modelOnly ? " [model only]" : ""): \(m.summary)")
            for s in m.stackPointers { out.append("    - \(s)") }
            out.append("    pushes: \(m.pushes.joined(separator: "; "))")
        }
        return out.joined(separator: "\n") + "\n"
    }
}

extension String {
    func replacingOccurrences(_ a: Character, _ b: String) -> String {
        var s = ""
        for ch in self { if ch == a { s += b } else { s.append(ch) } }
        return s
    }
}
