import CLibdw
import Glibc
import StackCross

/// Where the unwinder's stack reads come from: the live stopped tracee, or a copy of its stack top.
public protocol UnwindMemory: AnyObject {
    /// The 8-byte word at `address`; nil when it cannot be read.
    func readWord(at address: UInt64) -> UInt64?
}

/// Reads a stopped tracee with process_vm_readv, one page at a time, remembering the pages it read.
public final class LiveTraceeMemory: UnwindMemory {
    let pid: Int32
    private var pages: [UInt64: [UInt8]] = [:]
    private static let pageSize: UInt64 = 4096

    public init(pid: Int32) { self.pid = pid }

    /// Forget what was read (the tracee ran since).
    public func invalidate() { pages.removeAll(keepingCapacity: true) }

    public func readWord(at address: UInt64) -> UInt64? {
        let base = address & ~(Self.pageSize - 1)
        let off = Int(address - base)
        if off + 8 > Int(Self.pageSize) {
            // A word that straddles two pages: read it directly.
            guard let b = TraceeMemoryReader.read(pid: pid, address: address, count: 8), b.count == 8 else { return nil }
            return b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        }
        let page: [UInt8]
        if let p = pages[base] {
            page = p
        } else {
            guard let p = TraceeMemoryReader.read(pid: pid, address: base, count: Int(Self.pageSize)) else { return nil }
            pages[base] = p
            page = p
        }
        guard off + 8 <= page.count else { return nil }
        return page.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: off, as: UInt64.self) }
    }
}

/// A copy of the top of a user stack taken at a stop: `count` bytes at `pointer` were at `base`
/// (the stack pointer) in the tracee. The unwinder reads only from the copy.
public final class StackCopyMemory: UnwindMemory {
    public private(set) var base: UInt64 = 0
    private var pointer: UnsafeRawPointer?
    public private(set) var count = 0
    private var owned: [UInt8] = []
    /// Set when the unwinder asked for a word past the end of the copy (the stack was deeper).
    public private(set) var readPastEnd = false
    /// Every word the unwinder read, when recording: what a memoized walk depends on.
    var recording = false
    private(set) var reads: [(address: UInt64, value: UInt64)] = []

    public init() {}
    public convenience init(base: UInt64, bytes: [UInt8]) {
        self.init()
        owned = bytes
        owned.withUnsafeBytes { reset(base: base, pointer: $0.baseAddress, count: $0.count) }
    }

    /// Points at another copy; `pointer` must stay valid until the next reset.
    public func reset(base: UInt64, pointer: UnsafeRawPointer?, count: Int) {
        self.base = base; self.pointer = pointer; self.count = count; readPastEnd = false
        reads.removeAll(keepingCapacity: true)
    }

    public func readWord(at address: UInt64) -> UInt64? {
        guard let pointer, address >= base else { return nil }
        let off = address - base
        guard off <= UInt64(count), UInt64(count) - off >= 8 else {
            readPastEnd = true
            return nil
        }
        let v = pointer.loadUnaligned(fromByteOffset: Int(off), as: UInt64.self)
        if recording { reads.append((address, v)) }
        return v
    }
}

/// Where file:line and inlined frames come from.
public enum SourceLines: String, Sendable, CaseIterable {
    /// Only modules whose own file carries DWARF (the program under study, built with -g).
    case inFile = "own"
    /// Every module, separate debuginfo files (/usr/lib/debug) included.
    case all
    /// None: symbols only.
    case none
}

/// One unwound frame before symbolization.
public struct RawFrame: Hashable, Sendable {
    public var pc: UInt64
    /// True for the innermost frame and signal frames: `pc` is exact, not a return address.
    public var isActivation: Bool
}

/// A walked stack: frames innermost first, and why the walk stopped early, if it did.
public struct RawStack: Sendable {
    public var frames: [RawFrame]
    public var stopReason: String?
}

/// vDSO images read from tracees while they were alive, by pid and address (an execve maps another,
/// 32-bit programs a 32-bit one): stacks copied at a stop may be
/// unwound after the process has moved on or exited, when /proc/PID/mem no longer has the image.
public final class VdsoImages: @unchecked Sendable {
    public static let shared = VdsoImages()
    private let lock = NSLockLike()
    // Never freed: libelf reads an image for as long as any Dwfl holds the module. Every process of
    // one kind (64-bit, 32-bit) has the same image, so each distinct one is kept once, whatever the
    // number of processes: a pid costs one entry here, not 8 KiB.
    private var images: [Key: (pointer: UnsafeMutableRawPointer, size: Int)] = [:]
    private var distinct: [[UInt8]: UnsafeMutableRawPointer] = [:]
    struct Key: Hashable { var pid: Int32; var start: UInt64 }

    /// How many different images are held, and for how many processes (for tests).
    var distinctImages: Int { lock.withLock { Set(images.values.map { $0.pointer }).count } }
    var processes: Int { lock.withLock { Set(images.keys.map { $0.pid }).count } }

    public func image(pid: Int32, start: UInt64) -> (pointer: UnsafeMutableRawPointer, size: Int)? {
        lock.withLock { images[Key(pid: pid, start: start)] }
    }

    /// Reads the [vdso] mapping of `pid` (through `tid`, stopped) unless it is known already.
    public func capture(pid: Int32, tid: Int32, mapping: MemoryMapping) {
        let key = Key(pid: pid, start: mapping.start.rawValue)
        if lock.withLock({ images[key] != nil }) { return }
        let size = Int(mapping.end.rawValue - mapping.start.rawValue)
        guard size > 0, size <= 1 << 20,
              let bytes = TraceeMemoryReader.read(pid: tid, address: mapping.start.rawValue, count: size),
              bytes.count == size else { return }
        lock.withLock {
            let p = distinct[bytes] ?? {
                let p = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
                bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: size) }
                distinct[bytes] = p
                return p
            }()
            images[key] = (p, size)
        }
    }
}

/// libdw's /proc finder, except that a "[vdso: PID]" module comes from `VdsoImages` when it has it.
private let findElf: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                     UnsafePointer<CChar>?, Dwarf_Addr, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                     UnsafeMutablePointer<OpaquePointer?>?) -> Int32 = { mod, userdata, name, base, fileName, elfp in
    if let name, strncmp(name, "[vdso: ", 7) == 0, let pid = Int32(String(cString: name + 7).prefix { $0 != "]" }),
       let img = VdsoImages.shared.image(pid: pid, start: base), let e = elf_memory(img.pointer.assumingMemoryBound(to: CChar.self), img.size) {
        elfp?.pointee = e
        return -1
    }
    if let name, let real = unmangledMapsPath(name) {
        return real.withUnsafeBufferPointer { dwfl_linux_proc_find_elf(mod, userdata, $0.baseAddress, base, fileName, elfp) }
    }
    return dwfl_linux_proc_find_elf(mod, userdata, name, base, fileName, elfp)
}

/// /proc/PID/maps writes a newline in a path as `\012`: the real name, as a C string, when `name`
/// holds that escape and does not exist as written (a path may hold a literal backslash).
private func unmangledMapsPath(_ name: UnsafePointer<CChar>) -> [CChar]? {
    guard name.pointee == CChar(UInt8(ascii: "/")), strstr(name, "\\012") != nil, access(name, F_OK) != 0 else { return nil }
    var out: [CChar] = []
    var p = name
    while p.pointee != 0 {
        if strncmp(p, "\\012", 4) == 0 {
            out.append(CChar(UInt8(ascii: "\n")))
            p += 4
        } else {
            out.append(p.pointee)
            p += 1
        }
    }
    out.append(0)
    return out
}

// libdw keeps pointers to these for the life of each Dwfl: they must never move.
nonisolated(unsafe) private var debuginfoPath: UnsafeMutablePointer<CChar>? = nil
nonisolated(unsafe) private let procCallbacks: UnsafeMutablePointer<Dwfl_Callbacks> = {
    let p = UnsafeMutablePointer<Dwfl_Callbacks>.allocate(capacity: 1)
    p.initialize(to: Dwfl_Callbacks(
        find_elf: findElf,
        find_debuginfo: dwfl_standard_find_debuginfo,
        section_address: nil,
        debuginfo_path: &debuginfoPath))
    return p
}()

/// For the walking Dwfl: no separate debuginfo. Unwinding needs only .eh_frame, and libdw would
/// otherwise open (and decompress) a debuginfo file such as libc6-dbg's on the first walk through it.
nonisolated(unsafe) private let walkCallbacks: UnsafeMutablePointer<Dwfl_Callbacks> = {
    let p = UnsafeMutablePointer<Dwfl_Callbacks>.allocate(capacity: 1)
    p.initialize(to: Dwfl_Callbacks(
        find_elf: findElf,
        find_debuginfo: { _, _, _, _, _, _, _, _ in -1 },
        section_address: nil,
        debuginfo_path: &debuginfoPath))
    return p
}()

/// Our own thread callbacks: registers and memory come from the `DwflAddressSpace`, never from
/// libdw's own ptrace attach (dwfl_linux_proc_attach), so the caller decides when threads stop.
nonisolated(unsafe) private let threadCallbacks: UnsafeMutablePointer<Dwfl_Thread_Callbacks> = {
    let p = UnsafeMutablePointer<Dwfl_Thread_Callbacks>.allocate(capacity: 1)
    p.initialize(to: Dwfl_Thread_Callbacks(
        next_thread: { _, _, _ in 0 },
        get_thread: { _, _, dwflArg, threadArg in
            threadArg!.pointee = dwflArg
            return true
        },
        memory_read: { _, addr, result, dwflArg in
            let space = Unmanaged<DwflAddressSpace>.fromOpaque(dwflArg!).takeUnretainedValue()
            guard let v = space.memory?.readWord(at: addr) else { return false }
            result!.pointee = space.is32 ? v & 0xffff_ffff : v
            return true
        },
        set_initial_registers: { thread, threadArg in
            let space = Unmanaged<DwflAddressSpace>.fromOpaque(threadArg!).takeUnretainedValue()
            let regs = space.initialRegisters
            guard !regs.isEmpty else { return false }
            let ok = regs.withUnsafeBufferPointer {
                dwfl_thread_state_registers(thread!, 0, UInt32($0.count), $0.baseAddress!)
            }
            // The last DWARF register given is the pc (rip 16 on x86_64, eip 8 on i386).
            if ok { dwfl_thread_state_register_pc(thread!, regs[regs.count - 1]) }
            return ok
        },
        detach: nil,
        thread_detach: nil))
    return p
}()

/// What the frame callback accumulates during one walk.
private final class WalkState {
    var frames: [RawFrame] = []
    var seen: Set<[UInt64]> = []
    var lastSP: UInt64?
    var stopReason: String?
    let maxFrames: Int
    /// DWARF number of the stack pointer: rsp 7 on x86_64, esp 4 on i386.
    let spRegister: UInt32
    /// Whether a return address lies in executable memory; a bad stack fails it.
    let isExecutable: ((UInt64) -> Bool)?
    init(maxFrames: Int, spRegister: UInt32, isExecutable: ((UInt64) -> Bool)?) {
        self.maxFrames = maxFrames; self.spRegister = spRegister; self.isExecutable = isExecutable
        frames.reserveCapacity(32)
    }
}

private let frameCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { state, arg in
    let walk = Unmanaged<WalkState>.fromOpaque(arg!).takeUnretainedValue()
    var pc: Dwarf_Addr = 0
    var activation = false
    guard let state, dwfl_frame_pc(state, &pc, &activation) else {
        walk.stopReason = "unwind stopped: no pc (\(DwflAddressSpace.lastError))"
        return 1
    }
    if !activation, let exec = walk.isExecutable, !exec(pc) {
        walk.stopReason = "unwind stopped: return address \(Address(pc)) is in no executable mapping"
        return 1
    }
    var sp: Dwarf_Word = 0
    if dwfl_frame_reg(state, walk.spRegister, &sp) == 0 {
        // A bad stack can repeat a frame or run backwards: stop instead of looping.
        if !walk.seen.insert([pc, sp]).inserted {
            walk.stopReason = "unwind stopped: frame repeats (pc \(Address(pc)), sp \(Address(sp)))"
            return 1
        }
        if let last = walk.lastSP, sp < last {
            walk.stopReason = "unwind stopped: stack pointer went down (\(Address(sp)) < \(Address(last)))"
            return 1
        }
        walk.lastSP = sp
    }
    walk.frames.append(RawFrame(pc: pc, isActivation: activation))
    if walk.frames.count >= walk.maxFrames {
        walk.stopReason = "unwind stopped: --max-frames \(walk.maxFrames) reached"
        return 1
    }
    return 0
}

public enum UnwindError: Error, CustomStringConvertible {
    case libdw(String)
    public var description: String {
        switch self { case .libdw(let m): "libdw: \(m)" }
    }
}

/// One libdw session for one address space: its modules (from /proc/PID/maps) and our thread
/// callbacks. Walks stacks from given registers through an `UnwindMemory`, and symbolizes pcs.
public final class DwflAddressSpace {
    public let pid: Int32
    /// Symbols, lines and inline scopes (separate debuginfo allowed).
    let dwfl: OpaquePointer
    /// Unwinding only: our thread callbacks, no separate debuginfo.
    let walkDwfl: OpaquePointer
    /// Set for the duration of one walk.
    fileprivate var memory: UnwindMemory?
    fileprivate var initialRegisters: [UInt64] = []
    /// A 32-bit task (CS 0x23): i386 DWARF registers and 4-byte stack words.
    fileprivate var is32 = false
    private var symbols: [RawFrame: [Frame]] = [:]
    private var ownDwarf: [OpaquePointer: Bool] = [:]
    /// Which modules' DWARF to read for file:line and inlined frames.
    public var sourceLines: SourceLines = .inFile
    private let sharedCache: SymbolCache?

    static var lastError: String { String(cString: dwfl_errmsg(-1)) }

    /// Reports every module of `pid` once (/proc/PID/maps, or `mapsText` read earlier, so that the
    /// modules are those of the moment the text was read) and attaches our thread callbacks.
    /// The maps are bytes: a module path that is not UTF-8 must reach libdw's open() unchanged.
    public init(pid: Int32, mapsText: [UInt8]? = nil, sharedCache: SymbolCache? = nil) throws {
        self.pid = pid
        self.sharedCache = sharedCache
        guard let d = dwfl_begin(procCallbacks) else { throw UnwindError.libdw(Self.lastError) }
        guard let w = dwfl_begin(walkCallbacks) else {
            dwfl_end(d)
            throw UnwindError.libdw(Self.lastError)
        }
        dwfl = d
        walkDwfl = w
        // Once every stored property is set, a throwing init still runs deinit (dwfl_end): no dwfl_end below.
        let bytes = mapsText ?? ProcFS.readBytes("/proc/\(pid)/maps")
        guard var text = bytes else { throw UnwindError.libdw("cannot read /proc/\(pid)/maps: \(String(cString: strerror(errno)))") }
        // The maps text gives no [vdso] module (libdw reads that image from /proc/PID/mem, which the
        // "[vdso: PID]" name asks for): report it by hand; 32-bit tasks make every syscall there.
        let vdso = MemoryMapping.parse(String(decoding: text, as: UTF8.self)).first { $0.path == "[vdso]" }
        let size = text.count
        if size == 0 { text.append(0) }  // fmemopen needs a buffer; an empty maps reports no module
        for x in [d, w] {
            dwfl_report_begin(x)
            let r = text.withUnsafeMutableBytes { t -> Int32 in
                guard let f = fmemopen(t.baseAddress, size, "r") else { return errno }
                defer { fclose(f) }
                return dwfl_linux_proc_maps_report(x, f)
            }
            if r == 0, let v = vdso { _ = dwfl_report_module(x, "[vdso: \(pid)]", v.start.rawValue, v.end.rawValue) }
            dwfl_report_end(x, nil, nil)
            if r != 0 { throw UnwindError.libdw(r > 0 ? "reporting modules: \(String(cString: strerror(r)))" : Self.lastError) }
        }
        let ctx = Unmanaged.passUnretained(self).toOpaque()
        if !dwfl_attach_state(w, nil, pid, threadCallbacks, ctx) {
            throw UnwindError.libdw("attach state: \(Self.lastError)")
        }
    }

    deinit {
        dwfl_end(walkDwfl)
        dwfl_end(dwfl)
    }

    /// Walks the stack of thread `tid` whose registers are `regs`, reading stack words from `memory`.
    /// `isExecutable`, when given, ends the walk at a return address outside executable memory.
    public func walk(tid: Int32, regs: Registers, memory: UnwindMemory, maxFrames: Int,
                     isExecutable: ((UInt64) -> Bool)? = nil) -> RawStack {
        self.memory = memory
        is32 = regs.cs.rawValue == 0x23
        initialRegisters = is32 ? regs.dwarfOrderI386 : regs.dwarfOrder
        defer { self.memory = nil }
        let walk = WalkState(maxFrames: max(1, maxFrames), spRegister: is32 ? 4 : 7, isExecutable: isExecutable)
        let arg = Unmanaged.passUnretained(walk).toOpaque()
        let r = withExtendedLifetime(walk) { dwfl_getthread_frames(walkDwfl, tid, frameCallback, arg) }
        var reason = walk.stopReason
        if r == -1 && reason == nil {
            reason = Self.libdwStopPrefix + Self.lastError
        }
        if walk.frames.isEmpty && reason == nil { reason = "unwind stopped: no frames" }
        return RawStack(frames: walk.frames, stopReason: reason)
    }

    /// Frames for one unwound pc: the function it is in, preceded by the functions DWARF says
    /// were inlined there (innermost first). Looked up at `pc - 1` for return addresses.
    public func symbolize(_ raw: RawFrame) -> [Frame] {
        if let hit = symbols[raw] { return hit }
        let out = lookUp(raw)
        symbols[raw] = out
        return out
    }

    /// Symbolized frames of a walked stack, with a final note frame when the walk stopped early.
    public func symbolize(_ stack: RawStack) -> [Frame] {
        var out: [Frame] = []
        out.reserveCapacity(stack.frames.count + 1)
        for f in stack.frames { out.append(contentsOf: symbolize(f)) }
        if let why = stack.stopReason {
            // libdw may fail one step past the outermost frame (an entry point without CFI for its
            // caller): that is the end of the stack, not a broken one.
            let outermost = out.last?.symbol.map(Self.entryPoints.contains) ?? false
            if !(why.hasPrefix(Self.libdwStopPrefix) && outermost) { out.append(Frame(pc: 0, note: why)) }
        }
        return out
    }

    static let libdwStopPrefix = "unwind stopped: libdw: "
    /// Where every user stack begins: the ELF entry point and the clone trampolines.
    static let entryPoints: Set<String> = ["_start", "__clone3", "clone3", "__clone", "clone", "__thread_start"]

    private func lookUp(_ raw: RawFrame) -> [Frame] {
        let pc = raw.pc
        let lookup = raw.isActivation || pc == 0 ? pc : pc - 1
        guard let mod = dwfl_addrmodule(dwfl, lookup) else {
            // No module: JIT code or a bad pc.
            return [Frame(pc: Address(pc), isActivation: raw.isActivation)]
        }
        var start: Dwarf_Addr = 0
        // The real path, as `exe` shows it, when maps escaped a newline in it.
        let modName = dwfl_module_info(mod, nil, &start, nil, nil, nil, nil, nil).map { n in
            unmangledMapsPath(n).map { $0.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } } ?? String(cString: n)
        }
        // The build-id is known once the module's ELF is open.
        var elfBias: Dwarf_Addr = 0
        _ = dwfl_module_getelf(mod, &elfBias)
        let buildId = Self.buildId(mod)
        let key = SymbolCache.Key(module: buildId ?? modName ?? "", relativePC: pc &- start, isActivation: raw.isActivation)
        if let shared = sharedCache, let hit = shared.lookup(key) {
            return hit.map { var f = $0; f.pc = Address(pc); return f }
        }
        var frames: [Frame] = []
        var off: GElf_Off = 0
        var sym = GElf_Sym()
        let symName = dwfl_module_addrinfo(mod, lookup, &off, &sym, nil, nil, nil).map { String(cString: $0) }
        var base = Frame(pc: Address(pc), symbol: symName, offset: symName == nil ? nil : off + (pc - lookup),
                         module: modName, buildId: buildId, isActivation: raw.isActivation)
        if symName == nil { base.offset = pc &- start }
        // Line tables and inline scopes only where the module carries its own DWARF: opening a
        // separate debuginfo file (libc6-dbg) means decompressing megabytes of .debug_info.
        let ownDwarf = sourceLines == .all || (sourceLines == .inFile && hasOwnDwarf(mod))
        if ownDwarf, let line = dwfl_module_getsrc(mod, lookup) {
            var lineNo: Int32 = 0
            if let file = dwfl_lineinfo(line, nil, &lineNo, nil, nil, nil) {
                base.file = String(cString: file)
                base.line = Int(lineNo)
            }
        }
        frames = ownDwarf ? Self.inlineChain(mod: mod, lookup: lookup, outer: base) : [base]
        sharedCache?.store(key, frames)
        return frames
    }

    /// Splits `outer` into the inlined functions DWARF records at `lookup`, innermost first,
    /// each carrying the source position inside it; the last one is the real function.
    private static func inlineChain(mod: OpaquePointer, lookup: UInt64, outer: Frame) -> [Frame] {
        var bias: Dwarf_Addr = 0
        guard let cu = dwfl_module_addrdie(mod, lookup, &bias) else { return [outer] }
        var pcScopes: UnsafeMutablePointer<Dwarf_Die>?
        let m = dwarf_getscopes(cu, lookup - bias, &pcScopes)
        guard m > 0, let pcScopes else { return [outer] }
        defer { free(pcScopes) }
        // dwarf_getscopes continues past an inlined instance with its abstract definition's scopes;
        // the callers it was inlined into are the innermost scope's concrete parents.
        var scopes: UnsafeMutablePointer<Dwarf_Die>?
        let n = dwarf_getscopes_die(pcScopes, &scopes)
        guard n > 0, let scopes else { return [outer] }
        defer { free(scopes) }
        var files: OpaquePointer?
        var nfiles = 0
        _ = dwarf_getsrcfiles(cu, &files, &nfiles)
        var out: [Frame] = []
        // The position inside the innermost function comes from the line table; each inlined
        // scope then says where it was called from, which is the position in the next one out.
        var file = outer.file
        var line = outer.line
        for i in 0..<Int(n) {
            let die = scopes + i
            let tag = dwarf_tag(die)
            guard tag == DW_TAG_inlined_subroutine else {
                if tag == DW_TAG_subprogram { break }
                continue
            }
            var f = outer
            f.symbol = dieName(die) ?? outer.symbol
            f.offset = nil
            f.inlined = true
            f.file = file
            f.line = line
            out.append(f)
            var attr = Dwarf_Attribute()
            var v: Dwarf_Word = 0
            if dwarf_attr(die, UInt32(DW_AT_call_file), &attr) != nil, dwarf_formudata(&attr, &v) == 0,
               let files, let name = dwarf_filesrc(files, Int(v), nil, nil) {
                file = String(cString: name)
            }
            if dwarf_attr(die, UInt32(DW_AT_call_line), &attr) != nil, dwarf_formudata(&attr, &v) == 0 {
                line = Int(v)
            }
        }
        guard !out.isEmpty else { return [outer] }
        var last = outer
        last.file = file
        last.line = line
        // Only the innermost frame's pc is an activation; the containing ones share the pc.
        out.append(last)
        return out
    }

    private static func dieName(_ die: UnsafeMutablePointer<Dwarf_Die>) -> String? {
        var attr = Dwarf_Attribute()
        if dwarf_attr_integrate(die, UInt32(DW_AT_linkage_name), &attr) != nil, let s = dwarf_formstring(&attr) {
            return String(cString: s)
        }
        if dwarf_attr_integrate(die, UInt32(DW_AT_name), &attr) != nil, let s = dwarf_formstring(&attr) {
            return String(cString: s)
        }
        return nil
    }

    /// Whether the module's own ELF file has .debug_info (built with -g, not stripped), cached per module.
    private func hasOwnDwarf(_ mod: OpaquePointer) -> Bool {
        if let known = ownDwarf[mod] { return known }
        var found = false
        var bias: GElf_Addr = 0
        if let elf = dwfl_module_getelf(mod, &bias) {
            var shstrndx = 0
            if elf_getshdrstrndx(elf, &shstrndx) == 0 {
                var scn = elf_nextscn(elf, nil)
                while let s = scn {
                    var shdr = GElf_Shdr()
                    if gelf_getshdr(s, &shdr) != nil, let name = elf_strptr(elf, shstrndx, Int(shdr.sh_name)),
                       strcmp(name, ".debug_info") == 0 {
                        found = true
                        break
                    }
                    scn = elf_nextscn(elf, s)
                }
            }
        }
        ownDwarf[mod] = found
        return found
    }

    private static func buildId(_ mod: OpaquePointer) -> String? {
        var bits: UnsafePointer<UInt8>?
        var vaddr: GElf_Addr = 0
        let n = dwfl_module_build_id(mod, &bits, &vaddr)
        guard n > 0, let bits else { return nil }
        return hexDigits(UnsafeBufferPointer(start: bits, count: Int(n)))
    }
}

/// Symbolized frames shared across address spaces (and their reloads): key build-id + pc from
/// the module's load address, so one library's frames are looked up once per run.
public final class SymbolCache: @unchecked Sendable {
    public struct Key: Hashable {
        public var module: String
        public var relativePC: UInt64
        public var isActivation: Bool
    }
    private var entries: [Key: [Frame]] = [:]
    private let lock = NSLockLike()
    public init() {}
    func lookup(_ k: Key) -> [Frame]? { lock.withLock { entries[k] } }
    func store(_ k: Key, _ v: [Frame]) { lock.withLock { entries[k] = v } }
    public var count: Int { lock.withLock { entries.count } }
}

/// A pthread mutex and condition variable (heap-allocated: pthread objects must never move),
/// so Inspector needs no Foundation for one lock.
final class NSLockLike: @unchecked Sendable {
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    init() {
        pthread_mutex_init(m, nil)
        pthread_cond_init(c, nil)
    }
    deinit {
        pthread_cond_destroy(c)
        pthread_mutex_destroy(m)
        c.deallocate()
        m.deallocate()
    }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
    /// Inside `withLock` only: sleeps until `broadcast`.
    func wait() { pthread_cond_wait(c, m) }
    func broadcast() { pthread_cond_broadcast(c) }
}
