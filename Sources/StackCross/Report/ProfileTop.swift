import Foundation

/// `profile --top`: the heaviest merged stacks of the last interval, as a table redrawn every
/// second (like perf top / py-spy top). Counts per stack and per thread state; every tracee string
/// escaped for the terminal (no control byte reaches it).
public final class ProfileTopView: ProfileConsumer {
    private struct Row { var now = 0; var total = 0; var states: [String: Int] = [:]; var threads: Set<Int32> = [] }
    private var rows: [String: Row] = [:]
    /// Each stack as shown: user frames innermost first, then after `|` the kernel's, innermost first.
    private var shown: [String: String] = [:]
    private var samplesNow = 0
    private var samplesTotal = 0
    private let lines: Int
    private let width: Int

    public init(lines: Int = 20, width: Int = 120) { self.lines = lines; self.width = width }

    public func consume(_ s: ResolvedSample, start: ProfileStart?) throws {
        let frames = foldedFrames(s, stateRoot: false)
        let key = frames.joined(separator: ";")
        if rows[key] == nil {
            let user = s.user.map { SyscallDecoder.escaped($0.symbol ?? "?") }.joined(separator: " < ")
            let kernel = s.kernel.map { SyscallDecoder.escaped($0.symbol ?? "?") }.joined(separator: " < ")
            shown[key] = kernel.isEmpty ? user : (user.isEmpty ? "" : user + " | ") + "kernel: " + kernel
            if shown[key]!.isEmpty { shown[key] = SyscallDecoder.escaped(frames.joined(separator: ";")) }
        }
        rows[key, default: Row()].now += 1
        rows[key]!.total += 1
        rows[key]!.states[s.state, default: 0] += 1
        rows[key]!.threads.insert(s.tid)
        samplesNow += 1
        samplesTotal += 1
    }

    public func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws {}

    /// The table of the interval since the last call (then the interval starts again); `elapsed` in seconds.
    public func table(elapsed: Double, title: String) -> String {
        var out = SyscallDecoder.escaped(title) + " · \(String(format: "%.0f", elapsed)) s · \(samplesNow) samples this second, \(samplesTotal) in all\n"
        out += "%NOW".leftPadded(6) + "NOW".leftPadded(7) + "TOTAL".leftPadded(9) + "THREADS".leftPadded(8) + " " + "STATES".rightPadded(14) + " STACK (user innermost first | kernel)\n"
        let top = rows.sorted { ($0.value.now, $0.value.total, $1.key) > ($1.value.now, $1.value.total, $0.key) }.prefix(lines)
        for (key, r) in top {
            let pct = samplesNow > 0 ? Double(r.now) * 100 / Double(samplesNow) : 0
            let states = r.states.keys.sorted().map { "\($0):\(r.states[$0]!)" }.joined(separator: " ")
            let stack = shown[key] ?? ""
            var line = String(format: "%.1f", pct).leftPadded(6) + String(r.now).leftPadded(7) + String(r.total).leftPadded(9)
                + String(r.threads.count).leftPadded(8) + " " + SyscallDecoder.escaped(states).rightPadded(14) + " " + stack
            if line.count > width { line = String(line.prefix(width - 1)) + "…" }
            out += line + "\n"
        }
        for k in rows.keys { rows[k]!.now = 0; rows[k]!.states = [:]; rows[k]!.threads = [] }
        samplesNow = 0
        return out
    }

}
