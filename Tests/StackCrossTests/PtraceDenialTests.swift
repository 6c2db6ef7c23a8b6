import XCTest
@testable import StackCross

/// The EPERM explanation of `attach` (PtraceDenial), from injected facts, one cause per case.
final class PtraceDenialTests: XCTestCase {
    /// Root-like defaults: same credentials, CAP_SYS_PTRACE, no yama, same user namespace.
    func facts(_ edit: (inout PtraceDenialFacts) -> Void = { _ in }) -> PtraceDenialFacts {
        var f = PtraceDenialFacts(pid: 42)
        f.hasCapSysPtrace = true
        f.targetUids = [0, 0, 0]
        f.targetGids = [0, 0, 0]
        f.sameUserNamespace = true
        edit(&f)
        return f
    }

    func testAnotherTracerComesFirst() {
        let m = PtraceDenial.explain(facts { $0.tracerPid = 7; $0.tracerName = "strace"; $0.yamaScope = 3 })
        XCTAssertEqual(m, "already traced by pid 7 (strace); a thread has only one tracer")
    }

    func testYamaScopes() {
        XCTAssertTrue(PtraceDenial.explain(facts { $0.yamaScope = 3 }).hasPrefix("kernel.yama.ptrace_scope is 3: no process may attach"))
        XCTAssertTrue(PtraceDenial.explain(facts { $0.yamaScope = 2; $0.hasCapSysPtrace = false })
            .hasPrefix("kernel.yama.ptrace_scope is 2: only CAP_SYS_PTRACE may attach, and stackcross lacks it"))
        XCTAssertTrue(PtraceDenial.explain(facts { $0.yamaScope = 1; $0.hasCapSysPtrace = false })
            .contains("kernel.yama.ptrace_scope is 1: without CAP_SYS_PTRACE only an ancestor"))
        XCTAssertTrue(PtraceDenial.explain(facts { $0.yamaScope = 1; $0.hasCapSysPtrace = false })
            .contains("pid 42 does not descend from stackcross"))
        // Scope 1 allows a descendant: the cause lies elsewhere (here the target is not dumpable).
        XCTAssertTrue(PtraceDenial.explain(facts { $0.yamaScope = 1; $0.hasCapSysPtrace = false; $0.targetIsDescendant = true })
            .contains("not dumpable"))
        // CAP_SYS_PTRACE passes scopes 1 and 2.
        for scope in [0, 1, 2] {
            XCTAssertTrue(PtraceDenial.explain(facts { $0.yamaScope = scope })
                .hasPrefix("stackcross has CAP_SYS_PTRACE and yama ptrace_scope is \(scope), so a security module"), "\(scope)")
        }
    }

    func testCredentialsAndCapabilities() {
        let other = PtraceDenial.explain(facts { $0.hasCapSysPtrace = false; $0.uid = 65534; $0.gid = 65534 })
        XCTAssertEqual(other, "pid 42 runs as uid 0, stackcross as uid 65534 without CAP_SYS_PTRACE (run as the same user, or as root)")
        let setuid = PtraceDenial.explain(facts { $0.hasCapSysPtrace = false; $0.uid = 1000; $0.gid = 1000; $0.targetUids = [1000, 0, 0]; $0.targetGids = [1000, 1000, 1000] })
        XCTAssertTrue(setuid.hasPrefix("pid 42 runs as uid 1000, stackcross as uid 1000 without CAP_SYS_PTRACE"), setuid)
        let caps = PtraceDenial.explain(facts { $0.hasCapSysPtrace = false; $0.targetExtraCaps = 1 << 24 })
        XCTAssertEqual(caps, "pid 42 holds capabilities stackcross lacks (0x1000000) and stackcross has no CAP_SYS_PTRACE")
    }

    func testWithEveryPermissionWhatIsLeft() {
        XCTAssertEqual(PtraceDenial.explain(facts { $0.sameUserNamespace = false }),
                       "stackcross has CAP_SYS_PTRACE and there is no yama, but pid 42 is in another user namespace, "
                       + "beyond the one where stackcross holds CAP_SYS_PTRACE")
        // pid 1 in a sandbox: root, CAP_SYS_PTRACE, no yama, and still EPERM.
        XCTAssertEqual(PtraceDenial.explain(facts { $0.pid = 1; $0.targetIsAncestor = true; $0.sameUserNamespace = nil }),
                       "stackcross has CAP_SYS_PTRACE and there is no yama, so a security module (Landlock, SELinux, AppArmor) "
                       + "or a sandbox refuses it; pid 1 is an ancestor of stackcross, as a sandbox's supervisor is; "
                       + "even /proc/1/ns/user is unreadable, which needs the same ptrace access")
    }
}
