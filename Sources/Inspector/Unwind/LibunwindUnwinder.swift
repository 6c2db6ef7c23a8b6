import CCopiedStackUnwind
import Glibc
import StackCross

/// libunwind backend (`--unwinder libunwind`): libunwind's DWARF unwinder with our accessors
/// (sc_unwind.c) reading registers and stack from the copy and unwind tables from the mapped files.
/// Symbols still come from libdw, so both backends name frames the same way.
final class LibunwindCopiedStackUnwinder: CopiedStackUnwinder {
    private let unwinder = sc_unwinder_create()
    private let symbols: DwflCopiedStackUnwinder
    /// The C view of the last module map seen (paths strdup'ed), rebuilt when the map changes.
    private var cMaps: [sc_mapping] = []
    private var cMapsOf: ObjectIdentifier?
    private var pcs = [UInt64](repeating: 0, count: 1024)
    private var activation = [UInt8](repeating: 0, count: 1024)

    init(sourceLines: SourceLines) { symbols = DwflCopiedStackUnwinder(sourceLines: sourceLines) }

    deinit {
        freeMaps()
        sc_unwinder_destroy(unwinder)
    }

    private func freeMaps() {
        for m in cMaps { free(UnsafeMutablePointer(mutating: m.path)) }
        cMaps.removeAll()
    }

    func unwind(_ job: StackJob, maxFrames: Int) -> [Frame] {
        // libunwind is built for one target: its x86_64 unwinder cannot walk i386 frames.
        if job.regs.cs.rawValue == X86.userCS32 {
            return [Frame(pc: job.regs.rip, isActivation: true),
                    Frame(pc: 0, note: "unwind stopped: the libunwind backend walks x86_64 stacks only (use --unwinder libdw)")]
        }
        guard let unwinder else { return [Frame(pc: job.regs.rip, isActivation: true), Frame(pc: 0, note: "unwind stopped: libunwind address space unavailable")] }
        if cMapsOf != ObjectIdentifier(job.maps) {
            freeMaps()
            cMaps = job.maps.mappings.map { m in
                sc_mapping(start: m.start.rawValue, end: m.end.rawValue, offset: m.offset,
                           path: m.path.hasPrefix("/") ? UnsafePointer(strdup(m.path)) : nil, executable: m.isExecutable ? 1 : 0)
            }
            cMapsOf = ObjectIdentifier(job.maps)
        }
        let regs = job.regs.dwarfOrder
        var stop: Int32 = 0
        var why = [CChar](repeating: 0, count: 256)
        let limit = min(maxFrames, pcs.count)
        let n = regs.withUnsafeBufferPointer { r in
            cMaps.withUnsafeBufferPointer { maps in
                sc_unwind_libunwind(unwinder, r.baseAddress, job.buffer, job.count, maps.baseAddress, maps.count,
                                    UInt64(job.maps.generation), &pcs, &activation, Int32(limit), &stop, &why, why.count)
            }
        }
        var raw = RawStack(frames: (0..<Int(n)).map { RawFrame(pc: pcs[$0], isActivation: activation[$0] != 0) },
                           stopReason: nil)
        let exec = job.maps.executable
        if let bad = raw.frames.dropFirst().firstIndex(where: { f in !exec.contains { $0.contains(Address(f.pc)) } }) {
            raw.stopReason = .notExecutable(returnAddress: Address(raw.frames[bad].pc))
            raw.frames.removeSubrange(bad...)
        } else if let note = job.copyNote {
            raw.stopReason = .other(note)
        } else {
            switch Int(stop) {
            case Int(SC_UNWIND_END): break
            case Int(SC_UNWIND_MAX_FRAMES): raw.stopReason = .maxFrames(maxFrames)
            case Int(SC_UNWIND_REPEAT): raw.stopReason = .frameRepeats(pc: nil, sp: nil)
            case Int(SC_UNWIND_SP_DOWN): raw.stopReason = .stackPointerWentDown(sp: nil, previous: nil)
            case Int(SC_UNWIND_COPY_END) where job.count == job.limit:
                raw.stopReason = .copyEnds(bytes: job.count, limit: job.limit)
            case Int(SC_UNWIND_COPY_END): break
            default: raw.stopReason = .other(String(cString: why))
            }
        }
        return symbols.symbolize(raw, maps: job.maps)
    }
}
