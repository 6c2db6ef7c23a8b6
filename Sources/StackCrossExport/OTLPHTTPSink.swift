import Foundation
import StackCross
#if canImport(Glibc)
import Glibc
#endif

/// An OTLP/HTTP endpoint that could not take the spans; `description` is the message for stderr.
public struct OTLPExportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `http://HOST[:PORT][/PATH]`: where OTLP/HTTP traces are POSTed (PATH defaults to /v1/traces).
public struct OTLPEndpoint: Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var path: String

    /// Nil with a reason when the text is not an http:// URL we can reach.
    public static func parse(_ text: String) -> Result<OTLPEndpoint, OTLPExportError> {
        guard text.hasPrefix("http://") else {
            let why = text.hasPrefix("https://") ? "https is not supported; send to a local collector over http" : "expected http://HOST:PORT"
            return .failure(OTLPExportError("--otlp-endpoint \(text): \(why)"))
        }
        let rest = text.dropFirst("http://".count)
        let hostPort = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(hostPort.count))
        var host = String(hostPort), port: UInt16 = 4318
        if host.hasPrefix("[") {  // [v6addr]:port
            guard let close = host.firstIndex(of: "]") else { return .failure(OTLPExportError("--otlp-endpoint \(text): bad IPv6 address")) }
            let after = host[host.index(after: close)...]
            let h = String(host[host.index(after: host.startIndex)..<close])
            if after.hasPrefix(":") {
                guard let p = UInt16(after.dropFirst()), p > 0 else { return .failure(OTLPExportError("--otlp-endpoint \(text): bad port")) }
                port = p
            }
            host = h
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = UInt16(host[host.index(after: colon)...]), p > 0 else { return .failure(OTLPExportError("--otlp-endpoint \(text): bad port")) }
            port = p
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { return .failure(OTLPExportError("--otlp-endpoint \(text): no host")) }
        // The base URL of OTLP/HTTP (as OTEL_EXPORTER_OTLP_ENDPOINT): the traces path is appended.
        if !path.hasSuffix("/v1/traces") {
            if path.hasSuffix("/") { path.removeLast() }
            path += "/v1/traces"
        }
        return .success(OTLPEndpoint(host: host, port: port, path: path))
    }

    public var description: String {
        "http://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)\(path)"
    }
}

/// POSTs each batch to an OTLP/HTTP endpoint (`application/x-protobuf`), retrying with exponential
/// backoff on 429/502/503/504 (honouring Retry-After), refused or reset connections and timeouts;
/// after `attempts` tries it throws an `OTLPExportError` saying what the endpoint did.
///
/// A plain-socket HTTP/1.1 client, one connection per request (`Connection: close`): OTLP/HTTP
/// needs only one POST and a status line, and this keeps libcurl (FoundationNetworking) out of the
/// statically linked release binary, with exact control of timeouts and of what counts as retryable.
public final class OTLPHTTPSink: OTLPBatchSink {
    public let endpoint: OTLPEndpoint
    public var attempts: Int
    public var timeout: TimeInterval
    public var firstBackoff: TimeInterval
    public private(set) var requestsSent = 0

    public init(endpoint: OTLPEndpoint, attempts: Int = 5, timeout: TimeInterval = 10, firstBackoff: TimeInterval = 0.25) {
        self.endpoint = endpoint
        self.attempts = max(1, attempts)
        self.timeout = timeout
        self.firstBackoff = firstBackoff
    }

    enum Outcome: Error {
        case done
        case retry(String, after: TimeInterval?)
        case fail(String)
    }

    public func send(_ request: [UInt8], spans: Int) throws {
        var backoff = firstBackoff
        var last = ""
        for attempt in 1...attempts {
            switch post(request) {
            case .done:
                requestsSent += 1
                return
            case .fail(let why):
                throw OTLPExportError("OTLP endpoint \(endpoint): \(why)")
            case .retry(let why, let after):
                last = why
                if attempt < attempts {
                    let wait = min(after ?? backoff, 30)
                    Thread.sleep(forTimeInterval: wait)
                    backoff = min(backoff * 2, 8)
                }
            }
        }
        throw OTLPExportError("OTLP endpoint \(endpoint): \(last) (gave up after \(attempts) attempts; \(spans) spans not sent)")
    }

    public func finish() throws {}

    private func post(_ body: [UInt8]) -> Outcome {
        let fd: Int32
        switch connect() {
        case .success(let s): fd = s
        case .failure(let e): return e
        }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let head = "POST \(endpoint.path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\n"
            + "Content-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n"
            + "User-Agent: stackcross\r\nConnection: close\r\n\r\n"
        if let e = writeAll(fd, Array(head.utf8)) ?? writeAll(fd, body) { return e }
        return readResponse(fd)
    }

    private func connect() -> Result<Int32, Outcome> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &res)
        guard rc == 0, let first = res else {
            return .failure(.retry("cannot resolve \(endpoint.host): \(String(cString: gai_strerror(rc)))", after: nil))
        }
        defer { freeaddrinfo(first) }
        var lastErr: Int32 = ECONNREFUSED
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd >= 0 {
                if connectWithTimeout(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) { return .success(fd) }
                lastErr = errno
                close(fd)
            } else {
                lastErr = errno
            }
            ai = a.pointee.ai_next
        }
        return .failure(.retry("cannot connect: \(String(cString: strerror(lastErr)))", after: nil))
    }

    /// connect(2) bounded by `timeout` (non-blocking connect, poll for writability).
    private func connectWithTimeout(_ fd: Int32, _ addr: UnsafeMutablePointer<sockaddr>?, _ len: socklen_t) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, addr, len) != 0 {
            guard errno == EINPROGRESS else { return false }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let n = poll(&p, 1, Int32(timeout * 1000))
            guard n == 1 else { errno = ETIMEDOUT; return false }
            var err: Int32 = 0
            var l = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l)
            guard err == 0 else { errno = err; return false }
        }
        _ = fcntl(fd, F_SETFL, flags)
        return true
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Outcome? {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                return .retry(e == EAGAIN ? "timed out sending after \(timeout) s" : "send failed: \(String(cString: strerror(e)))", after: nil)
            }
            off += n
        }
        return nil
    }

    /// Reads the status line and headers (and drains a small body for the message).
    private func readResponse(_ fd: Int32) -> Outcome {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while data.count < 64 << 10 {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                return .retry(e == EAGAIN ? "no answer within \(timeout) s" : "receive failed: \(String(cString: strerror(e)))", after: nil)
            }
            if n == 0 { break }
            data += buf[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            return .retry(data.isEmpty ? "connection closed without an answer" : "not an HTTP answer", after: nil)
        }
        var retryAfter: TimeInterval?
        for l in lines.dropFirst() {
            if l.isEmpty { break }
            if l.lowercased().hasPrefix("retry-after:") { retryAfter = TimeInterval(l.dropFirst(12).trimmingCharacters(in: .whitespaces)) }
        }
        let reason = String(parts[0 ..< parts.count].joined(separator: " ").dropFirst(9))
        switch status {
        case 200 ..< 300: return .done
        case 429, 502, 503, 504: return .retry("HTTP \(reason)", after: retryAfter)
        default: return .fail("HTTP \(reason)")
        }
    }
}
