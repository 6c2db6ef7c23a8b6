/// io_uring_register's argument as strace 6.1's io_uring.c prints it, by opcode: fd arrays, iovecs,
/// the resource and update structures, probes, restrictions, ring fds and buffer rings.
extension SyscallDecoder.Context {
    func uringRegisterArg() -> String {
        let op = UInt32(truncatingIfNeeded: raw(1)), addr = raw(2), n = UInt32(truncatingIfNeeded: raw(3))
        switch op {
        case 0: return iovAddresses(addr, count: UInt64(n))  // IORING_REGISTER_BUFFERS
        case 2, 4, 7: return straceArray(addr, count: UInt64(n), elemSize: 4) { fdElement($0) }  // FILES, EVENTFD*
        case 6: return uringFilesUpdate(addr, count: n)
        case 8: return uringProbe(addr, count: n)
        case 11: return straceArray(addr, count: UInt64(n), elemSize: 16) { uringRestriction($0) }
        case 13, 15: return uringRsrcRegister(addr, size: n, op: op)  // FILES2, BUFFERS2
        case 14, 16: return uringRsrcUpdate(addr, size: n, op: op)  // FILES_UPDATE2, BUFFERS_UPDATE
        case 17:  // IORING_REGISTER_IOWQ_AFF: a CPU list
            return addr == 0 ? "NULL" : cpuMask(addr, bytes: Int(n))
        case 19:  // IORING_REGISTER_IOWQ_MAX_WORKERS: worker counts indexed by IO_WQ_*
            return straceArray(addr, count: UInt64(n), elemSize: 4,
                               indices: { self.xval(StraceXlat.uringIowqAcct, $0, "IO_WQ_???", decimal: true) }) { String(le($0, 0, 4)) }
        case 20: return straceArray(addr, count: UInt64(n), elemSize: 16) { uringRingFd($0) }
        case 21: return straceArray(addr, count: UInt64(n), elemSize: 16) { uringRingFdUnregister($0) }
        case 22, 23: return uringBufReg(addr)
        default: return ptr(addr)
        }
    }

    /// io_uring_setup's struct io_uring_params: what the caller set at entry; after a successful call
    /// the sizes, features and ring offsets the kernel filled in are added.
    func uringParams(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 120) else { return ptr(addr) }
        let flags = le(b, 8, 4)
        var f = ["flags=" + xflags(StraceXlat.uringSetupFlags, flags, "IORING_SETUP_???"),
                 "sq_thread_cpu=\(Self.hexOrZero(le(b, 12, 4)))", "sq_thread_idle=\(le(b, 16, 4))"]
        if flags & 0x20 != 0 {  // IORING_SETUP_ATTACH_WQ
            f.append("wq_fd=" + SyscallDecoder.fdString(Int32(truncatingIfNeeded: le(b, 24, 4)), memory: memory))
        }
        if (0 ..< 3).contains(where: { le(b, 28 + 4 * $0, 4) != 0 }) {
            f.append("resv=[" + (0 ..< 3).map { Self.hexOrZero(le(b, 28 + 4 * $0, 4)) }.joined(separator: ", ") + "]")
        }
        if successfulReturn != nil {
            func offsets(_ at: Int, _ names: [String]) -> String {
                var o = names.enumerated().map { "\($0.element)=\(le(b, at + 4 * $0.offset, 4))" }
                if le(b, at + 28, 4) != 0 { o.append("resv1=\(Self.hexOrZero(le(b, at + 28, 4)))") }
                if le(b, at + 32, 8) != 0 { o.append("resv2=\(Self.hexOrZero(le(b, at + 32, 8)))") }
                return "{" + o.joined(separator: ", ") + "}"
            }
            f += ["sq_entries=\(le(b, 0, 4))", "cq_entries=\(le(b, 4, 4))",
                  "features=" + xflags(StraceXlat.uringSetupFeatures, le(b, 20, 4), "IORING_FEAT_???"),
                  "sq_off=" + offsets(40, ["head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array"]),
                  "cq_off=" + offsets(80, ["head", "tail", "ring_mask", "ring_entries", "overflow", "cqes", "flags"])]
        }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// tprint_iov with iov_decode_addr: each iov_base as an address.
    func iovAddresses(_ addr: UInt64, count: UInt64) -> String {
        straceArray(addr, count: count, elemSize: 16) { "{iov_base=\(ptr(le($0, 0, 8))), iov_len=\(le($0, 8, 8))}" }
    }

    /// IORING_REGISTER_FILES_UPDATE2's fds: IORING_REGISTER_FILES_SKIP (-2) by name, below -1 a number.
    func filesUpdateElement(_ b: [UInt8]) -> String {
        let fd = Int32(truncatingIfNeeded: le(b, 0, 4))
        guard fd < -1 else { return fdElement(b) }
        return xvalSigned([(-2, "IORING_REGISTER_FILES_SKIP")], Int64(fd))
    }

    func uringFilesUpdate(_ addr: UInt64, count: UInt32) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 16) else { return ptr(addr) }
        var f = ["offset=\(le(b, 0, 4))"]
        if le(b, 4, 4) != 0 { f.append("resv=\(Self.hexOrZero(le(b, 4, 4)))") }
        f.append("fds=" + straceArray(le(b, 8, 8), count: UInt64(count), elemSize: 4) { filesUpdateElement($0) })
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// struct io_uring_probe: shown at entry when it holds anything but zeros.
    func uringProbe(_ addr: UInt64, count: UInt32) -> String {
        guard addr != 0, count <= 256 else { return ptr(addr) }
        guard let b = read(addr, 16 + 8 * Int(count)), b.contains(where: { $0 != 0 }) else { return ptr(addr) }
        var f = ["last_op=" + xval(StraceXlat.uringOps, UInt64(b[0]), "IORING_OP_???", decimal: true), "ops_len=\(b[1])"]
        if le(b, 2, 2) != 0 { f.append("resv=\(Self.hexOrZero(le(b, 2, 2)))") }
        if (0 ..< 3).contains(where: { le(b, 4 + 4 * $0, 4) != 0 }) {
            f.append("resv2=[" + (0 ..< 3).map { Self.hexOrZero(le(b, 4 + 4 * $0, 4)) }.joined(separator: ", ") + "]")
        }
        var ops = [String]()
        for k in 0 ..< Int(count) {
            if k >= limit { ops.append("..."); break }
            let o = 16 + 8 * k
            var e = ["op=" + xval(StraceXlat.uringOps, UInt64(b[o]), "IORING_OP_???", decimal: true)]
            if b[o + 1] != 0 { e.append("resv=\(Self.hexOrZero(UInt64(b[o + 1])))") }
            e.append("flags=" + xflags(StraceXlat.uringOpFlags, le(b, o + 2, 2), "IO_URING_OP_???"))
            if le(b, o + 4, 4) != 0 { e.append("resv2=\(Self.hexOrZero(le(b, o + 4, 4)))") }
            ops.append("{" + e.joined(separator: ", ") + "}")
        }
        f.append("ops=[" + ops.joined(separator: ", ") + "]")
        return "{" + f.joined(separator: ", ") + "}"
    }

    func uringRestriction(_ b: [UInt8]) -> String {
        let opcode = le(b, 0, 2), arg = UInt64(b[2])
        var f = "{opcode=" + xval(StraceXlat.uringRestrictionOpcodes, opcode, "IORING_RESTRICTION_???")
        switch opcode {
        case 0: f += ", register_op=" + xval(StraceXlat.uringRegisterOpcodes, arg, "IORING_REGISTER_???")
        case 1: f += ", sqe_op=" + xval(StraceXlat.uringOps, arg, "IORING_OP_???")
        case 2, 3: f += ", sqe_flags=" + xflags(StraceXlat.uringSqeFlags, arg, "IOSQE_???")
        default: f += " /* op: \(Self.hexOrZero(arg)) */"
        }
        if b[3] != 0 { f += ", resv=\(Self.hexOrZero(UInt64(b[3])))" }
        if (0 ..< 3).contains(where: { le(b, 4 + 4 * $0, 4) != 0 }) {
            f += ", resv2=[" + (0 ..< 3).map { Self.hexOrZero(le(b, 4 + 4 * $0, 4)) }.joined(separator: ", ") + "]"
        }
        return f + "}"
    }

    /// The data array of a resource registration or update: fds, or iovecs for buffers.
    func uringRsrcData(_ data: UInt64, count: UInt64, op: UInt32) -> String {
        switch op {
        case 13: return straceArray(data, count: count, elemSize: 4) { fdElement($0) }
        case 14: return straceArray(data, count: count, elemSize: 4) { filesUpdateElement($0) }
        default: return iovAddresses(data, count: count)
        }
    }

    func uringTags(_ tags: UInt64, count: UInt64) -> String {
        straceArray(tags, count: count, elemSize: 8) { Self.hexOrZero(le($0, 0, 8)) }
    }

    /// struct io_uring_rsrc_register (32 bytes; a shorter size shows the address).
    func uringRsrcRegister(_ addr: UInt64, size: UInt32, op: UInt32) -> String {
        guard addr != 0 else { return "NULL" }
        guard size >= 32, let b = read(addr, 32) else { return ptr(addr) }
        let nr = le(b, 0, 4)
        var f = ["nr=\(nr)", "flags=" + xflags(StraceXlat.uringRegisterRsrcFlags, le(b, 4, 4), "IORING_RSRC_REGISTER_???")]
        if le(b, 8, 8) != 0 { f.append("resv2=\(Self.hexOrZero(le(b, 8, 8)))") }
        f.append("data=" + uringRsrcData(le(b, 16, 8), count: nr, op: op))
        f.append("tags=" + uringTags(le(b, 24, 8), count: nr))
        if let extra = nonzeroBytes(addr, from: 32, total: min(Int(size), 4096)) { f.append(extra) }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// struct io_uring_rsrc_update2 (32 bytes).
    func uringRsrcUpdate(_ addr: UInt64, size: UInt32, op: UInt32) -> String {
        guard addr != 0 else { return "NULL" }
        guard size >= 32, let b = read(addr, 32) else { return ptr(addr) }
        let nr = le(b, 24, 4)
        var f = ["offset=\(le(b, 0, 4))"]
        if le(b, 4, 4) != 0 { f.append("resv=\(Self.hexOrZero(le(b, 4, 4)))") }
        f.append("data=" + uringRsrcData(le(b, 8, 8), count: nr, op: op))
        f.append("tags=" + uringTags(le(b, 16, 8), count: nr))
        f.append("nr=\(nr)")
        if le(b, 28, 4) != 0 { f.append("resv2=\(Self.hexOrZero(le(b, 28, 4)))") }
        if let extra = nonzeroBytes(addr, from: 32, total: min(Int(size), 4096)) { f.append(extra) }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// IORING_REGISTER_RING_FDS: {offset (-1 for the first free slot), resv, the fd}.
    func uringRingFd(_ b: [UInt8]) -> String {
        let off = le(b, 0, 4)
        var f = "{offset=" + (off == 0xFFFF_FFFF ? "-1" : String(off))
        if le(b, 4, 4) != 0 { f += ", resv=\(Self.hexOrZero(le(b, 4, 4)))" }
        return f + ", data=" + SyscallDecoder.fdString(Int32(truncatingIfNeeded: le(b, 8, 8)), memory: memory) + "}"
    }

    func uringRingFdUnregister(_ b: [UInt8]) -> String {
        var f = "{offset=\(le(b, 0, 4))"
        if le(b, 4, 4) != 0 { f += ", resv=\(Self.hexOrZero(le(b, 4, 4)))" }
        if le(b, 8, 8) != 0 { f += ", data=\(Self.hexOrZero(le(b, 8, 8)))" }
        return f + "}"
    }

    /// struct io_uring_buf_reg (IORING_(UN)REGISTER_PBUF_RING).
    func uringBufReg(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 40) else { return ptr(addr) }
        var f = ["ring_addr=\(ptr(le(b, 0, 8)))", "ring_entries=\(le(b, 8, 4))", "bgid=\(le(b, 12, 2))"]
        if le(b, 14, 2) != 0 { f.append("pad=\(Self.hexOrZero(le(b, 14, 2)))") }
        if (0 ..< 3).contains(where: { le(b, 16 + 8 * $0, 8) != 0 }) {
            f.append("resv=[" + (0 ..< 3).map { Self.hexOrZero(le(b, 16 + 8 * $0, 8)) }.joined(separator: ", ") + "]")
        }
        return "{" + f.joined(separator: ", ") + "}"
    }
}
