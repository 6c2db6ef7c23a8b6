import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A write or close that failed: names the file and the errno text, as the CLI reports it.
struct OutputWriteError: Error, CustomStringConvertible {
    let path: String
    let code: Int32
    var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}

/// Where the CLI writes: an `-o FILE`, stdout or stderr. Every write is checked (write(2) in a loop,
/// never FileHandle.write(_:), which traps), and so is the close.
///
/// An `-o FILE` is opened the way a shell's `>` opens it: truncated in place, so /dev/null, a FIFO
/// or a terminal stays what it is. (Foundation's createFile writes a temporary file and renames
/// it over the path, which turns /dev/null into a regular file.)
final class OutputFile: @unchecked Sendable {
    /// The name in messages: the path, or "stdout"/"stderr".
    let path: String
    let fd: Int32
    /// Only a regular file may be removed after a failed run; never a device or a FIFO.
    let isRegular: Bool
    /// stdout and stderr are the process's own: never closed nor removed here.
    private let owned: Bool
    private var closed = false

    init(_ path: String, command: String) throws {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RuntimeFailure("\(command): cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        self.path = path
        self.fd = fd
        self.owned = true
        self.isRegular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    private init(standard fd: Int32, name: String) {
        self.path = name
        self.fd = fd
        self.owned = false
        self.isRegular = false
    }

    static let standardOutput = OutputFile(standard: 1, name: "stdout")
    static let standardError = OutputFile(standard: 2, name: "stderr")

    /// `-o FILE` when given, else stdout.
    static func open(_ path: String?, command: String) throws -> OutputFile {
        try path.map { try OutputFile($0, command: command) } ?? standardOutput
    }

    /// Writes all of `raw`, retrying short writes and EINTR; EPIPE (SIGPIPE is not fatal, see
    /// `ignoreBrokenPipes`), ENOSPC, EIO, EBADF… are thrown.
    func write(_ raw: UnsafeRawBufferPointer) throws(OutputWriteError) {
        var off = 0
        while off < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputWriteError(path: path, code: errno)
            }
            off += n
        }
    }

    func write(_ bytes: [UInt8]) throws(OutputWriteError) {
        // withUnsafeBytes rethrows untyped: carry the error out as a value.
        let failure = bytes.withUnsafeBytes { raw -> OutputWriteError? in
            do throws(OutputWriteError) { try write(raw); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    func write(_ text: String) throws(OutputWriteError) {
        try write(Array(text.utf8))
    }

    /// Closes an `-o FILE` and reports what close(2) says (NFS and some FUSE filesystems report
    /// ENOSPC/EIO of delayed writes only here). stdout and stderr stay open.
    func close() throws(OutputWriteError) {
        guard owned, !closed else { return }
        closed = true
        if Glibc.close(fd) != 0 && errno != EINTR { throw OutputWriteError(path: path, code: errno) }
    }

    /// After a failed run: close, and remove what was half written if it is a regular file.
    func discard() {
        try? close()
        if owned && isRegular { unlink(path) }
    }

    deinit { try? close() }
}

enum StandardStreams {
    /// A write to a closed pipe must come back as EPIPE, not kill stackcross (a traced child would be
    /// left behind): SIGPIPE gets a handler that does nothing. Not SIG_IGN, which a spawned tracee
    /// would inherit through execve; a handler is reset to the default there.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE) { _ in }
    }

    /// A closed stdin, stdout or stderr gets /dev/null opened the wrong way round in its place, so a file
    /// stackcross opens later never lands on fd 1 (the snapshot would go into it, or a tracee would write
    /// into our trace file) and writes to it still fail (EBADF), as they would on the closed descriptor.
    static func reserveClosedDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let r = Glibc.open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY)
            if r >= 0 && r != fd { _ = Glibc.close(r) }
        }
    }

    /// Help and usage text reach stdout through C stdio (swift-argument-parser's print), flushed only at
    /// exit: check that flush there, so `--help > /dev/full` fails too.
    static func checkStdioAtExit() {
        atexit {
            guard fflush(stdout) != 0 || ferror(stdout) != 0 else { return }
            fputs("Error: cannot write stdout: \(String(cString: strerror(errno)))\n", stderr)
            _exit(1)
        }
    }
}
