import StackCross

/// A CrossingProbe made at its first use, once the model's configuration is loaded: a trace that
/// reports no syscall (say, -e trace=reboot) never waits for it.
public final class LazyCrossingProbe: TraceExtension {
    let loader: TraceModelLoader
    let readKernelStack: Bool
    let stepIntoHandlers: Bool
    /// Whether the probe exists yet (a task that goes before it does has nothing to drop).
    private var made = false
    lazy var probe: CrossingProbe = {
        made = true
        return CrossingProbe(model: loader.model, readKernelStack: readKernelStack, stepIntoHandlers: stepIntoHandlers)
    }()

    public init(loader: TraceModelLoader, readKernelStack: Bool, stepIntoHandlers: Bool) {
        self.loader = loader
        self.readKernelStack = readKernelStack
        self.stepIntoHandlers = stepIntoHandlers
    }

    public var observesStops: Bool { true }
    public func observe(_ observation: inout StopObservation, at stop: TaskStop) { probe.observe(&observation, at: stop) }
    public func syscallEntered(_ record: inout SyscallRecord, at stop: TaskStop) { probe.syscallEntered(&record, at: stop) }
    public func intoHandler(_ record: inout SignalRecord, delivery: StopObservation, at stop: TaskStop) -> HandlerStep {
        stepIntoHandlers ? probe.intoHandler(&record, delivery: delivery, at: stop) : .notTaken
    }
    public func taskGone(pid: Int32, tid: Int32, processGone: Bool) {
        if made { probe.taskGone(pid: pid, tid: tid, processGone: processGone) }
    }
}
