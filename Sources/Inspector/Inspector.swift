import CStackCross
import StackCross

/// The live side of stackcross. Everything here talks to real tracees.
public enum InspectorInfo {
    /// PTRACE_GET_SYSCALL_INFO's size of the mirrored struct, to prove the shim links.
    public static var syscallInfoSize: Int { MemoryLayout<sc_syscall_info>.size }
}
