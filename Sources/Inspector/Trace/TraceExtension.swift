import StackCross

/// A task held in a ptrace stop, as an extension sees it: who it is, and the tracer's handle for
/// any request it makes (on the tracer thread, while the task is stopped).
public struct TaskStop {
    public let pid: Int32
    public let tid: Int32
    public let ptrace: Ptrace

    /// The stopped task's memory (PEEKDATA where process_vm_readv cannot reach).
    public var memory: TraceeMemoryReader { TraceeMemoryReader(tid: tid, ptrace: ptrace) }
}

/// A piece that extends a trace (the model's probe, --stack's collector). The tracer calls its
/// extensions in the order `SyscallTracer` was given them, at each point below, on the tracer thread
/// with the task stopped; every method has a default that does nothing (strace's unwinder table of
/// functions is the model).
public protocol TraceExtension: AnyObject {
    /// Whether stops are turned into observations for this extension even when no crossing is judged.
    var observesStops: Bool { get }
    /// Before the model judges any stop: adds what the engine does not read itself (maps, /proc stack, frame words).
    func observe(_ observation: inout StopObservation, at stop: TaskStop)
    /// At each reported syscall-entry stop, after every extension observed it.
    func syscallEntered(_ record: inout SyscallRecord, at stop: TaskStop)
    /// At every syscall-exit stop, reported or not (nr from orig_rax).
    func syscallExited(abi: SyscallABI, nr: Int64, ret: Int64, at stop: TaskStop)
    /// At each signal-delivery stop, before the signal is delivered.
    func signalDelivery(_ record: inout SignalRecord, observation: StopObservation, at stop: TaskStop)
    /// At a signal-delivery stop, last: may deliver the signal itself; the first extension that does wins.
    func intoHandler(_ record: inout SignalRecord, delivery: StopObservation, at stop: TaskStop) -> HandlerStep
    /// A fork or vfork made process `child` of `parent` (not a thread: same pid). Called at the parent's event stop.
    func processForked(parent: Int32, child: Int32)
    /// A traced task is gone (exited, killed, ended by an execve, detached); `processGone` with its process's last task.
    func taskGone(pid: Int32, tid: Int32, processGone: Bool)
}

extension TraceExtension {
    public var observesStops: Bool { false }
    public func observe(_ observation: inout StopObservation, at stop: TaskStop) {}
    public func syscallEntered(_ record: inout SyscallRecord, at stop: TaskStop) {}
    public func syscallExited(abi: SyscallABI, nr: Int64, ret: Int64, at stop: TaskStop) {}
    public func signalDelivery(_ record: inout SignalRecord, observation: StopObservation, at stop: TaskStop) {}
    public func intoHandler(_ record: inout SignalRecord, delivery: StopObservation, at stop: TaskStop) -> HandlerStep { .notTaken }
    public func processForked(parent: Int32, child: Int32) {}
    public func taskGone(pid: Int32, tid: Int32, processGone: Bool) {}
}

/// What an extension's `intoHandler` did with a signal-delivery stop.
public enum HandlerStep: Sendable {
    /// Nothing: the engine injects the signal as usual.
    case notTaken
    /// The signal was delivered by PTRACE_SINGLESTEP and the task waits at its handler's first
    /// instruction (a ptrace_notify stop): resume it with signal 0. The handler-entry observation (for the
    /// model, judged off the tracer thread) is nil when no frame was built.
    case stepped(StopObservation?)
    /// waitpid reported something else for the task (it died, another stop): the engine handles that stop.
    case otherStop(WaitStop)
}
