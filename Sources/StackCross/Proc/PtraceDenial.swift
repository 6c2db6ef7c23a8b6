/// Why PTRACE_SEIZE said EPERM, told from what /proc shows, in the kernel's order of checks
/// (one tracer per thread, Yama, credentials, capabilities, then LSMs). Pure: facts in, text out.
public struct PtraceDenialFacts: Sendable, Equatable {
    public var pid: Int32
    /// TracerPid of the thread we failed to seize (0: none) and the tracer's comm.
    public var tracerPid: Int32 = 0
    public var tracerName: String?
    /// kernel.yama.ptrace_scope; nil when Yama is not built in (no /proc/sys/kernel/yama).
    public var yamaScope: Int?
    /// CAP_SYS_PTRACE in our effective set.
    public var hasCapSysPtrace = false
    /// Our real uid/gid, and the target's real, effective and saved uids and gids (status Uid/Gid).
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var targetUids: [UInt32] = []
    public var targetGids: [UInt32] = []
    /// Capabilities the target may use that we may not (its CapPrm minus ours).
    public var targetExtraCaps: UInt64 = 0
    /// The target descends from us (Yama scope 1 allows only that).
    public var targetIsDescendant = false
    /// The target is one of our ancestors (a sandbox's supervisor, a container's init).
    public var targetIsAncestor = false
    /// Whether the target is in our user namespace; nil when its /proc/PID/ns/user cannot be read.
    public var sameUserNamespace: Bool?

    public init(pid: Int32) { self.pid = pid }

    /// CAP_SYS_PTRACE's bit in /proc/PID/status Cap* masks.
    public static let capSysPtrace: UInt64 = 1 << 19

    var sameCredentials: Bool {
        !targetUids.isEmpty && targetUids.allSatisfy { $0 == uid } && targetGids.allSatisfy { $0 == gid }
    }
}

public enum PtraceDenial {
    /// The cause, as precise as the facts allow, for "ptrace permission denied (…)".
    public static func explain(_ f: PtraceDenialFacts) -> String {
        let p = f.pid
        if f.tracerPid != 0 {
            return "already traced by pid \(f.tracerPid) (\(f.tracerName ?? "?")); a thread has only one tracer"
        }
        switch f.yamaScope {
        case 3?:
            return "kernel.yama.ptrace_scope is 3: no process may attach with ptrace until reboot"
        case 2? where !f.hasCapSysPtrace:
            return "kernel.yama.ptrace_scope is 2: only CAP_SYS_PTRACE may attach, and stackcross lacks it"
        case 1? where !f.hasCapSysPtrace && !f.targetIsDescendant:
            return "kernel.yama.ptrace_scope is 1: without CAP_SYS_PTRACE only an ancestor (or a PR_SET_PTRACER exception) "
                + "may attach, and pid \(p) does not descend from stackcross"
        default: break
        }
        if !f.hasCapSysPtrace {
            if !f.sameCredentials {
                return "pid \(p) runs as uid \(f.targetUids.first.map(String.init) ?? "?"), stackcross as uid \(f.uid) "
                    + "without CAP_SYS_PTRACE (run as the same user, or as root)"
            }
            if f.targetExtraCaps != 0 {
                return "pid \(p) holds capabilities stackcross lacks (0x\(String(f.targetExtraCaps, radix: 16))) "
                    + "and stackcross has no CAP_SYS_PTRACE"
            }
            return "same user, but pid \(p) is not dumpable (set-uid, or prctl PR_SET_DUMPABLE 0) and stackcross has no CAP_SYS_PTRACE"
        }
        // Yama and credentials allow it: what is left is a user namespace or a security module.
        var why = "stackcross has CAP_SYS_PTRACE" + (f.yamaScope.map { " and yama ptrace_scope is \($0)" } ?? " and there is no yama")
        if f.sameUserNamespace == false {
            return why + ", but pid \(p) is in another user namespace, beyond the one where stackcross holds CAP_SYS_PTRACE"
        }
        why += ", so a security module (Landlock, SELinux, AppArmor) or a sandbox refuses it"
        if f.targetIsAncestor { why += "; pid \(p) is an ancestor of stackcross, as a sandbox's supervisor is" }
        if f.sameUserNamespace == nil { why += "; even /proc/\(p)/ns/user is unreadable, which needs the same ptrace access" }
        return why
    }
}
