import Foundation
import Inspector

/// A trace file (or stdin for "-") read in chunks: plain or zstd (told by its magic bytes), decompressed
/// as it is read (`TraceInput`). A truncated or corrupt `.zst` is the command's runtime failure.
enum TraceFileInput {
    static func forEachChunk(_ path: String, command: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let input: TraceInput
        do { input = try TraceInput.open(path) } catch { throw RuntimeFailure("\(command): \(error)") }
        defer { input.close() }
        do { try input.forEachChunk(body) } catch let e as TraceInputError { throw RuntimeFailure("\(command): \(e)") }
    }
}
