import CStackCross
import Glibc
import Logging
import StackCross

/// Starting a program under the trace, or attaching to running processes (-p).
extension SyscallTracer {
    // MARK: Starting and attaching

    func start(_ program: [UInt8], _ argv: [[UInt8]]) throws {
        let shown = SyscallDecoder.quote(program)
        guard let path = ProgramPath.resolve(bytes: program) else {
            throw TraceError("cannot find \(shown): No such file or directory")
        }
        let stopFilter = options.filter.union(options.alsoStop)
        // Without -f a child the program forks is not traced: a SECCOMP_RET_TRACE filter it inherited would
        // fail its filtered calls with ENOSYS. So, as strace drops --seccomp-bpf without -f, the tracer filters.
        // Nor with --syscall-limit, which leaves the processes untraced (strace turns --seccomp-bpf off too).
        seccompMode = options.followForks && options.syscallLimit == nil && !options.detachOnExecve
            && SeccompProgram.isNeeded(for: stopFilter)
        var filter = seccompMode
            ? SeccompProgram.make(filter: stopFilter).map { sc_sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
            : []
        // argv and the path go to execv byte for byte (the environment is this process's environ, untouched).
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map(ProgramPath.cString) + [nil]
        defer { for p in cArgs { p?.deallocate() } }
        let cPath = ProgramPath.cString(path)
        defer { cPath.deallocate() }
        var errFD: Int32 = -1
        // -E: the environment as bytes; -u: the user.
        var cEnv: [UnsafeMutablePointer<CChar>?] = (options.environment ?? []).map(ProgramPath.cString) + [nil]
        defer { for p in cEnv { p?.deallocate() } }
        let userName = ProgramPath.cString(Array((options.runAs?.name ?? "").utf8))
        defer { userName.deallocate() }
        let pid = filter.withUnsafeMutableBufferPointer { f in
            cEnv.withUnsafeMutableBufferPointer { e in
                var launch = sc_spawn_launch(envp: options.environment == nil ? nil : e.baseAddress,
                                             run_as_user: options.runAs == nil ? 0 : 1,
                                             uid: options.runAs?.uid ?? 0, gid: options.runAs?.gid ?? 0,
                                             user_name: userName)
                return sc_spawn_stopped_as(cPath, &cArgs, f.baseAddress, UInt16(f.count), &launch, &errFD)
            }
        }
        guard pid > 0 else { throw TraceError("cannot start \(shown): \(String(cString: strerror(errno)))") }
        spawnErrorFD = errFD
        rootPid = pid
        do {
            try ptrace.seize(pid, options: ptraceOptions)
        } catch {
            // Our child, stopped before exec and never traced: it must not run on.
            kill(pid, SIGKILL)
            _ = try? ptrace.wait(pid)
            throw TraceError("cannot trace \(shown): \(error)")
        }
        let t = addTask(pid, process: pid)
        t.startupStop = true
        // Clear the group stop for the process; the seized task reports it as a PTRACE_EVENT_STOP first.
        awaitingStartupSIGCONT = true
        kill(pid, SIGCONT)
        logger.debug("started", metadata: ["tracee.pid": "\(pid)", "path": "\(SyscallDecoder.quote(path))"])
    }

    func attach(_ pids: [Int32]) throws {
        for pid in pids {
            var tids = options.followForks ? ProcFS.taskIDs(pid) : [pid]
            if tids.isEmpty { tids = [pid] }
            var seen = Set<Int32>()
            var seized = 0
            // Threads come and go while we attach: scan /proc again until two passes find none new (as attach does).
            var quietPasses = 0
            while true {
                var fresh = false
                for tid in tids where !seen.contains(tid) {
                    seen.insert(tid)
                    fresh = true
                    switch try seizeForTrace(pid: pid, tid: tid) {
                    case .seized: seized += 1
                    case .gone: continue
                    }
                }
                if !options.followForks { break }
                quietPasses = fresh ? 0 : quietPasses + 1
                if quietPasses >= 2 { break }
                tids = ProcFS.taskIDs(pid)
            }
            if seized == 0 {
                detachAll(reason: nil)
                throw TraceError("cannot attach to \(pid): every thread has exited")
            }
        }
    }

    enum SeizeResult { case seized, gone }

    /// Seizes one listed thread. A thread that exited since /proc listed it is gone, not an error; with -f a
    /// thread created by one already seized is ours by PTRACE_O_TRACECLONE (its first stop comes by itself).
    func seizeForTrace(pid: Int32, tid: Int32) throws -> SeizeResult {
        if tasks[tid] != nil { return .seized }
        do {
            try ptrace.seize(tid, options: ptraceOptions)
        } catch {
            if case .noSuchProcess = error, tid != pid { return .gone }  // the leader gone is the process gone: an error
            if case .permission = error, options.followForks {
                // An exited thread whose exit_state is set (a zombie leader, a thread not yet unhashed) gives EPERM.
                if ProcFS.hasExited(pid: pid, tid: tid) { return .gone }
                if ProcFS.status(pid: pid, tid: tid)?.tracerPid == getpid() {
                    addTask(tid, process: pid)
                    return .seized
                }
            }
            detachAll(reason: nil)
            throw TraceError("cannot attach to \(tid): \(error.reason)")
        }
        _ = addTask(tid, process: pid)
        // Its first stop is what the wait loop starts from; a task that exits first reports that instead.
        try? ptrace.interrupt(tid)
        output.submit(.record(.attach(AttachRecord(pid: pid, tid: tid, timeNs: sc_monotonic_ns()))))
        return .seized
    }

    /// The thread group (process) of a task; /proc/TID works for any thread id.
    static func threadGroup(of tid: Int32) -> Int32? { ProcFS.status(pid: tid)?.tgid }
}
