import CStackCross
import Glibc
import Logging
import StackCross

/// Syscall stops: entry and exit, what is read while the task is stopped and what after.
extension SyscallTracer {
    // MARK: Syscall stops

    /// At a stop only what needs the stopped task happens (ptrace reads, tracee memory, extensions); the
    /// task is resumed before the records are built and written, so that work overlaps its running.
    func onSyscallStop(_ t: TracedTask) {
        var info = sc_syscall_info()
        var regs = sc_user_regs()
        // Once the task's syscall state is known, everything GET_SYSCALL_INFO reports follows from the
        // registers (and, for the entry's ABI, the instruction before rip): one ptrace request less per stop.
        // The model holds the kernel's own view against the registers on a sample of calls (`readsInfo`).
        var derived = false
        if t.syscallStateKnown, !readsInfo(t) {
            guard let r = try? ptrace.rawRegisters(t.tid) else {
                resume(t)
                return
            }
            regs = r
            if t.inSyscall {
                info = Self.exitInfo(regs: regs, arch: t.entryArch)
                derived = true
            } else if let arch = entryArch(t, regs) {
                info = Self.entryInfo(regs: regs, arch: arch)
                derived = true
            }
        }
        if !derived {
            guard let i = try? ptrace.rawSyscallInfo(t.tid), i.op != UInt8(SC_SYSCALL_INFO_NONE),
                  let r = try? ptrace.rawRegisters(t.tid) else {
                resume(t)
                return
            }
            (info, regs) = (i, r)
            t.syscallStateKnown = true
        }
        t.infoRead = !derived
        if Int(info.op) == Int(SC_SYSCALL_INFO_ENTRY) { t.entryInfoRead = !derived }
        switch Int(info.op) {
        case Int(SC_SYSCALL_INFO_ENTRY):
            if detachAtExecve(t, nr: Int64(bitPattern: info.u.entry.nr), arch: info.arch) { return }
            let a = info.u.entry.args
            let reported = syscallEntry(t, info: info, nr: Int64(bitPattern: info.u.entry.nr),
                                        args: (a.0, a.1, a.2, a.3, a.4, a.5), regs: regs)
            resume(t, signal: t.injectSignal)
            t.injectSignal = 0
            if reported { completeEntry(t, info: info, regs: regs) }
        case Int(SC_SYSCALL_INFO_EXIT):
            if t.injection != nil, t.entry != nil { tamperAtExit(t, &regs) }
            let done = syscallExit(t, info: info, regs: regs)
            // signal= of an injection whose entry was a seccomp stop (a signal given there is dropped).
            resume(t, signal: t.injectSignal)
            t.injectSignal = 0
            if let call = done { completeExit(t, call, info: info, regs: regs) }
        default:
            resume(t)
        }
    }

    /// Whether this stop reads GET_SYSCALL_INFO although the registers give it: when the model judges, the
    /// entry and exit of every `infoInterval`-th call of a task (every call with --checks all), and the exit of
    /// an injected call (the kernel's -ENOSYS, which rax no longer shows). Counted per call at its entry.
    func readsInfo(_ t: TracedTask) -> Bool {
        guard observing else { return false }
        if t.inSyscall { return t.entryInfoRead || t.injection != nil }
        guard t.callsUntilInfo <= 0 else {
            t.callsUntilInfo -= 1
            return false
        }
        t.callsUntilInfo = infoInterval - 1
        return true
    }

    /// Per-syscall facts, looked up by number on the hot path instead of by name.
    struct SyscallFlags: OptionSet {
        let rawValue: UInt8
        /// Has output arguments (read's buffer): decoded again at the exit stop.
        static let decodeAtExit = SyscallFlags(rawValue: 1)
        /// A successful call may change what an fd refers to.
        static let changesFds = SyscallFlags(rawValue: 2)
        /// A successful call may map other code where code was: the cached bytes before rip go.
        static let remapsCode = SyscallFlags(rawValue: 8)
        /// Selected by -e trace=SET.
        static let traced = SyscallFlags(rawValue: 4)
    }

    /// The flags of every syscall number of both ABIs under `filter`.
    static func flagTables(filter: SyscallFilter) -> (x86_64: [SyscallFlags], i386: [SyscallFlags]) {
        func table(_ t: SyscallTable, _ abi: SyscallABI) -> [SyscallFlags] {
            (0..<t.limit).map { nr in
                var f: SyscallFlags = []
                if filter.contains(abi: abi, nr: Int64(nr)) { f.insert(.traced) }
                if let name = t.name(Int64(nr)) {
                    let argc = SyscallDecoder.argKinds(abi: abi, name: name).count
                    if SyscallLine.entryArgumentCount(abi: abi, nr: Int64(nr), argCount: argc) < argc {
                        f.insert(.decodeAtExit)
                    }
                    let effects = SyscallEffects.of(name)
                    if effects.contains(.changesFdTable) { f.insert(.changesFds) }
                    if effects.contains(.mapsCode) { f.insert(.remapsCode) }
                }
                return f
            }
        }
        return (table(.x86_64, .x86_64), table(.i386, .i386))
    }

    func flags(_ abi: SyscallABI, _ nr: Int64) -> SyscallFlags {
        let (start, end) = abi == .i386 ? (i386FlagsStart, flagsByNumber.count) : (0, i386FlagsStart)
        if nr >= 0, nr < Int64(end - start) { return flagsByNumber[start + Int(nr)] }
        return options.filter.contains(abi: abi, nr: nr) ? .traced : []
    }

    /// The entry stop, task stopped: returns whether the call is reported.
    func syscallEntry(_ t: TracedTask, info: sc_syscall_info, nr: Int64, args: Args6, regs: sc_user_regs) -> Bool {
        t.inSyscall = true
        t.entryArch = info.arch
        t.entry = nil
        t.injection = nil
        let abi = (SyscallABI(auditArch: info.arch) ?? .x86_64)
        let f = flags(abi, nr)
        if !tracesAll, !f.contains(.traced) { return false }
        if !options.injections.isEmpty { tamperAtEntry(t, abi: abi, nr: nr, regs: regs) }
        let now = sc_monotonic_ns()
        if observing { t.entryBytesBeforeIP = bytesBeforeIP(t, regs.rip) }
        let words = [args.0, args.1, args.2, args.3, args.4, args.5]
        let d = SyscallDecoder.decode(abi: abi, nr: nr, args: words, memory: memory(t), stringLimit: options.stringLimit,
                                      at: .entry, stackPointer: regs.rsp, constants: options.constants)
        // -v: execve's arrays whole.
        let decoded = options.verbose
            ? SyscallDecoder.verbose(abi: abi, nr: nr, rawArgs: words, args: d.args, memory: memory(t),
                                     stringLimit: options.stringLimit, at: .entry, constants: options.constants)
            : d.args
        let entryRegs = Registers(regs)
        // Made whole and boxed at once: the extensions change it in its box, nothing copies it.
        let call = ReportedCall(pid: t.process.pid, tid: t.tid, abi: abi, nr: nr, name: TraceNames.syscallName(abi: abi, nr: nr),
                                args: decoded, rawArgs: words.map { Address($0) }, strings: d.strings.isEmpty ? nil : d.strings,
                                entryNs: now, entryRegs: entryRegs)
        let at = stop(t)
        if extensionsObserve {
            var obs = entryObservation(t, info: info, regs: entryRegs)
            for e in extensions { e.observe(&obs, at: at) }
            t.entryObservation = obs
        }
        for e in extensions { e.syscallEntered(&call.record, at: at) }
        t.entry = call
        return true
    }

    /// The entry stop's observation for the model.
    func entryObservation(_ t: TracedTask, info: sc_syscall_info, regs: Registers) -> StopObservation {
        var si = t.infoRead ? SyscallInfo(info) : nil
        // A seccomp stop is this call's entry stop (same nr and args); the model judges entries.
        if si?.op == .seccomp { si?.op = .entry }
        return StopObservation(kind: .syscallEntry, tid: t.tid, regs: regs, syscallInfo: si,
                               bytesBeforeIP: t.entryBytesBeforeIP)
    }

    /// After the entry stop, task running: the observation the model will judge, and the live line.
    func completeEntry(_ t: TracedTask, info: sc_syscall_info, regs: sc_user_regs) {
        guard let call = t.entry, let r = call.record.entryRegs else { return }
        if t.entryObservation == nil, output.judgeCrossings { t.entryObservation = entryObservation(t, info: info, regs: r) }
        if wantsText { output.submit(.entered(call.record)) }
    }

    /// The exit stop, task stopped: takes the call's record and reads what the call wrote.
    func syscallExit(_ t: TracedTask, info: sc_syscall_info, regs: sc_user_regs) -> ReportedCall? {
        let wasIn = t.inSyscall
        t.inSyscall = false
        var ret = info.u.exit.rval
        let abi = (SyscallABI(auditArch: info.arch) ?? .x86_64)
        let at = stop(t)
        for e in extensions { e.syscallExited(abi: abi, nr: Int64(bitPattern: regs.orig_rax), ret: ret, at: at) }
        guard let call = t.entry else {
            if !wasIn { syscallExitWithoutEntry(t, info: info, regs: regs) }
            return nil
        }
        t.entry = nil
        reportedCalls += 1
        // The record is changed in its box, never copied out.
        // An injected call returns what the tracer wrote (the kernel's -ENOSYS stays in the observation's info).
        if let v = t.injection?.ret { ret = v }
        call.record.injected = t.injection.take()
        call.record.ret = ret
        call.record.exitNs = sc_monotonic_ns()
        let nr = call.record.nr
        let f = flags(abi, nr)
        let mem = memory(t)
        let rawArgs = f.contains(.decodeAtExit) ? call.record.rawArgs.map { $0.rawValue } : []
        if f.contains(.decodeAtExit) {
            let d = SyscallDecoder.decode(abi: abi, nr: nr, args: rawArgs, memory: mem,
                                          stringLimit: options.stringLimit, at: .exit(ret),
                                          entry: (call.record.args, call.record.strings ?? [:]),
                                          constants: options.constants)
            call.record.args = d.args
            call.record.strings = d.strings.isEmpty ? nil : d.strings
            // -v: structs in full.
            if options.verbose {
                call.record.args = SyscallDecoder.verbose(abi: abi, nr: nr, rawArgs: rawArgs, args: d.args, memory: mem,
                                                          stringLimit: options.stringLimit, at: .exit(ret),
                                                          constants: options.constants)
            }
        }
        call.record.retNote = SyscallDecoder.returnNote(abi: abi, nr: nr, rawArgs: call.record.rawArgs, ret: ret, memory: mem,
                                                        stringLimit: options.verbose ? Int.max : options.stringLimit,
                                                        constants: options.constants)
        if f.contains(.changesFds), !Errno.isError(ret) { t.process.fds.invalidate() }
        if f.contains(.remapsCode), !Errno.isError(ret) { t.process.forgetBytesBeforeIP() }
        if observing { t.exitBytesBeforeIP = bytesBeforeIP(t, regs.rip) }
        if extensionsObserve {
            var obs = exitObservation(t, call, info: info, regs: Registers(regs))
            for e in extensions { e.observe(&obs, at: at) }
            t.exitObservation = obs
        }
        if !options.dumpReads.isEmpty || !options.dumpWrites.isEmpty { call.record.dump = dumped(call.record, ret: ret, memory: mem) }
        // The returned fd's path goes into the record: every view renders `3</path>` from it (ReturnRendering).
        call.record.retPath = Self.returnedPath(abi: abi, nr: nr, ret: ret, rawArgs: call.record.rawArgs, memory: mem)
        return call
    }

    /// `SyscallRecord.retPath`: the path of the fd a call returned; the common calls skip the work.
    static func returnedPath(abi: SyscallABI, nr: Int64, ret: Int64, rawArgs: [Address], memory: TraceeMemory) -> TraceeString? {
        switch ReturnRendering.kind(abi: abi, nr: nr) {
        case .fd, .fcntl: guard ret >= 0 else { return nil }
        default: return nil
        }
        return SyscallDecoder.returnedFDPath(abi: abi, nr: nr, ret: ret, args: rawArgs.map(\.rawValue), memory: memory)
            .map { TraceeString(bytes: $0) }
    }

    func exitObservation(_ t: TracedTask, _ call: ReportedCall, info: sc_syscall_info, regs: Registers) -> StopObservation {
        var o = StopObservation(kind: .syscallExit, tid: t.tid, regs: regs, syscallInfo: t.infoRead ? SyscallInfo(info) : nil,
                                bytesBeforeIP: t.exitBytesBeforeIP, entryRegs: call.record.entryRegs)
        o.injectedReturn = call.record.injected?.ret
        return o
    }

    /// -b execve: at the entry of an execve other than the program's first, the task is let go (it is
    /// stopped at the entry, so PTRACE_DETACH works) and runs the new program untraced. Returns whether it was.
    func detachAtExecve(_ t: TracedTask, nr: Int64, arch: UInt32) -> Bool {
        guard options.detachOnExecve, execSeen else { return false }
        let i386 = arch == SyscallInfo.auditArchI386
        guard nr == (i386 ? 11 : 59) || nr == (i386 ? 358 : 322) else { return false }
        t.inSyscall = false
        detach(t, signal: 0)
        removeTask(t)
        output.submit(.record(.detach(AttachRecord(pid: t.process.pid, tid: t.tid, timeNs: sc_monotonic_ns()))))
        return true
    }

    static let maxDumpBytes: UInt64 = 1 << 24

    /// -e read=/write=: the call's whole buffer (what it read, or all it was given to write), read while stopped.
    func dumped(_ r: SyscallRecord, ret: Int64, memory: StoppedTraceeMemory) -> TraceeString? {
        guard r.rawArgs.count > 2, let dir = StraceDump.direction(of: r.name) else { return nil }
        let fd = Int32(truncatingIfNeeded: r.rawArgs[0].rawValue)
        let count: UInt64
        switch dir {
        case .read:
            guard options.dumpReads.contains(fd), ret > 0 else { return nil }
            count = UInt64(ret)
        case .write:
            guard options.dumpWrites.contains(fd) else { return nil }
            count = r.abi.word(r.rawArgs[2].rawValue)
        }
        // At most 16 MiB (strace has no bound; the record must have one): the rest is cut, marked truncated.
        let n = Int(min(count, Self.maxDumpBytes))
        guard n > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: n)
        let got = bytes.withUnsafeMutableBytes { memory.reader.read(into: $0.baseAddress!, r.rawArgs[1].rawValue, count: n) }
        guard got > 0 else { return nil }
        return TraceeString(bytes: Array(bytes.prefix(got)), truncated: UInt64(got) < count)
    }

    // MARK: Fault injection (-e inject=)

    /// At a reported call's entry stop: counts the invocation and, when a rule hits it, skips the call
    /// (orig_rax = -1, as strace does), holds the task (delay_enter) and picks the signal to send.
    func tamperAtEntry(_ t: TracedTask, abi: SyscallABI, nr: Int64, regs: sc_user_regs) {
        guard let rule = options.injections.last(where: { $0.set.contains(abi: abi, nr: nr) }) else { return }
        let key = nr + (abi == .i386 ? 1 << 32 : 0)
        let n = (t.injectCounts[key] ?? 0) &+ 1
        t.injectCounts[key] = n
        guard rule.hits(invocation: n) else { return }
        var j = InjectedCall(ret: rule.returnValue, signal: rule.signal, delayEnterUs: rule.delayEnterUs,
                             delayExitUs: rule.delayExitUs)
        if rule.returnValue != nil {
            var r = regs
            r.orig_rax = UInt64.max
            do { try ptrace.setRawRegisters(t.tid, r) } catch {
                logger.warning("cannot inject", metadata: ["tracee.tid": "\(t.tid)", "error": "\(error)"])
                j.ret = nil
            }
        }
        if let us = rule.delayEnterUs { usleep(UInt32(clamping: us)) }
        t.injectSignal = rule.signal ?? 0
        t.injection = j
    }

    /// At the exit stop of an injected call: rax = the injected value (the kernel ran no call); `regs`
    /// become what the task resumes with, as the record and the model's observation show them.
    func tamperAtExit(_ t: TracedTask, _ regs: inout sc_user_regs) {
        guard let j = t.injection else { return }
        if let us = j.delayExitUs { usleep(UInt32(clamping: us)) }
        guard let v = j.ret else { return }
        var r = regs
        r.rax = UInt64(bitPattern: v)
        do {
            try ptrace.setRawRegisters(t.tid, r)
            regs = r
        } catch {
            logger.warning("cannot inject", metadata: ["tracee.tid": "\(t.tid)", "error": "\(error)"])
            t.injection?.ret = nil
        }
    }

    /// After the exit stop, task running: exit registers, and the record goes to the output thread.
    func completeExit(_ t: TracedTask, _ call: ReportedCall, info: sc_syscall_info, regs: sc_user_regs) {
        let r = Registers(regs)
        call.record.exitRegs = r
        call.record.error = TraceNames.errnoName(ret: call.record.ret ?? 0)
        // take(): the observations move into the record's box instead of being copied (they are large).
        var exitObs = t.exitObservation.take()
        if exitObs == nil, output.judgeCrossings { exitObs = exitObservation(t, call, info: info, regs: r) }
        call.entry = t.entryObservation.take()
        call.exit = exitObs.take()  // moved: the box holds the only reference (the writer changes it in place)
        output.submit(.exited(call))
    }

    /// The first stop after attaching can be the exit of a syscall that was already running.
    func syscallExitWithoutEntry(_ t: TracedTask, info: sc_syscall_info, regs: sc_user_regs) {
        let nr = Int64(bitPattern: regs.orig_rax)
        guard nr >= 0 else { return }
        let abi = (SyscallABI(auditArch: info.arch) ?? .x86_64)
        if !tracesAll, !options.filter.contains(abi: abi, nr: nr) { return }
        let now = sc_monotonic_ns()
        let ret = info.u.exit.rval
        let a = Self.argumentRegisters(regs, i386: abi == .i386)
        let mask: UInt64 = abi == .i386 ? 0xFFFF_FFFF : .max
        let raw = [a.0, a.1, a.2, a.3, a.4, a.5].map { Address($0 & mask) }
        let name = TraceNames.syscallName(abi: abi, nr: nr)
        var rec = SyscallRecord(pid: t.process.pid, tid: t.tid, abi: abi, nr: nr, name: name, args: [],
                                rawArgs: raw, ret: ret, error: TraceNames.errnoName(ret: ret),
                                entryNs: now, exitNs: now, exitRegs: Registers(regs))
        let mem = memory(t)
        let d = SyscallDecoder.decode(abi: abi, nr: nr, args: raw.map(\.rawValue), memory: mem,
                                      stringLimit: options.stringLimit, at: .exit(ret), constants: options.constants)
        rec.args = options.verbose
            ? SyscallDecoder.verbose(abi: abi, nr: nr, rawArgs: raw.map(\.rawValue), args: d.args, memory: mem,
                                     stringLimit: options.stringLimit, at: .exit(ret), constants: options.constants)
            : d.args
        if !d.strings.isEmpty { rec.strings = d.strings }
        rec.retPath = Self.returnedPath(abi: abi, nr: nr, ret: ret, rawArgs: raw, memory: mem)
        rec.retNote = SyscallDecoder.returnNote(abi: abi, nr: nr, rawArgs: raw, ret: ret, memory: mem,
                                                stringLimit: options.verbose ? Int.max : options.stringLimit,
                                                constants: options.constants)
        output.submit(.exited(ReportedCall(rec)))
    }

    /// A task died (or is about to) inside a syscall: its record goes out without a return value.
    /// `detached`: the tracer lets the task go inside the call (strace's `<detached ...>`).
    func finishUnreturned(_ t: TracedTask, detached: Bool = false) {
        t.inSyscall = false
        guard let call = t.entry else { return }
        t.entry = nil
        if detached { call.record.detached = true }
        call.entry = t.entryObservation.take()
        output.submit(.exited(call))
    }

    func bytesBeforeIP(_ t: TracedTask, _ rip: UInt64) -> [UInt8]? {
        // A loop's calls come back to one rip: that one is answered without hashing.
        let p = t.process
        if rip == p.lastRip, let b = p.lastBytesBeforeIP { return b }
        if let b = p.bytesBeforeIP[rip] {
            (p.lastRip, p.lastBytesBeforeIP) = (rip, b)
            return b
        }
        var two: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &two) { memory(t).reader.read(into: $0.baseAddress!, rip &- 2, count: 2) }
        guard n == 2 else { return nil }
        let b = [two.0, two.1]
        // Signals land anywhere in a busy loop: the cache stays small all the same.
        if t.process.bytesBeforeIP.count >= 4096 { t.process.bytesBeforeIP.removeAll(keepingCapacity: true) }
        t.process.bytesBeforeIP[rip] = b
        (p.lastRip, p.lastBytesBeforeIP) = (rip, b)
        return b
    }

    func memory(_ t: TracedTask) -> StoppedTraceeMemory {
        var m = StoppedTraceeMemory(tid: t.tid, ptrace: ptrace, fds: fdCacheIsComplete ? t.process.fds : nil)
        m.socketEndpoints = options.socketEndpoints
        m.deviceNumbers = options.deviceNumbers
        return m
    }
}
