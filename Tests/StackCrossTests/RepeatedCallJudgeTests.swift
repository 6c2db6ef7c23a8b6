import XCTest
@testable import StackCross

/// The live trace reuses a thread's last verdict for a call of the same shape: whatever the call, the verdict
/// must be the full judge's.
final class RepeatedCallJudgeTests: XCTestCase {
    let model = KernelStackModel()

    /// write(1, buf, 5) by SYSCALL from a 64-bit task, GET_SYSCALL_INFO not read (the sampled-out stops).
    static func plainCall(tid: Int32 = 100, maps: [MemoryMapping] = Sample.maps,
                          entry ef: (inout [UInt64]) -> Void = { _ in }, exit xf: (inout [UInt64]) -> Void = { _ in },
                          edit: (inout StopObservation, inout StopObservation) -> Void = { _, _ in }) -> SyscallObservations {
        let e = Sample.regs(ef)
        let x = Sample.regs { v in
            v = (0..<27).map { e[index: $0] }
            v[Sample.idx("rax")] = 5
            xf(&v)
        }
        var entry = StopObservation(kind: .syscallEntry, tid: tid, regs: e, bytesBeforeIP: [0x0F, 0x05], maps: maps)
        entry.is32BitTask = false
        var exit = StopObservation(kind: .syscallExit, tid: tid, regs: x, bytesBeforeIP: [0x0F, 0x05], maps: maps, entryRegs: e)
        exit.is32BitTask = false
        edit(&entry, &exit)
        return SyscallObservations(entry: entry, exit: exit)
    }

    func full(_ c: SyscallObservations, _ detail: CrossingDetail = .failures) -> Crossing? { model.crossing(for: c, detail: detail) }

    /// The call with GET_SYSCALL_INFO read at the stops named, as the registers predict it (the sampled calls).
    static func withPredictedInfo(_ call: SyscallObservations, entry: Bool = true, exit: Bool = true) -> SyscallObservations {
        var c = call
        if entry, let e = c.entry { c.entry?.syscallInfo = StopDerivation.predictedInfo(e.kind, regs: e.regs, abi: .x86_64) }
        if exit, let x = c.exit {
            c.exit?.syscallInfo = StopDerivation.predictedInfo(x.kind, regs: x.regs, abi: .x86_64)
            // The probe hands the exit its entry's arch when the entry read the info.
            if entry, c.entry?.syscallInfo != nil { c.exit?.entryAuditArch = SyscallInfo.auditArchX86_64 }
        }
        return c
    }

    /// Every 32nd call reads GET_SYSCALL_INFO: when it says what the registers say, its verdict is reused too
    /// (its own template: it has more checks), and the plain calls around it keep theirs.
    func testACallWithPredictedInfoReusesTheVerdictOfTheLastSuchCall() {
        var judge = RepeatedCallJudge()
        var fullyJudged = 0
        for i in 0..<12 {
            let plain = Self.plainCall(entry: { v in
                v[Sample.idx("rbx")] = UInt64(i); v[Sample.idx("rdx")] = UInt64(i + 1); v[Sample.idx("rdi")] = UInt64(i % 3)
                v[Sample.idx("rsp")] -= UInt64(i * 16)
            })
            let call = i % 3 == 0 ? Self.withPredictedInfo(plain) : plain
            let before = judge.reused
            let c = judge.crossing(for: call, model: model)
            if judge.reused == before { fullyJudged += 1 }
            XCTAssertEqual(c, full(call), "call \(i)")
            XCTAssertEqual(c?.userRsp, call.entry!.regs.rsp)
            XCTAssertEqual(c?.syscall, i % 3 == 0 ? full(call)?.syscall : nil, "call \(i)")
            if i % 3 == 0 { XCTAssertNotNil(c?.syscall, "the entry's info names the call, with its own arguments") }
        }
        XCTAssertEqual(fullyJudged, 2, "the first plain call and the first call with info are judged in full")
        // Info read at one stop only is another shape: judged in full the first time.
        for (entry, exit) in [(true, false), (false, true)] {
            let call = Self.withPredictedInfo(Self.plainCall(), entry: entry, exit: exit)
            XCTAssertEqual(judge.crossing(for: call, model: model), full(call), "info at entry \(entry), exit \(exit)")
        }
    }

    /// At `.names` (`stackcross check`, the views' tallies) the reused verdict lists every check by name, as the
    /// full judge does; at `.all` (every check's values in words) nothing is reused.
    func testARepeatedCallReusesTheNamesVerdictButNeverTheWordedOne() {
        var names = RepeatedCallJudge(detail: .names), all = RepeatedCallJudge(detail: .all)
        for i in 0..<5 {
            let call = Self.plainCall(entry: { v in
                v[Sample.idx("rbx")] = UInt64(i); v[Sample.idx("rsp")] -= UInt64(i * 16)
            })
            let c = names.crossing(for: call, model: model)
            XCTAssertEqual(c, full(call, .names), "call \(i)")
            XCTAssertEqual(c?.checks.count, 14)
            XCTAssertEqual(c?.checks.allSatisfy(\.ok), true)
            XCTAssertNil(c?.passed)
            XCTAssertEqual(all.crossing(for: call, model: model), full(call, .all), "call \(i)")
        }
        XCTAssertEqual(names.reused, 4)
        XCTAssertEqual(all.reused, 0)
    }

    func testARepeatedCallReusesTheVerdictAndItIsTheFullJudges() {
        var judge = RepeatedCallJudge()
        for i in 0..<5 {
            // Each call differs in what the checks never read as values: counters, arguments, the stack depth.
            let call = Self.plainCall(entry: { v in
                v[Sample.idx("rbx")] = UInt64(i); v[Sample.idx("rdx")] = UInt64(i + 1)
                v[Sample.idx("rsp")] -= UInt64(i * 16)
            })
            let c = judge.crossing(for: call, model: model)
            XCTAssertEqual(c, full(call), "call \(i)")
            XCTAssertEqual(c?.passed, 14)
            XCTAssertEqual(c?.userRsp, call.entry!.regs.rsp)
        }
        XCTAssertEqual(judge.reused, 4, "the first call is judged in full, the next four reuse its verdict")
    }

    /// After a plain call primed the thread's template, each change below must give the full judge's verdict:
    /// either the reuse declines or the verdict is the same. Most of them fail a check; the reuse must not hide it.
    func testEveryChangeAChecksReadsGivesTheFullJudgesVerdict() { sweepEveryChange(.failures) }

    func testEveryChangeAChecksReadsGivesTheFullJudgesNamesVerdict() { sweepEveryChange(.names) }

    func sweepEveryChange(_ detail: CrossingDetail) {
        typealias Regs = (inout [UInt64]) -> Void
        let r = Sample.idx
        let stackTop = Sample.stackMap.end.rawValue
        let entryChanges: [(String, Regs)] = [
            ("rcx not rip", { $0[r("rcx")] = 0x1234 }),
            ("r11 not flags", { $0[r("r11")] = 0x202 }),
            ("rax not -ENOSYS", { $0[r("rax")] = 0 }),
            ("cs 0x23", { $0[r("cs")] = 0x23 }),
            ("ss 0", { $0[r("ss")] = 0 }),
            ("ds set", { $0[r("ds")] = 0x2b }),
            ("fs set", { $0[r("fs")] = 0x63 }),
            ("RF set", { $0[r("eflags")] |= 0x10000; $0[r("r11")] |= 0x10000 }),
            ("IF clear", { $0[r("eflags")] &= ~0x200; $0[r("r11")] &= ~0x200 }),
            ("rsp in the thread stack", { $0[r("rsp")] = 0x7f00_0000_1000 }),
            ("rsp in the heap", { $0[r("rsp")] = 0x4c_1000 }),
            ("rsp in no mapping", { $0[r("rsp")] = 0x10 }),
            ("rsp in kernel space", { $0[r("rsp")] = 0xffff_8880_0000_0000 }),
            ("rsp just above the stack", { $0[r("rsp")] = stackTop }),
            ("execve", { $0[r("orig_rax")] = 59 }),
            ("rt_sigreturn", { $0[r("orig_rax")] = 15 }),
            ("clone", { $0[r("orig_rax")] = 56 }),
            ("nanosleep", { $0[r("orig_rax")] = 35 }),
        ]
        let exitChanges: [(String, Regs)] = PtRegsSlot.allCases.filter { $0 != .ax }.map { s in
            ("exit \(s) changed", { $0[Self.registerIndex(s)] ^= 0x40 })
        } + [("clone child", { $0[r("rax")] = 0 })]
        var calls: [(String, SyscallObservations)] = entryChanges.map { ($0.0, Self.plainCall(entry: $0.1)) }
        calls += exitChanges.map { ($0.0, Self.plainCall(exit: $0.1)) }
        calls.append(("clone child of clone", Self.plainCall(entry: { $0[r("orig_rax")] = 56 }, exit: { $0[r("rax")] = 0 })))
        calls += [
            ("bytes int $0x80", Self.plainCall { e, _ in e.bytesBeforeIP = [0xCD, 0x80] }),
            ("no bytes", Self.plainCall { e, _ in e.bytesBeforeIP = nil }),
            ("info at the entry", Self.plainCall { e, _ in
                e.syscallInfo = SyscallInfo(op: .entry, arch: SyscallInfo.auditArchX86_64, instructionPointer: e.regs.rip,
                                            stackPointer: e.regs.rsp, nr: 2, args: [1, 0x40_2000, 5, 0, 0, 0])
            }),
            ("info at the exit", Self.plainCall { _, x in
                x.syscallInfo = SyscallInfo(op: .exit, arch: SyscallInfo.auditArchX86_64, instructionPointer: x.regs.rip,
                                            stackPointer: x.regs.rsp, rval: 6, isError: false)
            }),
            ("kernel stack", Self.plainCall { e, _ in e.kernelStack = Sample.frames(["ptrace_stop", "do_int80_emulation"]) }),
            ("32-bit task", Self.plainCall { e, x in e.is32BitTask = true; x.is32BitTask = true }),
            ("bitness unknown", Self.plainCall { e, _ in e.is32BitTask = nil }),
            ("injected", Self.plainCall { _, x in x.injectedReturn = -1 }),
            ("sigaltstack holds rsp", Self.plainCall { e, _ in e.sigaltstack = (Sample.stackMap.start, 0x100_0000) }),
            ("entry arch i386", Self.plainCall { _, x in x.entryAuditArch = SyscallInfo.auditArchI386 }),
            ("exit's entry regs differ", Self.plainCall { _, x in x.entryRegs = Sample.regs { $0[r("rbx")] = 99 } }),
            ("a sleep that switched", Self.plainCall(entry: { $0[r("orig_rax")] = 35 }, exit: { $0[r("rax")] = 0 }) { _, x in
                x.entryContextSwitches = ContextSwitchCount(voluntary: 3, nonvoluntary: 0)
                x.contextSwitches = ContextSwitchCount(voluntary: 3, nonvoluntary: 0)
            }),
            ("no maps", Self.plainCall { e, x in e.maps = nil; x.maps = nil }),
            ("other maps, rsp in a stack", Self.plainCall(maps: [Sample.stackMap])),
            ("other maps, stack now anonymous", Self.plainCall(maps: [MemoryMapping(start: Sample.stackMap.start, end: Sample.stackMap.end,
                                                                                   perms: "rw-p", offset: 0, inode: 0, path: "")])),
        ]
        // Info that is not what the registers say: each of its checks must fail as the full judge says.
        let predicted = Self.withPredictedInfo(Self.plainCall())
        let infoChanges: [(String, (inout SyscallInfo) -> Void, Bool)] = [
            ("info nr", { $0.nr = 2 }, true), ("info arg", { $0.args?[2] = 6 }, true), ("info ip", { $0.instructionPointer = 0x1234 }, true),
            ("info sp", { $0.stackPointer = 0x10 }, true), ("info arch i386", { $0.arch = SyscallInfo.auditArchI386 }, true),
            ("info op none", { $0.op = .none }, true), ("info op exit at the entry", { $0.op = .exit }, true),
            ("info rval", { $0.rval = 6 }, false), ("info is_error", { $0.isError = true }, false),
            ("info op entry at the exit", { $0.op = .entry }, false), ("info exit sp", { $0.stackPointer = 0x10 }, false),
        ]
        for (name, change, atEntry) in infoChanges {
            var c = predicted
            if atEntry { change(&c.entry!.syscallInfo!) } else { change(&c.exit!.syscallInfo!) }
            calls.append((name, c))
        }
        var failing = 0
        for (name, call) in calls {
            // Each change as a plain call and as a call that read the info the registers predict, after both
            // kinds of template were primed.
            for (kind, c) in [("", call), (" with info", Self.withPredictedInfo(call))] {
                var judge = RepeatedCallJudge(detail: detail)
                let primer = judge.crossing(for: Self.plainCall(), model: model)
                XCTAssertEqual(primer, full(Self.plainCall(), detail))
                XCTAssertEqual((primer?.passed ?? 0) + (primer?.checks.filter(\.ok).count ?? 0), 14)
                XCTAssertEqual(judge.crossing(for: predicted, model: model), full(predicted, detail))
                XCTAssertEqual(judge.crossing(for: predicted, model: model), full(predicted, detail))
                XCTAssertEqual(judge.reused, 1, "the second call with info reuses the first's verdict")
                let got = judge.crossing(for: c, model: model)
                XCTAssertEqual(got, full(c, detail), name + kind)
                if !(full(c)?.checks.isEmpty ?? true) { failing += 1 }
            }
        }
        XCTAssertGreaterThan(failing, 60, "most changes break a check")
    }

    /// The in-place comparisons the judge and the writer use are `==` of the copies.
    func testInPlaceRegisterComparisonsAreEquality() {
        let base = Self.plainCall()
        var cases: [(StopObservation, StopObservation)] = [(base.exit!, base.entry!)]
        for i in 0..<27 {
            var x = base.exit!
            x.entryRegs = Sample.regs { $0 = (0..<27).map { base.entry!.regs[index: $0] }; $0[i] ^= 0x10 }
            cases.append((x, base.entry!))
        }
        var none = base.exit!
        none.entryRegs = nil
        cases.append((none, base.entry!))
        for (n, (x, e)) in cases.enumerated() {
            XCTAssertEqual(x.entryRegsAreRegs(of: e), x.entryRegs == e.regs, "case \(n)")
            XCTAssertEqual(x.hasEntryRegs, x.entryRegs != nil, "case \(n)")
            var h = StopObservation(kind: .handlerEntry, tid: 1, regs: e.regs, interruptedRegs: x.entryRegs)
            XCTAssertEqual(h.interruptedRegsAreRegs(of: e), h.interruptedRegs == e.regs, "case \(n)")
            XCTAssertEqual(h.hasInterruptedRegs, h.interruptedRegs != nil, "case \(n)")
            h.interruptedRegs = nil
            XCTAssertFalse(h.interruptedRegsAreRegs(of: e))
        }
        XCTAssertTrue(cases[0].0.entryRegsAreRegs(of: cases[0].1))
    }

    func testTemplatesAreKeptPerThread() {
        var judge = RepeatedCallJudge()
        _ = judge.crossing(for: Self.plainCall(tid: 1), model: model)
        // Another thread's call in the thread stack is judged in full, and keeps the first thread's template.
        let other = Self.plainCall(tid: 2, entry: { $0[Sample.idx("rsp")] = 0x7f00_0000_1000 })
        XCTAssertEqual(judge.crossing(for: other, model: model), full(other))
        XCTAssertEqual(judge.reused, 0)
        _ = judge.crossing(for: Self.plainCall(tid: 1), model: model)
        XCTAssertEqual(judge.reused, 1)
    }

    static func registerIndex(_ s: PtRegsSlot) -> Int {
        let name: String = switch s {
        case .bp: "rbp"
        case .bx: "rbx"
        case .ax: "rax"
        case .cx: "rcx"
        case .dx: "rdx"
        case .si: "rsi"
        case .di: "rdi"
        case .origAx: "orig_rax"
        case .ip: "rip"
        case .flags: "eflags"
        case .sp: "rsp"
        default: s.description
        }
        return Sample.idx(name)
    }
}
