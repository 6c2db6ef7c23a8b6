import Foundation
import XCTest
import StackCross

/// strace's daily flags (#15), each held against strace's own output for the same fixture run.
/// Times, addresses and pids differ between runs: `normalized` turns every digit into 9 (so widths
/// and precisions still count) and squeezes runs of spaces (strace aligns ` = ` at column 40).
final class StraceFlagsTests: XCTestCase {
    /// stderr lines of `stackcross trace ARGS -- PROGRAM` and of `strace -y ARGS -- PROGRAM`
    /// (stackcross shows fd paths by default, as strace -y does).
    static func both(_ args: [String], _ program: [String], ours extra: [String] = [], status: Int32 = 0, fdPaths: Bool = true,
              file: StaticString = #filePath, line: UInt = #line) throws -> (ours: [String], strace: [String]) {
        let ours = try stackcross(["trace"] + args + extra + ["--"] + program, timeout: 60)
        XCTAssertEqual(ours.status, status, ours.stderr, file: file, line: line)
        // strace warns that -y does nothing with -c.
        let y = args.contains("-c") || !fdPaths ? [] : ["-y"]
        let theirs = try InspectorTests.run("/usr/bin/strace", y + args + ["--"] + program, timeout: 60)
        XCTAssertEqual(theirs.status, status, "strace: \(theirs.stderr)", file: file, line: line)
        return (ours.stderr.split(separator: "\n").map(String.init), theirs.stderr.split(separator: "\n").map(String.init))
    }

    /// `digitRuns`: a whole number becomes one 9 (a summary's times and their widths differ from run to run).
    static func normalized(_ line: String, digitRuns: Bool = false) -> String {
        var out = "", lastSpace = false, lastDigit = false
        for c in line {
            if c == " " { if !lastSpace { out.append(c) }; lastSpace = true; lastDigit = false; continue }
            lastSpace = false
            let digit = c.isASCII && c.isNumber
            if !(digit && digitRuns && lastDigit) { out.append(digit ? "9" : c) }
            lastDigit = digit
        }
        return out
    }

    func assertSameLines(_ args: [String], _ program: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let b = try Self.both(args, program, file: file, line: line)
        // -c's times, -v's file times: numbers whose digit count may differ between the two runs.
        let runs = args.contains("-c") || args.contains("-C") || args.contains("-v")
        XCTAssertEqual(b.ours.map { Self.normalized($0, digitRuns: runs) }, b.strace.map { Self.normalized($0, digitRuns: runs) },
                       "ours:\n\(b.ours.joined(separator: "\n"))\nstrace:\n\(b.strace.joined(separator: "\n"))", file: file, line: line)
    }

    var writes: [String] { get throws { [try fixture("trace_writes").path, "3"] } }

    func testAbsoluteTimestampsAndTimeInCalls() throws {
        try assertSameLines(["-tt", "-T", "-e", "trace=write,close"], try writes)
        try assertSameLines(["-t", "-e", "trace=write"], try writes)
        try assertSameLines(["-ttt", "-e", "trace=close"], try writes)
        try assertSameLines(["--absolute-timestamps=format:unix,precision:ns", "-e", "trace=write"], try writes)
        try assertSameLines(["--absolute-timestamps=precision:ms", "--syscall-times=ns", "-e", "trace=write"], try writes)
    }

    /// ` = ` at column 40 as strace pads it, counting `[pid N] ` prefixes and timestamps: the lines
    /// compared with their spaces (digits as 9: the pids, times and paths here have stable widths).
    func testReturnColumnAlignedAsStrace() throws {
        func digits(_ l: String) -> String { String(l.map { $0.isASCII && $0.isNumber ? "9" : $0 }) }
        for (args, program) in [(["-e", "trace=write,close,exit_group"], try writes),
                                (["-tt", "-e", "trace=close,exit_group"], try writes),
                                (["-r", "-T", "-e", "trace=close"], try writes),
                                (["-f", "-e", "trace=close,exit_group"], [try fixture("trace_forkexec").path]),
                                (["-f", "-t", "-e", "trace=close,exit_group"], [try fixture("trace_forkexec").path])] {
            let b = try Self.both(args, program)
            // strace's `Process N attached` for each fork (stackcross prints attach lines for -p only).
            func kept(_ l: String) -> Bool { !l.hasPrefix("child exit") && !l.hasSuffix(" attached") }
            let ours = b.ours.filter(kept), theirs = b.strace.filter(kept)
            XCTAssertEqual(ours.map(digits), theirs.map(digits), "\(args)\nours:\n\(ours.joined(separator: "\n"))\nstrace:\n\(theirs.joined(separator: "\n"))")
            XCTAssertTrue(ours.contains { $0.contains("    = ") }, "some line is padded: \(ours)")
        }
    }

    /// -o FILE --output-format text: strace -o's lines, with its `%-5d ` pid column under -f (counted
    /// in the ` = ` alignment); -ff: one text file per process without it.
    func testTextOutputFileLikeStraceO() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sc-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func digits(_ l: Substring) -> String { String(l.map { $0.isASCII && $0.isNumber ? "9" : $0 }) }
        for args in [["-e", "trace=close,exit_group"], ["-f", "-e", "trace=close,exit_group", "-e", "signal=none"],
                     ["-f", "-tt", "-e", "trace=close"]] {
            let program = [try fixture("trace_forkexec").path]
            let ours = try stackcross(["trace", "-o", dir.path + "/ours", "--output-format", "text"] + args + ["--"] + program)
            XCTAssertEqual(ours.status, 0, ours.stderr)
            let theirs = try InspectorTests.run("/usr/bin/strace", ["-y", "-o", dir.path + "/strace"] + args + ["--"] + program)
            XCTAssertEqual(theirs.status, 0, theirs.stderr)
            let a = try String(contentsOf: dir.appendingPathComponent("ours"), encoding: .utf8).split(separator: "\n").map(digits)
            let b = try String(contentsOf: dir.appendingPathComponent("strace"), encoding: .utf8).split(separator: "\n").map(digits)
            XCTAssertEqual(a, b, "\(args)\nours:\n\(a.joined(separator: "\n"))\nstrace:\n\(b.joined(separator: "\n"))")
        }
        XCTAssertEqual(try stackcross(["trace", "--output-format", "text", "--", "true"]).status, 64)
    }

    /// -yy / --decode-fds=socket: sockets by their endpoints, as strace spells them (connected TCP, a unix
    /// socketpair, a bound UDP socket), on one Python run of each.
    func testSocketEndpoints() throws {
        let script = """
            import socket
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
            c = socket.socket(); c.connect(s.getsockname()); a, _ = s.accept()
            c.send(b"hi"); a.recv(2)
            u1, u2 = socket.socketpair(); u1.send(b"x"); u2.recv(1)
            d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("127.0.0.1", 0)); d.sendto(b"x", d.getsockname())
            """
        for yy in [["-yy"], ["--decode-fds=socket"]] {
            let ours = try stackcross(["trace"] + yy + ["-e", "trace=sendto,recvfrom", "--", "/usr/bin/python3", "-c", script])
            XCTAssertEqual(ours.status, 0, ours.stderr)
            let theirs = try InspectorTests.run("/usr/bin/strace", ["-yy", "-e", "trace=sendto,recvfrom", "--", "/usr/bin/python3", "-c", script])
            XCTAssertEqual(theirs.status, 0, theirs.stderr)
            let a = ours.stderr.split(separator: "\n").map { Self.normalized(String($0)) }
            let b = theirs.stderr.split(separator: "\n").map { Self.normalized(String($0)) }
            XCTAssertEqual(a, b, "ours:\n\(ours.stderr)\nstrace:\n\(theirs.stderr)")
            XCTAssertTrue(ours.stderr.contains("<TCP:[127.0.0.1:") && ours.stderr.contains("<UNIX-STREAM:[")
                          && ours.stderr.contains("<UDP:[127.0.0.1:"), ours.stderr)
        }
        XCTAssertEqual(ProcNetSockets.inet("""
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0050 0100007F:A0E2 01 00000000:00000000 00:00000000 00000000     0        0 4242 1
            """, proto: "TCP", v6: false, inode: 4242), "TCP:[127.0.0.1:80->127.0.0.1:41186]")
        XCTAssertEqual(ProcNetSockets.inet("""
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1
            """, proto: "TCPv6", v6: true, inode: 77), "TCPv6:[[::1]:8080]")
        XCTAssertEqual(ProcNetSockets.unix("""
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000000000000: 00000002 00000000 00010000 0001 01 55 /run/a b.sock
            """, inode: 55, peer: 56), #"UNIX-STREAM:[55->56,"/run/a b.sock"]"#)
    }

    /// -v: execve's argv and environment whole, struct stat field by field with its times (also a device's).
    func testVerboseDecoding() throws {
        try assertSameLines(["-v", "-e", "trace=newfstatat,fstat"], [try fixture("trace_writes").path, "1", "/dev/null"])
        // The environment's order differs between the two children (the test's Process), its entries do not.
        let b = try Self.both(["-v", "-e", "trace=execve"], try writes)
        func entries(_ l: String?) -> [String] {
            let env = (l ?? "").components(separatedBy: "], [").last?.components(separatedBy: "])").first ?? ""
            return env.components(separatedBy: ", ").sorted()
        }
        XCTAssertEqual(entries(b.ours.first), entries(b.strace.first))
        XCTAssertTrue(b.ours.first?.contains("\"PATH=") ?? false, "the environment is shown: \(b.ours)")
        XCTAssertFalse(b.ours.first?.contains(" vars */") ?? true)
        let stat = try Self.both(["-v", "-e", "trace=newfstatat"], ["/bin/cat", "/dev/null"])
        // Two runs read the times of the same files: a time's digits (how many too: st_atime_nsec=12345678 has
        // eight) may differ between them, their fields and layout may not.
        func shape(_ l: String) -> String { Self.normalized(l, digitRuns: true) }
        XCTAssertEqual(stat.ours.map(shape), stat.strace.map(shape))
        XCTAssertTrue(stat.ours.contains { $0.contains("st_rdev=makedev(0x1, 0x3), st_atime=") }, stat.ours.joined(separator: "\n"))
    }

    /// strace -y shows the cwd after AT_FDCWD: `openat(AT_FDCWD</tmp>, …)`.
    func testDirfdShowsTheWorkingDirectory() throws {
        try assertSameLines(["-e", "trace=openat,newfstatat"], try writes)
        let b = try Self.both(["-e", "trace=openat"], try writes)
        XCTAssertTrue(b.ours.allSatisfy { !$0.hasPrefix("openat(") || $0.hasPrefix("openat(AT_FDCWD</") }, b.ours.joined(separator: "\n"))
    }

    /// -x (strings and fd paths with a non-ASCII or control byte in hex, the others as before) and -xx
    /// (all in hex), on writes of "a\377b" and "ok\t\n" and on the fixture's fd paths.
    func testHexStrings() throws {
        let sh = ["/bin/sh", "-c", #"printf 'a\377b' >/dev/null; printf 'ok\t\n' >/dev/null"#]
        for x in ["-x", "-xx"] {
            try assertSameLines([x, "-e", "trace=write"], sh)
            try assertSameLines([x, "-e", "trace=openat,write,close"], try writes)
        }
        let b = try Self.both(["-xx", "-e", "trace=write"], try writes)
        XCTAssertTrue(b.ours.contains { $0.hasPrefix(#"write(3<\x2f\x64\x65\x76\x2f\x6e\x75\x6c\x6c>, "\x78\x0a", 2)"#) }, b.ours.joined(separator: "\n"))
        XCTAssertEqual(StraceLineStyles.hex(#"f("a\377b", "ok\t")"#, .nonASCII), #"f("\x61\xff\x62", "ok\t")"#)
        XCTAssertEqual(StraceLineStyles.hex(#"3</a\"b> "\1""#, .all), #"3<\x2f\x61\x22\x62> "\x01""#)
        XCTAssertEqual(try stackcross(["trace", "--strings-in-hex=some", "--", "true"]).status, 64)
    }

    /// -X raw: constants as numbers (0x80000, -100 for AT_FDCWD, 0 for none); -X verbose: both.
    func testConstantStyles() throws {
        for x in ["raw", "verbose", "abbrev"] {
            let b = try Self.both(["-X", x, "-e", "trace=openat,access,mprotect,arch_prctl,exit_group"], try writes)
            func norm(_ l: String) -> String {
                Self.normalized(l.replacingOccurrences(of: #"0x[0-9a-f]{6,}"#, with: "ADDR", options: .regularExpression))
            }
            XCTAssertEqual(b.ours.map(norm), b.strace.map(norm), "-X \(x)\nours:\n\(b.ours.joined(separator: "\n"))\nstrace:\n\(b.strace.joined(separator: "\n"))")
            // Inside structures too: times(2)'s clock_t fields lose their seconds under raw, and a SIGCHLD's
            // siginfo names its signal and code by number. The program spends ~100 ms of user time first, so
            // tms_utime is never 0 (which has no seconds note); the notes of the other fields depend on the
            // run's timing and are left out of the comparison.
            let program = "import os; sum(range(3000000)); p = os.fork()\nif p == 0: os._exit(3)\nos.waitpid(p, 0); os.times()"
            let t = try Self.both(["-X", x, "-e", "trace=times"], ["python3", "-c", program])
            func times(_ l: String) -> String {
                Self.normalized(l.replacingOccurrences(of: #" /\* [0-9]+\.[0-9]+ s \*/"#, with: "", options: .regularExpression),
                                digitRuns: true)
            }
            XCTAssertEqual(t.ours.map(times), t.strace.map(times), "-X \(x)\nours:\n\(t.ours.joined(separator: "\n"))\nstrace:\n\(t.strace.joined(separator: "\n"))")
            let ours = t.ours.joined(separator: "\n")
            XCTAssertEqual(t.ours.filter { $0.hasPrefix("times({tms_utime=") }.count, 1, ours)
            XCTAssertEqual(t.ours.contains { $0.hasPrefix("times({tms_utime=") && $0.contains(" s */") }, x != "raw", ours)
            let sigchld = ["raw": "si_signo=17, si_code=0x1, ", "verbose": "si_signo=17 /* SIGCHLD */, si_code=0x1 /* CLD_EXITED */, ",
                           "abbrev": "si_signo=SIGCHLD, si_code=CLD_EXITED, "][x] ?? ""
            XCTAssertEqual(t.ours.filter { $0.hasPrefix("--- SIGCHLD {" + sigchld) && $0.contains("si_status=3,") }.count, 1, ours)
        }
        XCTAssertEqual(try stackcross(["trace", "-X", "loud", "--", "true"]).status, 64)
    }

    /// -Y: `[pid N<comm>]`, pids in arguments and returned pids with the comm, reaped children without.
    func testDecodePidsComm() throws {
        // (wait4's lines and SIGCHLD's si_pid race with the children's exits, in strace too.)
        for args in [["-f", "-Y", "-e", "trace=exit_group,getpid", "-e", "signal=none"],
                     ["-f", "--decode-pids=comm", "-e", "trace=exit_group", "-e", "signal=none"]] {
            let b = try Self.both(args, [try fixture("trace_forkexec").path])
            func kept(_ l: String) -> Bool { !l.hasPrefix("child exit") && !l.hasSuffix(" attached") }
            XCTAssertEqual(b.ours.filter(kept).map { Self.normalized($0) }, b.strace.filter(kept).map { Self.normalized($0) },
                           "ours:\n\(b.ours.joined(separator: "\n"))\nstrace:\n\(b.strace.joined(separator: "\n"))")
            XCTAssertTrue(b.ours.contains { $0.contains("<true>] exit_group(0)") }, b.ours.joined(separator: "\n"))
        }
    }

    func testRelativeTimestamps() throws {
        try assertSameLines(["-r", "-e", "trace=write"], try writes)
        try assertSameLines(["-t", "-r", "-e", "trace=write,close"], try writes)
        try assertSameLines(["--relative-timestamps=ns", "-T", "-e", "trace=write"], try writes)
        try assertSameLines(["--relative-timestamps=s", "-e", "trace=close"], try writes)
    }

    /// The -r value is the time since the previous line: the sum of a run's values is its length.
    func testRelativeTimestampsAddUp() throws {
        let ours = try stackcross(["trace", "-r", "-e", "trace=write", "--", try fixture("trace_writes").path, "3"])
        let values = ours.stderr.split(separator: "\n").compactMap { Double($0.split(separator: " ").first ?? "") }
        XCTAssertEqual(values.count, 4, ours.stderr)
        XCTAssertEqual(values.first, 0)
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 < 5 }, ours.stderr)
    }

    func testSummarySortedAndColumns() throws {
        // -S calls and -S name give one order; ties go by syscall number as in strace (close before openat).
        for sort in ["calls", "name", "errors"] {
            try assertSameLines(["-c", "-S", sort, "-e", "trace=write,close,openat"], try writes)
        }
        try assertSameLines(["-c", "-S", "calls", "-U", "name,calls,min-time,max-time,avg-time,total-time,time-percent,errors",
                             "-e", "trace=write,close,openat"], try writes)
        try assertSameLines(["-c", "-w", "-S", "name", "-U", "calls,errors", "-e", "trace=write,openat"], try writes)
        // -C: the lines, then the table.
        try assertSameLines(["-C", "-S", "calls", "-e", "trace=write,close"], try writes)
    }

    /// -n `[ nr] ` and -i `[ip] ` (`[????????????????]` where there is no call), after the timestamps.
    func testSyscallNumberAndInstructionPointer() throws {
        let b = try Self.both(["-t", "-n", "-i", "-e", "trace=write,exit_group"], try writes)
        func ips(_ l: String) -> String {
            Self.normalized(l.replacingOccurrences(of: #"\[[0-9a-f]{16}\]"#, with: "[IP]", options: .regularExpression))
        }
        XCTAssertEqual(b.ours.map(ips), b.strace.map(ips), b.ours.joined(separator: "\n"))
        XCTAssertTrue(b.ours.last?.contains("[????????????????] +++ exited") ?? false, b.ours.joined(separator: "\n"))
    }

    /// --decode-fds=none: bare fds, as strace prints them without -y (the strace-suite comparison runs so).
    func testDecodeFdsNone() throws {
        let b = try Self.both(["--decode-fds=none", "-e", "trace=openat,write,close"], try writes, fdPaths: false)
        XCTAssertEqual(b.ours.map { Self.normalized($0) }, b.strace.map { Self.normalized($0) })
        XCTAssertFalse(b.ours.contains { $0.contains("</") }, b.ours.joined(separator: "\n"))
    }

    /// -e write=FD / -e read=FD: strace's hex dump under each call on the fd; the JSON record keeps the bytes.
    func testReadWriteDumps() throws {
        try assertSameLines(["-e", "trace=write", "-e", "write=3"], try writes)
        let b = try Self.both(["-e", "trace=write", "-e", "write=3"], try writes)
        XCTAssertEqual(b.ours.filter { $0.hasPrefix(" | 00000  78 0a ") }.count, 3, b.ours.joined(separator: "\n"))
        let r = try stackcross(["trace", "-o", "/dev/stdout", "-e", "trace=write", "-e", "write=3", "--", try fixture("trace_writes").path, "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = try TraceFile.records(Array(r.stdoutData))
        XCTAssertEqual(TraceTests.syscalls(records).first { $0.name == "write" }?.dump?.bytes, [0x78, 0x0A])
        XCTAssertEqual(StraceDump.lines(Array(0..<17)).last, " | 00010  10                                                .                |")
        // Past 1 MiB the whole buffer is dumped, with strace's wider offset column (here 65,537 lines).
        let dd = ["/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=1048577", "count=1", "status=none"]
        let big = try Self.both(["-e", "trace=write", "-e", "write=1"], dd)
        let ourDump = big.ours.filter { $0.hasPrefix(" | ") }, theirDump = big.strace.filter { $0.hasPrefix(" | ") }
        XCTAssertEqual(theirDump.count, 65_537, "strace's view")
        XCTAssertEqual(ourDump.count, theirDump.count)
        XCTAssertEqual(ourDump.last, theirDump.last)
    }

    func testAppendAndStackSpelledLikeStrace() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sc-append-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        for args in [["-o", out.path], ["-A", "-o", out.path]] {
            let r = try stackcross(["trace"] + args + ["-e", "trace=write", "--", try fixture("trace_writes").path, "1"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let headers = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"type\":\"header\"") }
        XCTAssertEqual(headers.count, 2, "-A appends")
        let k = try stackcross(["trace", "-k", "-e", "trace=write", "--", try fixture("trace_writes").path, "1"])
        XCTAssertEqual(k.status, 0, k.stderr)
        XCTAssertTrue(k.stderr.contains(" > "), "-k prints the stack under each call: \(k.stderr)")
    }

    func testBadTimeAndSummarySpecsAreUsageErrors() throws {
        for args in [["-S", "bogus"], ["-U", "calls,calls"], ["-U", "nope"], ["--syscall-times=fs"],
                     ["--absolute-timestamps=format:bogus"], ["-t", "--absolute-timestamps=unix"]] {
            let r = try stackcross(["trace"] + args + ["--", "/bin/true"])
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty)
        }
    }
}

/// -e inject= / -e fault=, held against strace on the same program: the same calls fail the same way.
final class FaultInjectionTests: TemporaryDirectoryTestCase {
    static let rules = ["-e", "inject=openat:error=EACCES:when=4", "-e", "inject=getppid:retval=42", "-e", "fault=write:when=2"]

    func testSameCallsFailTheSameWayAsUnderStrace() throws {
        let program = [try fixture("inject").path, "/etc/hostname"]
        let args = ["-e", "trace=openat,getppid,write"] + Self.rules
        let ours = try stackcross(["trace"] + args + ["--"] + program)
        let theirs = try InspectorTests.run("/usr/bin/strace", args + ["--"] + program)
        XCTAssertEqual(ours.status, theirs.status, ours.stderr)
        // The program saw the same results: the 2nd open EACCES, getppid 42, the 2nd write ENOSYS.
        XCTAssertEqual(ours.stdout, theirs.stdout)
        XCTAssertEqual(ours.stdout, "open 0 ok\nopen -1 Permission denied\nopen 0 ok\ngetppid 42\nwrite -1 Function not implemented\n")
        func injected(_ s: String) -> [String] {
            s.split(separator: "\n").filter { $0.contains("(INJECTED)") }.map {
                // stackcross shows fd paths (strace -y): drop them for the comparison.
                StraceFlagsTests.normalized(String($0).replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression))
            }
        }
        XCTAssertEqual(injected(ours.stderr), injected(theirs.stderr), ours.stderr)
        XCTAssertEqual(injected(ours.stderr).count, 3, ours.stderr)
    }

    /// The JSON records carry `"injected"`, the return value is the injected one, and the model knows the
    /// exit registers differ by design (orig_rax -1, rax written): no failed check, and `stackcross check` agrees.
    func testRecordsCarryTheInjectionAndTheModelExpectsIt() throws {
        let out = dir.appendingPathComponent("t.jsonl").path
        let r = try stackcross(["trace", "-o", out, "-e", "trace=openat,getppid,write"] + Self.rules
                               + ["--", try fixture("inject").path, "/etc/hostname"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let injected = lines.filter { $0.contains("\"injected\":{") }
        XCTAssertEqual(injected.count, 3, lines.joined(separator: "\n"))
        XCTAssertTrue(injected.contains { $0.contains("\"name\":\"getppid\"") && $0.contains("\"ret\":42,") && $0.contains("\"injected\":{\"ret\":42}") })
        XCTAssertTrue(injected.contains { $0.contains("\"name\":\"openat\"") && $0.contains("\"error\":\"EACCES\"") })
        for l in injected {
            XCTAssertTrue(l.contains("\"failed\":[]"), "an injected call failed the model's checks: \(l)")
            XCTAssertTrue(l.contains("\"origRax\":\"0xffffffffffffffff\""), "exit stop without orig_rax -1: \(l)")
        }
        let check = try stackcross(["check", out])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue((check.stdout + check.stderr).contains("every verdict agrees"), check.stdout + check.stderr)
        XCTAssertTrue((check.stdout + check.stderr).contains("exit.inject.rax"), check.stdout + check.stderr)
    }

    /// signal= is sent as the injected call enters: the program dies of it as under strace, with -f too
    /// (there the entry stop is a seccomp stop, whose restart signal the kernel drops: it goes at the exit stop).
    func testInjectedSignalKillsLikeUnderStrace() throws {
        let program = [try fixture("inject").path, "/etc/hostname"]
        let args = ["-e", "trace=getppid", "-e", "inject=getppid:retval=42:signal=SIGUSR2"]
        let theirs = try InspectorTests.run("/usr/bin/strace", args + ["--"] + program)
        XCTAssertEqual(theirs.status, 128 + SIGUSR2)
        for follow in [[], ["-f"]] {
            let ours = try stackcross(["trace"] + follow + args + ["--"] + program)
            XCTAssertEqual(ours.status, theirs.status, "\(follow): \(ours.stderr)")
            XCTAssertEqual(ours.stdout, theirs.stdout)
            XCTAssertEqual(ours.stderr.split(separator: "\n").map { StraceFlagsTests.normalized(String($0)) },
                           theirs.stderr.split(separator: "\n").map { StraceFlagsTests.normalized(String($0)) })
        }
    }

    func testBadInjectionsAreUsageErrors() throws {
        for e in ["inject=openat", "inject=openat:error=EBOGUS", "inject=openat:error=EACCES:retval=1",
                  "inject=openat:when=0:error=EACCES", "inject=nosuchcall:error=EACCES", "fault=openat:retval=1",
                  "inject=openat:signal=SIGNOPE", "inject=openat:error=EIO:when=3..2"] {
            let r = try stackcross(["trace", "-e", e, "--", "/bin/true"])
            XCTAssertEqual(r.status, 64, "\(e): \(r.stderr)")
        }
    }
}

/// -P, -z/-Z, -e status=, -e signal=, -q/-qq/-qqq and -e quiet=, --syscall-limit.
final class TraceSelectionFlagTests: XCTestCase {
    /// Each call line as (name, return value): what the filters decide, whatever the argument decoding.
    static func calls(_ lines: [String]) -> [String] {
        // strace aligns ` = ` at column 40: squeeze the spaces first.
        lines.map { $0.replacingOccurrences(of: #" +"#, with: " ", options: .regularExpression) }.compactMap { l in
            guard let paren = l.firstIndex(of: "("), let eq = l.range(of: ") = ", options: .backwards) else {
                return l.hasPrefix("+++") || l.hasPrefix("---") ? StraceFlagsTests.normalized(l) : nil
            }
            let ret = l[eq.upperBound...].replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
            return String(l[..<paren]) + " = " + ret
        }
    }

    func assertSameCalls(_ args: [String], _ program: [String], status: Int32 = 0, minimum: Int = 1,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let b = try StraceFlagsTests.both(args, program, status: status, file: file, line: line)
        let ours = Self.calls(b.ours), theirs = Self.calls(b.strace)
        XCTAssertEqual(ours, theirs, "\(args)\nours:\n\(b.ours.joined(separator: "\n"))\nstrace:\n\(b.strace.joined(separator: "\n"))", file: file, line: line)
        XCTAssertGreaterThanOrEqual(ours.count, minimum, "\(args): too few lines to compare", file: file, line: line)
    }

    func testPathFilterResolvesFdsThroughTheFdTable() throws {
        // strace -P: the openat by path, then every call on the fd it returned (fstat, read, close).
        try assertSameCalls(["-P", "/etc/hostname"], [try fixture("inject").path, "/etc/hostname"], minimum: 6)
        try assertSameCalls(["-P", "/etc/hostname"], ["/bin/cat", "/etc/hostname"], minimum: 4)
        // A relative -P also names its realpath (as strace's does): the calls on the fd match it.
        let up = String(repeating: "../", count: FileManager.default.currentDirectoryPath.split(separator: "/").count)
        try assertSameCalls(["-P", up + "etc/hostname"], ["/bin/cat", "/etc/hostname"], minimum: 4)
    }

    func testStatusFilters() throws {
        let missing = [try fixture("inject").path, "/nonexistent-stackcross/x"]
        try assertSameCalls(["-Z", "-e", "trace=openat,close"], missing, minimum: 4)
        try assertSameCalls(["-z", "-e", "trace=openat,close"], missing, minimum: 4)
        try assertSameCalls(["-e", "status=failed,unfinished", "-e", "trace=openat,exit_group"], missing, minimum: 5)
        try assertSameCalls(["-e", "status=!successful", "-e", "trace=openat,exit_group"], missing, minimum: 5)
    }

    func testSignalAndQuietSets() throws {
        let killsItself = ["/bin/sh", "-c", "kill -USR1 $$"]
        // Nothing at all: not even `+++ killed by SIGUSR1 +++`.
        try assertSameCalls(["-e", "signal=none", "-e", "trace=none"], killsItself, status: 128 + SIGUSR1, minimum: 0)
        try assertSameCalls(["-e", "signal=SIGUSR1", "-e", "trace=none"], killsItself, status: 128 + SIGUSR1, minimum: 2)
        let exits = ["/bin/sh", "-c", "exit 3"]
        for q in [["-q"], ["-qq"], ["-qqq"], ["-e", "quiet=exit"], ["-e", "quiet=none"], ["-e", "quiet=!attach"]] {
            let b = try StraceFlagsTests.both(q + ["-e", "trace=none"], exits, status: 3)
            XCTAssertEqual(b.ours.map { StraceFlagsTests.normalized($0) }, b.strace.map { StraceFlagsTests.normalized($0) }, "\(q)")
        }
    }

    /// strace's --syscall-limit (6.7, newer than the strace here): N calls, then every task is detached and the
    /// program runs on. With -f and -e trace= no seccomp filter may stay behind: sh's later writes must work.
    func testSyscallLimitDetachesAndTheProgramRunsOn() throws {
        let r = try stackcross(["trace", "-f", "--syscall-limit=2", "-e", "trace=write", "--",
                                "/bin/sh", "-c", "echo a; echo b; echo c; /bin/sleep 0.2; echo d"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "a\nb\nc\nd\n", "the program lost output after the detach: \(r.stderr)")
        let writes = r.stderr.split(separator: "\n").filter { $0.hasPrefix("write(") }
        XCTAssertEqual(writes.count, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("System call limit has been reached, detaching tracees"), r.stderr)
        let bad = try stackcross(["trace", "--syscall-limit=0", "--", "/bin/true"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }
}

/// Where strace's own notices go: to stderr, never into the trace file.
final class TraceNoticeTests: TemporaryDirectoryTestCase {
    override class var dirPrefix: String { "trace-notice" }

    /// `Process N attached/detached` of -p is on stderr (as strace's), not among the lines of -o FILE nor in
    /// a JSON file, and -q silences it.
    func testAttachNoticesGoToStderrNotTheFile() throws {
        let target = try RunningFixture(try fixture("trace_loop"))
        defer { target.stop() }
        for (i, flags) in [["--output-format", "text"], [], ["--output-format", "text", "-q"]].enumerated() {
            let out = dir.appendingPathComponent("\(i).out")
            let r = try stackcross(["trace", "-p", String(target.pid), "--syscall-limit=4", "-e", "trace=write"] + flags
                                   + ["-o", out.path], timeout: 30)
            XCTAssertEqual(r.status, 0, r.stderr)
            let file = try String(contentsOf: out, encoding: .utf8)
            XCTAssertFalse(file.contains("attached"), file)
            XCTAssertFalse(file.contains("detached"), file)
            XCTAssertTrue(file.contains(flags.isEmpty ? #""name":"write""# : "write("), file)
            let quiet = flags.contains("-q")
            XCTAssertEqual(r.stderr.contains("stackcross: Process \(target.pid) attached\n"), !quiet, r.stderr)
            XCTAssertEqual(r.stderr.contains("stackcross: Process \(target.pid) detached\n"), !quiet, r.stderr)
        }
    }
}

/// -E, -u, -b execve: how the program is started and let go.
final class TraceLaunchFlagTests: XCTestCase {
    /// -E VAR=VAL reaches the program byte for byte (\377 is no UTF-8), -E VAR removes VAR.
    func testEnvironmentBytes() throws {
        let script = #"exec "$0" trace -e trace=none -qq -E "SC_BYTES=$(printf 'a\377b')" -E HOME -- /usr/bin/env"#
        let r = try InspectorTests.run("/bin/sh", ["-c", script, stackcrossBinary.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdoutData.split(separator: UInt8(ascii: "\n")).map(Array.init)
        XCTAssertTrue(lines.contains(Array("SC_BYTES=a".utf8) + [0xFF] + Array("b".utf8)), r.stdout)
        XCTAssertFalse(lines.contains { $0.starts(with: Array("HOME=".utf8)) }, r.stdout)
        XCTAssertTrue(lines.contains { $0.starts(with: Array("PATH=".utf8)) }, "the rest of the environment stays")
    }

    func testRunAsUserLikeStrace() throws {
        let ours = try stackcross(["trace", "-e", "trace=none", "-u", "nobody", "--", "/usr/bin/id"])
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-e", "trace=none", "-u", "nobody", "--", "/usr/bin/id"])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertEqual(ours.stdout, theirs.stdout)
        XCTAssertTrue(ours.stdout.hasPrefix("uid=65534"), ours.stdout)
        let missing = try stackcross(["trace", "-u", "no-such-user-sc", "--", "/bin/true"])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no-such-user-sc"), missing.stderr)
    }

    /// -b execve: the child that runs /bin/echo is let go at its execve (strace does the same); the shell's
    /// own first exec is traced, its later write too.
    func testDetachAtExecve() throws {
        let program = ["/bin/sh", "-c", "/bin/echo hi; echo done"]
        let ours = try stackcross(["trace", "-f", "-b", "execve", "-e", "trace=execve,write", "--"] + program)
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-f", "-b", "execve", "-e", "trace=execve,write", "--"] + program)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertEqual(ours.stdout, "hi\ndone\n")
        XCTAssertEqual(ours.stdout, theirs.stdout)
        func traced(_ s: String) -> [String] {
            s.replacingOccurrences(of: #" +"#, with: " ", options: .regularExpression).split(separator: "\n").filter { $0.contains(") = ") }.map { String($0.prefix { $0 != "(" }) + ":" + ($0.contains("\"done\\n\"") ? "done" : "") }
        }
        XCTAssertEqual(traced(ours.stderr), traced(theirs.stderr), ours.stderr)
        XCTAssertEqual(traced(ours.stderr), ["execve:", "write:done"], ours.stderr)
        let bad = try stackcross(["trace", "-b", "clone", "--", "/bin/true"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }
}

/// -ff -o PREFIX: one file per process, PREFIX.PID, as strace writes them (stackcross's hold JSON records).
final class PerProcessFilesTests: TemporaryDirectoryTestCase {
    func testOneFilePerProcessLikeStrace() throws {
        let program = ["/bin/sh", "-c", "/bin/echo hi; /bin/echo ho; echo done"]
        let ours = try stackcross(["trace", "-ff", "-o", dir.appendingPathComponent("sc").path, "-e", "trace=execve,write", "--"] + program)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertEqual(ours.stdout, "hi\nho\ndone\n")
        let theirs = try InspectorTests.run("/usr/bin/strace", ["-ff", "-o", dir.appendingPathComponent("st").path,
                                                                 "-e", "trace=execve,write", "--"] + program)
        XCTAssertEqual(theirs.status, 0, theirs.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        let oursFiles = names.filter { $0.hasPrefix("sc.") }, theirFiles = names.filter { $0.hasPrefix("st.") }
        XCTAssertEqual(oursFiles.count, 3, "\(names)")
        XCTAssertEqual(oursFiles.count, theirFiles.count, "\(names)")
        var writes: [String] = []
        for f in oursFiles {
            let pid = try XCTUnwrap(Int32(f.dropFirst(3)))
            let path = dir.appendingPathComponent(f).path
            let records = try TraceFile.records([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
            let syscalls = TraceTests.syscalls(records)
            XCTAssertFalse(syscalls.isEmpty, f)
            XCTAssertTrue(syscalls.allSatisfy { $0.pid == pid }, "\(f) holds another process's calls")
            writes += syscalls.filter { $0.name == "write" }.compactMap { $0.strings?["1"].map { String(decoding: $0.bytes, as: UTF8.self) } }
            let check = try stackcross(["check", path])
            XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        }
        XCTAssertEqual(writes.sorted(), ["done\n", "hi\n", "ho\n"])
    }
}
