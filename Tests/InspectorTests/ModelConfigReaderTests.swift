import Foundation
import XCTest
@testable import Inspector
import StackCross

/// The kernel configuration the model reads: gzip through zlib, and the running kernel's values.
final class ModelConfigReaderTests: XCTestCase {
    func testGunzipReadsWhatGzipWrote() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sc-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("config")
        let text = "CONFIG_KASAN=y\n# CONFIG_X86_FRED is not set\n" + String(repeating: "CONFIG_FILLER=y\n", count: 20000)
        try text.write(to: plain, atomically: true, encoding: .utf8)
        let gz = try InspectorTests.run("/bin/gzip", ["-k", "-9", plain.path])
        XCTAssertEqual(gz.status, 0, gz.stderr)
        let back = try XCTUnwrap(KernelConfigReader.gunzip(plain.path + ".gz"))
        XCTAssertEqual(back, text)
        XCTAssertEqual(KernelConfig.parse(configText: back).threadSize, 32 * 1024)
        XCTAssertNil(KernelConfigReader.gunzip(dir.appendingPathComponent("missing.gz").path))
    }

    func testRunningKernelConfig() throws {
        let c = KernelConfigReader.load()
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        XCTAssertTrue(cpuinfo.contains("vendor_id\t: \(c.cpuVendor)"), c.cpuVendor)
        XCTAssertFalse(KernelConfigReader.kernelRelease().isEmpty)
        // A kernel that exposes its config must be parsed from it, not left at the defaults.
        if FileManager.default.fileExists(atPath: "/proc/config.gz") || FileManager.default.fileExists(atPath: "/boot/config-\(KernelConfigReader.kernelRelease())") {
            XCTAssertTrue(c.source.contains("config"), c.source)
            let text = try XCTUnwrap(FileManager.default.fileExists(atPath: "/boot/config-\(KernelConfigReader.kernelRelease())")
                ? try String(contentsOfFile: "/boot/config-\(KernelConfigReader.kernelRelease())", encoding: .utf8)
                : KernelConfigReader.gunzip("/proc/config.gz"))
            XCTAssertTrue(text.contains("CONFIG_X86_64=y"))
            XCTAssertEqual(c.kasan, text.contains("CONFIG_KASAN=y\n"))
            XCTAssertEqual(c.threadSize, text.contains("CONFIG_KASAN=y\n") ? 32 * 1024 : 16 * 1024)
        } else {
            XCTAssertEqual(c.source, "defaults + /proc/cpuinfo")
        }
    }
}
