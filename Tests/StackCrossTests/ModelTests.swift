import XCTest
@testable import StackCross

/// Observations shaped like the ones taken on this project's machine (Linux 6.18, AMD), built by hand.
enum Sample {
    static let stackMap = MemoryMapping(start: 0x7ffc_fffd_e000, end: 0x7ffd_0001_f000, perms: "rw-p", offset: 0, inode: 0, path: "[stack]")
    static let textMap = MemoryMapping(start: 0x40_1000, end: 0x40_2000, perms: "r-xp", offset: 0x1000, inode: 42, path: "/fx")
    static let heapMap = MemoryMapping(start: 0x4c_0000, end: 0x4e_1000, perms: "rw-p", offset: 0, inode: 0, path: "[heap]")
    static let threadMap = MemoryMapping(start: 0x7f00_0000_0000, end: 0x7f00_0080_0000, perms: "rw-p", offset: 0, inode: 0, path: "")
    static let libcMap = MemoryMapping(start: 0x7f10_0000_0000, end: 0x7f10_0010_0000, perms: "r-xp", offset: 0, inode: 7, path: "/lib/libc.so.6")
    static let vdsoMap = MemoryMapping(start: 0xf7fc_0000, end: 0xf7fc_2000, perms: "r-xp", offset: 0, inode: 0, path: "[vdso]")
    static let maps = [textMap, heapMap, threadMap, libcMap, stackMap]

    static func regs(_ f: (inout [UInt64]) -> Void = { _ in }) -> Registers {
        var v = [UInt64](repeating: 0, count: 27)
        func set(_ n: String, _ x: UInt64) { v[Registers.names.firstIndex(of: n)!] = x }
        set("rip", 0x40_1136); set("rsp", 0x7ffd_0000_f000); set("cs", 0x33); set("ss", 0x2b); set("eflags", 0x246)
        set("rcx", 0x40_1136); set("r11", 0x246); set("rax", UInt64(bitPattern: -38)); set("orig_rax", 1)
        set("rdi", 1); set("rsi", 0x40_2000); set("rdx", 5); set("rbx", 0x1234); set("rbp", 0x7ffd_0000_f100)
        f(&v)
        return Registers(values: v)
    }
    static func idx(_ n: String) -> Int { Registers.names.firstIndex(of: n)! }

    static func frames(_ names: [String]) -> [Frame] { names.map { Frame(pc: 0, symbol: $0) } }
    static let entryFrames = frames(["ptrace_stop", "ptrace_do_notify", "ptrace_notify", "syscall_trace_enter", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"])
    static let exitFrames = frames(["ptrace_stop", "ptrace_do_notify", "ptrace_notify", "syscall_exit_work", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"])

    /// write(1, 0x402000, 5) via SYSCALL at its entry stop.
    static func syscallEntry() -> StopObservation {
        let r = regs()
        let info = SyscallInfo(op: .entry, arch: SyscallInfo.auditArchX86_64, instructionPointer: r.rip, stackPointer: r.rsp,
                               nr: 1, args: [1, 0x40_2000, 5, 0, 0, 0])
        return StopObservation(kind: .syscallEntry, tid: 100, regs: r, syscallInfo: info, bytesBeforeIP: [0x0F, 0x05],
                               kernelStack: entryFrames, maps: maps)
    }

    static func syscallExit() -> StopObservation {
        let e = regs()
        let r = regs { $0[idx("rax")] = 5 }
        let info = SyscallInfo(op: .exit, arch: SyscallInfo.auditArchX86_64, instructionPointer: r.rip, stackPointer: r.rsp, rval: 5, isError: false)
        return StopObservation(kind: .syscallExit, tid: 100, regs: r, syscallInfo: info, bytesBeforeIP: [0x0F, 0x05],
                               kernelStack: exitFrames, maps: maps, entryRegs: e)
    }

    /// write(1, buf, 5) through int $0x80 from 64-bit code: eax=4, ebx=1, ecx=buf, edx=5.
    static func int80Entry() -> StopObservation {
        let r = regs { v in
            v[idx("orig_rax")] = 4; v[idx("rbx")] = 1; v[idx("rcx")] = 0x40_2000; v[idx("rdx")] = 5
            v[idx("r11")] = 0x777; v[idx("rdi")] = 9; v[idx("rsi")] = 8; v[idx("rbp")] = 0
        }
        let info = SyscallInfo(op: .entry, arch: SyscallInfo.auditArchI386, instructionPointer: r.rip, stackPointer: r.rsp,
                               nr: 4, args: [1, 0x40_2000, 5, 8, 9, 0])
        return StopObservation(kind: .syscallEntry, tid: 100, regs: r, syscallInfo: info, bytesBeforeIP: [0xCD, 0x80],
                               kernelStack: frames(["ptrace_stop", "ptrace_do_notify", "ptrace_notify", "syscall_trace_enter", "do_int80_emulation", "asm_int80_emulation"]),
                               maps: maps)
    }

    /// A 32-bit task's write through __kernel_vsyscall on AMD: SYSCALL, ip rewritten to the landing pad.
    static func compatEntry() -> StopObservation {
        let pad: UInt64 = 0xf7fc_1579, sp: UInt64 = 0xffff_d000
        let r = regs { v in
            v[idx("cs")] = 0x23; v[idx("rip")] = pad; v[idx("rsp")] = sp; v[idx("orig_rax")] = 4
            v[idx("rbx")] = 1; v[idx("rcx")] = 0x804_a000; v[idx("rdx")] = 5; v[idx("rsi")] = 0; v[idx("rdi")] = 0; v[idx("rbp")] = 0
            v[idx("r8")] = sp; v[idx("r11")] = 0x246
        }
        let info = SyscallInfo(op: .entry, arch: SyscallInfo.auditArchI386, instructionPointer: Address(pad), stackPointer: Address(sp),
                               nr: 4, args: [1, 0x804_a000, 5, 0, 0, 0])
        let stack32 = MemoryMapping(start: 0xfffd_d000, end: 0xffff_e000, perms: "rw-p", offset: 0, inode: 0, path: "[stack]")
        return StopObservation(kind: .syscallEntry, tid: 100, regs: r, syscallInfo: info, bytesBeforeIP: [0xCD, 0x80],
                               kernelStack: frames(["ptrace_stop", "ptrace_do_notify", "ptrace_notify", "syscall_trace_enter", "do_fast_syscall_32", "entry_SYSCALL_compat_after_hwframe"]),
                               maps: [vdsoMap, stack32])
    }

    /// A 32-bit thread blocked in read(3, buf, 64) after its syscall was restarted: the kernel rewound ip onto the
    /// vDSO's `int $0x80`, so it re-entered through int80 at the landing pad (values from a second attach to threads-m32).
    static func restartedCompatSnapshot() -> StopObservation {
        let pad: UInt64 = 0xf7fc_15e9, sp: UInt64 = 0xf7d2_3310
        let r = regs { v in
            v[idx("cs")] = 0x23; v[idx("rip")] = pad; v[idx("rsp")] = sp; v[idx("orig_rax")] = 3; v[idx("rax")] = UInt64(bitPattern: -512)
            v[idx("rbx")] = 3; v[idx("rcx")] = 0xf7d2_335c; v[idx("rdx")] = 0x40; v[idx("rsi")] = 0xf7f4_0ff4; v[idx("rdi")] = 0
            v[idx("rbp")] = 0xf7d2_33a8; v[idx("r8")] = sp; v[idx("r11")] = 0x286; v[idx("eflags")] = 0x286
            v[idx("ds")] = 0x2b; v[idx("es")] = 0x2b; v[idx("gs")] = 0x63
        }
        let thread32 = MemoryMapping(start: 0xf750_0000, end: 0xf7d2_4000, perms: "rw-p", offset: 0, inode: 0, path: "")
        var o = StopObservation(kind: .snapshot, tid: 103, regs: r,
                                procSyscall: "3 0x3 0xf7d2335c 0x40 0xf7f40ff4 0x0 0xf7d233a8 0xf7d23310 0xf7fc15e9",
                                kernelStack: frames(["anon_pipe_read", "vfs_read", "ksys_read", "do_int80_emulation", "asm_int80_emulation"]),
                                kernelStackReadAtStop: false, maps: [vdsoMap, thread32])
        o.is32BitTask = true
        o.procSyscallAtStop = o.procSyscall
        return o
    }

    /// A spinning thread stopped by PTRACE_INTERRUPT (attach), kernel stack read at the stop.
    static func interruptedSnapshot() -> StopObservation {
        let r = regs { v in v[idx("orig_rax")] = UInt64(bitPattern: -1); v[idx("rax")] = 77; v[idx("rcx")] = 3; v[idx("r11")] = 4 }
        return StopObservation(kind: .snapshot, tid: 101, regs: r, procSyscall: "running",
                               kernelStack: frames(["ptrace_stop", "do_jobctl_trap", "get_signal", "arch_do_signal_or_restart", "irqentry_exit_to_user_mode", "asm_sysvec_reschedule_ipi"]),
                               maps: maps)
    }

    /// A thread blocked in read(0, buf, 16) on a pipe, /proc read before the stop.
    static func blockedSnapshot() -> StopObservation {
        let r = regs { v in
            v[idx("orig_rax")] = 0; v[idx("rax")] = UInt64(bitPattern: -512); v[idx("rdi")] = 0; v[idx("rsi")] = 0x7ffd_0000_f100; v[idx("rdx")] = 16
        }
        return StopObservation(kind: .snapshot, tid: 102, regs: r,
                               procSyscall: "0 0x0 0x7ffd0000f100 0x10 0x0 0x0 0x0 0x7ffd0000f000 0x401136",
                               kernelStack: frames(["anon_pipe_read", "vfs_read", "ksys_read", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"]),
                               kernelStackReadAtStop: false, maps: maps)
    }

    /// A SIGSEGV from a page fault at its signal-delivery stop.
    static func segvDelivery() -> StopObservation {
        let r = regs { v in v[idx("orig_rax")] = UInt64(bitPattern: -1); v[idx("eflags")] = 0x10246; v[idx("rax")] = 0; v[idx("rcx")] = 0 }
        var o = StopObservation(kind: .signalDelivery, tid: 100, regs: r, bytesBeforeIP: [0x48, 0x89],
                                kernelStack: frames(["ptrace_stop", "get_signal", "arch_do_signal_or_restart", "irqentry_exit_to_user_mode", "asm_exc_page_fault"]),
                                maps: maps, signo: 11)
        o.signalCode = 1
        return o
    }

    /// The handler's first instruction after a signal delivered at `before`, built the way get_sigframe() does.
    static func handlerEntry(before: Registers, signo: Int32 = 10, altstack: (UInt64, UInt64)? = nil, onstack: Bool = false,
                             xstate: UInt64 = 836, config: KernelConfig = .default) -> StopObservation {
        let layout = SignalFrameLayout(config: config, xstateSize: xstate)
        let base = onstack && altstack != nil ? altstack!.0 + altstack!.1 : before.rsp.rawValue - 128
        let (fp, sp) = layout.place(base: base)
        let nwords = Int((fp + 512 - sp) / 8)
        var w = [UInt64](repeating: 0, count: nwords)
        w[0] = libcMap.start.rawValue + 0x420
        if let a = altstack { w[3] = a.0; w[4] = 0; w[5] = a.1 } else { w[4] = 2 }
        w[SignalFrameLayout.word(.sp)] = before.rsp.rawValue
        w[SignalFrameLayout.word(.ip)] = before.rip.rawValue
        w[SignalFrameLayout.word(.ax)] = before.rax.rawValue
        w[SignalFrameLayout.word(.fpstate)] = fp
        w[SignalFrameLayout.siginfoWord] = UInt64(signo)
        w[Int((fp - sp + 464) / 8)] = UInt64(SignalFrameLayout.fpXstateMagic1) | (xstate << 32)
        let r = regs { v in
            v[idx("rip")] = textMap.start.rawValue + 0x80; v[idx("rsp")] = sp; v[idx("rdi")] = UInt64(signo)
            v[idx("rsi")] = sp + 312; v[idx("rdx")] = sp + 8; v[idx("rax")] = 0
            v[idx("eflags")] = before.eflags.rawValue & ~UInt64(0x10500); v[idx("orig_rax")] = before.origRax.rawValue
        }
        var m = maps
        if let a = altstack { m.append(MemoryMapping(start: Address(a.0), end: Address(a.0 + a.1), perms: "rw-p", offset: 0, inode: 0, path: "")) }
        var o = StopObservation(kind: .handlerEntry, tid: 100, regs: r, maps: m,
                                sigaltstack: altstack.map { (Address($0.0), $0.1) }, interruptedRegs: before, signo: signo,
                                saFlags: onstack ? 0x0C00_0004 : 0x0400_0004, saRestorer: Address(w[0]), handlerStackWords: w)
        o.saHandler = r.rip
        return o
    }
}

extension Crossing {
    func check(_ name: String) -> Check? { checks.first { $0.name == name } }
}

final class ModelTests: XCTestCase {
    let model = KernelStackModel()

    func assertAllHold(_ c: Crossing, _ names: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(c.failedChecks, [], file: file, line: line)
        for n in names { XCTAssertNotNil(c.check(n), "missing check \(n) in \(c.checks.map(\.name))", file: file, line: line) }
    }

    // MARK: configuration and layout

    func testConfigParsesKernelConfigText() {
        let text = "CONFIG_KASAN=y\nCONFIG_X86_FRED=y\n# CONFIG_RANDOMIZE_KSTACK_OFFSET is not set\nCONFIG_IA32_EMULATION=y\n"
        let c = KernelConfig.parse(configText: text, cpuinfo: "processor\t: 0\nvendor_id\t: GenuineIntel\n", source: "test")
        XCTAssertEqual(c.threadSize, 32 * 1024)
        XCTAssertTrue(c.fred)
        XCTAssertFalse(c.randomKstackOffset)
        XCTAssertEqual(c.cpuVendor, "GenuineIntel")
        XCTAssertEqual(c.istStackSize, 16 * 1024)
        let d = KernelConfig.parse(configText: nil)
        XCTAssertEqual(d.threadSize, 16 * 1024)
        XCTAssertEqual(d.cpuVendor, "AuthenticAMD")
        XCTAssertTrue(d.randomKstackOffset)
        let off = KernelConfig.parse(configText: "CONFIG_RANDOMIZE_KSTACK_OFFSET=y\nCONFIG_RANDOMIZE_KSTACK_OFFSET_DEFAULT=y\n", cmdline: "quiet randomize_kstack_offset=off")
        XCTAssertFalse(off.randomKstackOffset)
    }

    /// A real config has thousands of lines: the options read come out as the line-by-line parse gave them,
    /// and the scan costs less than splitting the text into lines at all (the old parse did that, and more,
    /// at the start of every trace: milliseconds against a 200 µs timer's whole run, #12).
    func testConfigParseOfAWholeConfigIsCheaperThanSplittingItsLines() {
        var lines: [String] = []
        for i in 0..<8000 { lines.append(i % 3 == 0 ? "# CONFIG_OPTION_\(i) is not set" : "CONFIG_OPTION_\(i)=\(i % 2 == 0 ? "y" : "\"m\"")") }
        lines.insert("CONFIG_KASAN=y", at: 4000)
        lines.insert("# CONFIG_X86_FRED is not set", at: 10)
        lines.insert("CONFIG_VMAP_STACK_EXTRA=y", at: 20)
        lines.insert("# CONFIG_VMAP_STACK is not set", at: 7000)
        lines.insert("CONFIG_IA32_EMULATION=m", at: 7500)
        let text = lines.joined(separator: "\n") + "\nCONFIG_RANDOMIZE_KSTACK_OFFSET=y\n# comment\n\n"
        let v = KernelConfig.optionValues(text, wanted: KernelConfig.optionsRead)
        XCTAssertEqual(v, ["KASAN": "y", "X86_FRED": "n", "VMAP_STACK": "n", "IA32_EMULATION": "m", "RANDOMIZE_KSTACK_OFFSET": "y"])
        let c = KernelConfig.parse(configText: text)
        XCTAssertTrue(c.kasan); XCTAssertFalse(c.fred); XCTAssertFalse(c.vmapStack); XCTAssertTrue(c.ia32Emulation)
        func fastest(_ body: () -> Void) -> UInt64 {
            (0..<5).map { _ in
                let t0 = DispatchTime.now().uptimeNanoseconds
                body()
                return DispatchTime.now().uptimeNanoseconds - t0
            }.min()!
        }
        let parse = fastest { _ = KernelConfig.parse(configText: text) }
        let split = fastest { _ = text.split(separator: "\n").count }
        print("config parse \(parse / 1000) µs, splitting its lines \(split / 1000) µs")
        XCTAssertLessThan(parse, split, "the parse costs more than splitting the config into lines")
    }

    func testPtRegsSlotOffsets() {
        XCTAssertEqual(PtRegsSlot.r15.offset, 0)
        XCTAssertEqual(PtRegsSlot.origAx.offset, 120)
        XCTAssertEqual(PtRegsSlot.ip.offset, 128)
        XCTAssertEqual(PtRegsSlot.ss.offset, 160)
        XCTAssertEqual(PtRegsSlot.allCases.count, 21)
        XCTAssertEqual(PtRegsSlot.allCases.map(\.userRegsName), Array(Registers.names.prefix(21)))
        let l = KernelStackLayout(config: .default)
        XCTAssertEqual(l.offsetFromTop(.ss), 8)
        XCTAssertEqual(l.offsetFromTop(.r15), 168)
        XCTAssertEqual(l.ptRegsAddress(stackBase: 0xffff_c900_0000_0000), 0xffff_c900_0000_4000 - 168)
        var fred = KernelConfig.default
        fred.fred = true
        XCTAssertEqual(KernelStackLayout(config: fred).offsetFromTop(.r15), 184)
        XCTAssertEqual(KernelStackLayout(config: fred).offsetFromTop(.ss), 24)
        XCTAssertEqual(l.forkFrameSize, 224)
    }

    // MARK: every way in

    func testEveryKindHasAFullPrediction() {
        for k in CrossingKind.allCases {
            let w = model.wayIn(k)
            XCTAssertEqual(w.slots.count, 21, "\(k)")
            XCTAssertEqual(w.slots.first?.slot, "ss", "\(k)")
            XCTAssertEqual(w.slots.last?.offsetFromTop, 168, "\(k)")
            XCTAssertFalse(w.stackSwitch.isEmpty, "\(k)")
            XCTAssertFalse(w.title.isEmpty, "\(k)")
        }
    }

    func slot(_ k: CrossingKind, _ s: String) -> SlotPrediction { model.wayIn(k).slots.first { $0.slot == s }! }

    func testSyscallPrediction() {
        let w = model.wayIn(.syscall)
        XCTAssertEqual(w.bytesBeforeIP, [0x0F, 0x05])
        XCTAssertEqual(w.auditArch, .x86_64)
        XCTAssertEqual(slot(.syscall, "cs").constant, 0x33)
        XCTAssertEqual(slot(.syscall, "ss").constant, 0x2b)
        XCTAssertEqual(slot(.syscall, "ax").constant, Address(signed: -38))
        XCTAssertEqual(slot(.syscall, "cx").pushedBy, .cpu)
        XCTAssertEqual(slot(.syscall, "ip").pushedBy, .entryCode)  // SYSCALL pushes nothing
        XCTAssertEqual(w.outermostFrames, ["entry_SYSCALL_64"])
        XCTAssertTrue(w.stackSwitch.joined().contains("TSS.sp2"))
    }

    func testInt80AndCompatPredictions() {
        XCTAssertEqual(slot(.int80, "ip").pushedBy, .cpu)
        XCTAssertEqual(slot(.int80, "cs").constant, 0x33)
        XCTAssertEqual(slot(.int80From32, "cs").constant, 0x23)
        XCTAssertEqual(model.wayIn(.int80).auditArch, .i386)
        XCTAssertTrue(slot(.int80, "bx").source.contains("arg 1"))
        XCTAssertEqual(slot(.syscall32, "ip").pushedBy, .kernel)
        XCTAssertTrue(slot(.syscall32, "ip").source.contains("landing pad"))
        XCTAssertTrue(slot(.sysenter, "sp").source.contains("placeholder 0"))
        XCTAssertEqual(model.wayIn(.syscall32).outermostFrames, ["entry_SYSCALL_compat"])
        XCTAssertEqual(model.wayIn(.sysenter).outermostFrames, ["entry_SYSENTER_compat"])
        XCTAssertEqual(model.wayIn(.sysenter).bytesBeforeIP, [0xCD, 0x80])
    }

    func testInterruptExceptionAndISTPredictions() {
        XCTAssertEqual(slot(.interrupt, "orig_ax").constant, Address(signed: -1))
        XCTAssertEqual(slot(.interrupt, "ss").pushedBy, .cpu)
        XCTAssertTrue(slot(.fault, "flags").source.contains("RF"))
        XCTAssertEqual(slot(.fault, "orig_ax").pushedBy, .cpu)  // the error code
        XCTAssertEqual(slot(.exception, "orig_ax").pushedBy, .entryCode)
        XCTAssertTrue(slot(.trap, "ip").source.contains("after the int3"))
        XCTAssertEqual(model.wayIn(.trap).outermostFrames, ["asm_exc_int3"])
        XCTAssertTrue(model.wayIn(.nmi).stack.hasPrefix("IST2"))
        XCTAssertTrue(model.wayIn(.df).stack.hasPrefix("IST1"))
        XCTAssertTrue(model.wayIn(.db).stack.hasPrefix("IST3"))
        XCTAssertTrue(model.wayIn(.mc).stack.hasPrefix("IST4"))
        XCTAssertTrue(model.wayIn(.nmi).stack.contains("8 KiB"))
        XCTAssertEqual(slot(.df, "orig_ax").constant, 0)
    }

    func testRewritingCrossingsPredictions() {
        XCTAssertEqual(slot(.signal, "ip").pushedBy, .kernel)
        XCTAssertTrue(slot(.signal, "si").source.contains("312"))
        XCTAssertEqual(slot(.signal, "ax").constant, 0)
        XCTAssertTrue(model.wayIn(.sigaltstack).stack.contains("sigaltstack"))
        XCTAssertEqual(slot(.sigreturn, "orig_ax").constant, Address(signed: -1))
        XCTAssertEqual(slot(.execve, "flags").constant, 0x202)
        XCTAssertEqual(slot(.execve, "r11").constant, 0)
        XCTAssertEqual(slot(.fork, "ax").constant, 0)
        XCTAssertTrue(model.wayIn(.fork).stackSwitch.joined().contains("224"))
        XCTAssertTrue(model.wayIn(.switch).stackSwitch.joined().contains("56 bytes"))
        XCTAssertTrue(model.wayIn(.switch).frameLayout.last!.contains("pt_regs"))
    }

    func testSignalFramePlacement() {
        let f = SignalFrameLayout(config: .default)
        let (fp, sp) = f.place(base: 0x7ffd_0000_f000 - 128)
        XCTAssertEqual(fp % 64, 0)
        XCTAssertEqual(sp % 16, 8)
        let used = 0x7ffd_0000_f000 - sp
        // 128 + 836 + (0…63 of XSAVE alignment) + 440 + 16 (round_down(sp, 16) - 8 from a 64-aligned fpstate).
        XCTAssertTrue(used >= 1420 && used <= 1483, "\(used)")
        XCTAssertTrue(used >= f.minimumBytes && used <= f.maximumBytes)
        XCTAssertEqual(SignalFrameLayout.word(.sp) * 8, 168)
        XCTAssertEqual(SignalFrameLayout.word(.ip) * 8, 176)
        XCTAssertEqual(SignalFrameLayout.word(.fpstate) * 8, 232)
    }

    func testSlotTextFormats() {
        XCTAssertEqual(SlotExpectation.value(0x2b).text, "0x2b")
        XCTAssertEqual(SlotExpectation.value(0).text, "0x0")
        XCTAssertEqual(SlotExpectation.value(UInt64(bitPattern: -38)).text, "-38")
        XCTAssertEqual(SlotExpectation.value(UInt64(bitPattern: -1)).text, "-1")
        XCTAssertEqual(SlotExpectation.value(UInt64.max - 5000).text, "0xffffffffffffec77")
        XCTAssertEqual(SlotExpectation.value(0x7ffd_0000_f000).text, Address(0x7ffd_0000_f000).description)
        XCTAssertEqual(PtRegsSlot.origAx.description, "orig_ax")
    }

    func testProcSyscallLineParses() {
        let p = ProcSyscallLine.parse("0 0x3 0x7ffd1 0x10 0x0 0x0 0x0 0x7ffd0 0x401136\n")!
        XCTAssertEqual(p.nr, 0)
        XCTAssertEqual(p.args.count, 6)
        XCTAssertEqual(p.pc, 0x40_1136)
        XCTAssertEqual(ProcSyscallLine.parse("-1 0x7ffd0 0x401136")?.nr, -1)
        XCTAssertEqual(ProcSyscallLine.parse("running")?.running, true)
        XCTAssertNil(ProcSyscallLine.parse("garbage"))
    }

    func testDiagramTextAnnotatesTheStack() {
        let t = model.diagramText(.syscall)
        XCTAssertTrue(t.contains("-168"))
        XCTAssertTrue(t.contains("orig_ax"))
        XCTAssertTrue(t.contains("SS0:ESP0"))
        XCTAssertTrue(t.contains("RSP0"))
        XCTAssertTrue(t.contains("IST"))
        XCTAssertTrue(t.contains("[model only]"))
        XCTAssertTrue(t.contains("SP_svc"))
        XCTAssertTrue(model.diagramText(.signal).contains("frame+312"))
    }

    // MARK: crossings where every check holds

    func testSyscallEntryAllChecksHold() {
        let c = model.crossing(for: Sample.syscallEntry())
        XCTAssertEqual(c.entry, .syscall)
        XCTAssertEqual(c.userStackMapping, "[stack]")
        assertAllHold(c, ["selectors.cpl", "selectors.cs", "selectors.ss", "entry.rax", "entry.orig_rax", "entry.ip", "entry.sp",
                          "syscall.rcx", "syscall.r11", "entry.bytes", "entry.arch", "entry.kind", "pt_regs",
                          "kstack.innermost", "kstack.outermost", "kstack.path", "user_rsp.mapping", "user_rsp.user_space"])
    }

    func testSeccompStopJudgedLikeAnEntryStop() {
        var o = Sample.syscallEntry()
        o.syscallInfo!.op = .seccomp
        assertAllHold(model.crossing(for: o), ["entry.ip", "entry.orig_rax", "pt_regs"])
    }

    /// A stop where the tracer did not read GET_SYSCALL_INFO (it samples it): the checks that need it are
    /// not made, and what the registers and the entry path alone say is still checked.
    func testEntryWithoutSyscallInfoChecksWhatTheRegistersShow() {
        var o = Sample.syscallEntry()
        o.syscallInfo = nil
        let c = model.crossing(for: o)
        XCTAssertEqual(c.entry, .syscall)
        assertAllHold(c, ["selectors.cs", "entry.rax", "syscall.rcx", "syscall.r11", "entry.bytes", "entry.kind", "pt_regs"])
        for name in ["entry.orig_rax", "entry.ip", "entry.sp", "entry.arch"] { XCTAssertNil(c.check(name), name) }
        XCTAssertTrue(c.check("pt_regs")!.expected.contains("GET_SYSCALL_INFO not read"), c.check("pt_regs")!.expected)
        var v = o.regs.values
        v[Sample.idx("rcx")] = 0x1234
        o.regs = Registers(values: v)
        let bad = model.crossing(for: o)
        XCTAssertEqual(bad.check("syscall.rcx")?.ok, false)
        XCTAssertEqual(bad.check("pt_regs")?.ok, false)
        XCTAssertTrue(bad.check("pt_regs")!.actual.contains("cx=0x1234"), bad.check("pt_regs")!.actual)
    }

    func testSleepSwitchesTheTaskOut() {
        var o = Sample.syscallExit()
        var e = o.entryRegs!.values
        e[Sample.idx("orig_rax")] = 230
        o.entryRegs = Registers(values: e)
        var r = o.regs.values
        r[Sample.idx("orig_rax")] = 230; r[Sample.idx("rax")] = 0
        o.regs = Registers(values: r)
        o.syscallInfo!.rval = 0
        o.entryContextSwitches = ContextSwitchCount(voluntary: 3, nonvoluntary: 1)
        o.contextSwitches = ContextSwitchCount(voluntary: 4, nonvoluntary: 1)
        XCTAssertEqual(model.crossing(for: o).check("switch.voluntary")?.ok, true)
        o.contextSwitches = ContextSwitchCount(voluntary: 3, nonvoluntary: 2)
        XCTAssertEqual(model.crossing(for: o).check("switch.voluntary")?.ok, false)
        XCTAssertEqual(ContextSwitchCount.parse(status: "Name:\tx\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n"),
                       ContextSwitchCount(voluntary: 12, nonvoluntary: 3))
    }

    func testSyscallExitAllChecksHold() {
        let c = model.crossing(for: Sample.syscallExit())
        assertAllHold(c, ["exit.is_error", "exit.rval", "exit.unchanged", "exit.pt_regs", "exit.kstack.path"])
        XCTAssertNil(c.check("entry.kind"))  // made at the entry stop
        XCTAssertNil(c.check("selectors.cs"))
    }

    func testInt80EntryAllChecksHold() {
        let c = model.crossing(for: Sample.int80Entry())
        XCTAssertEqual(c.entry, .int80)
        assertAllHold(c, ["entry.arch", "entry.bytes", "pt_regs", "entry.kind", "kstack.outermost"])
        XCTAssertNil(c.check("syscall.rcx"))  // int $0x80 keeps the user's RCX: no such prediction
    }

    func testCompatEntryOnAMDAllChecksHold() {
        let o = Sample.compatEntry()
        XCTAssertEqual(model.predictedKind(for: o), .syscall32)
        let c = model.crossing(for: o)
        XCTAssertEqual(c.entry, .syscall32)
        assertAllHold(c, ["entry.arch", "entry.bytes", "pt_regs", "entry.kind", "kstack.outermost", "selectors.cs"])
    }

    func testVDSOSigreturnTrampolinePredictsInt80() {
        // __kernel_rt_sigreturn: movl $173, %eax; int $0x80, inside the vDSO but not __kernel_vsyscall.
        var o = Sample.compatEntry()
        var v = o.regs.values
        v[Sample.idx("orig_rax")] = 173
        o.regs = Registers(values: v)
        o.syscallInfo!.nr = 173
        XCTAssertEqual(model.predictedKind(for: o), .int80From32)
        o.syscallInfo!.nr = 4
        o.regs = Sample.compatEntry().regs
        XCTAssertEqual(model.predictedKind(for: o), .syscall32)
    }

    func testRestartedCompatSyscallSnapshotPredictsInt80() {
        // Same landing-pad ip as the SYSCALL fast path: the outermost /proc frame decides.
        let o = Sample.restartedCompatSnapshot()
        XCTAssertEqual(model.predictedKind(for: o), .int80From32)
        let c = model.crossing(for: o)
        XCTAssertEqual(c.entry, .int80)
        XCTAssertEqual(c.phase, .blocked)
        assertAllHold(c, ["entry.kind", "kstack.outermost", "kstack.path", "pt_regs", "proc_syscall", "selectors.cs"])
        XCTAssertEqual(c.failedChecks, [])

        // The fast path's own stack still predicts it.
        var f = o
        f.kernelStack = Sample.frames(["anon_pipe_read", "vfs_read", "ksys_read", "do_fast_syscall_32", "entry_SYSCALL_compat_after_hwframe"])
        XCTAssertEqual(model.predictedKind(for: f), .syscall32)
        XCTAssertEqual(model.crossing(for: f).failedChecks, [])
    }

    func testCompatSnapshotEndingInEntrySyscall64Fails() {
        // A 32-bit task's crossing cannot come through the 64-bit SYSCALL entry.
        var o = Sample.restartedCompatSnapshot()
        o.kernelStack = Sample.frames(["anon_pipe_read", "vfs_read", "ksys_read", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"])
        XCTAssertEqual(model.predictedKind(for: o), .syscall32)
        let c = model.crossing(for: o)
        XCTAssertEqual(c.check("entry.kind")?.ok, false)
        XCTAssertEqual(c.check("kstack.outermost")?.ok, false)
        XCTAssertEqual(c.check("kstack.path")?.ok, false)
        // Nor does a direct int $0x80 outside the vDSO pass with the fast path's stack.
        var d = Sample.restartedCompatSnapshot()
        d.maps = [Sample.vdsoMap]
        d.regs = Registers(values: { var x = d.regs.values; x[Sample.idx("rip")] = 0x804_9000; return x }())
        d.procSyscall = "3 0x3 0xf7d2335c 0x40 0xf7f40ff4 0x0 0xf7d233a8 0xf7d23310 0x8049000"
        d.procSyscallAtStop = d.procSyscall
        d.kernelStack = Sample.frames(["anon_pipe_read", "vfs_read", "ksys_read", "do_fast_syscall_32", "entry_SYSCALL_compat_after_hwframe"])
        XCTAssertEqual(model.predictedKind(for: d), .int80From32)
        XCTAssertEqual(model.crossing(for: d).check("kstack.outermost")?.ok, false)
    }

    func testInterruptedSnapshotAllChecksHold() {
        let c = model.crossing(for: Sample.interruptedSnapshot())
        XCTAssertEqual(c.entry, .interrupt)
        XCTAssertEqual(c.phase, .running)
        assertAllHold(c, ["stop.orig_rax", "kstack.outermost", "kstack.innermost", "entry.kind"])
    }

    func testBlockedSnapshotAllChecksHold() {
        let c = model.crossing(for: Sample.blockedSnapshot())
        XCTAssertEqual(c.entry, .syscall)
        XCTAssertEqual(c.phase, .blocked)
        assertAllHold(c, ["proc_syscall", "pt_regs", "kstack.outermost"])
        XCTAssertNil(c.check("kstack.innermost"))  // read before the stop: no ptrace_stop expected
    }

    func testSnapshotOfAThreadThatMovedAfterTheProcRead() {
        // Read blocked in read(); by the stop it had returned and run on: the old line says nothing now.
        var o = Sample.blockedSnapshot()
        var v = o.regs.values
        v[Sample.idx("rip")] = 0x40_1190; v[Sample.idx("rsp")] = 0x7ffd_0000_ef00; v[Sample.idx("orig_rax")] = UInt64(bitPattern: -1)
        o.regs = Registers(values: v)
        var c = model.crossing(for: o)
        XCTAssertNil(c.check("proc_syscall"))
        XCTAssertNil(c.check("pt_regs"))
        XCTAssertEqual(c.failedChecks, [])
        // The line read at the stop is about these registers.
        o.procSyscallAtStop = "-1 0x7ffd0000ef00 0x401190"
        c = model.crossing(for: o)
        XCTAssertEqual(c.check("proc_syscall")?.ok, true)
        // Read 'running', but it entered a syscall before the interrupt landed: no orig_rax -1 claim.
        var r = Sample.interruptedSnapshot()
        r.regs = Registers(values: { var x = r.regs.values; x[Sample.idx("orig_rax")] = 0; return x }())
        r.procSyscallAtStop = "0 0x0 0x0 0x0 0x0 0x0 0x0 0x7ffd0000f000 0x401136"
        XCTAssertNil(model.crossing(for: r).check("stop.orig_rax"))
        // Preempted when /proc was read (interrupt frames), inside a syscall by the stop: the old frames are dropped.
        var q = Sample.interruptedSnapshot()
        q.kernelStackReadAtStop = false
        q.kernelStack = Sample.frames(["irqentry_exit_to_user_mode", "asm_sysvec_apic_timer_interrupt"])
        q.procSyscall = "-1 0x7ffd0000f000 0x401130"
        q.regs = Registers(values: { var x = q.regs.values; x[Sample.idx("orig_rax")] = 0; return x }())
        let qc = model.crossing(for: q)
        XCTAssertNil(qc.check("kstack.outermost"))
        XCTAssertEqual(qc.failedChecks, [])
    }

    func testFaultDeliveryAllChecksHold() {
        let c = model.crossing(for: Sample.segvDelivery())
        XCTAssertEqual(c.entry, .exception)
        assertAllHold(c, ["stop.orig_rax", "exception.rf", "kstack.outermost", "kstack.path", "entry.kind"])
    }

    func testHandlerEntryOnUserStackAllChecksHold() {
        let c = model.crossing(for: Sample.handlerEntry(before: Sample.regs()))
        XCTAssertEqual(c.entry, .signal)
        assertAllHold(c, ["signal.rdi", "signal.rsi", "signal.rdx", "signal.rax", "signal.alignment", "signal.flags", "signal.handler",
                          "signal.placement", "signal.frame_size", "signal.fpstate", "signal.restorer", "signal.saved_sp",
                          "signal.saved_ip", "signal.siginfo"])
    }

    func testHandlerEntryOnSigaltstackAllChecksHold() {
        let alt: (UInt64, UInt64) = (0x4c_8000, 0x4000)
        let c = model.crossing(for: Sample.handlerEntry(before: Sample.regs(), altstack: alt, onstack: true))
        XCTAssertEqual(c.userStackMapping, "sigaltstack")
        assertAllHold(c, ["signal.placement", "signal.altstack", "signal.uc_stack", "signal.saved_sp"])
    }

    func testHandlerEntryAfterInterruptedSyscallRestarts() {
        // nanosleep interrupted with -ERESTART_RESTARTBLOCK: the frame saves rax = -EINTR, same ip.
        let before = Sample.regs { v in v[Sample.idx("orig_rax")] = 230; v[Sample.idx("rax")] = UInt64(bitPattern: -516) }
        var o = Sample.handlerEntry(before: before)
        var w = o.handlerStackWords!
        w[SignalFrameLayout.word(.ax)] = UInt64(bitPattern: -4)
        o.handlerStackWords = w
        XCTAssertEqual(model.crossing(for: o).failedChecks, [])
        w[SignalFrameLayout.word(.ax)] = UInt64(bitPattern: -516)
        o.handlerStackWords = w
        XCTAssertEqual(model.crossing(for: o).check("signal.saved_ip")?.ok, false)
    }

    // MARK: every check can fail

    /// Each case breaks one fact and names the check that must catch it.
    func testEveryCheckFailsWhenItsFactBreaks() {
        typealias Case = (String, StopObservation)
        func entry(_ f: (inout StopObservation) -> Void) -> StopObservation { var o = Sample.syscallEntry(); f(&o); return o }
        func exit(_ f: (inout StopObservation) -> Void) -> StopObservation { var o = Sample.syscallExit(); f(&o); return o }
        func regsWith(_ o: StopObservation, _ n: String, _ v: UInt64) -> Registers {
            var vals = o.regs.values; vals[Sample.idx(n)] = v; return Registers(values: vals)
        }
        func handler(_ f: (inout StopObservation) -> Void) -> StopObservation {
            var o = Sample.handlerEntry(before: Sample.regs()); f(&o); return o
        }
        func word(_ o: inout StopObservation, _ i: Int, _ v: UInt64) { var w = o.handlerStackWords!; w[i] = v; o.handlerStackWords = w }
        let cases: [Case] = [
            ("selectors.cpl", entry { $0.regs = regsWith($0, "cs", 0x10) }),
            ("selectors.cs", entry { $0.regs = regsWith($0, "cs", 0x2b) }),
            ("selectors.ss", entry { $0.regs = regsWith($0, "ss", 0x18) }),
            ("selectors.data", entry { $0.regs = regsWith($0, "fs", 0x63) }),
            ("entry.rax", entry { $0.regs = regsWith($0, "rax", 0) }),
            ("entry.orig_rax", entry { $0.regs = regsWith($0, "orig_rax", 2) }),
            ("entry.ip", entry { $0.syscallInfo!.instructionPointer = 0x40_1000 }),
            ("entry.sp", entry { $0.syscallInfo!.stackPointer = 0x7ffd_0000_e000 }),
            ("entry.syscall_info", entry { $0.syscallInfo!.op = .none }),
            ("syscall.rcx", entry { $0.regs = regsWith($0, "rcx", 0) }),
            ("syscall.r11", entry { $0.regs = regsWith($0, "r11", 0x202) }),
            ("entry.bytes", entry { $0.bytesBeforeIP = [0x90, 0x90] }),
            ("entry.arch", entry { $0.syscallInfo!.arch = SyscallInfo.auditArchI386 }),
            ("entry.kind", entry { $0.kernelStack = Sample.frames(["ptrace_stop", "syscall_trace_enter", "do_int80_emulation", "asm_int80_emulation"]) }),
            ("pt_regs", entry { $0.regs = regsWith($0, "rdx", 6) }),
            ("kstack.innermost", entry { $0.kernelStack = Array($0.kernelStack!.dropFirst()) }),
            ("kstack.outermost", entry { $0.kernelStack = Array($0.kernelStack!.dropLast()) }),
            ("kstack.path", entry { $0.kernelStack = Sample.exitFrames }),
            ("user_rsp.mapping", entry { $0.regs = regsWith($0, "rsp", 0x4c_1000); $0.syscallInfo!.stackPointer = 0x4c_1000 }),
            ("user_rsp.user_space", entry { $0.regs = regsWith($0, "rsp", 0xffff_c900_0000_3f00) }),
            ("exit.is_error", exit { $0.syscallInfo!.isError = true }),
            ("exit.rval", exit { $0.syscallInfo!.rval = 4 }),
            ("exit.syscall_info", exit { $0.syscallInfo!.op = .entry }),
            ("exit.unchanged", exit { $0.regs = regsWith($0, "rip", 0x40_1138) }),
            ("exit.pt_regs", exit { $0.regs = regsWith($0, "r12", 9) }),
            ("exit.kstack.path", exit { $0.kernelStack = Sample.entryFrames }),
            ("stop.orig_rax", { var o = Sample.interruptedSnapshot(); o.regs = regsWith(o, "orig_rax", 0); return o }()),
            ("stop.orig_rax", { var o = Sample.segvDelivery(); o.regs = regsWith(o, "orig_rax", 0); return o }()),
            ("exception.rf", { var o = Sample.segvDelivery(); o.regs = regsWith(o, "eflags", 0x246); return o }()),
            ("exception.rf", { var o = Sample.segvDelivery(); o.signo = 5; o.bytesBeforeIP = [0x90, 0xCC]; return o }()),
            ("exception.trap_ip", { var o = Sample.segvDelivery(); o.signo = 5; o.bytesBeforeIP = [0x90, 0x90]; o.regs = regsWith(o, "eflags", 0x246); return o }()),
            ("proc_syscall", { var o = Sample.blockedSnapshot(); o.regs = regsWith(o, "orig_rax", 7); return o }()),
            ("proc_syscall", { var o = Sample.blockedSnapshot(); o.procSyscallAtStop = "0 0x0 0x7ffd0000f100 0x10 0x0 0x0 0x0 0x7ffd0000e000 0x401136"; return o }()),
            ("proc_syscall", { var o = Sample.interruptedSnapshot(); o.procSyscallAtStop = "running"; return o }()),
            ("pt_regs", { var o = Sample.blockedSnapshot(); o.regs = regsWith(o, "rdx", 17); return o }()),
            ("signal.rdi", handler { $0.regs = regsWith($0, "rdi", 11) }),
            ("signal.rsi", handler { $0.regs = regsWith($0, "rsi", $0.regs.rsp.rawValue + 304) }),
            ("signal.rdx", handler { $0.regs = regsWith($0, "rdx", $0.regs.rsp.rawValue) }),
            ("signal.rax", handler { $0.regs = regsWith($0, "rax", 1) }),
            ("signal.alignment", handler { $0.regs = regsWith($0, "rsp", $0.regs.rsp.rawValue - 8) }),
            ("signal.flags", handler { $0.regs = regsWith($0, "eflags", 0x10246) }),
            ("signal.handler", handler { $0.regs = regsWith($0, "rip", 0x40_1999) }),
            ("signal.placement", handler { $0.interruptedRegs = regsWith($0, "rsp", 0x7ffd_0000_f400) }),
            ("signal.frame_size", handler { $0.interruptedRegs = regsWith($0, "rsp", 0x7ffd_0000_f800) }),
            ("signal.fpstate", handler { word(&$0, SignalFrameLayout.word(.fpstate), $0.handlerStackWords![SignalFrameLayout.word(.fpstate)] + 64) }),
            ("signal.frame_read", handler { $0.handlerStackWords = Array($0.handlerStackWords!.prefix(30)) }),
            ("signal.restorer", handler { word(&$0, 0, 0x1234) }),
            ("signal.saved_sp", handler { word(&$0, SignalFrameLayout.word(.sp), 0x7ffd_0000_e000) }),
            ("signal.saved_ip", handler { word(&$0, SignalFrameLayout.word(.ip), 0x40_1100) }),
            ("signal.siginfo", handler { word(&$0, SignalFrameLayout.siginfoWord, 12) }),
            ("signal.altstack", { var o = Sample.handlerEntry(before: Sample.regs(), altstack: (0x4c_8000, 0x4000), onstack: true); o.saFlags = 0x0400_0004; return o }()),
            ("signal.uc_stack", { var o = Sample.handlerEntry(before: Sample.regs(), altstack: (0x4c_8000, 0x4000), onstack: true); word(&o, 5, 0x2000); return o }()),
            ("signal.sig32", { () -> StopObservation in
                let b = Sample.regs { $0[Sample.idx("cs")] = 0x23; $0[Sample.idx("rsp")] = 0xffff_d000 }
                var o = Sample.handlerEntry(before: b); o.regs = regsWith(o, "cs", 0x23); o.regs = regsWith(o, "rsp", 0xffff_c00c)
                o.handlerStackWords = [0xf7fc_1000 | (11 << 32), 0]; o.saFlags = 0; return o }()),
            ("signal.rt32", { () -> StopObservation in
                let b = Sample.regs { $0[Sample.idx("cs")] = 0x23; $0[Sample.idx("rsp")] = 0xffff_d000 }
                var o = Sample.handlerEntry(before: b); o.regs = regsWith(o, "cs", 0x23); o.regs = regsWith(o, "rsp", 0xffff_c00c)
                o.handlerStackWords = [0xf7fc_1000 | (10 << 32), 0xffff_c01c | (0xffff_c0a0 << 32)]; return o }()),
            ("signal.below", { () -> StopObservation in
                let b = Sample.regs { $0[Sample.idx("cs")] = 0x23; $0[Sample.idx("rsp")] = 0xffff_d000 }
                var o = Sample.handlerEntry(before: b); o.regs = regsWith(o, "cs", 0x23); o.regs = regsWith(o, "rsp", 0xffff_d010); return o }()),
        ]
        for (name, o) in cases {
            let c = model.crossing(for: o)
            let hit = c.checks.filter { $0.name == name }
            XCTAssertFalse(hit.isEmpty, "\(name): check not made; made \(c.checks.map(\.name))")
            XCTAssertTrue(hit.contains { !$0.ok }, "\(name) did not fail: \(hit)")
        }
    }

    // MARK: a wrong model makes checks fail

    func testIntelConfigPredictsSysenterAndFailsOnAMDEvidence() {
        var intel = KernelConfig.default
        intel.cpuVendor = "GenuineIntel"
        let m = KernelStackModel(config: intel)
        let o = Sample.compatEntry()
        XCTAssertEqual(m.predictedKind(for: o), .sysenter)
        let c = m.crossing(for: o)
        XCTAssertEqual(c.check("entry.kind")?.ok, false)
        XCTAssertEqual(c.check("kstack.outermost")?.ok, false)
        XCTAssertEqual(c.check("pt_regs")?.ok, true)  // the model drops the R8/R11 prediction for SYSENTER
    }

    func testWrongRedZoneBreaksSignalPlacement() {
        var wrong = KernelConfig.default
        wrong.redZone = 0
        let c = KernelStackModel(config: wrong).crossing(for: Sample.handlerEntry(before: Sample.regs()))
        XCTAssertEqual(c.check("signal.placement")?.ok, false)
        XCTAssertEqual(c.check("signal.frame_size")?.ok, false)
    }

    func testWrongFrameSizeBreaksSignalPlacement() {
        var wrong = KernelConfig.default
        wrong.rtSigframeSize = 480
        let c = KernelStackModel(config: wrong).crossing(for: Sample.handlerEntry(before: Sample.regs()))
        XCTAssertEqual(c.check("signal.placement")?.ok, false)
    }

    func testExecveAndSigreturnExits() {
        // execve: new ip/sp, GPRs cleared, flags 0x202.
        let e = Sample.regs { $0[Sample.idx("orig_rax")] = 59 }
        let newStack = MemoryMapping(start: 0x7fff_0000_0000, end: 0x7fff_0002_1000, perms: "rw-p", offset: 0, inode: 0, path: "[stack]")
        let ld = MemoryMapping(start: 0x7f20_0000_0000, end: 0x7f20_0002_0000, perms: "r-xp", offset: 0, inode: 9, path: "/lib64/ld-linux-x86-64.so.2")
        var v = [UInt64](repeating: 0, count: 27)
        v[Sample.idx("rip")] = 0x7f20_0000_1100; v[Sample.idx("rsp")] = 0x7fff_0002_0000; v[Sample.idx("cs")] = 0x33
        v[Sample.idx("ss")] = 0x2b; v[Sample.idx("eflags")] = 0x202; v[Sample.idx("orig_rax")] = 59
        var o = StopObservation(kind: .syscallExit, tid: 1, regs: Registers(values: v),
                                syscallInfo: SyscallInfo(op: .exit, arch: SyscallInfo.auditArchX86_64, instructionPointer: 0x7f20_0000_1100,
                                                         stackPointer: 0x7fff_0002_0000, rval: 0, isError: false),
                                maps: [ld, newStack], entryRegs: e)
        var c = model.crossing(for: o)
        XCTAssertEqual(c.failedChecks, [])
        XCTAssertNotNil(c.check("execve.ip"))
        XCTAssertNil(c.check("exit.unchanged"))
        v[Sample.idx("rcx")] = 0x7f20_0000_1100
        o.regs = Registers(values: v)
        c = model.crossing(for: o)
        XCTAssertEqual(c.check("exit.pt_regs")?.ok, false)
        // The new ip must be code of the new image, the new sp in [stack].
        o.maps = [MemoryMapping(start: ld.start, end: ld.end, perms: "rw-p", offset: 0, inode: 9, path: ld.path), Sample.heapMap]
        c = model.crossing(for: o)
        XCTAssertEqual(c.check("execve.ip")?.ok, false)
        XCTAssertEqual(c.check("execve.sp")?.ok, false)

        // rt_sigreturn: rip/rsp/rax come back from the ucontext at the entry rsp; orig_rax -1.
        let se = Sample.regs { $0[Sample.idx("orig_rax")] = 15; $0[Sample.idx("rsp")] = 0x7ffd_0000_e008 }
        var uc = [UInt64](repeating: 0, count: 40)
        uc[SignalFrameLayout.word(.ip) - 1] = 0x40_1150
        uc[SignalFrameLayout.word(.sp) - 1] = 0x7ffd_0000_f000
        uc[SignalFrameLayout.word(.ax) - 1] = 3
        var rv = Sample.regs().values
        for (n, x) in [("rip", 0x40_1150), ("rsp", 0x7ffd_0000_f000), ("rax", 3), ("orig_rax", UInt64(bitPattern: -1)),
                       ("rdi", 0), ("rsi", 0), ("rdx", 0), ("rcx", 0), ("r11", 0), ("rbp", 0), ("rbx", 0)] as [(String, UInt64)] {
            rv[Sample.idx(n)] = x
        }
        var so = StopObservation(kind: .syscallExit, tid: 1, regs: Registers(values: rv),
                                 syscallInfo: SyscallInfo(op: .exit, arch: SyscallInfo.auditArchX86_64, instructionPointer: 0x40_1150,
                                                          stackPointer: 0x7ffd_0000_f000, rval: 3, isError: false),
                                 maps: Sample.maps, entryRegs: se)
        so.sigreturnFrameWords = uc
        c = model.crossing(for: so)
        XCTAssertEqual(c.failedChecks, [])
        XCTAssertNotNil(c.check("sigreturn.orig_rax"))
        rv[Sample.idx("orig_rax")] = 15
        so.regs = Registers(values: rv)
        XCTAssertEqual(model.crossing(for: so).check("sigreturn.orig_rax")?.ok, false)
        // Without the frame words: the restored rsp must lie above the frame it popped.
        so.sigreturnFrameWords = nil
        XCTAssertEqual(model.crossing(for: so).check("sigreturn.sp")?.ok, true)
        rv[Sample.idx("rsp")] = 0x7ffd_0000_d000
        so.regs = Registers(values: rv)
        XCTAssertEqual(model.crossing(for: so).check("sigreturn.sp")?.ok, false)
    }
}
