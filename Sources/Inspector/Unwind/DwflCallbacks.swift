import CLibdw
import Glibc
import StackCross

/// libdw's /proc finder, except that a "[vdso: PID]" module comes from `VdsoImages` when it has it.
let findElf: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
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
func unmangledMapsPath(_ name: UnsafePointer<CChar>) -> [CChar]? {
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
nonisolated(unsafe) var debuginfoPath: UnsafeMutablePointer<CChar>? = nil
nonisolated(unsafe) let procCallbacks: UnsafeMutablePointer<Dwfl_Callbacks> = {
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
nonisolated(unsafe) let walkCallbacks: UnsafeMutablePointer<Dwfl_Callbacks> = {
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
nonisolated(unsafe) let threadCallbacks: UnsafeMutablePointer<Dwfl_Thread_Callbacks> = {
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
final class WalkState {
    var frames: [RawFrame] = []
    var seen: Set<[UInt64]> = []
    var lastSP: UInt64?
    var stopReason: UnwindStop?
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

let frameCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { state, arg in
    let walk = Unmanaged<WalkState>.fromOpaque(arg!).takeUnretainedValue()
    var pc: Dwarf_Addr = 0
    var activation = false
    guard let state, dwfl_frame_pc(state, &pc, &activation) else {
        walk.stopReason = .noPC(DwflAddressSpace.lastError)
        return 1
    }
    if !activation, let exec = walk.isExecutable, !exec(pc) {
        walk.stopReason = .notExecutable(returnAddress: Address(pc))
        return 1
    }
    var sp: Dwarf_Word = 0
    if dwfl_frame_reg(state, walk.spRegister, &sp) == 0 {
        // A bad stack can repeat a frame or run backwards: stop instead of looping.
        if !walk.seen.insert([pc, sp]).inserted {
            walk.stopReason = .frameRepeats(pc: Address(pc), sp: Address(sp))
            return 1
        }
        if let last = walk.lastSP, sp < last {
            walk.stopReason = .stackPointerWentDown(sp: Address(sp), previous: Address(last))
            return 1
        }
        walk.lastSP = sp
    }
    walk.frames.append(RawFrame(pc: pc, isActivation: activation))
    if walk.frames.count >= walk.maxFrames {
        walk.stopReason = .maxFrames(walk.maxFrames)
        return 1
    }
    return 0
}
