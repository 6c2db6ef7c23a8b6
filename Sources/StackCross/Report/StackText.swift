/// A user stack under a syscall line, as `strace -k` prints it. Pure.
public enum StackText {
    /// One line per frame, innermost first: ` > module(symbol+0xoff) [0xpc] file:line`; inlined
    /// frames carry `[inlined]`, code in no module shows its raw pc, and a stack that could not be
    /// walked to its end closes with ` > -- why`.
    public static func straceLines(_ frames: [Frame]) -> [String] {
        frames.map { f in
            var b: [UInt8] = []
            appendLine(f, to: &b)
            b.removeLast()
            return String(decoding: b, as: UTF8.self)
        }
    }

    /// The same lines appended to a byte buffer, each ending in a newline (the trace hot path).
    public static func append(_ frames: [Frame], to b: inout [UInt8]) {
        for f in frames { appendLine(f, to: &b) }
    }

    /// Names from the tracee are escaped as strace escapes strings, so a line stays one line.
    static func appendLine(_ f: Frame, to b: inout [UInt8]) {
        b.append(contentsOf: " > ".utf8)
        if let note = f.note {
            b.append(contentsOf: "-- ".utf8)
            SyscallDecoder.appendEscaped(note.utf8, to: &b)
            b.append(0x0A)
            return
        }
        if let module = f.module {
            SyscallDecoder.appendEscaped(module.utf8, to: &b)
            b.append(UInt8(ascii: "("))
            if let sym = f.symbol { SyscallDecoder.appendEscaped(sym.utf8, to: &b) }
            if let o = f.offset, f.inlined != true {
                b.append(contentsOf: "+".utf8)
                writeHex(o, to: &b)
            }
            b.append(contentsOf: ") ".utf8)
        }
        b.append(UInt8(ascii: "["))
        writeHex(f.pc.rawValue, to: &b)
        b.append(UInt8(ascii: "]"))
        if let file = f.file, let line = f.line {
            b.append(UInt8(ascii: " "))
            SyscallDecoder.appendEscaped(file.utf8, to: &b)
            b.append(UInt8(ascii: ":"))
            b.append(contentsOf: String(line).utf8)
        }
        if f.inlined == true { b.append(contentsOf: " [inlined]".utf8) }
        b.append(0x0A)
    }
}

/// Renders stacks to strace -k lines, remembering the bytes of the last few distinct stacks: a
/// trace repeats the same frames array (the unwinder memoizes walks), so most records cost a copy.
/// Identity is the array's storage, kept alive by the cache so that it cannot be reused meanwhile.
public final class StackTextRenderer {
    private var entries: [(frames: [Frame], bytes: [UInt8])] = []
    private var next = 0
    private let capacity: Int

    public init(capacity: Int = 64) { self.capacity = capacity }

    public func append(_ frames: [Frame], to b: inout [UInt8]) {
        guard !frames.isEmpty else { return }
        let id = frames.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        for e in entries where e.frames.count == frames.count {
            if e.frames.withUnsafeBufferPointer({ UnsafeRawPointer($0.baseAddress) }) == id {
                b.append(contentsOf: e.bytes)
                return
            }
        }
        var bytes: [UInt8] = []
        StackText.append(frames, to: &bytes)
        b.append(contentsOf: bytes)
        if entries.count < capacity {
            entries.append((frames, bytes))
        } else {
            entries[next] = (frames, bytes)
            next = (next + 1) % capacity
        }
    }
}
