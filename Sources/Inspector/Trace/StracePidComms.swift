import StackCross

/// strace -Y (--decode-pids=comm): pids shown with the task's comm, `1234<sh>`. Lines are written
/// after the stops, so the comm is followed through the records (a clone inherits its parent's, an
/// execve sets the program's base name) and read from /proc/PID/comm for pids not seen yet.
struct StracePidComms {
    private var known: [Int32: String] = [:]
    /// Pids a wait returned: reaped, their comm gone as strace finds it.
    private var gone: Set<Int32> = []

    /// `<comm>` for `pid`, or nothing when it cannot be known (as strace prints a bare pid).
    mutating func suffix(_ pid: Int32) -> String {
        guard pid > 0, !gone.contains(pid) else { return "" }
        if known[pid] == nil, let c = ProcFS.read("/proc/\(pid)/comm") {
            known[pid] = String(c.hasSuffix("\n") ? c.dropLast() : c[...])
        }
        return known[pid].map { "<" + SyscallDecoder.escaped($0) + ">" } ?? ""
    }

    mutating func reaped(_ pid: Int32) {
        gone.insert(pid)
        known[pid] = nil
    }

    /// The comm changes a record shows.
    mutating func apply(_ record: TraceRecord) {
        switch record {
        case .clone(let r):
            gone.remove(r.child)
            if known[r.tid] == nil { _ = suffix(r.tid) }
            // A vfork child's execve can be reported before its parent's clone record.
            if known[r.child] == nil { known[r.child] = known[r.tid] }
        case .exec(let r):
            // The kernel's comm after execve is the base name of the path given (sh, not the dash it links to):
            // read it now; the program's own path when the task is gone already.
            known[r.tid] = nil
            if suffix(r.tid).isEmpty {
                let name = r.path.bytes.split(separator: UInt8(ascii: "/")).last.map { Array($0.prefix(15)) } ?? []
                known[r.tid] = String(decoding: name, as: UTF8.self)
            }
            if let former = r.formerTid { known[former] = nil }
        default: break
        }
    }

    /// Calls whose return value is a pid or tid.
    static func returnsPid(_ name: String) -> Bool {
        ["getpid", "getppid", "gettid", "clone", "clone3", "fork", "vfork", "set_tid_address", "getpgrp", "getpgid",
         "getsid", "setsid", "wait4", "waitpid"].contains(name)
    }

    /// Calls whose return value is a pid just reaped.
    static func reaps(_ name: String) -> Bool { ["wait4", "waitpid"].contains(name) }

    /// The arguments of a call that are pids.
    static func pidArguments(_ name: String, rawArgs: [UInt64] = []) -> [Int] {
        switch name {
        // waitid's id is a pid for P_PID and P_PGID (a pidfd for P_PIDFD).
        case "waitid": [1, 2].contains(rawArgs.first ?? 0) ? [1] : []
        case "kill", "tkill", "getpgid", "getsid", "sched_getaffinity", "sched_setaffinity", "sched_getparam",
             "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_rr_get_interval", "prlimit64",
             "pidfd_open", "process_vm_readv", "process_vm_writev", "wait4", "waitpid", "rt_sigqueueinfo",
             "get_robust_list", "move_pages", "migrate_pages", "sched_getattr", "sched_setattr":
            [0]
        case "tgkill", "rt_tgsigqueueinfo", "setpgid", "kcmp": [0, 1]
        case "ptrace": [1]
        default: []
        }
    }
}
