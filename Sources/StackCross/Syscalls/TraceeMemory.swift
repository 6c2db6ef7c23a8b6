/// What the syscall decoder may ask of a stopped tracee. Inspector implements it with
/// process_vm_readv and /proc; tests implement it with a dictionary.
public protocol TraceeMemory {
    /// Up to `count` bytes at `address`; nil when unreadable.
    func read(_ address: UInt64, count: Int) -> [UInt8]?
    /// A NUL-terminated string of at most `limit` bytes; `truncated` when no NUL was found in the limit.
    func readCString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], truncated: Bool)?
    /// The path an fd refers to (/proc/PID/fd/N), for strace -y style decoding; for AT_FDCWD (-100)
    /// the cwd (/proc/PID/cwd) when the implementation provides it, else nil.
    func fdPath(_ fd: Int32) -> String?
    /// `fdPath` as the exact bytes of the path (a path need not be UTF-8); what the decoder shows.
    func fdPathBytes(_ fd: Int32) -> [UInt8]?
}

extension TraceeMemory {
    public func fdPathBytes(_ fd: Int32) -> [UInt8]? { fdPath(fd).map { Array($0.utf8) } }
}
