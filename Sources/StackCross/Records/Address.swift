/// A 64-bit address or register value. JSON carries it as a lowercase hex string
/// ("0x7ffd…") because it does not fit a JSON number.
public struct Address: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ value: UInt64) { self.rawValue = value }
    public init(signed value: Int64) { self.rawValue = UInt64(bitPattern: value) }
    public init(integerLiteral value: UInt64) { self.rawValue = value }

    /// The value read as a signed integer (return values, orig_rax -1).
    public var signed: Int64 { Int64(bitPattern: rawValue) }
    public var description: String { hex(rawValue) }

    public static func < (a: Address, b: Address) -> Bool { a.rawValue < b.rawValue }

    /// Parses "0x1f", "1f" (hex) or a decimal with `decimal: true`.
    public init?(hex text: Substring) {
        var t = text
        if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
        guard !t.isEmpty, let v = UInt64(t, radix: 16) else { return nil }
        self.rawValue = v
    }
    public init?(hex text: String) { self.init(hex: Substring(text)) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            guard let a = Address(hex: s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a hex address: \(s)")
            }
            self = a
        } else {
            self.rawValue = try c.decode(UInt64.self)
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
