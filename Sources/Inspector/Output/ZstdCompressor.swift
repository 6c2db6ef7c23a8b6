import CZstd

#if canImport(Glibc)
import Glibc
#endif

/// A streaming zstd compressor for `OutputFile`: bytes in, compressed bytes handed to `sink` as they
/// come out; `end()` finishes the frame (with its checksum) so a reader can tell a whole file from a
/// truncated one.
final class ZstdCompressor {
    /// Level 3 (zstd's default): fast enough for the output thread, about 10× on trace JSON.
    static let level: Int32 = 3
    private let cctx: OpaquePointer
    /// The file's name, for the error of a failed compression.
    private let path: String
    private var out: [UInt8]
    private(set) var ended = false

    init?(path: String) {
        guard let cctx = ZSTD_createCCtx() else { return nil }
        self.cctx = cctx
        self.path = path
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Self.level)
        // The frame's checksum lets `report` reject a corrupted file instead of misreading it.
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
        out = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    }

    deinit { ZSTD_freeCCtx(cctx) }

    /// Compresses `raw`; every piece of output goes to `sink` (which throws on a failed write).
    func compress(_ raw: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(OutputWriteError) -> Void) throws(OutputWriteError) {
        var input = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
        while input.pos < input.size {
            _ = try step(&input, ZSTD_e_continue, sink: sink)
        }
    }

    /// Ends the frame: flushes what zstd still holds and writes the epilogue (checksum).
    func end(sink: (UnsafeRawBufferPointer) throws(OutputWriteError) -> Void) throws(OutputWriteError) {
        guard !ended else { return }
        ended = true
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&input, ZSTD_e_end, sink: sink) != 0 {}
    }

    /// One ZSTD_compressStream2 call and the write of its output; returns what zstd says remains to flush.
    private func step(_ input: inout ZSTD_inBuffer, _ op: ZSTD_EndDirective,
                      sink: (UnsafeRawBufferPointer) throws(OutputWriteError) -> Void) throws(OutputWriteError) -> Int {
        let (remaining, produced) = out.withUnsafeMutableBytes { buf -> (Int, Int) in
            var output = ZSTD_outBuffer(dst: buf.baseAddress, size: buf.count, pos: 0)
            return (ZSTD_compressStream2(cctx, &output, &input, op), output.pos)
        }
        // Errors here are misuse or out of memory, never the data: no errno fits, so ENOMEM.
        if ZSTD_isError(remaining) != 0 { throw OutputWriteError(path: path, code: ENOMEM, action: "compress") }
        if produced > 0 {
            let failure = out.withUnsafeBytes { buf -> OutputWriteError? in
                do throws(OutputWriteError) { try sink(UnsafeRawBufferPointer(rebasing: buf[0..<produced])); return nil } catch { return error }
            }
            if let failure { throw failure }
        }
        return remaining
    }
}
