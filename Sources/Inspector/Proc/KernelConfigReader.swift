import CZlib
import Foundation
import StackCross

/// Reads the running kernel's configuration for the kernel-stack model: /boot/config-$(uname -r)
/// when present, else /proc/config.gz (CONFIG_IKCONFIG_PROC), plus /proc/cpuinfo and /proc/cmdline.
/// Anything unreadable keeps the model's documented defaults.
public enum KernelConfigReader {
    public static func load() -> KernelConfig {
        var text: String?
        var source = "defaults"
        let boot = "/boot/config-\(kernelRelease())"
        if let t = try? String(contentsOfFile: boot, encoding: .utf8) {
            text = t; source = boot
        } else if let t = gunzip("/proc/config.gz") {
            text = t; source = "/proc/config.gz"
        }
        let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let cmdline = try? String(contentsOfFile: "/proc/cmdline", encoding: .utf8)
        if cpuinfo != nil { source += " + /proc/cpuinfo" }
        return KernelConfig.parse(configText: text, cpuinfo: cpuinfo, cmdline: cmdline, source: source)
    }

    /// The release string uname(2) reports ("6.18.44-…").
    public static func kernelRelease() -> String {
        var u = utsname()
        guard uname(&u) == 0 else { return "" }
        return withUnsafeBytes(of: &u.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// A gzip file's contents as text, through zlib; nil when it cannot be read.
    public static func gunzip(_ path: String) -> String? {
        guard let f = gzopen(path, "rb") else { return nil }
        defer { gzclose(f) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { gzread(f, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { return nil }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<Int(n)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
