import Glibc

/// A program to run, found as execvp finds it, on bytes: neither PROGRAM nor $PATH need be UTF-8.
public enum ProgramPath {
    /// PROGRAM as execvp would find it: a path with a slash as is, else the first executable in $PATH.
    public static func resolve(_ program: String) -> String? {
        resolve(bytes: Array(program.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `resolve` on bytes: neither PROGRAM nor $PATH need be UTF-8.
    public static func resolve(bytes program: [UInt8]) -> [UInt8]? {
        let slash = UInt8(ascii: "/")
        if program.contains(slash) { return exists(program, F_OK) ? program : nil }
        let path = getenv("PATH").map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? Array("/usr/local/bin:/usr/bin:/bin".utf8)
        for dir in path.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? [UInt8(ascii: ".")] : Array(dir)) + [slash] + program
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A NUL-terminated copy of `bytes`, for C (deallocate it).
    static func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        p[bytes.count] = 0
        return p
    }

    static func exists(_ path: [UInt8], _ mode: Int32) -> Bool {
        (path + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { access($0.baseAddress!, mode) == 0 } }
    }

    static func isExecutableFile(_ path: [UInt8]) -> Bool {
        (path + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { p in
                var st = stat()
                return stat(p.baseAddress!, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(p.baseAddress!, X_OK) == 0
            }
        }
    }
}
