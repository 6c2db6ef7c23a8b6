import CStackCross
import Glibc
import Logging
import StackCross

/// A syscall stop read from the registers alone, as GET_SYSCALL_INFO would report it: one ptrace
/// request less per stop when the model does not need both.
extension SyscallTracer {
    typealias Args6 = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// What PTRACE_GET_SYSCALL_INFO reports at a syscall-exit stop, from the registers and the entry's arch:
    /// an error (rax in [-4095, -1], from eax sign-extended for i386) as a negative rval, else rax as is.
    static func exitInfo(regs: sc_user_regs, arch: UInt32) -> sc_syscall_info {
        var info = sc_syscall_info()
        info.op = UInt8(SC_SYSCALL_INFO_EXIT)
        info.arch = arch
        info.instruction_pointer = regs.rip
        info.stack_pointer = regs.rsp
        let raw = Int64(bitPattern: regs.rax)
        let err = arch == SyscallInfo.auditArchI386 ? Int64(Int32(truncatingIfNeeded: raw)) : raw
        let isError = Errno.isError(err)
        info.u.exit.rval = isError ? err : raw
        info.u.exit.is_error = isError ? 1 : 0
        return info
    }

    /// What PTRACE_GET_SYSCALL_INFO reports at a syscall-entry stop, from the registers: the number is
    /// orig_rax and the arguments are the ABI's argument registers, as the kernel reads them.
    static func entryInfo(regs r: sc_user_regs, arch: UInt32) -> sc_syscall_info {
        var info = sc_syscall_info()
        info.op = UInt8(SC_SYSCALL_INFO_ENTRY)
        info.arch = arch
        info.instruction_pointer = r.rip
        info.stack_pointer = r.rsp
        info.u.entry.nr = r.orig_rax
        info.u.entry.args = argumentRegisters(r, i386: arch == SyscallInfo.auditArchI386)
        return info
    }

    /// The registers that carry a syscall's six arguments in each ABI.
    static func argumentRegisters(_ r: sc_user_regs, i386: Bool) -> Args6 {
        i386 ? (r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp) : (r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9)
    }

    /// The ABI of the syscall a task enters, as the kernel decides it: every way in from a 32-bit code
    /// segment is i386; from 64-bit code, `int $0x80` (cd 80 before rip) is i386 and SYSCALL (0f 05) is
    /// x86_64. nil when neither holds (the caller asks GET_SYSCALL_INFO). The bytes are cached per address
    /// space: the cache is new at every exec and emptied after every call that may map other code in.
    func entryArch(_ t: TracedTask, _ regs: sc_user_regs) -> UInt32? {
        switch regs.cs {
        case X86.userCS32: return SyscallInfo.auditArchI386
        case X86.userCS64: break
        default: return nil
        }
        switch SyscallInstruction(bytesBeforeIP: bytesBeforeIP(t, regs.rip)) {
        case .syscall?: return SyscallABI.auditArchX86_64
        case .int80?: return SyscallABI.auditArchI386
        default: return nil
        }
    }
}
