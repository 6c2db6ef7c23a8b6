import CLibdw
import Glibc
import StackCross

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
    var memory: UnwindMemory?
    var initialRegisters: [UInt64] = []
    /// A 32-bit task (CS 0x23): i386 DWARF registers and 4-byte stack words.
    var is32 = false
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
        is32 = regs.cs.rawValue == X86.userCS32
        initialRegisters = is32 ? regs.dwarfOrderI386 : regs.dwarfOrder
        defer { self.memory = nil }
        let walk = WalkState(maxFrames: max(1, maxFrames), spRegister: is32 ? 4 : 7, isExecutable: isExecutable)
        let arg = Unmanaged.passUnretained(walk).toOpaque()
        let r = withExtendedLifetime(walk) { dwfl_getthread_frames(walkDwfl, tid, frameCallback, arg) }
        var reason = walk.stopReason
        if r == -1 && reason == nil {
            reason = .libdw(Self.lastError)
        }
        if walk.frames.isEmpty && reason == nil { reason = .noFrames }
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
            if case .libdw = why, outermost { return out }
            out.append(Frame(pc: 0, note: why.description))
        }
        return out
    }

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
