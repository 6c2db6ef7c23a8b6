/// Per-call cost of what the output thread does for one traced write(2) with crossings: the model
/// judges the entry and the exit stop, and the record is written as a JSON line. Compiled -O outside SwiftPM.
@main struct JudgeBench {
    static func main() {
        let model = KernelStackModel()
        let p = MemoryMapping.parse("7ffe8a347000-7ffe8a368000 rw-p 00000000 00:00 0                          [stack]")[0]
        var maps = (0..<18).map { i in
            MemoryMapping(start: Address(0x5555_0000_0000 + UInt64(i) * 0x10000), end: Address(0x5555_0000_0000 + UInt64(i) * 0x10000 + 0x1000),
                          perms: i % 2 == 0 ? "r-xp" : "r--p", offset: 0, inode: 1234, path: "/usr/lib/x86_64-linux-gnu/libc.so.6")
        }
        maps.append(p)
        maps.append(MemoryMapping(start: 0x7ffe8a3f0000, end: 0x7ffe8a3f2000, perms: "r-xp", offset: 0, inode: 0, path: "[vdso]"))
        var v = [UInt64](repeating: 0, count: 27)
        // user_regs_struct order: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs
        v[0] = 0x7fcd74fba020; v[1] = 0x55fe826dedd8; v[2] = 0x55fe826dd00e; v[3] = 0xa; v[4] = 3; v[6] = 0x202
        v[7] = 0x7fcd74da94f0; v[9] = 0x1999999999999999; v[10] = UInt64(bitPattern: -38); v[11] = 0x7fcd74e88350
        v[12] = 2; v[13] = 0x55fe826dd00e; v[14] = 3; v[15] = 1; v[16] = 0x7fcd74e88350; v[17] = 0x33; v[18] = 0x202
        v[19] = 0x7ffe8a366f88; v[20] = 0x2b; v[21] = 0x7fcd74da9740
        let entryRegs = Registers(values: v)
        var x = v; x[10] = 2
        let exitRegs = Registers(values: x)
        let args = [Address(3), Address(0x55fe826dd00e), Address(2), Address(0x7fcd74da94f0), Address(0x1999999999999999), Address(0)]
        let entryInfo = SyscallInfo(op: .entry, arch: SyscallInfo.auditArchX86_64, instructionPointer: entryRegs.rip,
                                    stackPointer: entryRegs.rsp, nr: 1, args: args)
        let exitInfo = SyscallInfo(op: .exit, arch: SyscallInfo.auditArchX86_64, instructionPointer: entryRegs.rip,
                                   stackPointer: entryRegs.rsp, rval: 2, isError: false)
        var entry = StopObservation(kind: .syscallEntry, tid: 7, regs: entryRegs, syscallInfo: entryInfo, bytesBeforeIP: [0x0F, 0x05], maps: maps)
        entry.is32BitTask = false
        var exit = StopObservation(kind: .syscallExit, tid: 7, regs: exitRegs, syscallInfo: exitInfo, bytesBeforeIP: [0x0F, 0x05],
                                   maps: maps, entryRegs: entryRegs)
        exit.is32BitTask = false
        exit.entryAuditArch = SyscallInfo.auditArchX86_64
        let base = SyscallRecord(pid: 7, tid: 7, abi: .x86_64, nr: 1, name: "write", args: ["3</dev/null>", "\"ab\"", "2"],
                                 rawArgs: args, ret: 2, entryNs: 1, exitNs: 2, entryRegs: entryRegs, exitRegs: exitRegs)
        let n = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 200_000
        let clock = ContinuousClock()
        var total = 0
        let t0 = clock.now
        for _ in 0..<n {
            var c = model.crossing(for: entry)
            c.checks += model.crossing(for: exit).checks
            total += c.checks.count
        }
        let t1 = clock.now
        let buf = JSONLineBuffer(capacity: 1 << 20)
        for _ in 0..<n {
            var c = model.crossing(for: entry)
            c.checks += model.crossing(for: exit).checks
            var r = base
            r.crossing = c
            TraceRecordJSON.appendLine(.syscall(r), to: buf)
            total += buf.count
            buf.removeAll()
        }
        let t2 = clock.now
        for _ in 0..<n {
            TraceRecordJSON.appendLine(.syscall(base), to: buf)
            total += buf.count
            buf.removeAll()
        }
        let t3 = clock.now
        print("judge: \((t1 - t0) / n) per call")
        print("judge+json: \((t2 - t1) / n) per call")
        print("json without crossing: \((t3 - t2) / n) per call (\(total))")
    }
}
