/// Where an exporter writes: a buffered byte sink. The CLI hands it a file or stdout; tests
/// hand it memory. Exporters never open files themselves.
public final class ReportWriter {
    private let sink: ([UInt8]) -> Void
    private var buffer: [UInt8] = []
    private let capacity: Int

    public init(capacity: Int = 1 << 16, sink: @escaping ([UInt8]) -> Void) {
        self.sink = sink
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// A writer that collects everything in memory, and a function returning the text so far.
    public static func memory() -> (ReportWriter, () -> [UInt8]) {
        final class Box { var bytes: [UInt8] = [] }
        let box = Box()
        let w = ReportWriter { box.bytes.append(contentsOf: $0) }
        return (w, { w.flush(); return box.bytes })
    }
}

/// JSON and markup text built by hand, so exporters stream without building object trees.
public enum Escape {
    /// A JSON string literal. `htmlSafe` also escapes `<`, `>`, `&` and U+2028/2029 so the
    /// text can sit inside `<script type="application/json">` without ending it.
    public static func json(_ s: String, htmlSafe: Bool = false) -> String {
        JSONEscape.literal(s, htmlSafe: htmlSafe)
    }

    /// Exact tracee bytes as JSON: a string when they are valid UTF-8, else `{"base64":…}`
    /// (TraceeString's own encoding), so nothing becomes U+FFFD.
    public static func json(_ t: TraceeString, htmlSafe: Bool = false) -> String {
        if let s = t.utf8, !t.truncated { return json(s, htmlSafe: htmlSafe) }
        var out = "{\"base64\":\"" + Base64.encode(t.bytes) + "\""
        if t.truncated { out += ",\"truncated\":true" }
        return out + "}"
    }

    /// Text for HTML and SVG (element content and quoted attributes). Characters XML 1.0
    /// forbids (most C0 controls, U+FFFE/U+FFFF) become U+FFFD so the document still parses.
    public static func markup(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}

/// A JSON object built field by field (keys are ours, values escaped).
struct JSONObject {
    private(set) var text = "{"
    private var first = true
    let htmlSafe: Bool
    init(htmlSafe: Bool = false) { self.htmlSafe = htmlSafe }

    private mutating func key(_ k: String) {
        if !first { text += "," }
        first = false
        text += Escape.json(k, htmlSafe: htmlSafe) + ":"
    }
    mutating func string(_ k: String, _ v: String?) {
        guard let v else { return }
        key(k); text += Escape.json(v, htmlSafe: htmlSafe)
    }
    mutating func raw(_ k: String, _ v: String?) {
        guard let v else { return }
        key(k); text += v
    }
    mutating func int<T: BinaryInteger>(_ k: String, _ v: T?) {
        guard let v else { return }
        key(k); text += String(v)
    }
    mutating func bool(_ k: String, _ v: Bool?) {
        guard let v else { return }
        key(k); text += v ? "true" : "false"
    }
    func done() -> String { text + "}" }
}

extension Array where Element == String {
    /// A JSON array of already-encoded values.
    var jsonArray: String { "[" + joined(separator: ",") + "]" }
}

/// Nanoseconds as exact decimal microseconds ("1234.567"), the unit Chrome trace events use.
func microseconds(_ ns: UInt64) -> String {
    let frac = ns % 1000
    let f = String(frac)
    return String(ns / 1000) + "." + String(repeating: "0", count: 3 - f.count) + f
}
