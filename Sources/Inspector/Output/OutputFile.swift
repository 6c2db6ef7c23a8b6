import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An open, write or close that failed: names the file and the errno text, as the CLI reports it.
public struct OutputWriteError: Error, CustomStringConvertible {
    public let path: String
    public let code: Int32
    /// "write" (a write or close), or "open".
    public var action = "write"
    public var description: String { "cannot \(action) \(path): \(String(cString: strerror(code)))" }
}

/// Where the CLI writes: an `-o FILE`, stdout or stderr. Every write is checked (write(2) in a loop,
/// never FileHandle.write(_:), which traps), and so is the close.
///
/// An `-o FILE` is opened the way a shell's `>` opens it: truncated in place, so /dev/null, a FIFO
/// or a terminal stays what it is. (Foundation's createFile writes a temporary file and renames
/// it over the path, which turns /dev/null into a regular file.)
public final class OutputFile: @unchecked Sendable {
    /// The name in messages: the path, or "stdout"/"stderr".
    public let path: String
    let fd: Int32
    /// Only a regular file may be removed after a failed run; never a device or a FIFO.
    public let isRegular: Bool
    /// stdout and stderr are the process's own: never closed nor removed here.
    private let owned: Bool
    private var closed = false
    /// `-o FILE.zst`: what is written goes through zstd; `close()` ends the frame.
    private var compressor: ZstdCompressor?

    /// With `zstd`, the bytes written are compressed into one zstd frame, ended at `close()`.
    /// `append`: strace's -A (O_APPEND instead of truncating).
    public init(_ path: String, zstd: Bool = false, append: Bool = false) throws(OutputWriteError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputWriteError(path: path, code: errno, action: "open") }
        var st = stat()
        self.path = path
        self.fd = fd
        self.owned = true
        self.isRegular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        if zstd {
            guard let c = ZstdCompressor(path: path) else {
                Glibc.close(fd)
                throw OutputWriteError(path: path, code: ENOMEM, action: "open")
            }
            compressor = c
        }
    }

    /// Whether what is written is compressed (zstd).
    public var isCompressed: Bool { compressor != nil }

    private init(standard fd: Int32, name: String) {
        self.path = name
        self.fd = fd
        self.owned = false
        self.isRegular = false
    }

    public static let standardOutput = OutputFile(standard: 1, name: "stdout")
    public static let standardError = OutputFile(standard: 2, name: "stderr")

    /// Writes all of `raw`, retrying short writes and EINTR; EPIPE (SIGPIPE is not fatal, see
    /// `StandardStreams.ignoreBrokenPipes` in the CLI), ENOSPC, EIO, EBADF… are thrown.
    public func write(_ raw: UnsafeRawBufferPointer) throws(OutputWriteError) {
        if let compressor {
            try compressor.compress(raw) { (bytes) throws(OutputWriteError) in try writeRaw(bytes) }
        } else {
            try writeRaw(raw)
        }
    }

    /// write(2) of all of `raw` to the file (the compressed bytes, for a `.zst`).
    private func writeRaw(_ raw: UnsafeRawBufferPointer) throws(OutputWriteError) {
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

    public func write(_ bytes: [UInt8]) throws(OutputWriteError) {
        // withUnsafeBytes rethrows untyped: carry the error out as a value.
        let failure = bytes.withUnsafeBytes { raw -> OutputWriteError? in
            do throws(OutputWriteError) { try write(raw); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    public func write(_ text: String) throws(OutputWriteError) {
        try write(Array(text.utf8))
    }

    /// Closes an `-o FILE` and reports what close(2) says (NFS and some FUSE filesystems report
    /// ENOSPC/EIO of delayed writes only here). stdout and stderr stay open. A `.zst` gets its
    /// frame ended first (also after a failed write: whatever can still be written is).
    public func close() throws(OutputWriteError) {
        guard owned, !closed else { return }
        var failure: OutputWriteError?
        if let compressor {
            do { try compressor.end { (bytes) throws(OutputWriteError) in try writeRaw(bytes) } } catch { failure = error }
        }
        closed = true
        if Glibc.close(fd) != 0 && errno != EINTR && failure == nil { failure = OutputWriteError(path: path, code: errno) }
        if let failure { throw failure }
    }

    /// After a failed run: close, and remove what was half written if it is a regular file.
    public func discard() {
        try? close()
        if owned && isRegular { unlink(path) }
    }

    deinit { try? close() }
}
