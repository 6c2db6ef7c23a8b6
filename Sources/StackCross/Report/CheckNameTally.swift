/// Per check name, how many crossings passed and failed it, in the order the names were first seen.
/// Shared by `stackcross check` and the report views: it runs for every check of every record.
struct CheckNameTally {
    struct Counts { var passed = 0, failed = 0 }

    /// Each name with its counts, in the order first seen.
    private(set) var entries: [(name: String, counts: Counts)] = []
    /// Per name, its index in `entries`.
    private var slots: [String: Int] = [:]
    /// The previous crossing's names and their indexes, by position. Consecutive crossings mostly list the
    /// same checks in the same order, and comparing two short names is cheaper than hashing one.
    private var recent: [(name: String, slot: Int)] = []

    mutating func add(_ checks: [Check]) {
        for (i, ch) in checks.enumerated() {
            let k = slot(ch.name, at: i)
            if ch.ok { entries[k].counts.passed += 1 } else { entries[k].counts.failed += 1 }
        }
    }

    /// The index in `entries` of check `name`, listed `i`-th in its crossing.
    private mutating func slot(_ name: String, at i: Int) -> Int {
        if i < recent.count, recent[i].name == name { return recent[i].slot }
        let k: Int
        if let known = slots[name] {
            k = known
        } else {
            k = entries.count
            slots[name] = k
            entries.append((name, Counts()))
        }
        if i < recent.count { recent[i] = (name, k) } else { recent.append((name, k)) }
        return k
    }
}
