/// What `stackcross attach` captures of one thread.
public struct ThreadSnapshot: Codable, Hashable, Sendable {
    public var tid: Int32
    public var name: String
    /// The /proc state letter read before the thread was stopped (R, S, D, T, t…).
    public var state: String
    public var registers: Registers?
    /// Innermost first.
    public var userStack: [Frame]
    /// The kernel stack the thread was blocked in before it was stopped, innermost first.
    public var kernelStack: [Frame]
    /// /proc/PID/task/TID/syscall as read before stopping: "nr args… sp pc", "-1 sp pc" or "running".
    public var procSyscall: String?
    public var crossing: Crossing?
    public var error: String?
    public init(tid: Int32, name: String, state: String, registers: Registers? = nil, userStack: [Frame] = [],
                kernelStack: [Frame] = [], procSyscall: String? = nil, crossing: Crossing? = nil, error: String? = nil) {
        self.tid = tid; self.name = name; self.state = state; self.registers = registers
        self.userStack = userStack; self.kernelStack = kernelStack; self.procSyscall = procSyscall
        self.crossing = crossing; self.error = error
    }
}

/// A whole-process snapshot: the record `stackcross attach --json` writes.
public struct Snapshot: Codable, Hashable, Sendable {
    public var type: String = "snapshot"
    public var pid: Int32
    public var exe: String
    /// CLOCK_REALTIME of the capture, ns.
    public var timeNs: UInt64?
    public var threads: [ThreadSnapshot]
    public init(pid: Int32, exe: String, timeNs: UInt64? = nil, threads: [ThreadSnapshot]) {
        self.pid = pid; self.exe = exe; self.timeNs = timeNs; self.threads = threads
    }
}
