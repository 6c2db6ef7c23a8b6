/// How a thread entered the kernel.
public enum EntryKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// 64-bit SYSCALL instruction (entry_SYSCALL_64).
    case syscall
    /// int $0x80 (i386 ABI), from 64-bit or 32-bit code.
    case int80
    /// 32-bit vDSO path through SYSCALL (AMD, entry_SYSCALL_compat).
    case syscall32
    /// 32-bit vDSO path through SYSENTER (Intel, entry_SYSENTER_compat).
    case sysenter
    /// A hardware interrupt taken in user mode (e.g. the IPI behind PTRACE_INTERRUPT).
    case interrupt
    /// A CPU exception (fault or trap) taken in user mode.
    case exception
    /// Signal delivery: the kernel wrote a frame onto the user stack.
    case signal
    /// Not in the kernel at all (the thread was running in user mode).
    case none
}

/// One comparison of the model's prediction against what was observed.
public struct Check: Codable, Hashable, Sendable {
    public var name: String
    public var ok: Bool
    public var expected: String
    public var actual: String
    public init(name: String, ok: Bool, expected: String, actual: String) {
        self.name = name; self.ok = ok; self.expected = expected; self.actual = actual
    }
    /// A check whose verdict is whether `actual == expected`.
    public static func equal<T: Equatable & CustomStringConvertible>(_ name: String, expected: T, actual: T) -> Check {
        Check(name: name, ok: expected == actual, expected: expected.description, actual: actual.description)
    }
}

/// A syscall as seen at a stop: number, name and arguments.
public struct SyscallCall: Codable, Hashable, Sendable {
    public var abi: SyscallABI
    public var nr: Int64
    public var name: String
    public var args: [Address]
    public init(abi: SyscallABI, nr: Int64, name: String, args: [Address]) {
        self.abi = abi; self.nr = nr; self.name = name; self.args = args
    }
}

/// Where a thread is in its crossing when it is seen (records spell it "syscall-entry", "blocked"…).
public enum CrossingPhase: String, Codable, Hashable, Sendable, CaseIterable {
    case syscallEntry = "syscall-entry"
    case syscallExit = "syscall-exit"
    case signalDelivery = "signal-delivery"
    case handlerEntry = "handler-entry"
    /// A signal delivery stepped into its handler: both stops' checks in one crossing.
    case signalDeliveryAndHandlerEntry = "signal-delivery+handler-entry"
    /// Snapshots: running user code, blocked in a syscall, or stopped between syscalls.
    case running, blocked, interrupted
}

/// How much of a verdict the judge spells out: every check with its texts (views, `--checks all`),
/// only the failures with a count of the checks that held (the compact verdict a trace records), or
/// every check by name and verdict with no texts (what per-check tallies need: summary, html totals, check).
public enum CrossingDetail: Sendable { case all, failures, names }

/// A user→kernel→user crossing: how the thread got in, and the checks that hold the model
/// against what was seen.
public struct Crossing: Codable, Hashable, Sendable {
    public var entry: EntryKind
    public var phase: CrossingPhase?
    public var syscall: SyscallCall?
    public var userRsp: Address?
    /// Which user mapping holds the user RSP: "[stack]", "thread stack", "sigaltstack", …
    public var userStackMapping: String?
    public var checks: [Check]
    /// A compact verdict as recorded: how many checks passed (they are not listed; `checks` holds the
    /// failures). nil when `checks` is the whole list.
    public var passed: Int?
    public init(entry: EntryKind, phase: CrossingPhase? = nil, syscall: SyscallCall? = nil, userRsp: Address? = nil,
                userStackMapping: String? = nil, checks: [Check] = []) {
        self.entry = entry; self.phase = phase; self.syscall = syscall; self.userRsp = userRsp
        self.userStackMapping = userStackMapping; self.checks = checks
    }
    public var failedChecks: [Check] { checks.filter { !$0.ok } }
    /// Another stop's checks added to this verdict (a syscall's exit after its entry), counts included.
    public mutating func append(_ other: Crossing) {
        checks += other.checks
        if passed != nil || other.passed != nil { passed = (passed ?? 0) + (other.passed ?? 0) }
    }
    /// How many checks the crossing has, listed or (in a compact verdict) only counted.
    public var checkCount: Int { checks.count + (passed ?? 0) }
}
