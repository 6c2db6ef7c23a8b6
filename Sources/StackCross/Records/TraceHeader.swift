/// The first line of every trace written by this version: what wrote it, on which kernel, with which
/// facts the model used, and how its times map to dates. A reader uses `schema` to decide whether it
/// can read the rest; `check` re-creates the model from `kernel`.
public struct TraceHeader: Codable, Hashable, Sendable {
    /// The record format this trace uses.
    public static let currentSchema = "stackcross.trace/2"
    public var schema: String
    public var tool: String
    public var version: String
    /// stackcross's own command line.
    public var command: [String]
    /// uname -r of the traced machine.
    public var kernelRelease: String?
    /// The kernel facts the model judged with (THREAD_SIZE, FRED, random kstack offset, CPU vendor…).
    public var kernel: KernelConfig?
    /// /proc/sys/kernel/random/boot_id: times from two boots are not comparable.
    public var bootId: String?
    /// The clock of every `…Ns` field.
    public var clock: String
    /// The clock's value and the wall-clock time (ns since the Unix epoch) read together at the start:
    /// a record time T is the date startWallNs + (T - startMonoNs).
    public var startMonoNs: UInt64
    public var startWallNs: UInt64
    /// How the records are written: "failed" (compact verdicts) or "all" checks; "delta" or "full" registers.
    public var checks: String
    public var regs: String
    /// Every thread's registers are written in full at least this often (in records of that thread).
    public var keyInterval: Int

    public init(version: String, command: [String], kernelRelease: String?, kernel: KernelConfig?, bootId: String?,
                startMonoNs: UInt64, startWallNs: UInt64, checks: String = "failed", regs: String = "delta",
                keyInterval: Int = TraceWriterOptions.defaultKeyInterval) {
        schema = Self.currentSchema; tool = "stackcross"; self.version = version; self.command = command
        self.kernelRelease = kernelRelease; self.kernel = kernel; self.bootId = bootId; clock = "CLOCK_MONOTONIC"
        self.startMonoNs = startMonoNs; self.startWallNs = startWallNs
        self.checks = checks; self.regs = regs; self.keyInterval = keyInterval
    }

    /// Wall-clock ns since the epoch of a record time (monotonic ns).
    public func wallNs(_ monoNs: UInt64) -> UInt64 {
        monoNs >= startMonoNs ? startWallNs &+ (monoNs - startMonoNs) : startWallNs &- (startMonoNs - monoNs)
    }
}

/// How a trace writer encodes records.
public struct TraceWriterOptions: Sendable {
    public static let defaultKeyInterval = 64
    /// Write every check of a crossing (today's long form) instead of counts and the failures.
    public var checksAll = false
    /// Write every register set in full instead of what changed since the thread's previous stop.
    public var regsFull = false
    /// A thread's first stop is written in full every this many of its records.
    public var keyInterval = defaultKeyInterval
    /// Distinct stacks, modules and mappings remembered; past it the tables start over (and a stack seen
    /// again is written again).
    public var internCapacity = 1 << 14
    public init() {}
}
