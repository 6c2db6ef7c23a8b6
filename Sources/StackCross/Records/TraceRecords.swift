/// A `syscall` record: one call, entry and exit.
public struct SyscallRecord: Codable, Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    public var abi: SyscallABI
    public var nr: Int64
    public var name: String
    /// Decoded arguments, strace style (strings quoted and escaped, flags named, fds with paths).
    public var args: [String]
    /// The raw argument registers, always kept.
    public var rawArgs: [Address]
    /// Exact bytes of string/buffer arguments, by argument index (untrusted, lossless).
    public var strings: [String: TraceeString]?
    /// Return value; nil when the call never returned (exit_group, the tracee died).
    public var ret: Int64?
    /// errno name when `ret` is in [-4095, -1], else nil.
    public var error: String?
    /// The path of the fd the call returned (open, dup, socket…), exact bytes; nil for other calls
    /// or an unknown path. What `ReturnRendering` shows as `3</path>`.
    public var retPath: TraceeString?
    /// CLOCK_MONOTONIC at the entry and exit stops, ns.
    public var entryNs: UInt64
    public var exitNs: UInt64?
    public var entryRegs: Registers?
    public var exitRegs: Registers?
    /// With `--stack`: the user stack at the entry stop, innermost first.
    public var userStack: [Frame]?
    /// With `--kernel-stack`: /proc/TID/stack at the entry stop.
    public var kernelStack: [Frame]?
    public var crossing: Crossing?
    /// -e inject=/fault=: what the tracer did to this call (`ret` then holds the injected value).
    public var injected: InjectedCall?
    /// -e read=FD / -e write=FD: the whole buffer the call read (its return value's worth) or wrote, exact bytes.
    public var dump: TraceeString?
    /// true: the tracer let the task go (-p detach, --syscall-limit) while this call ran; `ret` is nil.
    public var detached: Bool?
    /// strace's note after a successful return value (its auxstr), read at the exit: `Timeout`,
    /// `in [3], left {tv_sec=0, tv_usec=5}`; shown `= 1 (in [3], …)`. nil: no note.
    public var retNote: String?

    /// Inlinable: the tracer makes one per call, and across the module boundary the record was built in a
    /// temporary and copied out (a retain and release of each of its strings and arrays).
    @inlinable
    public init(pid: Int32, tid: Int32, abi: SyscallABI, nr: Int64, name: String, args: [String], rawArgs: [Address],
                strings: [String: TraceeString]? = nil, ret: Int64? = nil, error: String? = nil,
                entryNs: UInt64, exitNs: UInt64? = nil, entryRegs: Registers? = nil, exitRegs: Registers? = nil,
                userStack: [Frame]? = nil, kernelStack: [Frame]? = nil, crossing: Crossing? = nil,
                retPath: TraceeString? = nil, injected: InjectedCall? = nil, dump: TraceeString? = nil) {
        self.pid = pid; self.tid = tid; self.abi = abi; self.nr = nr; self.name = name; self.args = args
        self.rawArgs = rawArgs; self.strings = strings; self.ret = ret; self.error = error
        self.entryNs = entryNs; self.exitNs = exitNs; self.entryRegs = entryRegs; self.exitRegs = exitRegs
        self.userStack = userStack; self.kernelStack = kernelStack; self.crossing = crossing
        self.retPath = retPath
        self.injected = injected
        self.dump = dump
    }
}

/// A signal-delivery stop (and, for a caught signal, the handler-entry checks).
public struct SignalRecord: Codable, Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    public var signo: Int32
    public var name: String
    /// si_code, as a name where one is known (SI_USER, SEGV_MAPERR…).
    public var code: String?
    public var timeNs: UInt64
    public var crossing: Crossing?
    /// For a caught signal under the handler step: true when trace stepped into the handler (the crossing
    /// holds the frame's checks), false when the step's bound skipped it (no frame checks); nil otherwise.
    public var handlerStepped: Bool?
    public init(pid: Int32, tid: Int32, signo: Int32, name: String, code: String? = nil, timeNs: UInt64,
                crossing: Crossing? = nil, handlerStepped: Bool? = nil) {
        self.pid = pid; self.tid = tid; self.signo = signo; self.name = name; self.code = code
        self.timeNs = timeNs; self.crossing = crossing; self.handlerStepped = handlerStepped
    }
}

public struct ExecRecord: Codable, Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    /// The TID that called execve when a non-leader thread took over the leader's TID.
    public var formerTid: Int32?
    public var path: TraceeString
    public var timeNs: UInt64
    public init(pid: Int32, tid: Int32, formerTid: Int32? = nil, path: TraceeString, timeNs: UInt64) {
        self.pid = pid; self.tid = tid; self.formerTid = formerTid; self.path = path; self.timeNs = timeNs
    }
}

public struct CloneRecord: Codable, Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    /// The new task.
    public var child: Int32
    /// What made the new task; records spell it "thread", "fork" or "vfork".
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable { case thread, fork, vfork }
    public var kind: Kind
    public var timeNs: UInt64
    public init(pid: Int32, tid: Int32, child: Int32, kind: Kind, timeNs: UInt64) {
        self.pid = pid; self.tid = tid; self.child = child; self.kind = kind; self.timeNs = timeNs
    }
}

public struct ExitRecord: Codable, Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    /// Exit code when the task exited.
    public var code: Int32?
    /// Terminating signal name when it was killed.
    public var signal: String?
    public var timeNs: UInt64
    public init(pid: Int32, tid: Int32, code: Int32? = nil, signal: String? = nil, timeNs: UInt64) {
        self.pid = pid; self.tid = tid; self.code = code; self.signal = signal; self.timeNs = timeNs
    }
}

/// `attach` and `detach` records of a trace.
public struct AttachRecord: Codable, Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    public var timeNs: UInt64
    public init(pid: Int32, tid: Int32, timeNs: UInt64) { self.pid = pid; self.tid = tid; self.timeNs = timeNs }
}

/// One line of a trace (JSON Lines): an object with a `type` and that type's fields.
public enum TraceRecord: Codable, Hashable, Sendable {
    case syscall(SyscallRecord)
    case signal(SignalRecord)
    case exec(ExecRecord)
    case clone(CloneRecord)
    case exit(ExitRecord)
    case attach(AttachRecord)
    case detach(AttachRecord)

    public var type: String {
        switch self {
        case .syscall: "syscall"
        case .signal: "signal"
        case .exec: "exec"
        case .clone: "clone"
        case .exit: "exit"
        case .attach: "attach"
        case .detach: "detach"
        }
    }

    /// The crossing of a syscall or signal record.
    public var crossing: Crossing? {
        get {
            switch self {
            case .syscall(let r): r.crossing
            case .signal(let r): r.crossing
            default: nil
            }
        }
        set {
            switch self {
            case .syscall(var r): r.crossing = newValue; self = .syscall(r)
            case .signal(var r): r.crossing = newValue; self = .signal(r)
            default: break
            }
        }
    }

    private enum TypeKey: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: TypeKey.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "syscall": self = .syscall(try SyscallRecord(from: decoder))
        case "signal": self = .signal(try SignalRecord(from: decoder))
        case "exec": self = .exec(try ExecRecord(from: decoder))
        case "clone": self = .clone(try CloneRecord(from: decoder))
        case "exit": self = .exit(try ExitRecord(from: decoder))
        case "attach": self = .attach(try AttachRecord(from: decoder))
        case "detach": self = .detach(try AttachRecord(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown record type \(type)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: TypeKey.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .syscall(let r): try r.encode(to: encoder)
        case .signal(let r): try r.encode(to: encoder)
        case .exec(let r): try r.encode(to: encoder)
        case .clone(let r): try r.encode(to: encoder)
        case .exit(let r): try r.encode(to: encoder)
        case .attach(let r), .detach(let r): try r.encode(to: encoder)
        }
    }
}
