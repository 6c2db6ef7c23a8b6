/// The kernel configuration the model depends on (see ../shared/KERNEL-MODEL.md).
public struct KernelConfig: Codable, Hashable, Sendable {
    /// THREAD_SIZE: 16 KiB, 32 KiB with KASAN.
    public var threadSize: UInt64 = 16 * 1024
    /// FRED kernels leave 16 bytes above pt_regs.
    public var fred: Bool = false
    /// CONFIG_RANDOMIZE_KSTACK_OFFSET: the syscall path moves RSP down by up to about 1 KiB.
    public var randomKstackOffset: Bool = true
    /// CPU vendor decides the 32-bit vDSO path: SYSCALL on AMD, SYSENTER on Intel.
    public var cpuVendor: String = "AuthenticAMD"
    public init() {}
    public static let `default` = KernelConfig()
}

/// The simulated kernel stack of a thread, and the judge that holds it against observations.
/// (Issue 4 builds this out; until then it only names the way in.)
public struct KernelStackModel: Sendable {
    public var config: KernelConfig
    public init(config: KernelConfig = .default) { self.config = config }

    /// The crossing a stop shows, with every check the model can make on it.
    public func crossing(for obs: StopObservation) -> Crossing {
        let entry: EntryKind
        if let info = obs.syscallInfo, info.op == .entry || info.op == .exit {
            entry = obs.bytesBeforeIP == [0xCD, 0x80] ? .int80 : .syscall
        } else if obs.regs.origRax.signed == -1 {
            entry = .interrupt
        } else {
            entry = .syscall
        }
        return Crossing(entry: entry, phase: obs.kind.rawValue, userRsp: obs.regs.rsp, checks: [])
    }
}
