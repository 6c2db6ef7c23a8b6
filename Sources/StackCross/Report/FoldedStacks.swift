/// Stacks in Brendan Gregg's folded form: `root;…;leaf count`, user frames outermost first, then
/// the kernel frames outermost first, each kernel frame marked with flamegraph.pl's `_[k]`.
public enum FoldedStack {
    public static let kernelSuffix = "_[k]"

    /// One frame's name in a folded line: the function without offset (so call sites aggregate),
    /// else `[module]`, else the raw pc. `;` and line breaks cannot appear in a folded frame.
    public static func name(_ f: Frame) -> String {
        let raw: String
        if let s = f.symbol, !s.isEmpty {
            raw = s
        } else if let m = f.module, !m.isEmpty {
            raw = "[" + (m.split(separator: "/").last.map(String.init) ?? m) + "]"
        } else if let note = f.note {
            raw = "[" + note + "]"
        } else {
            raw = f.pc.rawValue == 0 ? "[unknown]" : f.pc.description
        }
        return sanitize(raw)
    }

    /// `;` separates frames and the last space separates the count, so `;` becomes `_`
    /// and control characters (newlines included) become spaces.
    public static func sanitize(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            if u == ";" { out += "_" } else if u.value < 0x20 || u.value == 0x7f || u == "\u{2028}" || u == "\u{2029}" {
                out += " "
            } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Frame names root first. Both stacks arrive innermost first, as records store them.
    /// The syscall name (when given) marks the crossing between the user and the kernel frames:
    /// a kernel stack read at a ptrace stop ends in the stop path, not in the call's own function,
    /// and without a kernel stack it is the only kernel-side frame.
    public static func frames(user: [Frame]?, kernel: [Frame]?, syscall: String?) -> [String] {
        var out: [String] = []
        for f in (user ?? []).reversed() { out.append(name(f)) }
        if let s = syscall { out.append(sanitize(s) + kernelSuffix) }
        for f in (kernel ?? []).reversed() { out.append(name(f) + kernelSuffix) }
        return out
    }

    /// The folded stack of one record, nil for records that carry no stack.
    static func frames(of record: TraceRecord) -> [String]? {
        switch record {
        case .syscall(let r):
            return frames(user: r.userStack, kernel: r.kernelStack, syscall: r.name)
        default:
            return nil
        }
    }

    /// One folded stack per thread of a snapshot; a thread with no frames at all counts under its name.
    static func frames(of t: ThreadSnapshot) -> [String] {
        let f = frames(user: t.userStack, kernel: t.kernelStack, syscall: nil)
        return f.isEmpty ? ["[" + sanitize(t.name.isEmpty ? "tid \(t.tid)" : t.name) + "]"] : f
    }
}

/// Counts identical stacks. Memory grows with the number of *distinct* stacks, not with the
/// number of records.
struct StackCounter {
    private(set) var counts: [String: UInt64] = [:]
    private(set) var total: UInt64 = 0

    mutating func add(_ frames: [String], count: UInt64 = 1) {
        guard !frames.isEmpty else { return }
        counts[frames.joined(separator: ";"), default: 0] += count
        total += count
    }

    /// Lines sorted by stack, as stackcollapse scripts print them.
    var lines: [(stack: String, count: UInt64)] {
        counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// `folded`: one `frame;…;frame count` line per distinct stack, for flamegraph.pl or inferno.
public final class FoldedExporter: ReportExporter {
    private let out: ReportWriter
    private var counter = StackCounter()

    public init(writer: ReportWriter) { self.out = writer }

    public func consume(_ record: TraceRecord) throws {
        if let f = FoldedStack.frames(of: record) { counter.add(f) }
    }

    public func consume(_ snapshot: Snapshot) throws {
        for t in snapshot.threads { counter.add(FoldedStack.frames(of: t)) }
    }

    public func finish() throws {
        for (stack, count) in counter.lines { out.write(stack + " " + String(count) + "\n") }
        out.flush()
    }
}
