/// One call being decoded: its arguments, the tracee's memory, and a renderer per argument kind.
/// A class: the renderers call one another and set `captured`, and a struct holding an existential
/// (the memory) was copied whole at each such call.
extension SyscallDecoder {
    final class Context {
        let abi: SyscallABI
        let name: String
        let args: [UInt64]
        let memory: TraceeMemory?
        let limit: Int
        let stop: DecodeStop
        var captured: TraceeString?
        /// The arguments as shown at entry (at exit), for in/out values such as `[5 => 4]`.
        var entryArgs: [String]?
        /// -X: how constants inside structs show (top-level ones are restyled by StraceLineStyles).
        var constants: StraceLineStyles.Constants = .abbrev

        init(abi: SyscallABI, name: String, args: [UInt64], memory: TraceeMemory?, limit: Int, stop: DecodeStop) {
            self.abi = abi; self.name = name; self.args = args; self.memory = memory; self.limit = limit
            self.stop = stop
        }

        var is32: Bool { abi == .i386 }
        var wordSize: Int { is32 ? 4 : 8 }

        func raw(_ i: Int) -> UInt64 {
            guard i < args.count else { return 0 }
            return abi.word(args[i])
        }
        func int32(_ i: Int) -> Int32 { Int32(truncatingIfNeeded: raw(i)) }
        func long(_ i: Int) -> Int64 { is32 ? Int64(int32(i)) : Int64(bitPattern: raw(i)) }
        func ptr(_ v: UInt64) -> String { v == 0 ? "NULL" : SyscallDecoder.hex(v, abi: abi) }

        /// The return value when decoding at a successful exit.
        var successfulReturn: Int64? {
            guard case .exit(let r) = stop else { return nil }
            let v = is32 ? Int64(Int32(truncatingIfNeeded: r)) : r
            return Errno.errno(forReturn: v) == nil ? v : nil
        }

        func read(_ addr: UInt64, _ count: Int) -> [UInt8]? {
            guard addr != 0, count >= 0, let m = memory else { return nil }
            if count == 0 { return [] }
            guard let b = m.read(addr, count: count), b.count == count else { return nil }
            return b
        }

        func word(_ addr: UInt64) -> UInt64? {
            guard let b = read(addr, wordSize) else { return nil }
            return le(b, 0, wordSize)
        }

        func le(_ b: [UInt8], _ off: Int, _ n: Int) -> UInt64 { littleEndian(b, at: off, count: n) }

        func render(_ kind: ArgKind, _ i: Int) -> String {
            // The plain kinds first (most arguments): none of them is an output, and no family below has a
            // case for them, so that every test before the plain switch would fail (SyscallDecoderPlanTests).
            if let s = renderPlain(kind, i) { return s }
            let v = raw(i)
            if case .fs(let k) = kind { return renderFs(k, i) }
            if case .outMmsgvec = kind, case .exit(let r) = stop { return mmsgvec(v, ret: r) }
            if kind.isOutput, stop == .entry, let s = renderSuite(kind, i) { return s }
            if kind.isOutput, successfulReturn == nil, let e = entryArgs, i < e.count, !e[i].isEmpty,
               [ArgKind.inOutLen, .sockOptVal, .loffInOut].contains(kind) { return e[i] }
            if case .io(let key) = kind { return renderIO(key, i) }
            if case .ioOut(let key) = kind { return renderIO(key, i) }
            if !kind.isOutput, let s = renderSuite(kind, i) { return s }
            if case .procIn(let tag) = kind { return renderProc(tag, i) }
            if case .procOut(let tag) = kind, stop == .entry, let s = renderProcEntry(tag, i) { return s }
            if case .procOut(let tag) = kind, case .exit(let r) = stop, let s = renderProcExit(tag, i, ret: r) { return s }
            if kind.isOutput {
                guard let ret = successfulReturn, v != 0, memory != nil else { return ptr(v) }
                if case .procOut(let tag) = kind { return renderProcOutput(tag, i, ret: ret) ?? ptr(v) }
                if let s = renderSuiteOutput(kind, i, ret: ret) { return s }
                return renderOutput(kind, i, ret: ret) ?? ptr(v)
            }
            return ptr(v)
        }

        /// The kinds of the hand-kept and generated signatures that render alone; nil for any other kind.
        func renderPlain(_ kind: ArgKind, _ i: Int) -> String? {
            let v = raw(i)
            switch kind {
            case .int: return String(int32(i))
            case .uint: return String(UInt32(truncatingIfNeeded: v))
            case .long: return String(long(i))
            case .ulong: return String(v)
            case .hex:
                // Flags are 32-bit ints but for a few unsigned long ones; the kernel ignores the upper half.
                let x = SyscallDecoder.longFlagArgs.contains(name) ? v : v & 0xFFFF_FFFF
                return x == 0 ? "0" : SyscallDecoder.hex(x, abi: abi)
            case .uid: return SyscallDecoder.uidString(UInt32(truncatingIfNeeded: v))
            case .mlockallFlags: return Flags.mlockall.format(v & 0xFFFF_FFFF)
            case .syslogAction: return Flags.syslogActions.formatCommented(Int64(int32(i)))
            case .fadviseAdvice: return Flags.fadvise.format(Int64(int32(i)))
            case .groups(let countArg): return groups(v, count: Int(int32(countArg)))
            case .cpuMask(let sizeArg): return cpuMask(v, bytes: Int(clamping: raw(sizeArg)))
            case .msghdr: return msghdr(v, dataSize: nil)
            case .keySerial: return Flags.keySpecs.format(Int64(int32(i)))
            case .sizeHex:
                // mmap2 takes its offset in 4 KiB pages.
                let off = name == "mmap2" ? v << 12 : v
                return off == 0 ? "0" : SyscallDecoder.hex(off, abi: .x86_64)
            case .ptr: return ptr(v)
            case .fd: return SyscallDecoder.fdString(int32(i), memory: memory)
            case .dirfd:
                guard int32(i) == Flags.atFDCWD else { return SyscallDecoder.fdString(int32(i), memory: memory) }
                // strace -y shows the cwd after AT_FDCWD when the memory source knows it.
                return memory?.fdPathBytes(Flags.atFDCWD).map { "AT_FDCWD<\(SyscallDecoder.escapePath($0))>" } ?? "AT_FDCWD"
            // strace reads PATH_MAX bytes: a path with no NUL in them shows its first 4095 and `...`.
            case .path:
                let s = cString(v, limit: SyscallDecoder.pathLimit - 1)
                // Its PATH_MAX-th byte must be readable too (umovestr of PATH_MAX bytes), else EFAULT: the address.
                if captured?.truncated == true, read(v &+ UInt64(SyscallDecoder.pathLimit - 1), 1) == nil {
                    captured = nil
                    return ptr(v)
                }
                return s
            case .str: return cString(v, limit: limit)
            case .mode: return Flags.octal(v & 0o177777)
            case .signal: return Signals.name(int32(i)) ?? String(int32(i))
            case .openFlags: return Flags.open(v & 0xFFFF_FFFF)
            case .openMode: return Flags.octal(v & 0o7777)
            case .prot: return Flags.prot.format(v & 0xFFFF_FFFF)
            case .mapFlags: return Flags.map(v & 0xFFFF_FFFF)
            case .cloneFlags: return Flags.cloneFlags(v)
            case .atFlags: return Flags.at.format(v & 0xFFFF_FFFF)
            case .atAccessFlags: return Flags.atAccess.format(v & 0xFFFF_FFFF)
            case .statxFlags:
                // The sync type is a 2-bit value, always named; the other AT_* bits follow.
                let sync = ["AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC", "AT_STATX_DONT_SYNC", "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC"][Int(v >> 13 & 3)]
                let rest = v & 0xFFFF_FFFF & ~0x6000
                return rest == 0 ? sync : sync + "|" + Flags.at.format(rest)
            // strace 6.1's statx_masks (newer STATX_* bits read as unknown, as it prints them).
            case .statxMask: return StraceTable(StraceXlat.statxMasks, unknown: "STATX_???").flags(v & 0xFFFF_FFFF)
            case .futexOp: return Flags.futexOp(v)
            case .fcntlCmd: return Flags.fcntlCommands.format(Int64(int32(i)))
            case .fcntlArg:
                switch int32(i - 1) {
                case 1, 3, 9, 11, 1025, 1032, 1034: return ""  // F_GETFD, F_GETFL… take no argument
                case 2: return Flags.fdFlags.format(v & 0xFFFF_FFFF)
                case 4: return Flags.open(v & 0xFFFF_FFFF)
                case 6, 7, 13, 14, 37, 38: return flock(v)  // F_SETLK*, F_OFD_SETLK*
                case 5, 12, 36: return ptr(v)
                default: return String(long(i))
                }
            case .seekWhence: return Flags.seekWhence.format(Int64(int32(i)))
            case .accessMode: return Flags.accessMode.format(v & 0xFFFF_FFFF)
            case .sigprocmaskHow: return Flags.sigprocmaskHow.format(Int64(int32(i)))
            case .socketFamily: return Flags.addressFamilies.format(Int64(int32(i)))
            case .socketType: return Flags.socketType(v & 0xFFFF_FFFF)
            case .socketProtocol:
                let fam = int32(0)
                return fam == 2 || fam == 10 ? Flags.ipProtocols.format(Int64(int32(i))) : String(int32(i))
            case .msgFlags: return Flags.msgFlags.format(v & 0xFFFF_FFFF)
            case .shutdownHow: return Flags.shutdownHow.format(Int64(int32(i)))
            case .archPrctlCode: return Flags.archPrctl.format(Int64(int32(i)), hex: true)
            case .prctlOption: return Flags.prctl.format(Int64(int32(i)))
            case .madvise: return Flags.madvise.format(Int64(int32(i)))
            case .mremapFlags: return Flags.mremap.format(v & 0xFFFF_FFFF)
            // The resource is unsigned: an unknown one reads 0x10 /* RLIMIT_??? */.
            case .rlimitResource: return Flags.rlimitResources.format(Int64(UInt32(truncatingIfNeeded: raw(i))), hex: true)
            case .getrandomFlags: return Flags.getrandom.format(v & 0xFFFF_FFFF)
            case .waitOptions: return Flags.waitOptions.format(v & 0xFFFF_FFFF)
            case .clockID: return Flags.clocks.format(Int64(int32(i)))
            case .timerFlags: return Flags.timerFlags.format(v & 0xFFFF_FFFF)
            case .pipeFlags: return Flags.pipeFlags.format(v & 0xFFFF_FFFF)
            case .cloexecFlags: return Flags.cloexec.format(v & 0xFFFF_FFFF)
            case .ioctlRequest: return Flags.ioctlRequests.format(Int64(UInt32(truncatingIfNeeded: v)), hex: true)
            case .inBuffer(let lenArg):
                return buffer(v, length: Int(clamping: raw(lenArg)))
            case .inIovec(let countArg): return iovec(v, count: Int(clamping: raw(countArg)), total: nil)
            case .argv: return argv(v)
            case .envp: return envp(v)
            case .sigset: return sigset(v)
            case .sigaction: return sigaction(v)
            case .stack: return stackT(v)
            case .timespec: return timespec(v, time64: !is32 || name.hasSuffix("_time64"))
            case .rlimit: return rlimit(v)
            case .sockaddr(let lenArg): return sockaddr(v, length: Int(clamping: raw(lenArg)))
            case .openHow: return openHow(v, size: raw(i + 1))
            case .cloneArgs: return cloneArgs(v)
            default: return nil
            }
        }

        func renderOutput(_ kind: ArgKind, _ i: Int, ret: Int64) -> String? {
            let v = raw(i)
            switch kind {
            case .outBuffer: return buffer(v, length: Int(clamping: ret))
            case .outString:
                // getcwd's return counts the NUL.
                let n = name == "getcwd" ? max(0, Int(clamping: ret) - 1) : Int(clamping: ret)
                guard let b = read(v, min(n, SyscallDecoder.pathLimit)) else { return nil }
                captured = TraceeString(bytes: b, truncated: n > b.count)
                return SyscallDecoder.quote(b, truncated: n > b.count)
            case .outIovec(let countArg): return iovec(v, count: Int(clamping: raw(countArg)), total: Int(clamping: ret))
            case .outSigset: return sigset(v)
            case .outSigaction: return sigaction(v)
            case .outStack: return stackT(v)
            case .outTimespec: return timespec(v, time64: !is32 || name.hasSuffix("64"))
            case .outTimeval:
                guard let b = read(v, 2 * wordSize) else { return nil }
                return "{tv_sec=\(signed(b, 0, wordSize)), tv_usec=\(signed(b, wordSize, wordSize))}"
            case .outStat: return is32 ? stat32(v) : stat64Layout(v, modeAt: 24, modeSize: 4, rdevAt: 40, sizeAt: 48)
            case .outStat64: return stat64Layout(v, modeAt: 16, modeSize: 4, rdevAt: 32, sizeAt: 44)
            case .outStatx: return statx(v)
            case .outFdPair:
                guard let b = read(v, 8) else { return nil }
                let a = Int32(truncatingIfNeeded: le(b, 0, 4)), c = Int32(truncatingIfNeeded: le(b, 4, 4))
                return "[\(SyscallDecoder.fdString(a, memory: memory)), \(SyscallDecoder.fdString(c, memory: memory))]"
            case .outWaitStatus:
                guard ret > 0, let b = read(v, 4) else { return nil }
                return "[" + SyscallDecoder.waitStatus(Int32(truncatingIfNeeded: le(b, 0, 4))) + "]"
            case .outDirents: return dirents(v, length: Int(clamping: ret))
            case .outUtsname:
                guard let b = read(v, 65 * 6) else { return nil }
                func field(_ k: Int) -> String {
                    let f = b[(k * 65) ..< (k * 65 + 65)]
                    return SyscallDecoder.quote(f.prefix { $0 != 0 })
                }
                return "{sysname=\(field(0)), nodename=\(field(1)), ...}"
            case .outRlimit: return rlimit(v)
            case .outGroups: return groups(v, count: Int(clamping: ret))
            case .outCpuMask: return cpuMask(v, bytes: Int(clamping: ret))
            case .outMsghdr: return msghdr(v, dataSize: Int(clamping: ret))
            case .outSysinfo:
                // struct sysinfo: longs, then u16 procs padded to a long, two longs, u32 mem_unit.
                let w = wordSize
                guard let b = read(v, 13 * w + 4) else { return nil }
                func l(_ k: Int) -> UInt64 { le(b, k * w, w) }
                return "{uptime=\(signed(b, 0, w)), loads=[\(l(1)), \(l(2)), \(l(3))], totalram=\(l(4)), freeram=\(l(5)), "
                    + "sharedram=\(l(6)), bufferram=\(l(7)), totalswap=\(l(8)), freeswap=\(l(9)), procs=\(le(b, 10 * w, 2)), "
                    + "totalhigh=\(l(11)), freehigh=\(l(12)), mem_unit=\(le(b, 13 * w, 4))}"
            case .outSockaddr:
                // The length is in/out through the next argument's pointer.
                guard let lb = read(raw(i + 1), 4) else { return nil }
                var n = Int(Int32(truncatingIfNeeded: le(lb, 0, 4)))
                // Only as many bytes as the caller offered were written (`[2 => 25]` shows sa_family alone).
                if let e = entryArgs, i + 1 < e.count, e[i + 1].hasPrefix("["), let before = Int(e[i + 1].dropFirst().prefix { $0 != "]" && $0 != " " }) {
                    n = min(n, before)
                }
                return sockaddr(v, length: n)
            default: return nil
            }
        }

        func signed(_ b: [UInt8], _ off: Int, _ n: Int) -> Int64 {
            let u = le(b, off, n)
            return n == 4 ? Int64(Int32(truncatingIfNeeded: u)) : Int64(bitPattern: u)
        }

        func cString(_ addr: UInt64, limit: Int) -> String {
            guard addr != 0 else { return "NULL" }
            guard let m = memory, let r = m.readCString(addr, limit: limit) else { return ptr(addr) }
            // Cut short before the limit means the string ran into unreadable memory: strace shows the address.
            if r.truncated, r.bytes.count < limit { return ptr(addr) }
            captured = TraceeString(bytes: r.bytes, truncated: r.truncated)
            return SyscallDecoder.quote(r.bytes, truncated: r.truncated)
        }

        func buffer(_ addr: UInt64, length: Int) -> String {
            guard addr != 0 || length == 0 else { return ptr(addr) }
            let n = min(max(length, 0), limit)
            guard let b = read(addr, n) else { return ptr(addr) }
            captured = TraceeString(bytes: b, truncated: length > n)
            // strace shows random bytes in hex.
            return SyscallDecoder.quote(b, truncated: length > n, hex: name == "getrandom")
        }

        func iovec(_ addr: UInt64, count: Int, total: Int?) -> String {
            guard addr != 0 else { return "NULL" }
            let shown = min(max(count, 0), SyscallDecoder.maxArrayEntries)
            guard let b = read(addr, shown * 2 * wordSize) else { return ptr(addr) }
            var parts = [String]()
            var left = total ?? Int.max
            var all = [UInt8]()
            var cut = false
            for k in 0 ..< shown {
                let base = le(b, k * 2 * wordSize, wordSize)
                let len = Int(clamping: le(b, k * 2 * wordSize + wordSize, wordSize))
                let valid = min(len, left)
                left -= valid
                // -s applies to each iov_base, as strace prints them one by one.
                let n = min(valid, limit)
                let data = read(base, n)
                if let data { all += data }
                if n < valid { cut = true }
                let shownData = data.map { SyscallDecoder.quote($0, truncated: n < valid) } ?? ptr(base)
                parts.append("{iov_base=\(shownData), iov_len=\(le(b, k * 2 * wordSize + wordSize, wordSize))}")
            }
            captured = TraceeString(bytes: all, truncated: cut)
            return "[" + parts.joined(separator: ", ") + (count > shown ? ", ..." : "") + "]"
        }

        func argv(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            var items = [String]()
            var p = addr
            for _ in 0 ..< SyscallDecoder.maxArrayEntries + 1 {
                // An unreadable entry ends the array with its address, as strace's printargv.
                guard let w = word(p) else { return items.isEmpty ? ptr(addr) : "[" + items.joined(separator: ", ") + ", ... /* \(ptr(p)) */]" }
                if w == 0 { return "[" + items.joined(separator: ", ") + "]" }
                if items.count == SyscallDecoder.maxArrayEntries { break }
                if let m = memory, let r = m.readCString(w, limit: limit) {
                    items.append(SyscallDecoder.quote(r.bytes, truncated: r.truncated))
                } else {
                    items.append(ptr(w))
                }
                p &+= UInt64(wordSize)
            }
            return "[" + items.joined(separator: ", ") + ", ...]"
        }

        func envp(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            var n = 0
            var p = addr
            var unterminated = false
            while n < 100_000 {
                guard let w = word(p) else { unterminated = true; break }
                if w == 0 { break }
                n += 1
                p &+= UInt64(wordSize)
            }
            guard memory != nil, word(addr) != nil else { return ptr(addr) }
            return ptr(addr) + " /* \(n) var\(n == 1 ? "" : "s")\(unterminated ? ", unterminated" : "") */"
        }

        func sigset(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            guard let b = read(addr, 8) else { return ptr(addr) }
            return SyscallDecoder.sigsetString(le(b, 0, 8))
        }

        func sigaction(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            // struct sigaction as the kernel takes it: handler, flags, restorer, mask (i386: 32-bit words).
            let w = wordSize
            guard let b = read(addr, 3 * w + 8) else { return ptr(addr) }
            let handler = le(b, 0, w), flags = le(b, w, w), restorer = le(b, 2 * w, w), mask = le(b, 3 * w, 8)
            let h = handler == 0 ? "SIG_DFL" : handler == 1 ? "SIG_IGN" : SyscallDecoder.hex(handler, abi: abi)
            var s = "{sa_handler=\(h), sa_mask=\(SyscallDecoder.sigsetString(mask)), sa_flags=\(Flags.saFlags.format(flags))"
            if flags & 0x400_0000 != 0 { s += ", sa_restorer=\(ptr(restorer))" }
            return s + "}"
        }

        func stackT(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            let w = wordSize
            guard let b = read(addr, 3 * w) else { return ptr(addr) }
            // stack_t: ss_sp, int ss_flags (padded to a word), ss_size.
            return "{ss_sp=\(ptr(le(b, 0, w))), ss_flags=\(Flags.ssFlags.format(le(b, w, 4))), ss_size=\(le(b, 2 * w, w))}"
        }

        func timespec(_ addr: UInt64, time64: Bool) -> String {
            guard addr != 0 else { return "NULL" }
            let n = time64 ? 8 : 4
            guard let b = read(addr, 2 * n) else { return ptr(addr) }
            // strace prints tv_nsec unsigned (an invalid one shows as it is).
            return "{tv_sec=\(signed(b, 0, n)), tv_nsec=\(n == 8 ? String(le(b, n, n)) : String(signed(b, n, n)))}"
        }

        func rlimit(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            // prlimit64 always takes 64-bit values; getrlimit/setrlimit use the ABI's long.
            let n = name == "prlimit64" ? 8 : wordSize
            guard let b = read(addr, 2 * n) else { return ptr(addr) }
            func lim(_ v: UInt64) -> String {
                if n == 8 ? v == UInt64.max : v == 0xFFFF_FFFF { return n == 8 ? "RLIM64_INFINITY" : "RLIM_INFINITY" }
                // strace's print_rlim64_t: `N*1024` only past 1024.
                return v > 1024 && v % 1024 == 0 ? "\(v / 1024)*1024" : String(v)
            }
            return "{rlim_cur=\(lim(le(b, 0, n))), rlim_max=\(lim(le(b, n, n)))}"
        }

        func stat64Layout(_ addr: UInt64, modeAt: Int, modeSize: Int, rdevAt: Int, sizeAt: Int) -> String? {
            guard let b = read(addr, sizeAt + 8) else { return nil }
            let mode = le(b, modeAt, modeSize)
            // strace shows a device's number instead of its size: st_rdev=makedev(0x1, 0x3).
            let type = mode & 0o170000
            let tail = type == 0o020000 || type == 0o060000 ? "st_rdev=\(SyscallDecoder.makedev(le(b, rdevAt, 8)))" : "st_size=\(signed(b, sizeAt, 8))"
            return "{st_mode=\(Flags.fileMode(mode)), \(tail), ...}"
        }

        func stat32(_ addr: UInt64) -> String? {
            // i386 struct stat: 16-bit st_mode at 8, 32-bit st_size at 20.
            guard let b = read(addr, 24) else { return nil }
            return "{st_mode=\(Flags.fileMode(le(b, 8, 2))), st_size=\(le(b, 20, 4)), ...}"
        }

        func statx(_ addr: UInt64) -> String? {
            guard let b = read(addr, 48) else { return nil }
            return "{stx_mask=\(StraceTable(StraceXlat.statxMasks, unknown: "STATX_???").flags(le(b, 0, 4))), "
                + "stx_attributes=\(StraceTable(StraceXlat.statxAttrs, unknown: "STATX_ATTR_???").flags(le(b, 8, 8))), "
                + "stx_mode=\(Flags.fileMode(le(b, 28, 2))), stx_size=\(le(b, 40, 8)), ...}"
        }

        func dirents(_ addr: UInt64, length: Int) -> String? {
            guard length >= 0, let b = read(addr, min(length, 1 << 20)) else { return nil }
            // linux_dirent64 / linux_dirent: d_reclen (u16) at 16 (64-bit layout) or 2 words in.
            let reclenAt = name == "getdents64" ? 16 : 2 * wordSize
            var off = 0, n = 0
            while off + reclenAt + 2 <= b.count {
                let rec = Int(le(b, off + reclenAt, 2))
                if rec == 0 { break }
                off += rec
                n += 1
            }
            return ptr(addr) + " /* \(n) entr\(n == 1 ? "y" : "ies") */"
        }

        func sockaddr(_ addr: UInt64, length: Int) -> String {
            guard addr != 0 else { return "NULL" }
            let n = min(max(length, 0), 128)
            guard n >= 2, let b = read(addr, n) else { return ptr(addr) }
            let memory = memory
            return SockaddrPrinter(bytes: b, mode: constants) { SyscallDecoder.fdString($0, memory: memory) }.text()
        }

        /// struct open_how as strace's print_open_how: the address when `size` is below its 24 bytes,
        /// mode when set or taken, resolve by name, then any non-zero bytes past the struct.
        func openHow(_ addr: UInt64, size: UInt64) -> String {
            guard addr != 0, size >= 24 else { return ptr(addr) }
            guard let b = read(addr, 24) else { return ptr(addr) }
            let flags = le(b, 0, 8), mode = le(b, 8, 8), resolve = le(b, 16, 8)
            var s = "{flags=\(Flags.open(flags))"
            if Flags.openTakesMode(flags) || mode != 0 { s += ", mode=\(Flags.octal(mode))" }
            s += ", resolve=\(StraceTable(StraceXlat.openResolveFlags, unknown: "RESOLVE_???").flags(resolve))"
            return s + nonzeroTail(addr, from: 24, size: size) + "}"
        }

        func cloneArgs(_ addr: UInt64) -> String {
            guard addr != 0 else { return "NULL" }
            guard let b = read(addr, 64) else { return ptr(addr) }
            let flags = le(b, 0, 8), exitSignal = le(b, 32, 8)
            var s = "{flags=\(Flags.clone.format(flags))"
            let ptrs: [(String, Int)] = [("pidfd", 8), ("child_tid", 16), ("parent_tid", 24)]
            for (n, off) in ptrs where le(b, off, 8) != 0 { s += ", \(n)=\(ptr(le(b, off, 8)))" }
            s += ", exit_signal=\(exitSignal == 0 ? "0" : Signals.displayName(Int32(truncatingIfNeeded: exitSignal)))"
            s += ", stack=\(ptr(le(b, 40, 8))), stack_size=\(le(b, 48, 8) == 0 ? "0" : "0x" + String(le(b, 48, 8), radix: 16))"
            if le(b, 56, 8) != 0 { s += ", tls=\(ptr(le(b, 56, 8)))" }
            return s + "}"
        }
    }
}
