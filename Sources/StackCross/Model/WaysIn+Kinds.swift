/// The ways in, one function per family: the stack switch, the pt_regs sources, the frames /proc shows.
extension WayInBuilder {
    /// 64-bit SYSCALL, and the two syscalls that rewrite pt_regs on the way out (rt_sigreturn, execve).
    mutating func syscall64() {
        w.title = kind == .syscall ? "64-bit SYSCALL (entry_SYSCALL_64)"
            : kind == .sigreturn ? "rt_sigreturn: a SYSCALL that reloads pt_regs from the signal frame"
            : "execve: a SYSCALL whose return lands in a new program"
        w.trigger = kind == .sigreturn ? "syscall (rax=15) from the restorer __restore_rt, rsp = signal frame + 8"
            : kind == .execve ? "syscall (rax=59)" : "syscall instruction (0f 05)"
        w.stackSwitch = [
            "SYSCALL: the CPU saves RIP in RCX and RFLAGS in R11, masks RFLAGS (SFMASK), loads CS/SS from the STAR MSR; it does not switch stacks or push anything",
            "entry_SYSCALL_64: swapgs, then parks the user RSP in a per-CPU scratch slot (TSS.sp2, cpu_tss_rw.x86_tss.sp2)",
            "loads RSP from \(topName); TSS.RSP0 is not used on this path",
            "pushes ss, sp, flags, cs, ip (an IRET-shaped frame), orig_ax, then the general registers (PUSH_AND_CLEAR_REGS) with ax = -ENOSYS",
        ]
        set(.ss, "constant __USER_DS", .entryCode, Address(X86.userDS))
        set(.sp, "user RSP (from the TSS.sp2 scratch slot)", .entryCode)
        set(.flags, "user RFLAGS (the CPU copied them to R11)", .entryCode)
        set(.cs, "constant __USER_CS", .entryCode, Address(X86.userCS64))
        set(.ip, "user RIP after the syscall instruction (the CPU copied it to RCX)", .entryCode)
        set(.origAx, "syscall number (user RAX)", .entryCode)
        userGPRs(.entryCode)
        set(.di, "user rdi (arg 1)", .entryCode); set(.si, "user rsi (arg 2)", .entryCode)
        set(.dx, "user rdx (arg 3)", .entryCode); set(.r10, "user r10 (arg 4)", .entryCode)
        set(.r8, "user r8 (arg 5)", .entryCode); set(.r9, "user r9 (arg 6)", .entryCode)
        set(.cx, "user RIP: SYSCALL overwrote RCX with the return address", .cpu)
        set(.r11, "user RFLAGS: SYSCALL overwrote R11 with them", .cpu)
        set(.ax, "-ENOSYS until the handler returns", .entryCode, Address(signed: X86.enosys))
        w.bytesBeforeIP = SyscallInstruction.syscall.bytes
        w.auditArch = .x86_64
        w.outermostFrames = [EntrySymbols.syscall64]
        w.pathFrames = ["do_syscall_64"]
        w.innermostBlocked = ["anon_pipe_read (read on a pipe)", "hrtimer_nanosleep (nanosleep)", "futex_do_wait (futex)", "__do_sys_pause (pause)"]
        w.below = [randomOffset, "C frames: do_syscall_64 → x64_sys_call → __x64_sys_NAME → …",
                   "at a ptrace stop: … syscall_trace_enter (entry) or syscall_exit_work (exit) → ptrace_notify → ptrace_stop"]
        (w.depthMin, w.depthMax) = syscallDepth
        if kind == .sigreturn {
            for s in PtRegsSlot.allCases where s != .cs && s != .ss {
                set(s, "restored from the signal frame's uc_mcontext (restore_sigcontext)", .kernel)
            }
            set(.origAx, "-1 (restore_sigcontext: no syscall to restart)", .kernel, Address(signed: -1))
            set(.cs, "forced to __USER_CS", .kernel, Address(X86.userCS64))
            set(.ss, "forced to __USER_DS", .kernel, Address(X86.userDS))
            set(.flags, "user RFLAGS from uc_mcontext, masked by FIX_EFLAGS", .kernel)
            w.notes = ["entry rsp = frame + 8 (the handler's ret popped pretcode); uc_mcontext starts at entry rsp + 40",
                       "syscall-exit stop: rip, rsp, rax are the interrupted ones, orig_rax = -1"]
        }
        if kind == .execve {
            for s: PtRegsSlot in [.bx, .cx, .dx, .si, .di, .bp, .r8, .r9, .r10, .r11, .r12, .r13, .r14, .r15] {
                set(s, "0 (elf_common_init clears it)", .kernel, 0)
            }
            set(.ax, "0, execve's return value", .kernel, 0)
            set(.ip, "entry point of the new image (ld.so or the program)", .kernel)
            set(.sp, "new user stack (argc, argv, envp, auxv) in [stack]", .kernel)
            set(.flags, "0x202 (IF | fixed bit; start_thread)", .kernel, 0x202)
            set(.cs, "__USER_CS 0x33, or __USER32_CS 0x23 for a 32-bit image", .kernel, Address(X86.userCS64))
            set(.origAx, "59 (execve), or 11 (i386 execve) after a 32-bit image", .kernel)
            w.notes = ["the syscall-exit stop sees the new program's registers; rcx = r11 = 0, flags 0x202"]
        }
    }

    /// int $0x80, from 64-bit code or from a 32-bit process.
    mutating func int80() {
        let cs = kind == .int80 ? X86.userCS64 : X86.userCS32
        w.title = kind == .int80 ? "int $0x80 from 64-bit code (i386 ABI, asm_int80_emulation)"
            : "int $0x80 from a 32-bit process (asm_int80_emulation)"
        w.trigger = "int $0x80 (cd 80)"
        w.stackSwitch = ["interrupt gate 0x80: " + rsp0Entry, "the stub pushes -1 into orig_ax; " + syncRegs]
        hardwareFrame(cs: cs, ipText: "user RIP after int $0x80")
        userGPRs(.entryCode)
        i386Args(.entryCode)
        set(.origAx, "-1 from the stub, then EAX truncated to 32 bits (do_int80_emulation)", .kernel)
        set(.ax, "-ENOSYS (do_int80_emulation)", .kernel, Address(signed: X86.enosys))
        set(.cx, "user ecx (arg 2): int $0x80 keeps RCX and R11", .entryCode)
        w.bytesBeforeIP = SyscallInstruction.int80.bytes
        w.auditArch = .i386
        w.outermostFrames = EntrySymbols.int80
        w.pathFrames = ["do_int80_emulation|do_int80_syscall_32"]
        w.below = [randomOffset, "C frames: do_int80_emulation → ia32_sys_call → __ia32_sys_NAME → …"]
        (w.depthMin, w.depthMax) = syscallDepth
        w.notes = ["GET_SYSCALL_INFO reports AUDIT_ARCH_I386 and an i386 number: eax=4 is write, not x86_64 stat",
                   "a 32-bit process's sigreturn and rt_sigreturn come this way too: the vDSO's __kernel_sigreturn and __kernel_rt_sigreturn use int $0x80"]
    }

    /// The 32-bit vDSO path: SYSCALL on AMD, SYSENTER on Intel.
    mutating func compatFastPath() {
        let amd = kind == .syscall32
        w.title = amd ? "32-bit vDSO path via SYSCALL (AMD, entry_SYSCALL_compat)"
            : "32-bit vDSO path via SYSENTER (Intel, entry_SYSENTER_compat)"
        w.trigger = amd ? "__kernel_vsyscall: push ecx, edx, ebp; movl %ecx, %ebp; syscall"
            : "__kernel_vsyscall: push ecx, edx, ebp; movl %esp, %ebp; sysenter"
        w.stackSwitch = amd
            ? ["SYSCALL (compat mode): the CPU saves EIP in RCX, EFLAGS in R11; no stack switch",
               "entry_SYSCALL_compat: swapgs, stashes the user ESP in R8, loads RSP from \(topName)",
               "pushes ss, sp (from R8), flags (R11), cs 0x23, ip (RCX), orig_ax, then the registers with cx taken from EBP"]
            : ["SYSENTER: the CPU loads RSP from MSR_IA32_SYSENTER_ESP (the per-CPU entry stack) and loses the user ESP and EIP",
               "entry_SYSENTER_compat: loads RSP from \(topName)",
               "pushes ss, a placeholder sp 0, flags (pushfq), cs 0x23, a placeholder ip 0, orig_ax and the registers"]
        set(.ss, "constant __USER_DS", .entryCode, Address(X86.userDS))
        set(.cs, "constant __USER32_CS", .entryCode, Address(X86.userCS32))
        userGPRs(.entryCode)
        i386Args(.entryCode)
        set(.origAx, "syscall number (EAX, zero-extended)", .entryCode)
        set(.ax, "-ENOSYS", .entryCode, Address(signed: X86.enosys))
        set(.bp, "arg 6: fetched from the user stack where the vDSO pushed EBP (__do_fast_syscall_32)", .kernel)
        set(.ip, "rewritten to the vDSO int80 landing pad (do_fast_syscall_32)", .kernel)
        if amd {
            set(.sp, "user ESP (stashed in R8)", .entryCode)
            set(.flags, "user EFLAGS (the CPU copied them to R11)", .entryCode)
            set(.cx, "user EBP, which holds ECX (arg 2): SYSCALL clobbers ECX", .entryCode)
            set(.r8, "user ESP (the entry code's scratch copy)", .entryCode)
            set(.r11, "user EFLAGS: SYSCALL overwrote R11", .cpu)
        } else {
            set(.sp, "placeholder 0, then user EBP (= ESP, copied by the vDSO)", .kernel)
            set(.flags, "pushfq with IF forced on", .entryCode)
        }
        w.bytesBeforeIP = SyscallInstruction.int80.bytes
        w.auditArch = .i386
        w.outermostFrames = [amd ? EntrySymbols.syscallCompat : EntrySymbols.sysenterCompat]
        w.pathFrames = ["do_fast_syscall_32|do_SYSENTER_32"]
        w.below = [randomOffset, "C frames: do_fast_syscall_32 → __do_fast_syscall_32 → ia32_sys_call → …"]
        (w.depthMin, w.depthMax) = syscallDepth
        w.notes = ["the saved ip is the vDSO's int80 landing pad, so the bytes before it read cd 80",
                   "AMD or Intel is read from /proc/cpuinfo (config: \(config.cpuVendor))"]
    }

    /// A hardware interrupt taken in user mode.
    mutating func interrupt() {
        w.title = "hardware interrupt from user mode (asm_sysvec_* / asm_common_interrupt)"
        w.trigger = "an IPI, timer or device interrupt while user code runs (PTRACE_INTERRUPT sends a reschedule IPI)"
        w.stackSwitch = [rsp0Entry,
                         "the stub pushes -1 (system vectors) or the vector (device IRQs, later replaced by -1) into orig_ax",
                         syncRegs,
                         "only an interrupt taken in kernel mode moves to the per-CPU \(config.irqStackSize / 1024) KiB IRQ stack"]
        hardwareFrame(cs: X86.userCS64, ipText: "user RIP of the interrupted instruction")
        userGPRs(.entryCode)
        set(.origAx, "-1: not a syscall", .entryCode, Address(signed: -1))
        w.outermostFrames = EntrySymbols.interruptPrefixes
        w.pathFrames = ["irqentry_exit_to_user_mode|exit_to_user_mode_loop"]
        w.innermostBlocked = ["irqentry_exit_to_user_mode (preempted on the way back to user mode)"]
        w.below = ["C frames: the handler (sysvec_*/common_interrupt) returns, then irqentry_exit_to_user_mode → get_signal → ptrace_stop at a ptrace stop"]
        (w.depthMin, w.depthMax) = (400, 2500)
        w.notes = ["a thread stopped while running user code shows orig_rax -1 and no syscall"]
    }

    /// A fault or trap taken in user mode.
    mutating func exception() {
        w.title = kind == .fault ? "fault with an error code from user mode (#PF: asm_exc_page_fault)"
            : kind == .exception ? "fault without an error code from user mode (#UD: asm_exc_invalid_op)"
            : "trap from user mode (int3: asm_exc_int3)"
        w.trigger = kind == .fault ? "a load/store to an unmapped or protected page"
            : kind == .exception ? "ud2 or another invalid opcode" : "int3 (cc)"
        w.stackSwitch = [rsp0Entry + (kind == .fault ? ", then the error code" : ""),
                         kind == .fault ? "the entry code moves the error code out of the orig_ax slot and stores -1"
                             : "the stub pushes -1 into orig_ax (no error code)",
                         syncRegs]
        let ipText = kind == .trap ? "user RIP after the int3 (a trap reports the next instruction)"
            : "user RIP of the faulting instruction (a fault restarts it)"
        let flagsText = kind == .trap ? "user RFLAGS, RF clear" : "user RFLAGS with RF (0x10000) set by the CPU"
        hardwareFrame(cs: X86.userCS64, ipText: ipText, flagsText: flagsText)
        userGPRs(.entryCode)
        set(.origAx, kind == .fault ? "the CPU's error code, then -1" : "-1: not a syscall",
            kind == .fault ? .cpu : .entryCode, Address(signed: -1))
        w.outermostFrames = kind == .fault ? ["asm_exc_page_fault"]
            : kind == .exception ? ["asm_exc_invalid_op"] : ["asm_exc_int3"]
        w.pathFrames = ["irqentry_exit_to_user_mode|exit_to_user_mode_loop"]
        w.below = ["C frames: the handler (exc_page_fault → do_user_addr_fault → force_sig_fault) queues the signal, then irqentry_exit_to_user_mode → get_signal → ptrace_stop"]
        (w.depthMin, w.depthMax) = (400, 2500)
        w.notes = kind == .trap ? ["SIGTRAP; bytes before ip end in cc"]
            : ["the signal handler (or the tracer) sees ip at the faulting instruction"]
    }

    /// NMI, #DF, #DB, #MC: the events with their own IST stacks.
    mutating func istEvent() {
        let (ist, name, stub, err): (Int, String, String, Bool) = switch kind {
        case .nmi: (2, "NMI", "asm_exc_nmi", false)
        case .df: (1, "#DF double fault", "asm_exc_double_fault", true)
        case .db: (3, "#DB debug", "asm_exc_debug", false)
        default: (4, "#MC machine check", "asm_exc_machine_check", false)
        }
        w.title = "\(name) on IST\(ist) (\(stub))"
        w.trigger = kind == .nmi ? "a non-maskable interrupt (perf, watchdog)" : kind == .df ? "an exception while delivering another"
            : kind == .db ? "a hardware breakpoint or single step" : "an uncorrectable hardware error"
        w.stack = "IST\(ist) stack (\(config.istStackSize / 1024) KiB, per CPU)"
        w.stackSwitch = ["the IDT entry names IST\(ist): the CPU always loads RSP from TSS.IST\(ist), whatever the mode, and pushes SS, RSP, RFLAGS, CS, RIP" + (err ? " and an error code (0)" : ""),
                         kind == .df ? "#DF stays on its IST stack (paranoid entry) and does not return to user mode normally"
                             : "from user mode the entry code copies the frame to the task stack and runs the handler there; from kernel mode it stays on IST\(ist)"]
        hardwareFrame(cs: X86.userCS64, ipText: "user RIP when the event hit")
        userGPRs(.entryCode)
        set(.origAx, err ? "the CPU's error code (0)" : "-1 pushed by the stub", err ? .cpu : .entryCode,
            Address(signed: err ? 0 : -1))
        w.outermostFrames = [stub]
        w.pathFrames = []
        w.below = ["IST slots: #DF 1, NMI 2, #DB 3, #MC 4; each \(config.istStackSize / 1024) KiB"]
        w.notes = ["model only: no ptrace stop shows an IST frame (NMIs deliver no signal)"]
    }

    /// Signal delivery: the frame on the user stack or the sigaltstack.
    mutating func signalDelivery() {
        let alt = kind == .sigaltstack
        w.entry = .signal
        w.title = alt ? "signal delivery onto the sigaltstack (SA_ONSTACK)" : "signal delivery onto the user stack"
        w.trigger = "any return to user mode with a caught signal pending (arch_do_signal_or_restart → handle_signal)"
        w.stack = alt ? "sigaltstack (user memory)" : "user stack: the kernel writes the frame there"
        let f = SignalFrameLayout(config: config)
        w.stackSwitch = [
            alt ? "sp = sigaltstack top (ss_sp + ss_size); the red zone is not skipped there"
                : "sp = interrupted user RSP - \(config.redZone) (the red zone)",
            "reserve the XSAVE area: sp = round_down(sp - \(config.xstateSigframeSize), 64); the FPU state goes there",
            "reserve struct rt_sigframe: sp -= \(config.rtSigframeSize)",
            "align: sp = round_down(sp, 16) - 8, as if a call had pushed a return address",
            "write pretcode (sa_restorer) at sp, the ucontext at sp+8 (uc_mcontext = the interrupted pt_regs at sp+\(SignalFrameLayout.mcontextOffset)), siginfo at sp+\(SignalFrameLayout.siginfoOffset)",
            "rewrite pt_regs so the return to user mode lands in the handler",
        ]
        userGPRs(.entryCode)
        set(.ip, "sa_handler", .kernel)
        set(.sp, "the new frame (pretcode)", .kernel)
        set(.di, "signal number (arg 1)", .kernel)
        set(.si, "&frame->info = sp + \(SignalFrameLayout.siginfoOffset) (arg 2)", .kernel)
        set(.dx, "&frame->uc = sp + \(SignalFrameLayout.ucontextOffset) (arg 3)", .kernel)
        set(.ax, "0 (for handlers declared without a prototype)", .kernel, 0)
        set(.flags, "interrupted RFLAGS with DF, RF and TF cleared", .kernel)
        set(.cs, "__USER_CS", .kernel, Address(X86.userCS64))
        set(.ss, "__USER_DS", .kernel, Address(X86.userDS))
        set(.origAx, "as the crossing left it (-1, or the interrupted syscall's number)", .entryCode)
        w.below = ["the kernel stack is the one of the crossing the signal rides on (syscall, interrupt or fault)",
                   "the signal frame itself is on the \(alt ? "sigaltstack" : "user stack"): \(f.minimumBytes)–\(f.maximumBytes) bytes below the \(alt ? "sigaltstack top" : "interrupted rsp")"]
        w.outermostFrames = []
        w.pathFrames = ["get_signal"]
        let sc = { (f: SignalFrameLayout.SigcontextField) in SignalFrameLayout.word(f) * 8 }
        w.frameLayout = [
            "frame+0     pretcode = sa_restorer (__restore_rt): the handler's return address",
            "frame+8     struct ucontext: uc_flags, uc_link, uc_stack (ss_sp +24, ss_flags +32, ss_size +40)",
            "frame+\(SignalFrameLayout.mcontextOffset)    uc_mcontext (struct sigcontext): the interrupted registers; sp +\(sc(.sp)), ip +\(sc(.ip)), flags +\(sc(.flags)), ax +\(sc(.ax)), fpstate pointer +\(sc(.fpstate))",
            "frame+304   uc_sigmask",
            "frame+\(SignalFrameLayout.siginfoOffset)   struct siginfo (128 bytes): si_signo, si_errno, si_code, si_addr…",
            "frame+\(config.rtSigframeSize)   (end of rt_sigframe) then 0–63 bytes of alignment",
            "fpstate     XSAVE area, \(config.xstateSigframeSize) bytes with FP_XSTATE_MAGIC2, 64-byte aligned",
            alt ? "base        sigaltstack top (ss_sp + ss_size)" : "base        interrupted rsp - \(config.redZone) (red zone); the interrupted rsp above it",
        ]
        w.notes = ["handler entry: rdi = signo, rsi = rsp + \(SignalFrameLayout.siginfoOffset), rdx = rsp + \(SignalFrameLayout.ucontextOffset), rsp % 16 == 8, *rsp = sa_restorer",
                   "restart codes: -ERESTARTSYS with SA_RESTART and -ERESTARTNOINTR back ip up by 2 and restore rax = orig_rax; otherwise rax = -EINTR"]
    }

    /// A context switch, or a new task that has never run.
    mutating func switchOrFork() {
        w.entry = .syscall
        w.title = kind == .switch ? "context switch: __switch_to_asm between two kernel stacks"
            : "a new task that has never run (fork/clone): the fork_frame"
        w.trigger = kind == .switch ? "schedule() in the kernel, on the way out of any crossing or while blocked"
            : "clone/fork: copy_thread builds the child's stack"
        w.stackSwitch = kind == .switch
            ? ["__switch_to_asm pushes rbp, rbx, r12–r15 above the return address into __schedule (struct inactive_task_frame, \(KernelStackLayout.inactiveTaskFrameSize) bytes)",
               "stores RSP in prev->thread.sp, loads next->thread.sp, pops the next task's frame",
               "__switch_to updates \(topName) (and TSS.sp1 for the SYSENTER/IRQ-stack paths), so the next crossing lands on the next task's stack"]
            : ["copy_thread: the child's pt_regs is a copy of the parent's with ax = 0 (and sp = the new stack for a thread)",
               "below it the inactive task frame whose return address is ret_from_fork_asm: \(layout.forkFrameSize) bytes in all",
               "thread.sp = stack top - \(layout.forkFrameSize + layout.topPadding)"]
        userGPRs(.entryCode)
        for s in PtRegsSlot.allCases where s.isHardwareFrame || s == .origAx {
            set(s, "unchanged: saved when the thread entered the kernel", .entryCode)
        }
        if kind == .fork { set(.ax, "0: the child's return value from clone/fork", .kernel, 0) }
        w.below = kind == .switch
            ? ["C frames of whatever the thread was doing (e.g. do_syscall_64 → … → schedule → __schedule)",
               "inactive task frame at thread.sp: " + KernelStackLayout.inactiveTaskFrame.joined(separator: ", ") + " (lowest first)",
               "the user registers are not saved at switch time: they are in pt_regs since the crossing in"]
            : ["inactive task frame: " + KernelStackLayout.inactiveTaskFrame.joined(separator: ", ") + " with ret_addr = ret_from_fork_asm"]
        w.outermostFrames = [EntrySymbols.syscall64]
        w.pathFrames = []
        if kind == .switch { (w.depthMin, w.depthMax) = (700, 3000) } else { (w.depthMin, w.depthMax) = (layout.forkFrameSize, layout.forkFrameSize) }
        w.frameLayout = ["thread.sp+0   r15", "thread.sp+8   r14", "thread.sp+16  r13", "thread.sp+24  r12",
                         "thread.sp+32  bx", "thread.sp+40  bp",
                         kind == .switch ? "thread.sp+48  return address into __schedule" : "thread.sp+48  ret_from_fork_asm",
                         kind == .switch ? "above: the C frames of the switched-out task, then pt_regs" : "thread.sp+56  pt_regs (168 bytes) up to the stack top"]
        w.notes = ["evidence: voluntary_ctxt_switches / nonvoluntary_ctxt_switches in /proc/PID/task/TID/status; `trace --kernel-stack` checks that a sleep that returned 0 grew the voluntary count (switch.voluntary) while exit.pt_regs shows the user registers intact"]
    }
}
