import CLibunwind
import Glibc
import StackCross

/// libunwind backend (`--unwinder libunwind`): placeholder until built.
final class LibunwindCopiedStackUnwinder: CopiedStackUnwinder {
    func unwind(_ job: StackJob, maxFrames: Int) -> [Frame] {
        [Frame(pc: job.regs.rip, isActivation: true), Frame(pc: 0, note: "unwind stopped: libunwind backend not built")]
    }
}
