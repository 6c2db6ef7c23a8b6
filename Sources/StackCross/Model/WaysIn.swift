/// The kinds of crossing the model can lay out (`stackcross model --entry KIND`).
/// Finer than `EntryKind`: it separates faults from traps, the IST cases, and the crossings
/// that rewrite pt_regs (signal delivery, rt_sigreturn, execve) or leave the stack (context switch).
public enum CrossingKind: String, CaseIterable, Codable, Sendable {
    case syscall, int80, int80From32 = "int80-32", syscall32, sysenter, interrupt
    case fault, exception, trap, nmi, df, db, mc
    case signal, sigaltstack, sigreturn, execve
    case `switch`, fork

    /// The `EntryKind` a record carries for this way in.
    public var entry: EntryKind {
        switch self {
        case .syscall, .sigreturn, .execve, .switch, .fork: .syscall
        case .int80, .int80From32: .int80
        case .syscall32: .syscall32
        case .sysenter: .sysenter
        case .interrupt, .nmi: .interrupt
        case .fault, .exception, .trap, .df, .db, .mc: .exception
        case .signal, .sigaltstack: .signal
        }
    }

    /// "syscall, int80, …": built with a plain loop, because every CLI start builds it (the model
    /// command's help) and the generic `joined` path costs a runtime type lookup there.
    public static let names: String = {
        var s = ""
        for k in allCases {
            if !s.isEmpty { s += ", " }
            s += k.rawValue
        }
        return s
    }()
}

/// Who wrote a pt_regs slot.
public enum Pusher: String, Codable, Sendable {
    /// The CPU, as part of the interrupt/exception (or SYSCALL's RCX/R11) mechanics.
    case cpu = "CPU"
    /// The entry code (entry_SYSCALL_64, the idtentry stubs, PUSH_AND_CLEAR_REGS).
    case entryCode = "entry code"
    /// C code rewrote it after entry (do_int80_emulation, do_fast_syscall_32, signal setup, execve…).
    case kernel = "kernel (rewritten)"
}

/// What the model says about one pt_regs slot for one way in.
public struct SlotPrediction: Codable, Hashable, Sendable {
    public var slot: String
    /// Offset inside pt_regs (r15 0 … ss 160).
    public var ptRegsOffset: UInt64
    /// Bytes below the stack top (ss 8 … r15 168, plus FRED padding).
    public var offsetFromTop: UInt64
    /// Where the value comes from.
    public var source: String
    public var pushedBy: Pusher
    /// The value when the model knows it outright (selectors, -ENOSYS, -1).
    public var constant: Address?
}

/// A frame the model expects, under one of several names (kernels differ: `do_int80_emulation` or
/// `do_int80_syscall_32`). Written as "a|b" in `model --json`.
public struct FrameAlternatives: Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var names: [String]
    public init(_ names: [String]) { self.names = names }
    public init(stringLiteral s: String) { names = s.split(separator: "|").map(String.init) }
    public init(from decoder: Decoder) throws { self.init(stringLiteral: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
    /// "a|b", as records and check texts write it.
    public var text: String { names.joined(separator: "|") }
    public var description: String { names.joined(separator: " or ") }
    public func matches(any frames: [String]) -> Bool { names.contains { frames.contains($0) } }
}

/// One way into the kernel: how the stack switches, what pt_regs holds, which frames /proc shows.
public struct WayIn: Codable, Hashable, Sendable {
    public var kind: CrossingKind
    public var entry: EntryKind
    public var title: String
    /// The user-mode instruction or event that crosses.
    public var trigger: String
    /// The stack the kernel runs on after the crossing.
    public var stack: String
    /// The stack switch, step by step.
    public var stackSwitch: [String]
    /// pt_regs, highest slot (ss) first as the diagram draws it.
    public var slots: [SlotPrediction]
    /// What sits below pt_regs (random offset, C frames, the inactive task frame).
    public var below: [String]
    /// Two bytes before the saved ip, where they identify the way in.
    public var bytesBeforeIP: [UInt8]?
    /// GET_SYSCALL_INFO arch at a stop of this crossing.
    public var auditArch: SyscallABI?
    /// Prefixes of the outermost /proc/TID/stack frame.
    public var outermostFrames: [String]
    /// C frames a ptrace stop of this crossing shows between entry and ptrace_stop.
    public var pathFrames: [FrameAlternatives]
    /// The innermost /proc/TID/stack frame: at a ptrace stop, and while blocked (examples).
    public var innermostAtStop: String = "ptrace_stop"
    public var innermostBlocked: [String] = []
    /// Bytes of the task stack in use at a ptrace stop (stack top minus thread.sp), where known.
    public var depthMin: UInt64?
    public var depthMax: UInt64?
    public var notes: [String]
    /// A layout beside the kernel stack: the signal frame on the user stack, the inactive task frame.
    public var frameLayout: [String] = []
}

extension KernelStackModel {
    /// The model's layout of one way in.
    public func wayIn(_ kind: CrossingKind) -> WayIn {
        var b = WayInBuilder(kind: kind, config: config)
        switch kind {
        case .syscall, .sigreturn, .execve: b.syscall64()
        case .int80, .int80From32: b.int80()
        case .syscall32, .sysenter: b.compatFastPath()
        case .interrupt: b.interrupt()
        case .fault, .exception, .trap: b.exception()
        case .nmi, .df, .db, .mc: b.istEvent()
        case .signal, .sigaltstack: b.signalDelivery()
        case .switch, .fork: b.switchOrFork()
        }
        return b.finish()
    }
}

/// Builds one `WayIn`: who fills each pt_regs slot with what, plus the texts around it. One
/// function per family of ways in (WaysIn+Kinds.swift).
struct WayInBuilder {
    let kind: CrossingKind
    let config: KernelConfig
    let layout: KernelStackLayout
    var w: WayIn
    var src: [PtRegsSlot: (String, Pusher, Address?)] = [:]

    init(kind: CrossingKind, config: KernelConfig) {
        self.kind = kind
        self.config = config
        layout = KernelStackLayout(config: config)
        w = WayIn(kind: kind, entry: kind.entry, title: "", trigger: "", stack: "task stack (\(config.threadSize / 1024) KiB)",
                  stackSwitch: [], slots: [], below: [], bytesBeforeIP: nil, auditArch: nil,
                  outermostFrames: [], pathFrames: [], depthMin: nil, depthMax: nil, notes: [])
    }

    mutating func set(_ s: PtRegsSlot, _ text: String, _ by: Pusher, _ c: Address? = nil) { src[s] = (text, by, c) }

    mutating func userGPRs(_ by: Pusher, except: Set<PtRegsSlot> = []) {
        let gprs: [PtRegsSlot] = [.r15, .r14, .r13, .r12, .bp, .bx, .r11, .r10, .r9, .r8, .ax, .cx, .dx, .si, .di]
        for s in gprs where !except.contains(s) { set(s, "user \(s.userRegsName)", by) }
    }

    mutating func i386Args(_ by: Pusher) {
        set(.bx, "user ebx (arg 1)", by); set(.cx, "user ecx (arg 2)", by); set(.dx, "user edx (arg 3)", by)
        set(.si, "user esi (arg 4)", by); set(.di, "user edi (arg 5)", by); set(.bp, "user ebp (arg 6)", by)
    }

    mutating func hardwareFrame(cs: UInt64, ipText: String, flagsText: String = "user RFLAGS") {
        set(.ss, "user SS \(hex(X86.userDS))", .cpu, Address(X86.userDS))
        set(.sp, "user RSP", .cpu)
        set(.flags, flagsText, .cpu)
        set(.cs, "user CS \(hex(cs))", .cpu, Address(cs))
        set(.ip, ipText, .cpu)
    }

    let topName = "per-CPU cpu_current_top_of_stack (the task's stack top; each context switch updates it)"
    let rsp0Entry = "CPU loads RSP0 from the TSS: the small per-CPU entry stack (cpu_entry_area), aligns it to 16 and pushes SS, RSP, RFLAGS, CS, RIP there"
    let syncRegs = "the entry code (error_entry → sync_regs) copies that frame to the top of the task stack and continues there"

    var randomOffset: String {
        config.randomKstackOffset
            ? "random kstack offset: RSP moves down 0…\(config.maxRandomOffset) bytes (add_random_kstack_offset) before C code"
            : "no random kstack offset (CONFIG_RANDOMIZE_KSTACK_OFFSET off)"
    }

    var syscallDepth: (UInt64, UInt64) { (700, 1500 + (config.randomKstackOffset ? config.maxRandomOffset : 0) + 500) }

    /// The slots, highest first, each from what a family set or the user register by default.
    func finish() -> WayIn {
        var w = w
        w.slots = PtRegsSlot.allCases.reversed().map { s in
            let (text, by, c) = src[s] ?? ("user \(s.userRegsName)", .entryCode, nil)
            return SlotPrediction(slot: s.description, ptRegsOffset: s.offset, offsetFromTop: layout.offsetFromTop(s),
                                  source: text, pushedBy: by, constant: c)
        }
        return w
    }
}
