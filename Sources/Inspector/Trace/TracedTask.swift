import StackCross

/// One traced task (thread).
final class TracedTask {
    let tid: Int32
    var process: TracedProcess
    /// Between a syscall-entry (or seccomp) stop and its exit stop.
    var inSyscall = false
    /// The record of the syscall in progress when it is reported, boxed once at its entry.
    var entry: ReportedCall?
    /// GET_SYSCALL_INFO's arch at the entry stop of the syscall in progress (its exit is read in that ABI).
    var entryArch: UInt32 = SyscallInfo.auditArchX86_64
    var entryBytesBeforeIP: [UInt8]?
    var exitBytesBeforeIP: [UInt8]?
    /// Observations enriched by `TraceHooks.observe` while the task was stopped, judged after it resumed.
    var entryObservation: StopObservation?
    var exitObservation: StopObservation?
    /// The stop right after our own seize of a stopped child: restart it, never PTRACE_LISTEN.
    var startupStop = false
    /// Whether `inSyscall` is known to say which kind the next syscall stop is: false until a stop read
    /// with GET_SYSCALL_INFO (a task's first stop after an attach can be the exit of a call in progress).
    var syscallStateKnown = false
    /// Whether this stop's GET_SYSCALL_INFO was read (true) or derived from the registers (false): only a
    /// read view is handed to the model, which holds it against the registers.
    var infoRead = false
    /// Whether the entry of the call in progress read GET_SYSCALL_INFO (its exit then reads it too).
    var entryInfoRead = false
    /// Calls until the next whose two stops read GET_SYSCALL_INFO (see `SyscallTracer.infoInterval`).
    var callsUntilInfo = 0
    /// -e inject=: invocations seen per syscall (key: nr, i386 offset by 1 << 32), counted as strace counts them.
    var injectCounts: [Int64: UInt32] = [:]
    /// -e inject=: what was done at this call's entry stop (finished at its exit stop), and the signal to send.
    var injection: InjectedCall?
    var injectSignal: Int32 = 0

    init(tid: Int32, process: TracedProcess) {
        self.tid = tid
        self.process = process
    }
}

/// Per address space / fd table (thread group) state.
final class TracedProcess {
    let pid: Int32
    let fds: FdPathCache
    /// The two bytes before each syscall return address seen: `0f 05` SYSCALL or `cd 80` int $0x80.
    var bytesBeforeIP: [UInt64: [UInt8]] = [:]
    /// The last rip looked up and its bytes: a loop's calls come back to one rip.
    var lastRip: UInt64 = 0
    var lastBytesBeforeIP: [UInt8]?

    /// Code may have been mapped where code was (mmap, execve…): every cached byte pair goes.
    func forgetBytesBeforeIP() {
        bytesBeforeIP.removeAll(keepingCapacity: true)
        lastBytesBeforeIP = nil
    }
    var tasks = 0

    init(pid: Int32) {
        self.pid = pid
        self.fds = FdPathCache(pid: pid)
    }
}
