import CStackCross
import Foundation
import StackCross

/// The facts of this machine and moment that a trace header records.
public struct TraceHeaderFacts: Sendable {
    public let startMonoNs: UInt64
    public let startWallNs: UInt64
    public let kernelRelease: String
    public let bootId: String?

    /// Reads the clocks (together, at the start of the trace) and the kernel's identity.
    public init() {
        startMonoNs = sc_monotonic_ns()
        startWallNs = realtimeNs()
        kernelRelease = KernelConfigReader.kernelRelease()
        bootId = ProcFS.read("/proc/sys/kernel/random/boot_id").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    public func header(command: [String], kernel: KernelConfig?, options: TraceWriterOptions) -> TraceHeader {
        TraceHeader(version: StackCrossVersion.string, command: command, kernelRelease: kernelRelease, kernel: kernel,
                    bootId: bootId, startMonoNs: startMonoNs, startWallNs: startWallNs,
                    checks: options.checksAll ? "all" : "failed", regs: options.regsFull ? "full" : "delta",
                    keyInterval: options.keyInterval)
    }
}
