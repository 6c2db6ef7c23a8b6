/// keyctl(2) as strace 6.1's keyctl.c prints it: the arguments each command takes, the buffers the
/// kernel fills (READ, DESCRIBE, DH_COMPUTE, PKEY_*, CAPABILITIES) read back at exit.
extension SyscallDecoder.Context {
    /// keyctl's shown arguments after the command; the kinds `.ioOut("keyctlN")` take element N.
    func keyctlArguments() -> [String] {
        let cmd = int32(0)
        func a(_ k: Int) -> UInt64 { raw(k) }
        func serial(_ k: Int) -> String { keySerial(Int32(truncatingIfNeeded: a(k))) }
        func u32(_ k: Int) -> String { String(a(k) & 0xFFFF_FFFF) }
        func uid(_ k: Int) -> String { SyscallDecoder.uidString(UInt32(truncatingIfNeeded: a(k))) }
        let exiting = stop != .entry
        let failed = successfulReturn == nil
        switch cmd {
        case 0: return [serial(1), String(int32(2))]  // GET_KEYRING_ID
        case 1: return [str(a(1))]  // JOIN_SESSION_KEYRING
        case 2: return [serial(1), strn(a(2), len: a(3)), String(a(3))]  // UPDATE
        case 3, 7, 16, 21: return [serial(1)]  // REVOKE, CLEAR, ASSUME_AUTHORITY, INVALIDATE
        case 8, 9: return [serial(1), serial(2)]  // LINK, UNLINK
        case 6, 11, 17:  // DESCRIBE, READ, GET_SECURITY: the buffer the kernel filled
            guard exiting else { return [serial(1)] }
            let len = a(3)
            guard !failed, let r = successfulReturn else { return [serial(1), ptr(a(2)), String(len)] }
            let n = r >= 0 && UInt64(r) > len ? len : UInt64(bitPattern: r)
            return [serial(1), strn(a(2), len: n, omitTrailingNul: cmd != 11), String(len)]
        case 10: return [serial(1), str(a(2)), str(a(3)), serial(4)]  // SEARCH
        case 4: return [serial(1), uid(2), uid(3)]  // CHOWN
        case 5: return [serial(1), xflags(StraceXlat.keyPerms, a(2) & 0xFFFF_FFFF, "KEY_???")]  // SETPERM
        case 12: return [serial(1), strn(a(2), len: a(3)), String(a(3)), serial(4)]  // INSTANTIATE
        case 13: return [serial(1), u32(2), serial(3)]  // NEGATE
        case 14:  // SET_REQKEY_KEYRING
            let v = Int64(int32(1))
            guard let name = StraceXlat.keyReqkeys.first(where: { Int64(bitPattern: $0.0) == v })?.1 else {
                return [style == .raw ? String(v) : "\(v) /* KEY_REQKEY_DEFL_??? */"]
            }
            return [styled(raw: String(v), name: name)]
        case 15: return [serial(1), u32(2)]  // SET_TIMEOUT
        case 18: return []  // SESSION_TO_PARENT
        case 19:  // REJECT: the error by name
            let e = UInt32(truncatingIfNeeded: a(3))
            return [serial(1), u32(2), Errno.name(Int32(bitPattern: e)).map { styled(raw: String(e), name: $0) } ?? String(e), serial(4)]
        case 20:  // INSTANTIATE_IOV
            return [serial(1), straceArray(a(2), count: a(3), elemSize: 16) { "{iov_base=\(strn(le($0, 0, 8), len: le($0, 8, 8))), iov_len=\(le($0, 8, 8))}" },
                    String(a(3)), serial(4)]
        case 22: return [uid(1), serial(2)]  // GET_PERSISTENT
        case 23:  // DH_COMPUTE
            let params = dhParams(a(1))
            guard exiting else { return [params] }
            let len = a(3)
            let buf: String
            if let r = successfulReturn { buf = strn(a(2), len: r >= 0 && UInt64(r) > len ? len : UInt64(bitPattern: r)) } else { buf = ptr(a(2)) }
            return [params, buf, String(len), kdfParams(a(4))]
        case 24:  // PKEY_QUERY
            let head = [serial(1), Self.hexOrZero(a(2)), str(a(3))]
            return head + [exiting ? pkeyQuery(a(4)) : ptr(a(4))]
        case 25, 26, 27, 28:  // PKEY_ENCRYPT, _DECRYPT, _SIGN (output in op2), _VERIFY (two inputs)
            let out = cmd != 28
            guard let b = read(a(1), 40) else {
                return [ptr(a(1)), str(a(2)), ptr(a(3)), ptr(a(4))]
            }
            var f = ["key_id=" + keySerial(Int32(truncatingIfNeeded: le(b, 0, 4))), "in_len=\(le(b, 4, 4))",
                     (out ? "out_len=" : "in2_len=") + String(le(b, 8, 4))]
            if let spare = xintArray(b, from: 12, count: 7, size: 4) { f.append("__spare=" + spare) }
            let params = "{" + f.joined(separator: ", ") + "}"
            let op1 = strn(a(3), len: le(b, 4, 4))
            guard out else { return [params, str(a(2)), op1, strn(a(4), len: le(b, 8, 4))] }
            let op2 = exiting && !failed ? strn(a(4), len: le(b, 8, 4)) : ptr(a(4))
            return [params, str(a(2)), op1, op2]
        case 29: return [serial(1), str(a(2)), str(a(3))]  // RESTRICT_KEYRING
        case 30:  // MOVE
            return [serial(1), serial(2), serial(3), xflags(StraceXlat.keyctlMoveFlags, a(4) & 0xFFFF_FFFF, "KEYCTL_MOVE_???")]
        case 31:  // CAPABILITIES: bytes of KEYCTL_CAPS0_*, KEYCTL_CAPS1_* flags
            guard exiting else { return [ptr(a(1)), String(a(2))] }
            guard let r = successfulReturn else { return [ptr(a(1)), String(a(2))] }
            var pos = 0
            let caps = straceArray(a(1), count: min(a(2), UInt64(bitPattern: r)), elemSize: 1) { e in
                defer { pos += 1 }
                switch pos {
                case 0: return xflags(StraceXlat.keyctlCaps0, UInt64(e[0]), "KEYCTL_CAPS0_???")
                case 1: return xflags(StraceXlat.keyctlCaps1, UInt64(e[0]), "KEYCTL_CAPS1_???")
                default: return Self.hexOrZero(UInt64(e[0]))
                }
            }
            return [caps, String(a(2))]
        default: return (1 ... 4).map { Self.hexOrZero(a($0)) }
        }
    }

    /// key_serial_t: KEY_SPEC_* names (printxval_d), else the number.
    func keySerial(_ id: Int32) -> String {
        guard let name = Flags.keySpecs.names[Int64(id)] else { return String(id) }
        return styled(raw: String(id), name: name)
    }

    /// printstr: a NUL-terminated string cut at -s.
    func str(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard let m = memory, let r = m.readCString(addr, limit: limit) else { return ptr(addr) }
        if r.truncated, r.bytes.count < limit { return ptr(addr) }
        return SyscallDecoder.quote(r.bytes, truncated: r.truncated)
    }

    /// printstrn / printstr_ex: `len` bytes cut at -s; `omitTrailingNul` drops a last NUL (QUOTE_OMIT_TRAILING_0).
    func strn(_ addr: UInt64, len: UInt64, omitTrailingNul: Bool = false) -> String {
        guard addr != 0 else { return "NULL" }
        let n = Int(min(len, UInt64(limit)))
        guard let b = read(addr, n) else { return ptr(addr) }
        if omitTrailingNul, UInt64(n) == len, b.last == 0 { return SyscallDecoder.quote(b.dropLast()) }
        return SyscallDecoder.quote(b, truncated: len > UInt64(limit))
    }

    /// `[0x1, 0, …]` of `count` words from `from` when any is set (strace's __spare fields).
    func xintArray(_ b: [UInt8], from: Int, count: Int, size: Int) -> String? {
        let v = (0 ..< count).map { le(b, from + size * $0, size) }
        guard v.contains(where: { $0 != 0 }) else { return nil }
        return "[" + v.map { Self.hexOrZero($0) }.joined(separator: ", ") + "]"
    }

    func dhParams(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard let b = read(addr, 12) else { return ptr(addr) }
        let f = ["private", "prime", "base"].enumerated().map { "\($0.element)=" + keySerial(Int32(truncatingIfNeeded: le(b, 4 * $0.offset, 4))) }
        return "{" + f.joined(separator: ", ") + "}"
    }

    /// struct keyctl_kdf_params: the hash name, other info (as long as its length says), spare words.
    func kdfParams(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        // sizeof(struct keyctl_kdf_params) on 64-bit: 52 bytes of fields, padded to 56.
        guard let b = read(addr, 56) else { return ptr(addr) }
        let len = le(b, 16, 4)
        var f = ["hashname=" + str(le(b, 0, 8)),
                 "otherinfo=" + (len != 0 ? strn(le(b, 8, 8), len: len) : ptr(le(b, 8, 8))), "otherinfolen=\(len)"]
        if let spare = xintArray(b, from: 20, count: 8, size: 4) { f.append("__spare=" + spare) }
        return "{" + f.joined(separator: ", ") + "}"
    }

    func pkeyQuery(_ addr: UInt64) -> String {
        guard addr != 0 else { return "NULL" }
        guard successfulReturn != nil, let b = read(addr, 56) else { return ptr(addr) }
        var f = ["supported_ops=" + xflags(StraceXlat.keyctlPkeyOps, le(b, 0, 4), "KEYCTL_SUPPORTS_???"), "key_size=\(le(b, 4, 4))",
                 "max_data_size=\(le(b, 8, 2))", "max_sig_size=\(le(b, 10, 2))", "max_enc_size=\(le(b, 12, 2))",
                 "max_dec_size=\(le(b, 14, 2))"]
        if let spare = xintArray(b, from: 16, count: 10, size: 4) { f.append("__spare=" + spare) }
        return "{" + f.joined(separator: ", ") + "}"
    }
}
