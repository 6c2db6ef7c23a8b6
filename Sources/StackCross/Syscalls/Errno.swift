/// errno names and descriptions (asm-generic/errno*.h, generated) plus the kernel-internal codes
/// (include/linux/errno.h) that a tracer sees at syscall-exit and signal stops.
public enum Errno {
    /// Kernel-internal codes; never returned to user space, but visible to ptrace.
    static let kernelInternal: [(Int32, String, String)] = [
        (512, "ERESTARTSYS", "To be restarted if SA_RESTART is set"),
        (513, "ERESTARTNOINTR", "To be restarted"),
        (514, "ERESTARTNOHAND", "To be restarted if no handler"),
        (515, "ENOIOCTLCMD", "No ioctl command"),
        (516, "ERESTART_RESTARTBLOCK", "Interrupted by signal"),
        (517, "EPROBE_DEFER", "Driver requests probe retry"),
        (518, "EOPENSTALE", "Open found a stale dentry"),
        (519, "ENOPARAM", "Parameter not supported"),
        (521, "EBADHANDLE", "Illegal NFS file handle"),
        (522, "ENOTSYNC", "Update synchronization mismatch"),
        (523, "EBADCOOKIE", "Cookie is stale"),
        (524, "ENOTSUPP", "Operation is not supported"),
        (525, "ETOOSMALL", "Buffer or request is too small"),
        (526, "ESERVERFAULT", "An untranslatable error occurred"),
        (527, "EBADTYPE", "Type not supported by server"),
        (528, "EJUKEBOX", "Request initiated, but will not complete before timeout"),
        (529, "EIOCBQUEUED", "iocb queued, will get completion event"),
        (530, "ERECALLCONFLICT", "Conflict with recalled state"),
        (531, "ENOGRACE", "NFS file lock reclaim refused"),
    ]

    private static let byNumber: [Int32: (String, String)] = {
        var d = [Int32: (String, String)]()
        for (n, name, text) in generatedEntries + kernelInternal { d[n] = (name, text) }
        return d
    }()

    private static let byName: [String: Int32] = {
        var d = [String: Int32]()
        for (n, name, _) in generatedEntries + kernelInternal { d[name] = n }
        return d
    }()

    /// Highest value the kernel treats as an error return (IS_ERR_VALUE: [-4095, -1]).
    public static let maxErrno: Int64 = 4095

    /// `ENOENT` for 2; nil when the number has no name.
    public static func name(_ errno: Int32) -> String? { byNumber[errno]?.0 }

    /// strerror-like text: "No such file or directory" for 2.
    public static func description(_ errno: Int32) -> String? { byNumber[errno]?.1 }

    public static func number(of name: String) -> Int32? { byName[name] }

    /// Whether a syscall return value is an error return (IS_ERR_VALUE).
    @inline(__always)
    public static func isError(_ ret: Int64) -> Bool { ret >= -maxErrno && ret <= -1 }

    /// The errno a syscall return value stands for, when it is an error return.
    public static func errno(forReturn ret: Int64) -> Int32? {
        (-maxErrno ... -1).contains(ret) ? Int32(-ret) : nil
    }

    /// The errno name of a syscall return value: non-nil exactly when ret is in [-4095, -1];
    /// `ERRNO_N` for a number without a name (as strace prints it).
    public static func name(forReturn ret: Int64) -> String? {
        guard let e = errno(forReturn: ret) else { return nil }
        return name(e) ?? "ERRNO_\(e)"
    }

    /// "No such file or directory", or "Unknown error N".
    public static func description(forReturn ret: Int64) -> String? {
        guard let e = errno(forReturn: ret) else { return nil }
        return description(e) ?? "Unknown error \(e)"
    }

    /// Whether `ret` is one of the restart codes (-512 and friends) the user never sees.
    public static func isRestart(_ ret: Int64) -> Bool {
        [-512, -513, -514, -516].contains(ret)
    }
}
