import CStackCross
import Foundation
import Glibc
import XCTest

/// `stackcross trace -p`: what is in flight when it detaches is given back to the process.
final class TraceDetachTests: XCTestCase {
    /// The lines a fixture prints within `timeout` seconds, or until `quiet` seconds after its first one.
    func lines(from fx: RunningFixture, timeout: TimeInterval, quiet: TimeInterval) -> [String] {
        let fd = fx.stdoutPipe.fileHandleForReading.fileDescriptor
        var deadline = Date().addingTimeInterval(timeout)
        var out: [String] = []
        var line = [UInt8]()
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 20) > 0 else { continue }
            var b: UInt8 = 0
            guard read(fd, &b, 1) == 1 else { break }
            if b == UInt8(ascii: "\n") {
                if out.isEmpty { deadline = min(deadline, Date().addingTimeInterval(quiet)) }
                out.append(String(decoding: line, as: UTF8.self))
                line.removeAll()
            } else { line.append(b) }
        }
        return out
    }

    func state(_ pid: Int32) -> String { procStatus(pid)["State"] ?? "?" }

    /// A signal dequeued for the tracee while stackcross detaches (its signal-delivery stop is caught by
    /// detachAll, not by the wait loop) must be delivered at the detach, once. Made deterministic by
    /// holding stackcross in SIGSTOP: the SIGINT that asks it to detach is queued for its tracer thread
    /// (the CLI's main thread, which tgkill targets), then SIGUSR1 puts the spinning tracee into a
    /// signal-delivery stop, and only then stackcross runs on: it sees the SIGINT before the stop.
    func testSignalInFlightAtDetachIsDeliveredOnce() throws {
        let fx = try RunningFixture(try fixture("detach_signal"))
        defer { fx.stop() }
        let p = Process()
        p.executableURL = stackcrossBinary
        p.arguments = ["trace", "-p", String(fx.pid)]
        let errPipe = Pipe()
        p.standardError = errPipe
        var errData = Data()
        let drained = DispatchSemaphore(value: 0)
        try p.run()
        DispatchQueue.global().async { errData = errPipe.fileHandleForReading.readDataToEndOfFile(); drained.signal() }
        let sc = p.processIdentifier
        defer {
            if p.isRunning { kill(sc, SIGCONT); kill(sc, SIGKILL); p.waitUntilExit() }
        }
        XCTAssertTrue(eventually { procStatus(fx.pid)["TracerPid"] == String(sc) && self.state(fx.pid).hasPrefix("R") },
                      "stackcross attached and the fixture spins on: \(procStatus(fx.pid))")

        kill(sc, SIGSTOP)
        XCTAssertTrue(eventually { self.state(sc).hasPrefix("T") }, "stackcross stopped: \(state(sc))")
        XCTAssertEqual(sc_tgkill(sc, sc, SIGINT), 0)
        kill(fx.pid, SIGUSR1)
        XCTAssertTrue(eventually { self.state(fx.pid).hasPrefix("t") }, "the tracee in its signal-delivery stop: \(state(fx.pid))")
        kill(sc, SIGCONT)

        XCTAssertTrue(eventually(timeout: 5) { !p.isRunning }, "stackcross detaches and exits")
        guard !p.isRunning else { return }
        XCTAssertEqual(p.terminationReason, .exit)
        XCTAssertEqual(p.terminationStatus, 0)
        _ = drained.wait(timeout: .now() + 5)
        let err = String(decoding: errData, as: UTF8.self)
        XCTAssertTrue(err.contains("stackcross: Process \(fx.pid) detached"), err)
        XCTAssertFalse(err.contains("--- SIGUSR1"), "the signal went through the wait loop, not the detach: \(err)")

        // The handler ran exactly once, and the process runs on untraced with nothing left pending.
        XCTAssertEqual(lines(from: fx, timeout: 3, quiet: 0.3), ["USR1 1"])
        let st = procStatus(fx.pid)
        XCTAssertEqual(st["TracerPid"], "0")
        XCTAssertTrue(st["State"]?.hasPrefix("R") ?? false, "running, not stopped: \(st["State"] ?? "?")")
        let usr1Bit = UInt64(1) << (SIGUSR1 - 1)
        for field in ["SigPnd", "ShdPnd"] {
            let mask = UInt64(st[field] ?? "", radix: 16)
            XCTAssertNotNil(mask, field)
            XCTAssertEqual((mask ?? 0) & usr1Bit, 0, "\(field) still holds SIGUSR1: \(st[field] ?? "?")")
        }
        XCTAssertTrue(fx.process.isRunning)
    }
}
