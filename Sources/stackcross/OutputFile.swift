import Foundation
import Inspector

extension OutputFile {
    /// `-o FILE` when given, else stdout; a file that cannot be opened is the command's runtime failure.
    /// With `zstdByName`, a FILE ending in `.zst` is written as a zstd stream; `append`: strace's -A.
    static func open(_ path: String?, command: String, zstdByName: Bool = false, append: Bool = false) throws -> OutputFile {
        // "-" is stdout, as it is stdin for `report -` and `check -`.
        guard let path, path != "-" else { return standardOutput }
        do { return try OutputFile(path, zstd: zstdByName && isZstdName(path), append: append) } catch { throw RuntimeFailure("\(command): \(error)") }
    }

    /// `-o FILE.zst` asks for zstd.
    static func isZstdName(_ path: String) -> Bool { path.hasSuffix(".zst") }
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
