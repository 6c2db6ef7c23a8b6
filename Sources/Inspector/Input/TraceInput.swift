import CZstd

#if canImport(Glibc)
import Glibc
#endif

/// A trace input that cannot be read: names the file (or "stdin") and what went wrong.
public struct TraceInputError: Error, CustomStringConvertible {
    public let description: String
}

/// What `report` and `check` read: a file or stdin (`-`), plain or zstd-compressed. A zstd stream is
/// recognised by its magic bytes (not by the name) and decompressed as it is read, in bounded memory.
/// A stream that ends inside a frame, or fails its checksum, is an error, never a shorter trace.
public final class TraceInput {
    /// The name in messages: the path, or "stdin".
    public let name: String
    private let fd: Int32
    private let owned: Bool
    private var closed = false
    /// Raw bytes read ahead of the caller (the magic-byte probe, or zstd's input buffer).
    private var raw: [UInt8]
    private var rawPos = 0
    private var rawEnd = 0
    private var rawEOF = false
    private var decoder: ZstdDecoder?

    /// Whether the input is a zstd stream.
    public var isCompressed: Bool { decoder != nil }

    /// Opens `path` (`-`: stdin) and looks at its first bytes to tell zstd from plain text.
    public static func open(_ path: String) throws(TraceInputError) -> TraceInput {
        if path == "-" { return try TraceInput(fd: 0, name: "stdin", owned: false) }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw TraceInputError(description: "\(path): no such file") }
            throw TraceInputError(description: "cannot read \(path): \(String(cString: strerror(code)))")
        }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(fd)
            throw TraceInputError(description: "cannot read \(path): is a directory")
        }
        return try TraceInput(fd: fd, name: path, owned: true)
    }

    private init(fd: Int32, name: String, owned: Bool) throws(TraceInputError) {
        self.fd = fd
        self.name = name
        self.owned = owned
        raw = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
        decoder = nil
        do throws(TraceInputError) {
            try fillProbe()
            if Self.isZstd(raw[0..<rawEnd]) {
                guard let d = ZstdDecoder() else { throw TraceInputError(description: "\(name): out of memory for zstd") }
                decoder = d
            }
        } catch {
            if owned { Glibc.close(fd) }
            throw error
        }
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        if owned { Glibc.close(fd) }
    }

    /// A zstd frame (28 B5 2F FD) or a skippable frame (5? 2A 4D 18), as zstd itself accepts.
    static func isZstd(_ head: ArraySlice<UInt8>) -> Bool {
        guard head.count >= 4 else { return false }
        let b = Array(head.prefix(4))
        if b == [0x28, 0xB5, 0x2F, 0xFD] { return true }
        return b[0] & 0xF0 == 0x50 && b[1] == 0x2A && b[2] == 0x4D && b[3] == 0x18
    }

    /// Reads until 4 bytes are there (a pipe may deliver fewer) or the input ends.
    private func fillProbe() throws(TraceInputError) {
        while rawEnd < 4 && !rawEOF {
            let n = try readRaw(into: rawEnd)
            if n == 0 { rawEOF = true }
            rawEnd += n
        }
    }

    /// One read(2) into `raw[at...]`, retrying EINTR.
    private func readRaw(into at: Int) throws(TraceInputError) -> Int {
        while true {
            let n = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + at, $0.count - at) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw TraceInputError(description: "cannot read \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Refills the read-ahead buffer when the caller has used it all; false at the end of the input.
    private func refill() throws(TraceInputError) -> Bool {
        if rawPos < rawEnd { return true }
        if rawEOF { return false }
        rawPos = 0
        rawEnd = try readRaw(into: 0)
        if rawEnd == 0 { rawEOF = true }
        return rawEnd > 0
    }

    /// Reads (decompressed) trace bytes into `buffer`; 0 at the end of the trace.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceInputError) -> Int {
        guard buffer.count > 0 else { return 0 }
        guard let decoder else {
            guard try refill() else { return 0 }
            let n = min(buffer.count, rawEnd - rawPos)
            raw.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + rawPos, byteCount: n) }
            rawPos += n
            return n
        }
        while true {
            let more = try refill()
            // A finished frame holds nothing back; called again without input zstd would ask for the next.
            if !more && decoder.atFrameEnd { return 0 }
            // withUnsafeBytes rethrows untyped: carry the result out as a value.
            let result = raw.withUnsafeBytes { src -> Result<(Int, Int), ZstdDecoder.Failure> in
                let input = UnsafeRawBufferPointer(rebasing: src[rawPos..<rawEnd])
                do throws(ZstdDecoder.Failure) { return .success(try decoder.decompress(input, into: buffer)) } catch { return .failure(error) }
            }
            guard case .success(let (consumed, produced)) = result else {
                if case .failure(let e) = result { throw TraceInputError(description: "\(name): not a valid zstd stream (\(e.reason))") }
                return 0
            }
            rawPos += consumed
            if produced > 0 { return produced }
            if !more {
                // No input left and nothing more came out: a clean end only at a frame's end.
                guard decoder.atFrameEnd else {
                    throw TraceInputError(description: "\(name): truncated zstd stream (the file ends inside a frame)")
                }
                return 0
            }
        }
    }

    /// Calls `body` with each chunk of (decompressed) trace bytes, `chunkSize` at most, until the end.
    public func forEachChunk(chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(into: buffer)
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}

/// A streaming zstd decompressor (ZSTD_decompressStream): memory is the context and zstd's window,
/// capped at 2^27 bytes (zstd's default limit), whatever the file's size.
final class ZstdDecoder {
    struct Failure: Error { let reason: String }
    private let dctx: OpaquePointer
    /// zstd's hint after the last call: 0 when a frame has just been completely decoded and flushed.
    private var lastHint = 0
    /// Whether any frame has begun: an empty input is not a truncated one.
    private var started = false

    init?() {
        guard let d = ZSTD_createDCtx() else { return nil }
        dctx = d
    }

    deinit { ZSTD_freeDCtx(dctx) }

    var atFrameEnd: Bool { started && lastHint == 0 }

    /// Decompresses from `input` into `output`; returns the bytes consumed and produced.
    func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(Failure) -> (Int, Int) {
        var i = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var o = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let hint = ZSTD_decompressStream(dctx, &o, &i)
        if ZSTD_isError(hint) != 0 { throw Failure(reason: String(cString: ZSTD_getErrorName(hint))) }
        // A call that moved nothing (no input left) says nothing new about where the stream stands.
        guard i.pos > 0 || o.pos > 0 else { return (0, 0) }
        started = true
        lastHint = hint
        return (i.pos, o.pos)
    }
}
