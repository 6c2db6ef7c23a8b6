import Foundation

/// strace's time flags: -t/-tt/-ttt and --absolute-timestamps (a wall-clock prefix), -r and
/// --relative-timestamps (the time since the previous line), -T and --syscall-times (` <0.000123>`
/// after the return value). Pure: the caller gives the clocks' readings.
public struct StraceTimestamps: Sendable, Equatable {
    /// Digits after the second: s 0, ms 3, us 6, ns 9.
    public enum Precision: Int, Sendable {
        case s = 0, ms = 3, us = 6, ns = 9

        public init?(name: String) {
            switch name {
            case "s": self = .s
            case "ms": self = .ms
            case "us": self = .us
            case "ns": self = .ns
            default: return nil
            }
        }
    }

    public enum Format: Sendable { case none, time, unix }

    /// The absolute prefix: format and precision (-t: time, s; -tt: time, us; -ttt: unix, us).
    public var absolute: Format = .none
    public var absolutePrecision: Precision = .s
    /// -r: precision of the relative prefix, nil without -r.
    public var relative: Precision?
    /// -T: precision of the time spent in the call, nil without -T.
    public var syscallTimes: Precision?

    public init() {}

    public var isEmpty: Bool { absolute == .none && relative == nil && syscallTimes == nil }

    public struct ParseError: Error, Equatable { public var message: String }

    /// `-t` given `count` times.
    public mutating func setT(count: Int) {
        guard count > 0 else { return }
        absolute = count >= 3 ? .unix : .time
        absolutePrecision = count >= 2 ? .us : .s
    }

    /// --absolute-timestamps=[[format:]FORMAT][,[precision:]PRECISION], as strace parses it.
    public mutating func parseAbsolute(_ spec: String) throws {
        absolute = .time
        for item in spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init) where !item.isEmpty {
            let (key, value): (String?, String) = item.firstIndex(of: ":").map {
                (String(item[..<$0]), String(item[item.index(after: $0)...]))
            } ?? (nil, item)
            if key == nil || key == "format", let f = ["none": Format.none, "time": .time, "unix": .unix][value] {
                absolute = f
            } else if key == nil || key == "precision", let p = Precision(name: value) {
                absolutePrecision = p
            } else {
                throw ParseError(message: "invalid timestamp format or precision: '\(item)'")
            }
        }
    }

    /// --relative-timestamps=PRECISION and --syscall-times=PRECISION.
    public static func precision(_ spec: String, option: String) throws -> Precision {
        guard let p = Precision(name: spec) else {
            throw ParseError(message: "\(option): invalid precision '\(spec)' (s, ms, us or ns)")
        }
        return p
    }

    /// `SECONDS.FRACTION` with the precision's digits (none for s), the fraction truncated as strace does.
    static func seconds(_ ns: UInt64, _ p: Precision, width: Int = 0) -> String {
        let whole = String(ns / 1_000_000_000)
        var s = String(repeating: " ", count: max(0, width - whole.count)) + whole
        if p != .s {
            var scale: UInt64 = 1
            for _ in 0 ..< (9 - p.rawValue) { scale *= 10 }
            let frac = String(ns % 1_000_000_000 / scale)
            s += "." + String(repeating: "0", count: p.rawValue - frac.count) + frac
        }
        return s
    }

    /// The line's leading timestamps (each followed by a space), strace's printleader:
    /// `12:53:27.123456 `, `1796475178.351018 `, `     0.000260 `, `12:53:27 (+     0.000260) `.
    /// `wallNs`: CLOCK_REALTIME of the line; `sinceLastNs`: monotonic time since the previous line.
    public func prefix(wallNs: UInt64, sinceLastNs: UInt64) -> String {
        var s = ""
        if absolute != .none {
            let secs = time_t(wallNs / 1_000_000_000)
            var head = String(secs)
            if absolute == .time {
                var t = secs, tm = tm()
                if localtime_r(&t, &tm) != nil {
                    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
                    head = "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))"
                }
            }
            s += head + String(Self.seconds(wallNs % 1_000_000_000, absolutePrecision).dropFirst()) + " "
        }
        if let r = relative {
            s += (absolute != .none ? "(+" : "") + Self.seconds(sinceLastNs, r, width: 6) + (absolute != .none ? ") " : " ")
        }
        return s
    }

    /// ` <0.000123>` for a call that returned after `durationNs`; empty without -T.
    public func suffix(durationNs: UInt64?) -> String {
        guard let p = syscallTimes, let d = durationNs else { return "" }
        return " <" + Self.seconds(d, p) + ">"
    }
}
