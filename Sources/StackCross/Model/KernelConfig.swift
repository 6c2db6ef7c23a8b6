import Glibc

/// The kernel configuration the model depends on (see ../shared/KERNEL-MODEL.md).
/// Every field has a documented default: the values of this project's machines (Linux 6.18, AMD,
/// no KASAN, no FRED, random kstack offset on). `KernelConfig.parse` reads the real ones from the
/// text of /proc/config.gz (or /boot/config-*), /proc/cpuinfo and /proc/cmdline.
public struct KernelConfig: Codable, Hashable, Sendable {
    /// THREAD_SIZE: 16 KiB, 32 KiB with KASAN (KASAN_STACK_ORDER doubles it).
    public var threadSize: UInt64 = 16 * 1024
    /// FRED kernels leave 16 bytes above pt_regs.
    public var fred: Bool = false
    /// CONFIG_RANDOMIZE_KSTACK_OFFSET: the syscall path moves RSP down by up to about 1 KiB.
    public var randomKstackOffset: Bool = true
    /// CPU vendor decides the 32-bit vDSO path: SYSCALL on AMD, SYSENTER on Intel.
    public var cpuVendor: String = "AuthenticAMD"
    /// CONFIG_KASAN (doubles THREAD_SIZE and the IST stacks).
    public var kasan: Bool = false
    /// CONFIG_IA32_EMULATION: int $0x80 and 32-bit processes exist at all.
    public var ia32Emulation: Bool = true
    /// CONFIG_VMAP_STACK: kernel stacks live in vmalloc space with guard pages.
    public var vmapStack: Bool = true
    /// The largest random offset add_random_kstack_offset() subtracts (KSTACK_OFFSET_MAX: 0x3FF).
    public var maxRandomOffset: UInt64 = 0x3FF
    /// IST exception stacks (EXCEPTION_STKSZ): 8 KiB, 16 KiB with KASAN.
    public var istStackSize: UInt64 = 8 * 1024
    /// The per-CPU hardirq stack (IRQ_STACK_SIZE = THREAD_SIZE).
    public var irqStackSize: UInt64 = 16 * 1024
    /// Bytes get_sigframe() reserves for the FPU state: fpstate->user_size + FP_XSTATE_MAGIC2_SIZE
    /// (832 + 4 with AVX XSAVE on this project's CPU). A frame read live carries the exact value.
    public var xstateSigframeSize: UInt64 = 836
    /// sizeof(struct rt_sigframe) on x86_64.
    public var rtSigframeSize: UInt64 = 440
    /// The x86_64 ABI red zone get_sigframe() skips.
    public var redZone: UInt64 = 128
    /// Where these values came from ("defaults", "/proc/config.gz", …), for the model's header.
    public var source: String = "defaults"

    public init() {}
    public static let `default` = KernelConfig()

    public var isIntel: Bool { cpuVendor == "GenuineIntel" }

    /// Bytes above pt_regs at the top of the stack (FRED's 16-byte padding).
    public var topPadding: UInt64 { fred ? 16 : 0 }

    /// Builds a config from kernel config text (`CONFIG_X=y` lines), /proc/cpuinfo and /proc/cmdline.
    /// Options absent from the text keep their defaults; a nil text keeps every config default.
    public static func parse(configText: String?, cpuinfo: String? = nil, cmdline: String? = nil,
                             source: String = "defaults") -> KernelConfig {
        var c = KernelConfig()
        c.source = source
        if let text = configText {
            let values = optionValues(text, wanted: Self.optionsRead)
            func flag(_ name: String) -> Bool? {
                guard let v = values[name] else { return nil }
                return v == "y" || v == "m"
            }
            if let k = flag("KASAN") { c.kasan = k }
            if let f = flag("X86_FRED") { c.fred = f }
            if let r = flag("RANDOMIZE_KSTACK_OFFSET") { c.randomKstackOffset = r }
            // The option exists but may default off; the boot line can still turn it on.
            if c.randomKstackOffset, let d = flag("RANDOMIZE_KSTACK_OFFSET_DEFAULT") { c.randomKstackOffset = d }
            if let i = flag("IA32_EMULATION") { c.ia32Emulation = i }
            if let v = flag("VMAP_STACK") { c.vmapStack = v }
            // THREAD_SIZE_ORDER is 2 (+1 with KASAN): 16 or 32 KiB with 4 KiB pages.
            c.threadSize = c.kasan ? 32 * 1024 : 16 * 1024
            c.istStackSize = c.kasan ? 16 * 1024 : 8 * 1024
            c.irqStackSize = c.threadSize
        }
        if let info = cpuinfo {
            for line in info.split(separator: "\n") where line.hasPrefix("vendor_id") {
                if let colon = line.firstIndex(of: ":") {
                    c.cpuVendor = line[line.index(after: colon)...].trimmingCharacters(inSet: " \t")
                }
                break
            }
        }
        if let cmd = cmdline {
            for word in cmd.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                switch word {
                case "randomize_kstack_offset=on", "randomize_kstack_offset=1", "randomize_kstack_offset=y":
                    if configText == nil || c.randomKstackOffset || configHasOption(configText, "RANDOMIZE_KSTACK_OFFSET") {
                        c.randomKstackOffset = true
                    }
                case "randomize_kstack_offset=off", "randomize_kstack_offset=0", "randomize_kstack_offset=n":
                    c.randomKstackOffset = false
                case "fred=off": c.fred = false
                case "ia32_emulation=0", "ia32_emulation=off", "ia32_emulation=n": c.ia32Emulation = false
                default: break
                }
            }
        }
        return c
    }

    /// The options `parse` reads (without CONFIG_).
    static let optionsRead: Set<String> = ["KASAN", "X86_FRED", "RANDOMIZE_KSTACK_OFFSET", "RANDOMIZE_KSTACK_OFFSET_DEFAULT",
                                           "IA32_EMULATION", "VMAP_STACK"]

    /// The values of `wanted` options (names without CONFIG_) in config text: "n" for `# CONFIG_X is not set`;
    /// the last line wins. Each option is found with memmem: a config has thousands of lines, and splitting
    /// them as Characters took milliseconds of every trace's start (#12), in a debug build tens.
    static func optionValues(_ text: String, wanted: Set<String>) -> [String: String] {
        var values: [String: String] = [:]
        // strstr needs NUL-terminated text: a config has no NUL (one would only end the search early).
        text.withCString { c in
            let base = UnsafeRawPointer(c).assumingMemoryBound(to: UInt8.self)
            let count = strlen(c)
            func lineEnd(_ i: Int) -> Int {
                memchr(base + i, 0x0A, count - i).map { UnsafeRawPointer(base).distance(to: $0) } ?? count
            }
            // Where the last whole line starting with `line` starts (`whole`: the line is exactly that).
            func lastLine(_ line: String, whole: Bool) -> Int? {
                let length = line.utf8.count
                var last: Int?, from = 0
                while from < count, let hit = strstr(c + from, line) {
                    let at = c.distance(to: hit)
                    if at == 0 || base[at - 1] == 0x0A, !whole || lineEnd(at) == at + length { last = at }
                    from = at + 1
                }
                return last
            }
            for name in wanted {
                let set = "CONFIG_\(name)="
                let s = lastLine(set, whole: false), n = lastLine("# CONFIG_\(name) is not set", whole: true)
                if let s, s > n ?? -1 {
                    let v = (s + set.utf8.count)..<lineEnd(s)
                    values[name] = String(decoding: UnsafeBufferPointer(start: base + v.lowerBound, count: v.count), as: UTF8.self)
                } else if n != nil {
                    values[name] = "n"
                }
            }
        }
        return values
    }

    private static func configHasOption(_ text: String?, _ name: String) -> Bool {
        text?.contains("CONFIG_\(name)=y") ?? false
    }
}

extension Substring {
    func trimmingCharacters(inSet set: String) -> String {
        let chars = Set(set)
        var s = self[...]
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(inSet: set) }
}
