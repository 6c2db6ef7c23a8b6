import Foundation
import XCTest
import StackCross

/// The kernel-stack model held against real crossings: every check on every stop must hold,
/// run through the real CLI on the model fixtures.
final class ModelIntegrationTests: XCTestCase {
    func traceRecords(_ binary: URL, kernelStack: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws -> (RunResult, [TraceRecord]) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-model-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        var args = ["trace", "-o", out.path]
        if kernelStack { args.append("--kernel-stack") }
        let r = try stackcross(args + ["--", binary.path], timeout: 60)
        let text = try String(contentsOf: out, encoding: .utf8)
        let recs = try TraceFile.records(text)
        XCTAssertFalse(recs.isEmpty, "no records", file: file, line: line)
        return (r, recs)
    }

    func crossing(_ r: TraceRecord) -> Crossing? {
        switch r {
        case .syscall(let s): s.crossing
        case .signal(let s): s.crossing
        default: nil
        }
    }

    /// Fails with every check that did not hold; returns the names of all checks made.
    @discardableResult
    func assertEveryCheckHolds(_ recs: [TraceRecord], file: StaticString = #filePath, line: UInt = #line) -> Set<String> {
        var names = Set<String>()
        for r in recs {
            guard let c = crossing(r) else { continue }
            for ch in c.checks {
                names.insert(ch.name)
                if !ch.ok { XCTFail("\(r.type) \(describe(r)): \(ch.name) expected \(ch.expected), saw \(ch.actual)", file: file, line: line) }
            }
        }
        return names
    }

    func describe(_ r: TraceRecord) -> String {
        switch r {
        case .syscall(let s): "\(s.abi) \(s.name)"
        case .signal(let s): s.name
        default: r.type
        }
    }

    func syscalls(_ recs: [TraceRecord]) -> [SyscallRecord] {
        recs.compactMap { if case .syscall(let s) = $0 { return s } else { return nil } }
    }

    func signals(_ recs: [TraceRecord]) -> [SignalRecord] {
        recs.compactMap { if case .signal(let s) = $0 { return s } else { return nil } }
    }

    func testSyscallAndInt80FromA64BitProgram() throws {
        let (r, recs) = try traceRecords(try fixture("model_syscalls"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "hello\ni80\nok\n")
        let names = assertEveryCheckHolds(recs)
        for n in ["selectors.cpl", "selectors.cs", "selectors.ss", "selectors.data", "entry.rax", "entry.orig_rax", "entry.ip", "entry.sp",
                  "syscall.rcx", "syscall.r11", "entry.bytes", "entry.arch", "entry.kind", "pt_regs",
                  "kstack.innermost", "kstack.outermost", "kstack.path", "user_rsp.mapping", "user_rsp.user_space",
                  "exit.unchanged", "exit.is_error", "exit.pt_regs", "exit.kstack.path", "execve.ip", "execve.sp",
                  "switch.voluntary"] {
            XCTAssertTrue(names.contains(n), "missing \(n)")
        }
        let s = syscalls(recs)
        let hello = try XCTUnwrap(s.first { $0.abi == .x86_64 && $0.name == "write" && $0.ret == 6 })
        XCTAssertEqual(hello.crossing?.entry, .syscall)
        XCTAssertEqual(hello.kernelStack?.first?.symbol, "ptrace_stop")
        XCTAssertEqual(hello.kernelStack?.last?.symbol, "entry_SYSCALL_64_after_hwframe")
        // eax=4 through int $0x80 is the i386 write, not x86_64 stat.
        let i80 = try XCTUnwrap(s.first { $0.abi == .i386 && $0.nr == 4 })
        XCTAssertEqual(i80.name, "write")
        XCTAssertEqual(i80.ret, 4)
        XCTAssertEqual(i80.crossing?.entry, .int80)
        XCTAssertNil(i80.crossing?.checks.first { $0.name == "syscall.rcx" }, "int $0x80 keeps RCX: no such prediction")
        XCTAssertEqual(i80.kernelStack?.last?.symbol, "asm_int80_emulation")
        XCTAssertEqual(s.first { $0.abi == .i386 && $0.nr == 20 }?.name, "getpid")
    }

    func testA32BitProgramThroughTheVDSOAndInt80() throws {
        let (r, recs) = try traceRecords(try fixture("model_syscalls", .m32))
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = assertEveryCheckHolds(recs)
        for n in ["selectors.cs", "entry.arch", "entry.bytes", "entry.kind", "pt_regs", "kstack.outermost", "exit.pt_regs"] {
            XCTAssertTrue(names.contains(n), "missing \(n)")
        }
        let vendor = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.contains("GenuineIntel") == true
        let vdsoPath: EntryKind = vendor ? .sysenter : .syscall32
        let s = syscalls(recs).filter { $0.abi == .i386 }
        let writes = s.filter { $0.name == "write" }
        XCTAssertEqual(writes.count, 3)
        // glibc's writes go through __kernel_vsyscall; the hand-made one through int $0x80.
        XCTAssertEqual(writes.filter { $0.crossing?.entry == vdsoPath }.count, 2, "\(writes.map { $0.crossing?.entry })")
        XCTAssertEqual(writes.filter { $0.crossing?.entry == .int80 }.count, 1)
        XCTAssertTrue(writes.allSatisfy { $0.entryRegs?.cs.rawValue == 0x23 })
    }

    /// The same live crossings judged by a model told the wrong CPU vendor: the 32-bit vDSO path is
    /// then predicted as SYSENTER, and the kernel frames the trace read prove it wrong.
    func testWrongVendorModelFailsOnLiveCompatCrossings() throws {
        let (_, recs) = try traceRecords(try fixture("model_syscalls", .m32))
        let vendor = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8).contains("GenuineIntel") ? "GenuineIntel" : "AuthenticAMD"
        var right = KernelConfig.default
        right.cpuVendor = vendor
        var wrong = right
        wrong.cpuVendor = vendor == "GenuineIntel" ? "AuthenticAMD" : "GenuineIntel"
        let viaVDSO = syscalls(recs).filter { $0.abi == .i386 && ($0.crossing?.entry == .syscall32 || $0.crossing?.entry == .sysenter) }
        XCTAssertFalse(viaVDSO.isEmpty)
        for s in viaVDSO {
            let e = try XCTUnwrap(s.entryRegs)
            let info = SyscallInfo(op: .entry, arch: SyscallInfo.auditArchI386, instructionPointer: e.rip, stackPointer: e.rsp,
                                   nr: s.nr, args: s.rawArgs)
            var obs = StopObservation(kind: .syscallEntry, tid: s.tid, regs: e, syscallInfo: info, bytesBeforeIP: [0xCD, 0x80],
                                      kernelStack: s.kernelStack)
            obs.is32BitTask = true
            XCTAssertEqual(KernelStackModel(config: right).crossing(for: obs).failedChecks, [], s.name)
            let bad = KernelStackModel(config: wrong).crossing(for: obs)
            XCTAssertEqual(bad.checks.first { $0.name == "entry.kind" }?.ok, false, s.name)
            XCTAssertEqual(bad.checks.first { $0.name == "kstack.outermost" }?.ok, false, s.name)
        }
    }

    func testSignalsOnTheStackOnASigaltstackASegfaultAndInt3() throws {
        let (r, recs) = try traceRecords(try fixture("model_signals"))
        // The single step into each handler must not change what the program does.
        XCTAssertEqual(r.stdout, "usr1=1 usr2=1 onalt=1 segv=1 trap=1\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = assertEveryCheckHolds(recs)
        for n in ["signal.rdi", "signal.rsi", "signal.rdx", "signal.alignment", "signal.placement", "signal.fpstate",
                  "signal.restorer", "signal.saved_sp", "signal.saved_ip", "signal.altstack", "signal.uc_stack",
                  "signal.siginfo", "signal.frame_size", "exception.rf", "exception.trap_ip", "stop.orig_rax",
                  "sigreturn.orig_rax"] {
            XCTAssertTrue(names.contains(n), "missing \(n)")
        }
        let sig = signals(recs)
        XCTAssertEqual(sig.map(\.name), ["SIGUSR1", "SIGUSR2", "SIGSEGV", "SIGTRAP"])
        for s in sig {
            let checks = s.crossing?.checks.map(\.name) ?? []
            XCTAssertTrue(checks.contains("signal.placement"), "\(s.name): \(checks)")
            XCTAssertEqual(s.crossing?.phase?.rawValue.hasSuffix("handler-entry"), true)
        }
        let usr2 = try XCTUnwrap(sig.first { $0.name == "SIGUSR2" })
        XCTAssertTrue(usr2.crossing!.checks.contains { $0.name == "signal.altstack" && $0.actual.contains("on the sigaltstack") })
        XCTAssertEqual(sig.first { $0.name == "SIGSEGV" }?.crossing?.entry, .exception)
        XCTAssertEqual(sig.first { $0.name == "SIGTRAP" }?.crossing?.entry, .exception)
        XCTAssertEqual(sig.first { $0.name == "SIGUSR1" }?.crossing?.entry, .syscall, "raise() delivers at the exit of tgkill")
    }

    /// A 32-bit program's signals: the i386 frames, and sigreturn through the vDSO's own int $0x80.
    func testSignalsInA32BitProgram() throws {
        let (r, recs) = try traceRecords(try fixture("model_signals", .m32))
        XCTAssertEqual(r.stdout, "usr1=1 usr2=1 onalt=1 segv=1 trap=1\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = assertEveryCheckHolds(recs)
        for n in ["signal.below", "signal.alignment", "signal.sig32", "signal.rt32", "signal.restorer", "exception.rf", "exception.trap_ip", "sigreturn.orig_rax", "kstack.outermost"] {
            XCTAssertTrue(names.contains(n), "missing \(n)")
        }
        let returns = syscalls(recs).filter { $0.name == "sigreturn" || $0.name == "rt_sigreturn" }
        XCTAssertEqual(returns.count, 3)
        XCTAssertTrue(returns.allSatisfy { $0.crossing?.entry == .int80 }, "\(returns.map { $0.crossing?.entry })")
    }

    func testWithoutKernelStackNoKernelFrameChecks() throws {
        let (r, recs) = try traceRecords(try fixture("model_syscalls"), kernelStack: false)
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = assertEveryCheckHolds(recs)
        XCTAssertFalse(names.contains("kstack.outermost"))
        XCTAssertTrue(names.contains("pt_regs"))
        XCTAssertTrue(syscalls(recs).allSatisfy { $0.kernelStack == nil })
    }

    func testAttachSpinningThreadAndBlockedThread() throws {
        let target = try RunningFixture(try fixture("model_spin"))
        defer { target.stop() }
        // READY is printed just before main's read(): wait until /proc shows main blocked in it (nr 0).
        XCTAssertTrue(eventually { procSyscallNumber(target.pid, tid: target.pid) == 0 }, "main never blocked in read")
        let r = try stackcross(["attach", "--json", String(target.pid)], timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        let snap = try JSONDecoder().decode(Snapshot.self, from: r.stdoutData)
        XCTAssertEqual(snap.threads.count, 2)
        var names = Set<String>()
        for t in snap.threads {
            let c = try XCTUnwrap(t.crossing, "thread \(t.tid)")
            for ch in c.checks {
                names.insert(ch.name)
                XCTAssertTrue(ch.ok, "thread \(t.tid) \(t.name): \(ch.name) expected \(ch.expected), saw \(ch.actual)")
            }
        }
        let main = try XCTUnwrap(snap.threads.first { $0.tid == target.pid })
        XCTAssertEqual(main.crossing?.entry, .syscall)
        XCTAssertEqual(main.crossing?.phase, .blocked)
        XCTAssertEqual(main.crossing?.userStackMapping, "[stack]")
        XCTAssertTrue(main.crossing!.checks.contains { $0.name == "proc_syscall" })
        XCTAssertTrue(main.crossing!.checks.contains { $0.name == "pt_regs" })
        let spinner = try XCTUnwrap(snap.threads.first { $0.tid != target.pid })
        XCTAssertEqual(spinner.crossing?.entry, .interrupt)
        XCTAssertEqual(spinner.registers?.origRax.signed, -1)
        XCTAssertEqual(spinner.crossing?.userStackMapping, "thread stack")
        for n in ["stop.orig_rax", "selectors.cpl", "selectors.cs", "selectors.ss", "user_rsp.mapping", "entry.kind"] {
            XCTAssertTrue(spinner.crossing!.checks.contains { $0.name == n }, "spinner lacks \(n)")
        }
        XCTAssertTrue(names.contains("kstack.outermost"))
        XCTAssertEqual(procStatus(target.pid)["TracerPid"], "0", "detached")
    }

    /// The first attach interrupts the 32-bit threads' syscalls; the kernel restarts them through the vDSO's
    /// `int $0x80` (ip rewound by 2), so the second attach sees int80 where the first saw SYSCALL.
    func testSecondAttachTo32BitProcessSeesRestartedSyscallsThroughInt80() throws {
        let target = try RunningFixture(try fixture("threads", .m32))
        defer { target.stop() }
        for attempt in 1...2 {
            let r = try stackcross(["attach", "--json", String(target.pid)], timeout: 30)
            XCTAssertEqual(r.status, 0, r.stderr)
            let snap = try JSONDecoder().decode(Snapshot.self, from: r.stdoutData)
            for t in snap.threads {
                let c = try XCTUnwrap(t.crossing, "attach \(attempt) thread \(t.tid)")
                for ch in c.checks where !ch.ok {
                    XCTFail("attach \(attempt) thread \(t.tid) \(t.name): \(ch.name) expected \(ch.expected), saw \(ch.actual)")
                }
            }
            let reader = try XCTUnwrap(snap.threads.first { $0.name == "reader" })
            let outer = reader.kernelStack.last?.symbol ?? ""
            XCTAssertTrue(reader.crossing?.checks.contains { $0.name == "kstack.outermost" } ?? false, "attach \(attempt): no kstack.outermost")
            if attempt == 1 {
                // The vDSO's fast path: SYSCALL on AMD, SYSENTER on Intel.
                XCTAssertTrue([.syscall32, .sysenter].contains(reader.crossing?.entry), "first attach: \(String(describing: reader.crossing?.entry))")
                XCTAssertTrue(outer.hasPrefix("entry_SYSCALL_compat") || outer.hasPrefix("entry_SYSENTER_compat"), outer)
            } else {
                XCTAssertEqual(reader.crossing?.entry, .int80, "second attach: restarted through int $0x80")
                XCTAssertTrue(outer.hasPrefix("asm_int80_emulation"), outer)
            }
        }
        XCTAssertEqual(procStatus(target.pid)["TracerPid"], "0", "detached")
    }

    func testModelCommand() throws {
        let r = try stackcross(["model", "--entry", "sysenter"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("entry_SYSENTER_compat"))
        XCTAssertTrue(r.stdout.contains("-168"))
        XCTAssertTrue(r.stdout.contains("SS0:ESP0"))
        let bad = try stackcross(["model", "--entry", "teleport"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("syscall32") && bad.stderr.contains("sigaltstack"), bad.stderr)
        let j = try stackcross(["model", "--entry", "int80", "--json"])
        XCTAssertEqual(j.status, 0)
        let d = try JSONDecoder().decode(KernelStackDiagram.self, from: j.stdoutData)
        XCTAssertEqual(d.way.kind, .int80)
        XCTAssertEqual(d.way.slots.count, 21)
        XCTAssertEqual(d.way.slots.first { $0.slot == "ip" }?.pushedBy, .cpu)
        XCTAssertTrue(d.config.source.contains("/proc") || d.config.source.contains("/boot"), d.config.source)
        XCTAssertTrue(d.mechanisms.contains { $0.architecture.hasPrefix("ARM") && $0.modelOnly })

        // Another kernel's layout: FRED moves pt_regs 16 bytes down, KASAN doubles the stack.
        let f = try stackcross(["model", "--fred", "--kasan", "--json"])
        XCTAssertEqual(f.status, 0, f.stderr)
        let fd = try JSONDecoder().decode(KernelStackDiagram.self, from: f.stdoutData)
        XCTAssertEqual(fd.ptRegsOffsetFromTop, 184)
        XCTAssertEqual(fd.threadSize, 32 * 1024)
        XCTAssertEqual(fd.way.slots.first { $0.slot == "r15" }?.offsetFromTop, 184)
        let intel = try stackcross(["model", "--entry", "syscall32", "--vendor", "intel"])
        XCTAssertTrue(intel.stdout.contains("GenuineIntel"), intel.stdout)
        XCTAssertEqual(try stackcross(["model", "--vendor", "via"]).status, 64)
    }
}
