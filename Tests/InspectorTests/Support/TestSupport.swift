import Foundation
import XCTest

/// The package root, found from this file's path.
let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// The `stackcross` binary that SwiftPM built beside the test bundle.
let stackcrossBinary: URL = {
    if let env = ProcessInfo.processInfo.environment["STACKCROSS_BIN"] { return URL(fileURLWithPath: env) }
    var candidates: [URL] = []
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = argv0.deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent("stackcross"))
        dir.deleteLastPathComponent()
    }
    for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("stackcross")) }
    candidates.append(packageRoot.appendingPathComponent(".build/debug/stackcross"))
    for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
    fatalError("stackcross binary not found; looked in \(candidates.map(\.path))")
}()

/// How a fixture is compiled.
enum FixtureVariant: String {
    case normal = ""
    case stripped = "-stripped"
    case m32 = "-m32"
}

private let fixtureLock = NSLock()

/// Compiles Fixtures/NAME.c (once per source change) with -g and frame pointers and returns the binary.
/// Fails the test loudly when the compiler is missing: no fixture, no test.
func fixture(_ name: String, _ variant: FixtureVariant = .normal, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    fixtureLock.lock()
    defer { fixtureLock.unlock() }
    let src = packageRoot.appendingPathComponent("Fixtures/\(name).c")
    let outDir = packageRoot.appendingPathComponent(".build/fixtures")
    try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
    let out = outDir.appendingPathComponent(name + variant.rawValue)
    let fm = FileManager.default
    // The source and the headers it may include (Fixtures/*.h) decide whether the binary is current.
    let headers = ((try? fm.contentsOfDirectory(atPath: src.deletingLastPathComponent().path)) ?? [])
        .filter { $0.hasSuffix(".h") }.map { src.deletingLastPathComponent().appendingPathComponent($0).path }
    let sourceDates = ([src.path] + headers).compactMap { try? fm.attributesOfItem(atPath: $0)[.modificationDate] as? Date }
    if let so = sourceDates.max(), sourceDates.count == headers.count + 1,
       let oo = try? fm.attributesOfItem(atPath: out.path)[.modificationDate] as? Date, oo > so {
        return out
    }
    var args = ["-g", "-O0", "-fno-omit-frame-pointer", "-pthread", "-Wall", "-o", out.path, src.path]
    if variant == .m32 { args.insert("-m32", at: 0) }
    let cc = try run("/usr/bin/gcc", args, timeout: 120)
    guard cc.status == 0 else {
        XCTFail("gcc \(args.joined(separator: " ")) failed: \(cc.stderr)", file: file, line: line)
        throw FixtureError.buildFailed(name)
    }
    if variant == .stripped {
        let s = try run("/usr/bin/strip", ["--strip-all", out.path], timeout: 60)
        guard s.status == 0 else { throw FixtureError.buildFailed("strip \(name): \(s.stderr)") }
    }
    return out
}

enum FixtureError: Error { case buildFailed(String), timeout(String), notReady(String) }

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutData: Data
}

/// Runs a program to completion with a deadline; a program past its deadline is killed and the test fails.
@discardableResult
func run(_ path: String, _ args: [String], timeout: TimeInterval = 60, stdin: FileHandle? = nil) throws -> RunResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let outPipe = Pipe(), errPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = errPipe
    if let stdin { p.standardInput = stdin } else { p.standardInput = FileHandle.nullDevice }
    try p.run()
    // Drain both pipes while the program runs so a chatty child never blocks.
    var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(5_000) }
    if p.isRunning {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        _ = group.wait(timeout: .now() + 5)
        throw FixtureError.timeout("\(path) \(args.joined(separator: " ")) ran past \(timeout)s; stderr: \(String(decoding: errData, as: UTF8.self))")
    }
    p.waitUntilExit()
    _ = group.wait(timeout: .now() + 10)
    let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    return RunResult(status: status, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
}

/// Runs the stackcross CLI as a user would.
@discardableResult
func stackcross(_ args: [String], timeout: TimeInterval = 60) throws -> RunResult {
    try run(stackcrossBinary.path, args, timeout: timeout)
}

/// A fixture process running in the background. Fixtures print a line starting with "READY"
/// once they are in the state a test wants; they also alarm() themselves dead if forgotten.
final class RunningFixture {
    let process = Process()
    let stdoutPipe = Pipe()
    private(set) var readyLine = ""
    var pid: Int32 { process.processIdentifier }

    init(_ binary: URL, _ args: [String] = [], readyTimeout: TimeInterval = 20) throws {
        process.executableURL = binary
        process.arguments = args
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let fd = stdoutPipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(readyTimeout)
        var line = [UInt8]()
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                var b: UInt8 = 0
                if read(fd, &b, 1) != 1 { break }
                if b == UInt8(ascii: "\n") {
                    let s = String(decoding: line, as: UTF8.self)
                    if s.hasPrefix("READY") { readyLine = s; return }
                    line.removeAll()
                } else { line.append(b) }
            }
        }
        stop()
        throw FixtureError.notReady("\(binary.lastPathComponent) did not print READY in \(readyTimeout)s")
    }

    /// Kills and reaps the fixture.
    func stop() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// /proc/PID/status fields ("State", "TracerPid", …).
func procStatus(_ pid: Int32, tid: Int32? = nil) -> [String: String] {
    let path = tid.map { "/proc/\(pid)/task/\($0)/status" } ?? "/proc/\(pid)/status"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var out: [String: String] = [:]
    for l in text.split(separator: "\n") {
        if let c = l.firstIndex(of: ":") {
            out[String(l[..<c])] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return out
}

/// The syscall a thread is blocked in, from /proc/PID/task/TID/syscall (nil while it runs: "running").
func procSyscallNumber(_ pid: Int32, tid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/syscall", encoding: .utf8) else { return nil }
    return Int(text.prefix { $0 != " " && $0 != "\n" })
}

/// Thread ids of a process.
func taskIDs(_ pid: Int32) -> [Int32] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).compactMap { Int32($0) }.sorted()
}

/// Polls `cond` every 5 ms until it holds or `timeout` seconds pass; returns whether it held. Tests wait
/// for a state this way rather than sleeping a fixed time, which a loaded machine can outlast.
@discardableResult
func eventually(timeout: TimeInterval = 10, _ cond: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !cond() {
        if Date() > deadline { return false }
        usleep(5_000)
    }
    return true
}

/// A test case with a fresh folder per test (`dir`), removed afterwards. `dirPrefix` names it.
class TemporaryDirectoryTestCase: XCTestCase {
    var dir: URL!
    class var dirPrefix: String { "sc-test" }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.dirPrefix)-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }
}
