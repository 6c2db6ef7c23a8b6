/// One line of a trace as read, before `TraceResolver` fills in what it leaves to earlier lines
/// (register deltas, sticky observations, interned stacks and mappings).
public struct DecodedLine: Sendable {
    public enum Kind: Sendable {
        /// Boxed: a record takes ~770 bytes inline, and lines are moved between the decoding workers,
        /// the batch and the resolver. A class, not `indirect`, so that the reader's resolver can move
        /// the record out of it instead of copying it.
        case record(DecodedRecord)
        /// Boxed too, as the frame: every line's value is as large as its largest case.
        indirect case header(TraceHeader)
        /// A stack record: frames, and each frame's module id (resolved through module records).
        case stack(id: Int, frames: [Frame], moduleIds: [Int?])
        /// A stack record that lists frame ids (resolved through frame records).
        case stackOfFrames(id: Int, frameIds: [Int])
        /// A frame record: one frame, and its module id.
        indirect case frame(id: Int, frame: Frame, moduleId: Int?)
        case module(id: Int, path: String, buildId: String?)
        case mapping(id: Int, MemoryMapping)
    }
    public var kind: Kind
    /// For a v2 syscall or signal record: what it refers to and the stops as written.
    var extras: RecordExtras?
    /// Read by JSONDecoder, which knows only schema 1's fields: a schema 2 syscall or signal read this
    /// way would lose its stops, so the reader refuses it instead.
    var viaFallback = false

    init(_ kind: Kind, extras: RecordExtras? = nil) { self.kind = kind; self.extras = extras }
}

/// A decoded record in a box of its own (see `DecodedLine.Kind.record`).
public final class DecodedRecord: @unchecked Sendable {
    private var stored: TraceRecord?
    init(_ record: TraceRecord) { stored = record }
    /// The record; nil only once `take` moved it out.
    public var record: TraceRecord? { stored }
    /// Moves the record out, copying nothing: only for the line's one owner, which does not read it again.
    func take() -> TraceRecord? { stored.take() }
}

/// A field that may be absent (same as before), null, or a value.
enum Patch<T: Sendable>: Sendable {
    case absent, null, value(T)

    /// `previous` when absent, nil when null, the value otherwise.
    func applied(to previous: T?) -> T? {
        switch self {
        case .absent: previous
        case .null: nil
        case .value(let v): v
        }
    }
}

/// The v2 parts of a syscall or signal record. A reference (two stops take ~1.6 KB inline): filled in by
/// the decoding worker that reads the line, then only read by the resolver.
final class RecordExtras: @unchecked Sendable {
    var key = false
    var userStack: Int?
    var kernelStack: Int?
    /// entryStop/exitStop, or deliveryStop/handlerStop.
    var first: StopPatch?
    var second: StopPatch?
    var siCode: Int32?
    /// The compact verdict's count of passed checks (its `failed` list is the crossing's checks).
    var passed: Int?
}

/// A GET_SYSCALL_INFO as written: the fields that differ from the registers' prediction.
struct InfoPatch: Sendable {
    var op: SyscallInfo.Op?
    var arch: UInt32?
    var ip: Address?
    var sp: Address?
    var nr: Patch<Int64> = .absent
    var args: Patch<[Address]> = .absent
    var rval: Patch<Int64> = .absent
    var isError: Patch<Bool> = .absent
}

/// One stop as written (see TraceWriter for the fields).
struct StopPatch: Sendable {
    var regs: [(Int, UInt64)] = []
    /// A stop of a judged record that has registers but no observation.
    var noObservation = false
    var info: Patch<InfoPatch> = .absent
    var insn: Patch<[UInt8]> = .absent
    var maps: Patch<[Int]> = .absent
    var elf32: Patch<Bool> = .absent
    var alt: Patch<(Address, UInt64)> = .absent
    var kstack: Int?
    var kstackBeforeStop = false
    var ctxsw: ContextSwitchCount?
    var procSyscall: String?
    var procSyscallAtStop: String?
    var frameWords: [UInt64]?
    var signo: Patch<Int32> = .absent
    var entryRegs: Patch<Registers> = .absent
    var interruptedRegs: Patch<Registers> = .absent
    var entryArch: Patch<UInt32> = .absent
    var entryCtxsw: Patch<ContextSwitchCount> = .absent
    var siCode: Patch<Int32> = .absent
    var saHandler: Address?
    var saFlags: UInt64?
    var saRestorer: Address?
    var words: [UInt64]?
    /// StopObservation.injectedReturn.
    var injected: Int64?
}
