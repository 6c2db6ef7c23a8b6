extension TraceSink {
    /// Sinks without text lines have nothing to show for a group stop (no record type carries it).
    public func groupStop(pid: Int32, tid: Int32, signal: String) {}
}
