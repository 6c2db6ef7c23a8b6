/// Checks that apply at every stop: selectors, the user stack pointer, the kernel frames.

extension CrossingJudge {
    // MARK: checks that apply at every stop

    static let userHalfText = "< " + hex(X86.userSpaceEnd) + " (user half)"
    /// "all N predicted slots match", made once per N.
    static let allSlotsMatch = (0...PtRegsSlot.allCases.count).map { "all \($0) predicted slots match" }

    func selectorChecks(_ kind: CrossingKind) {
        // Runs at every stop: the texts are literals where they can be, built once where they cannot.
        let cs = regs.cs.rawValue
        add("selectors.cpl", cs & 3 == 3, expected: "CS & 3 == 3 (user mode)", actual: cs & 3 == 3 ? hexText("CS ", cs, " → CPL 3") : "CS \(hex(cs)) → CPL \(cs & 3)")
        let csOK: Bool, csExpected: String
        switch obs.is32BitTask {
        case true?: (csOK, csExpected) = (cs == X86.userCS32, "0x23 (32-bit image)")
        case false?: (csOK, csExpected) = (cs == X86.userCS64, "0x33 (64-bit image)")
        case nil: (csOK, csExpected) = (cs == X86.userCS32 || cs == X86.userCS64, "0x23 or 0x33")
        }
        add("selectors.cs", csOK, expected: csExpected, actual: hex(cs))
        add("selectors.ss", regs.ss.rawValue == X86.userDS, expected: "0x2b", actual: hex(regs.ss.rawValue))
        if cs == X86.userCS64 && !is32 {
            // A 64-bit task never loads data selectors: TLS lives in fs_base, not in a descriptor.
            let (ds, es, fs, gs) = (regs.ds.rawValue, regs.es.rawValue, regs.fs.rawValue, regs.gs.rawValue)
            add("selectors.data", ds | es | fs | gs == 0, expected: "ds = es = fs = gs = 0 (64-bit task)",
                actual: ds | es | fs | gs == 0 ? "ds 0x0 es 0x0 fs 0x0 gs 0x0"
                    : "ds " + hex(ds) + " es " + hex(es) + " fs " + hex(fs) + " gs " + hex(gs))
        }
    }

    /// Check 12: user RSP in a user stack mapping, never in kernel space.
    func userStackChecks() -> String? {
        let sp = regs.rsp.rawValue
        add("user_rsp.user_space", sp < X86.userSpaceEnd, expected: Self.userHalfText, actual: hex(sp))
        var where_: String?
        if let alt = altstack, alt.contains(sp) { where_ = "sigaltstack" }
        else if let maps = obs.maps {
            if let m = maps.first(where: { $0.contains(regs.rsp) }) {
                if m.path == "[stack]" { where_ = "[stack]" }
                else if m.path.isEmpty, m.perms.hasPrefix("rw") { where_ = "thread stack" }
                else { where_ = nil }
                add("user_rsp.mapping", where_ != nil, expected: "[stack], a thread stack (anonymous rw) or the sigaltstack",
                    actual: where_ ?? "\(m.path.isEmpty ? "anonymous" : m.path) \(m.perms) \(m.start)-\(m.end)")
            } else {
                add("user_rsp.mapping", false, expected: "[stack], a thread stack (anonymous rw) or the sigaltstack",
                    actual: "\(hex(sp)) is in no mapping")
            }
        }
        return where_
    }

    /// Check 11: the /proc kernel stack against the predicted path.
    func kernelFrameChecks(_ way: WayIn) {
        let names = frameNames
        guard !names.isEmpty else { return }
        if obs.kernelStackReadAtStop {
            add("kstack.innermost", names.first == "ptrace_stop", expected: "ptrace_stop (read at a ptrace stop)",
                actual: names.first ?? "")
        }
        if !way.outermostFrames.isEmpty {
            let outer = names.last ?? ""
            add("kstack.outermost", way.outermostFrames.contains { outer.hasPrefix($0) },
                expected: way.outermostFrames.map { $0 + "…" }.joined(separator: " or "), actual: outer)
        }
        var path = way.pathFrames
        if obs.kernelStackReadAtStop {
            switch obs.kind {
            case .syscallEntry: path.append("syscall_trace_enter")
            case .syscallExit: path.append("syscall_exit_work")
            case .signalDelivery, .snapshot: path.append("get_signal")
            case .handlerEntry: break
            }
        }
        if !path.isEmpty {
            let missing = path.filter { !$0.matches(any: names) }
            add("kstack.path", missing.isEmpty, expected: path.map(\.text).joined(separator: ", "),
                actual: missing.isEmpty ? "all present" : "missing \(missing.map(\.text).joined(separator: ", ")) in \(names.joined(separator: " ← "))")
        }
    }
}
