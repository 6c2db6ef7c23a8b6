import XCTest
@testable import StackCross

/// The decoder's per-number plans (SyscallDecoder.CallPlan) let a call skip the steps that look at its
/// name, and the renderer try the plain kinds first. These tests prove, for every syscall of both ABIs,
/// that skipping changes nothing: a decoder author who makes a step apply to another call, or a family
/// renderer claim a plain kind, fails here until the plan says so.
final class SyscallDecoderPlanTests: XCTestCase {
    /// Readable memory at the pattern addresses, with strings, small numbers and odd bytes in it; two fds.
    static let memory: FakeMemory = {
        var m = FakeMemory()
        m.put(0x1000, (0 ..< 1024).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ ($0 % 11 == 0 ? 0 : 1)) })
        m.put(0x8000, FakeMemory.words([0x1000, 2, 0x1010, 0, 8, 1, 0, 0]) + Array(repeating: 0, count: 192))
        m.fds = [0: "/dev/pts/0", 1: "/dev/null", 3: "/tmp/f"]
        return m
    }()

    /// Argument patterns that take each name-specific step down a changing path: zeros (FUTEX_WAIT, mknod of a
    /// regular file, open without O_CREAT), all ones (fanotify_mark's FAN_NOFD), small numbers, addresses.
    static let patterns: [[UInt64]] = [
        [0, 0, 0, 0, 0, 0],
        Array(repeating: UInt64.max, count: 6),
        [1, 2, 3, 4, 5, 6],
        [0x1000, 0x1000, 8, 0x1000, 0x8000, 0xFFFF_FFFF],
        [3, 0x8000, 0o020644, UInt64(bitPattern: -1), 0x1000, 8],
        [15, 0x1000, 0o100, 0x8000, 0x1000, 9],
    ]

    static let tables: [SyscallTable] = [.x86_64, .i386]

    /// Every number of the table and two past it (no name: six hex arguments).
    func numbers(_ t: SyscallTable) -> [Int64] { (0 ..< Int64(t.limit + 2)).map { $0 } }

    func testDecodingByThePlanEqualsRunningEveryStep() {
        let m = Self.memory
        for t in Self.tables {
            for nr in numbers(t) {
                let plan = SyscallDecoder.plan(abi: t.abi, nr: nr)
                for args in Self.patterns {
                    func run(_ steps: SyscallDecoder.Steps?, _ stop: DecodeStop,
                             _ entry: (args: [String], strings: [String: TraceeString])?) -> (args: [String], strings: [String: TraceeString]) {
                        SyscallDecoder.decode(abi: t.abi, plan: plan, steps: steps, args: args, memory: m, stringLimit: 32, at: stop,
                                              entry: entry, stackPointer: 0x1000, constants: .abbrev)
                    }
                    let entry = run(nil, .entry, nil), entryAll = run(.all, .entry, nil)
                    XCTAssertEqual(entry.args, entryAll.args, "\(t.abi) \(plan.name) (\(nr)) entry \(args)")
                    XCTAssertEqual(entry.strings, entryAll.strings, "\(t.abi) \(plan.name) (\(nr)) entry \(args)")
                    for ret: Int64 in [8, -2] {
                        let exit = run(nil, .exit(ret), entry), exitAll = run(.all, .exit(ret), entryAll)
                        XCTAssertEqual(exit.args, exitAll.args, "\(t.abi) \(plan.name) (\(nr)) exit \(ret) \(args)")
                        XCTAssertEqual(exit.strings, exitAll.strings, "\(t.abi) \(plan.name) (\(nr)) exit \(ret) \(args)")
                    }
                }
            }
        }
    }

    /// The steps that take a name return what they were given for every call their set leaves out.
    func testNamedStepsLeaveOtherCallsAlone() {
        let out = ["a", "b", "c", "d", "e", "f"]
        for t in Self.tables {
            for name in t.allNames + [""] {
                for args in Self.patterns {
                    for n in [0, 2, 4, 6] {
                        let o = Array(out.prefix(n))
                        if !SyscallDecoder.suiteArgumentCalls.contains(name) {
                            XCTAssertEqual(SyscallDecoder.suiteArguments(name, o, args: args), o, name)
                        }
                        if !SyscallDecoder.fsArgumentCalls.contains(name) {
                            XCTAssertEqual(SyscallDecoder.fsArguments(name, o, args: args), o, name)
                        }
                        if !SyscallDecoder.ioArgumentCalls.contains(name) {
                            for style in [StraceLineStyles.Constants.abbrev, .raw, .verbose] {
                                XCTAssertEqual(SyscallDecoder.ioArguments(name, o, args: args, style: style), o, name)
                            }
                        }
                    }
                    if !SyscallDecoder.selectFamily.contains(name) {
                        let ctx = SyscallDecoder.Context(abi: t.abi, name: name, args: args, memory: Self.memory, limit: 32, stop: .entry)
                        XCTAssertNil(SyscallDecoder.selectArguments(ctx), name)
                    }
                }
            }
        }
    }

    /// returnNote by number says nothing exactly when the note of the call, by name, is nil.
    func testReturnNoteByPlanEqualsByName() {
        for t in Self.tables {
            for nr in numbers(t) {
                let plan = SyscallDecoder.plan(abi: t.abi, nr: nr)
                for args in Self.patterns {
                    for ret: Int64 in [0, 1, 3, -4] {
                        let byName = SyscallDecoder.returnNote(abi: t.abi, name: plan.name, args: args, ret: ret,
                                                               memory: Self.memory, stringLimit: 32)
                        let byRaw = SyscallDecoder.returnNote(abi: t.abi, nr: nr, rawArgs: args.map { Address($0) }, ret: ret,
                                                              memory: Self.memory)
                        XCTAssertEqual(byRaw, byName, "\(t.abi) \(plan.name) \(ret)")
                        if !plan.steps.contains(.returnNote) { XCTAssertNil(byName, "\(t.abi) \(plan.name)") }
                    }
                }
            }
        }
    }

    /// A kind `renderPlain` takes is one no earlier test in `render` would take: not an output, no family's
    /// kind, nothing `renderSuite` renders. Checked for every kind of every signature of both ABIs.
    func testPlainKindsAreNoFamilysKinds() {
        var plain = 0
        for t in Self.tables {
            for nr in numbers(t) {
                let plan = SyscallDecoder.plan(abi: t.abi, nr: nr)
                for (i, kind) in plan.kinds.enumerated() {
                    for args in Self.patterns {
                        for stop in [DecodeStop.entry, .exit(8)] {
                            let ctx = SyscallDecoder.Context(abi: t.abi, name: plan.name, args: args, memory: Self.memory,
                                                             limit: 32, stop: stop)
                            guard ctx.renderPlain(kind, i) != nil else { continue }
                            plain += 1
                            XCTAssertFalse(kind.isOutput, "\(plan.name) \(kind)")
                            XCTAssertNil(ctx.renderSuite(kind, i), "\(plan.name) \(kind)")
                            switch kind {
                            case .fs, .io, .ioOut, .procIn, .procOut, .outMmsgvec: XCTFail("\(plan.name) \(kind)")
                            default: break
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(plain, 1000)
    }

    func testCommonCallsHaveNoSteps() throws {
        for name in ["read", "write", "close", "fstat", "mmap", "pread64", "lseek", "getpid", "writev", "newfstatat"] {
            for t in Self.tables {
                guard let nr = t.number(of: name) else { continue }
                XCTAssertEqual(SyscallDecoder.plan(abi: t.abi, nr: Int64(nr)).steps, [], "\(t.abi) \(name)")
            }
        }
        func steps(_ t: SyscallTable, _ name: String) throws -> SyscallDecoder.Steps {
            SyscallDecoder.plan(abi: t.abi, nr: Int64(try XCTUnwrap(t.number(of: name)))).steps
        }
        XCTAssertEqual(try steps(.x86_64, "openat"), [.openMode])
        XCTAssertEqual(try steps(.x86_64, "poll"), [.select, .returnNote])
        XCTAssertEqual(try steps(.i386, "poll"), [.select])
        XCTAssertEqual(try steps(.x86_64, "futex"), [.futex])
    }
}
