import Foundation

/// A trace file (or stdin for "-") read in chunks.
enum TraceFileInput {
    static func forEachChunk(_ path: String, command: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let file = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw RuntimeFailure("\(command): cannot read \(path)\(isDir.boolValue ? ": is a directory" : "")")
            }
            throw RuntimeFailure("\(command): \(path): no such file")
        }
        defer { if path != "-" { try? file.close() } }
        while true {
            let chunk: Data
            do { chunk = try file.read(upToCount: 1 << 20) ?? Data() } catch {
                throw RuntimeFailure("\(command): cannot read \(path): \(error.localizedDescription)")
            }
            if chunk.isEmpty { return }
            try chunk.withUnsafeBytes { try body($0) }
        }
    }
}
