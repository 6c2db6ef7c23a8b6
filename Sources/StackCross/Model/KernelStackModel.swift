/// The simulated kernel stack of a thread, and the judge that holds it against observations:
/// `crossing(for:)` deduces how the thread entered the kernel and checks every prediction
/// the model can make at that stop (../shared/KERNEL-MODEL.md, checks 1-12 and pt_regs slot by slot).
public struct KernelStackModel: Sendable {
    public var config: KernelConfig {
        didSet { ways = Self.layoutWays(config) }
    }
    /// Every way in, laid out once per configuration: the judge runs at every traced stop.
    private(set) var ways: [CrossingKind: WayIn] = [:]
    public init(config: KernelConfig = .default) {
        self.config = config
        ways = Self.layoutWays(config)
    }

    static func layoutWays(_ c: KernelConfig) -> [CrossingKind: WayIn] {
        let m = KernelStackModel(uncached: c)
        return Dictionary(uniqueKeysWithValues: CrossingKind.allCases.map { ($0, m.wayIn($0)) })
    }
    private init(uncached c: KernelConfig) { config = c }

    public var layout: KernelStackLayout { KernelStackLayout(config: config) }

    /// The crossing a stop shows, with every check the model can make on it.
    public func crossing(for obs: StopObservation, detail: CrossingDetail = .all) -> Crossing {
        let judge = CrossingJudge(model: self, obs: obs, detail: detail)
        return judge.run()
    }

    /// The way in the model predicts for a stop, from the task's bitness, the syscall arch,
    /// where ip is and the CPU vendor (not from the kernel frames: those are the evidence).
    public func predictedKind(for obs: StopObservation) -> CrossingKind {
        CrossingJudge(model: self, obs: obs).predictedKind()
    }
}

/// Syscall numbers the checks treat specially.
enum SpecialSyscall {
    static func isExecve(_ nr: Int64, i386: Bool) -> Bool { i386 ? (nr == 11 || nr == 358) : (nr == 59 || nr == 322) }
    static func isSigreturn(_ nr: Int64, i386: Bool) -> Bool { i386 ? (nr == 173 || nr == 119) : nr == 15 }
    static func isCloneLike(_ nr: Int64, i386: Bool) -> Bool {
        i386 ? [2, 120, 190, 435].contains(nr) : [56, 57, 58, 435].contains(nr)
    }
}

/// What one pt_regs slot should hold. Every case is a plain value (no closure context, no String
/// storage), so the arrays of predictions built twice per traced call need no reference counting.
enum SlotExpectation {
    case value(UInt64)
    /// The same value as another register, described in words ("= flags (SYSCALL saved RFLAGS in R11)").
    case equal(UInt64, StaticString)
    /// A syscall's return value: the 64-bit value or, for i386, its low 32 bits sign-extended.
    case returnValue(Int64)
    /// A property with its description ("IF|0x2 set, RF clear").
    case property(StaticString, @convention(c) (UInt64) -> Bool)

    func holds(_ v: UInt64) -> Bool {
        switch self {
        case .value(let e), .equal(let e, _): e == v
        case .returnValue(let r): v == UInt64(bitPattern: r) || Int64(Int32(truncatingIfNeeded: v)) == r
        case .property(_, let p): p(v)
        }
    }
    var text: String {
        var b = TextBytes()
        write(to: &b)
        return b.string
    }
    /// Small negative values (errno, -1) in decimal, everything else in hex.
    func write(to b: inout TextBytes) {
        switch self {
        case .value(let e):
            let s = Int64(bitPattern: e)
            if s < 0 && s > -4096 { b.appendDecimal(s) } else { b.appendHex(e) }
        case .equal(_, let t), .property(let t, _):
            b.append(t)
        case .returnValue(let r):
            b.appendDecimal(r)
            b.append(" (the return value)")
        }
    }
}

