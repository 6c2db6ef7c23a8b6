import CZlib
import Foundation
import StackCross
import SwiftProtobuf

/// `pprof` of a profile: a gzipped profile.proto for `go tool pprof`, Pyroscope or Parca. Values are
/// sample counts and wall time; each sample carries its thread (tid, name) and state as labels;
/// kernel frames are functions named with `_[k]`, leaf first as pprof wants.
public final class PprofExporter: ProfileConsumer {
    private let out: ReportWriter
    private var profile = Perftools_Profiles_Profile()
    private var strings: [String: Int64] = ["": 0]
    private var functions: [String: UInt64] = [:]
    private var locations: [LocationKey: UInt64] = [:]
    private struct SampleKey: Hashable { var locations: [UInt64]; var tid: Int32; var state: String }
    private var counts: [SampleKey: Int64] = [:]
    private var order: [SampleKey] = []
    private var names: [Int32: String] = [:]
    private struct LocationKey: Hashable { var function: UInt64; var address: UInt64 }

    public init(writer: ReportWriter) {
        out = writer
        profile.stringTable = [""]
    }

    private func string(_ s: String) -> Int64 {
        if let i = strings[s] { return i }
        let i = Int64(profile.stringTable.count)
        profile.stringTable.append(s)
        strings[s] = i
        return i
    }

    private func function(_ name: String, file: String?) -> UInt64 {
        if let id = functions[name] { return id }
        var f = Perftools_Profiles_Function()
        f.id = UInt64(profile.function.count + 1)
        f.name = string(name)
        f.systemName = f.name
        if let file { f.filename = string(file) }
        profile.function.append(f)
        functions[name] = f.id
        return f.id
    }

    private func location(_ frame: Frame, kernel: Bool) -> UInt64 {
        let name = FoldedStack.name(frame) + (kernel ? FoldedStack.kernelSuffix : "")
        let fn = function(name, file: frame.file)
        // One location per function and pc: pprof's -top and flame views work by function.
        let key = LocationKey(function: fn, address: frame.pc.rawValue)
        if let id = locations[key] { return id }
        var l = Perftools_Profiles_Location()
        l.id = UInt64(profile.location.count + 1)
        l.address = frame.pc.rawValue
        var line = Perftools_Profiles_Line()
        line.functionID = fn
        if let n = frame.line { line.line = Int64(n) }
        l.line = [line]
        profile.location.append(l)
        locations[key] = l.id
        return l.id
    }

    public func consume(_ s: ResolvedSample, start: ProfileStart?) throws {
        var ids = s.kernel.map { location($0, kernel: true) } + s.user.map { location($0, kernel: false) }
        if ids.isEmpty {
            ids = [location(Frame(pc: 0, symbol: "[" + (s.threadName.isEmpty ? "tid \(s.tid)" : s.threadName) + "]"), kernel: false)]
        }
        names[s.tid] = s.threadName
        let key = SampleKey(locations: ids, tid: s.tid, state: s.state)
        if counts[key] == nil { order.append(key) }
        counts[key, default: 0] += 1
    }

    public func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws {
        let period = Int64(1_000_000_000 / max(1, start?.hz ?? 49))
        var samples = Perftools_Profiles_ValueType(); samples.type = string("samples"); samples.unit = string("count")
        var wall = Perftools_Profiles_ValueType(); wall.type = string("wall"); wall.unit = string("nanoseconds")
        profile.sampleType = [samples, wall]
        profile.periodType = wall
        profile.period = period
        profile.defaultSampleType = wall.type
        if let header { profile.timeNanos = Int64(clamping: header.startWallNs) }
        if let summary { profile.durationNanos = Int64(clamping: summary.durationNs) }
        if let start { profile.comment = [string("stackcross profile of pid \(start.pid) (\(start.exe)) at \(start.hz) Hz")] }
        for key in order {
            let n = counts[key]!
            var sm = Perftools_Profiles_Sample()
            sm.locationID = key.locations
            sm.value = [n, n * period]
            var tid = Perftools_Profiles_Label(); tid.key = string("tid"); tid.num = Int64(key.tid)
            var name = Perftools_Profiles_Label(); name.key = string("thread"); name.str = string(names[key.tid] ?? "")
            var state = Perftools_Profiles_Label(); state.key = string("state"); state.str = string(key.state)
            sm.label = [tid, name, state]
            profile.sample.append(sm)
        }
        let raw: [UInt8] = try profile.serializedBytes()
        out.write(bytes: try Gzip.compress(raw))
        out.flush()
    }
}

/// gzip (RFC 1952) of a whole buffer with zlib, as pprof files must be.
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible {
        public var code: Int32
        public var description: String { "gzip: zlib error \(code)" }
    }

    public static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var s = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        var rc = deflateInit2_(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(code: rc) }
        defer { deflateEnd(&s) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&s, UInt(input.count))) + 32)
        var input = input
        rc = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { outp in
                s.next_in = inp.baseAddress
                s.avail_in = UInt32(inp.count)
                s.next_out = outp.baseAddress
                s.avail_out = UInt32(outp.count)
                return deflate(&s, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw Failure(code: rc) }
        return Array(output.prefix(Int(s.total_out)))
    }
}

extension Gzip {
    /// gunzip of a whole buffer (reading a pprof file back).
    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var s = z_stream()
        var rc = inflateInit2_(&s, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(code: rc) }
        defer { inflateEnd(&s) }
        var input = input
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        try input.withUnsafeMutableBufferPointer { inp in
            s.next_in = inp.baseAddress
            s.avail_in = UInt32(inp.count)
            repeat {
                rc = buf.withUnsafeMutableBufferPointer { b in
                    s.next_out = b.baseAddress
                    s.avail_out = UInt32(b.count)
                    return inflate(&s, Z_NO_FLUSH)
                }
                guard rc == Z_OK || rc == Z_STREAM_END else { throw Failure(code: rc) }
                out += buf.prefix(buf.count - Int(s.avail_out))
            } while rc != Z_STREAM_END
        }
        return out
    }
}

/// A pprof file read back: function names and total samples (for tests and checks).
public struct PprofSummary {
    public var functionNames: Set<String>
    public var samples: Int64
    public var sampleTypes: [String]

    public init(gzipped: [UInt8]) throws {
        let p = try Perftools_Profiles_Profile(serializedBytes: try Gzip.decompress(gzipped))
        let t = p.stringTable
        func s(_ i: Int64) -> String { i >= 0 && Int(i) < t.count ? t[Int(i)] : "?" }
        functionNames = Set(p.function.map { s($0.name) })
        samples = p.sample.reduce(0) { $0 + ($1.value.first ?? 0) }
        sampleTypes = p.sampleType.map { s($0.type) + "/" + s($0.unit) }
    }
}
