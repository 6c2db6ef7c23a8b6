import Foundation

/// `attach --group`: threads whose merged stacks are identical (same state, same kernel frames, same
/// user pcs) shown once, with their count and tids — the view of a 500-thread server.
public struct SnapshotGroup: Codable, Sendable, Equatable {
    public var count: Int
    public var tids: [Int32]
    /// `1201-1220,1230`: the tids as ranges.
    public var tidRanges: String
    public var names: [String]
    public var state: String
    public var userStack: [Frame]
    public var kernelStack: [Frame]
    public var syscall: String?
}

/// The grouped view as a record of its own (`--json --group`).
public struct GroupedSnapshot: Codable, Sendable, Equatable {
    public var type = "snapshotGroups"
    public var pid: Int32
    public var exe: String
    public var threads: Int
    public var groups: [SnapshotGroup]
}

public enum SnapshotGrouping {
    struct Key: Hashable {
        var state: String
        var kernel: [String]
        var user: [UInt64]
        var userNotes: [String?]
        var error: String?
    }

    /// Groups, largest first (ties by lowest tid).
    public static func groups(_ s: Snapshot) -> [SnapshotGroup] {
        var order: [Key] = []
        var members: [Key: [ThreadSnapshot]] = [:]
        for t in s.threads {
            let k = Key(state: t.state, kernel: t.kernelStack.map { ($0.symbol ?? "?") + "+" + String($0.offset ?? 0) + ($0.module ?? "") },
                        user: t.userStack.map(\.pc.rawValue), userNotes: t.userStack.map(\.note), error: t.error)
            if members[k] == nil { order.append(k) }
            members[k, default: []].append(t)
        }
        return order.map { k -> SnapshotGroup in
            let ts = members[k]!
            let tids = ts.map(\.tid).sorted()
            let first = ts[0]
            return SnapshotGroup(count: ts.count, tids: tids, tidRanges: ranges(tids), names: Array(Set(ts.map(\.name))).sorted(),
                                 state: k.state, userStack: first.userStack, kernelStack: first.kernelStack,
                                 syscall: first.crossing?.syscall?.name)
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.tids[0] < $1.tids[0] }
    }

    /// `1201-1220,1230` from sorted tids.
    public static func ranges(_ tids: [Int32]) -> String {
        var parts: [String] = []
        var i = 0
        while i < tids.count {
            var j = i
            while j + 1 < tids.count, tids[j + 1] == tids[j] + 1 { j += 1 }
            parts.append(i == j ? "\(tids[i])" : "\(tids[i])-\(tids[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// The text view: each group's stack once, headed by `20 threads: 1201-1220`.
    public static func render(_ s: Snapshot) -> String {
        let gs = groups(s)
        var out = "process \(s.pid) \(SyscallDecoder.escaped(s.exe)) · \(s.threads.count) thread\(s.threads.count == 1 ? "" : "s") in \(gs.count) group\(gs.count == 1 ? "" : "s")\n"
        for g in gs {
            guard let t = s.threads.first(where: { $0.tid == g.tids[0] }) else { continue }
            out += "\n"
            let who = g.count == 1 ? "1 thread: \(g.tidRanges)" : "\(g.count) threads: \(g.tidRanges)"
            let names = g.names.map { SyscallDecoder.quote($0.utf8) }.joined(separator: ",")
            out += "\(who) \(names) · \(SnapshotText.stateName(g.state))\n"
            // The representative's stack, without its own heading line.
            out += SnapshotText.thread(t).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        }
        return out
    }

    /// The JSON view: one `snapshotGroups` record and a newline.
    public static func json(_ s: Snapshot) -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let record = GroupedSnapshot(pid: s.pid, exe: s.exe, threads: s.threads.count, groups: groups(s))
        return ((try? enc.encode(record)).map { [UInt8]($0) } ?? Array("{}".utf8)) + [0x0A]
    }
}
