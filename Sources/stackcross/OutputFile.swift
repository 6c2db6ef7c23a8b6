import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An `-o FILE`, opened the way a shell's `>` opens it: truncated in place, so /dev/null, a FIFO
/// or a terminal stays what it is. (Foundation's createFile writes a temporary file and renames
/// it over the path, which turns /dev/null into a regular file.)
final class OutputFile {
    let path: String
    let fd: Int32
    /// Only a regular file may be removed after a failed run; never a device or a FIFO.
    let isRegular: Bool
    private var closed = false

    init(_ path: String, command: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RuntimeFailure("\(command): cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        self.path = path
        self.fd = fd
        self.isRegular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// A handle on the same descriptor; closing stays with this object.
    var handle: FileHandle { FileHandle(fileDescriptor: fd, closeOnDealloc: false) }

    func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(fd)
    }

    /// After a failed run: close, and remove what was half written if it is a regular file.
    func discard() {
        close()
        if isRegular { unlink(path) }
    }

    deinit { close() }
}
