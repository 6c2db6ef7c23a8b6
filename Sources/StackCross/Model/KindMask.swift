/// A set of entry kinds as bits: the judge intersects evidence at every traced stop.
struct KindMask: ExpressibleByArrayLiteral {
    var rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }
    mutating func formIntersection(_ o: KindMask) { rawValue &= o.rawValue }
    func union(_ o: KindMask) -> KindMask { KindMask(rawValue: rawValue | o.rawValue) }
    init(_ k: EntryKind) { rawValue = 1 << Self.bit(k) }
    /// The kind's bit: its position in `EntryKind.allCases`, without building that array per call.
    static func bit(_ k: EntryKind) -> UInt16 {
        switch k {
        case .syscall: 0
        case .int80: 1
        case .syscall32: 2
        case .sysenter: 3
        case .interrupt: 4
        case .exception: 5
        case .signal: 6
        case .none: 7
        }
    }
    init(arrayLiteral kinds: EntryKind...) { rawValue = kinds.reduce(0) { $0 | KindMask($1).rawValue } }
    static let all = KindMask(rawValue: (1 << UInt16(EntryKind.allCases.count)) - 1)
    func contains(_ k: EntryKind) -> Bool { rawValue & KindMask(k).rawValue != 0 }
    var kinds: [EntryKind] { EntryKind.allCases.filter { contains($0) } }
    /// The one kind left, if exactly one is.
    var only: EntryKind? {
        rawValue != 0 && rawValue & (rawValue - 1) == 0 ? EntryKind.allCases[rawValue.trailingZeroBitCount] : nil
    }
    var names: String { kinds.map(\.rawValue).sorted().joined(separator: ", ") }
}

