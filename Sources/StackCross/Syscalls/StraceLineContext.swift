/// What strace's live lines depend on beyond the record at hand: which tasks are traced right now
/// (strace prints the `[pid N]` prefix only while it traces more than one) and each task's last
/// reported call (restart_syscall names the call it resumes). Fed every record in stop order.
public struct StraceLineContext: Sendable {
    /// Traced tasks: tid → pid.
    private var tasks: [Int32: Int32] = [:]
    /// The last reported call of each task, set at its exit.
    private var lastCall: [Int32: String] = [:]

    public init() {}

    /// Whether lines carry the `[pid N]` prefix now.
    public var showPid: Bool { tasks.count > 1 }

    /// How many tasks are traced (for tests).
    public var taskCount: Int { tasks.count }

    /// A record came from `tid`: it is traced (the program's first task, or one seen before its clone record).
    public mutating func saw(pid: Int32, tid: Int32) {
        if tasks[tid] == nil { tasks[tid] = pid }
    }

    /// The record as strace's line shows it: restart_syscall gets its note as its argument.
    public func shown(_ r: SyscallRecord) -> SyscallRecord {
        guard r.name == "restart_syscall", r.args.isEmpty else { return r }
        var s = r
        s.args = [SyscallLine.resumingNote(interrupted: lastCall[r.tid])]
        return s
    }

    /// A call's line is done (after its exit part was written).
    public mutating func exited(_ r: SyscallRecord) {
        saw(pid: r.pid, tid: r.tid)
        lastCall[r.tid] = r.name
    }

    /// Updates the task set after the record's own line (an exiting task's `+++` line still counts it, as in strace).
    public mutating func apply(_ record: TraceRecord) {
        switch record {
        case .attach(let r):
            saw(pid: r.pid, tid: r.tid)
        case .clone(let r):
            saw(pid: r.pid, tid: r.tid)
            // A thread shares its parent's pid; a forked child leads a new one.
            if tasks[r.child] == nil { tasks[r.child] = r.kind == .thread ? r.pid : r.child }
        case .exit(let r):
            drop(r.tid)
        case .detach(let r):
            drop(r.tid)
        case .exec(let r):
            // execve ended every other thread of the process without an exit record of its own.
            for (tid, pid) in tasks where pid == r.pid && tid != r.tid { drop(tid) }
            if let former = r.formerTid { drop(former) }
            saw(pid: r.pid, tid: r.tid)
        case .syscall(let r):
            saw(pid: r.pid, tid: r.tid)
        case .signal(let r):
            saw(pid: r.pid, tid: r.tid)
        }
    }

    private mutating func drop(_ tid: Int32) {
        tasks[tid] = nil
        lastCall[tid] = nil
    }
}
