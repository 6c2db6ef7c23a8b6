/// Parsers for the text files of /proc/PID/task/TID. Pure: the live side reads, these parse.

/// /proc/PID/task/TID/stack: `[<0>] func+0x1f/0x90 [module]`, innermost first.
public enum ProcKernelStack {
    /// Every frame line that parses; others (empty, truncated) are skipped.
    public static func parse(_ text: String) -> [Frame] {
        text.split(separator: "\n").compactMap { parseLine($0) }
    }

    /// One line. The kernel hides the pc as `[<0>]` unless kptr_restrict allows it.
    public static func parseLine(_ line: Substring) -> Frame? {
        var rest = line.drop(while: { $0 == " " || $0 == "\t" })
        var pc: Address = 0
        if rest.hasPrefix("[<") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            var inner = rest[rest.index(rest.startIndex, offsetBy: 2)..<close]
            if inner.hasSuffix(">") { inner = inner.dropLast() }
            pc = Address(hex: inner) ?? 0
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        // `func+0x1f/0x90 [module]`
        let parts = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let sym = parts.first, !sym.isEmpty else { return nil }
        var module: String?
        if parts.count == 2 {
            let m = parts[1].trimmingSpaces
            if m.hasPrefix("[") && m.hasSuffix("]") && m.count > 2 { module = String(m.dropFirst().dropLast()) }
        }
        var name = sym
        var offset: UInt64?
        var length: UInt64?
        if let plus = sym.lastIndex(of: "+") {
            let tail = sym[sym.index(after: plus)...]
            let nums = tail.split(separator: "/", omittingEmptySubsequences: false)
            // The kernel always prints `+0x…/0x…`; anything else is part of the name.
            if let first = nums.first, first.hasPrefix("0x"), let o = Address(hex: first) {
                name = sym[..<plus]
                offset = o.rawValue
                if nums.count == 2 { length = Address(hex: nums[1])?.rawValue }
            }
        }
        guard !name.isEmpty else { return nil }
        return Frame(pc: pc, symbol: String(name), offset: offset, length: length, module: module)
    }
}

/// /proc/PID/task/TID/syscall: what the thread is doing in the kernel, as the kernel saw it.
public enum ProcSyscallState: Hashable, Sendable {
    /// `running`: the thread was on a CPU, nothing to report.
    case running
    /// `-1 sp pc`: blocked in the kernel but not in a syscall (interrupt, fault, signal stop).
    case notInSyscall(sp: Address, pc: Address)
    /// `nr arg1…arg6 sp pc`.
    case inSyscall(nr: Int64, args: [Address], sp: Address, pc: Address)

    public static func parse(_ text: String) -> ProcSyscallState? {
        let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        if f.count == 1 && f[0] == "running" { return .running }
        guard let first = f.first, let nr = Int64(first) else { return nil }
        if nr == -1 {
            guard f.count == 3, let sp = Address(hex: f[1]), let pc = Address(hex: f[2]) else { return nil }
            return .notInSyscall(sp: sp, pc: pc)
        }
        guard f.count == 9 else { return nil }
        let nums = f[1...].compactMap { Address(hex: $0) }
        guard nums.count == 8 else { return nil }
        return .inSyscall(nr: nr, args: Array(nums[0..<6]), sp: nums[6], pc: nums[7])
    }

    public var syscallNumber: Int64? {
        if case .inSyscall(let nr, _, _, _) = self { return nr }
        return nil
    }
}

/// /proc/PID/task/TID/stat: the fields stackcross needs.
public struct ProcStat: Hashable, Sendable {
    public var pid: Int32
    /// The thread name (comm), which may hold spaces and parentheses.
    public var comm: String
    public var state: Character
    public var ppid: Int32
    /// PF_* flags of the task.
    public var flags: UInt64
    /// User and system CPU time, clock ticks.
    public var utime: UInt64
    public var stime: UInt64
    /// The CPU it last ran on.
    public var processor: Int32?

    /// PF_KTHREAD: a kernel thread, which has no user stack.
    public static let pfKthread: UInt64 = 0x0020_0000
    public var isKernelThread: Bool { flags & Self.pfKthread != 0 }

    public static func parse(_ text: String) -> ProcStat? {
        // comm is in parentheses and may contain ") ": the last ')' ends it.
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close,
              let pid = Int32(text[..<open].trimmingSpaces) else { return nil }
        let comm = String(text[text.index(after: open)..<close])
        let rest = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
        // rest[0] is field 3 (state); field n is rest[n-3].
        guard rest.count >= 13, let state = rest[0].first, let ppid = Int32(rest[1]),
              let flags = UInt64(rest[6]), let utime = UInt64(rest[11]), let stime = UInt64(rest[12])
        else { return nil }
        let processor = rest.count > 36 ? Int32(rest[36]) : nil
        return ProcStat(pid: pid, comm: comm, state: state, ppid: ppid, flags: flags, utime: utime,
                        stime: stime, processor: processor)
    }
}

/// /proc/PID/task/TID/status: `Key:\tvalue` lines.
public struct ProcStatus: Hashable, Sendable {
    public var fields: [String: String]
    public init(fields: [String: String]) { self.fields = fields }

    public static func parse(_ text: String) -> ProcStatus {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...].trimmingSpaces)
        }
        return ProcStatus(fields: out)
    }

    public var name: String? { fields["Name"] }
    /// The state letter ("S (sleeping)" → "S").
    public var state: String? { fields["State"].flatMap { $0.first.map(String.init) } }
    public var tgid: Int32? { fields["Tgid"].flatMap { Int32($0) } }
    public var tracerPid: Int32? { fields["TracerPid"].flatMap { Int32($0) } }
    /// Pending signals of this thread (SigPnd) and of the process (ShdPnd), as bit masks.
    public var sigPnd: UInt64? { fields["SigPnd"].flatMap { UInt64($0, radix: 16) } }
    public var shdPnd: UInt64? { fields["ShdPnd"].flatMap { UInt64($0, radix: 16) } }
    /// Signals the process has a handler for (SigCgt), as a bit mask.
    public var sigCgt: UInt64? { fields["SigCgt"].flatMap { UInt64($0, radix: 16) } }
}

private extension Substring {
    /// Without leading and trailing blanks.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
