/// One CBOR data item (RFC 8949 §3), as `CBORDecoder` produces it.
///
/// Equality is structural and exact: floats compare by bit pattern (so `-0.0 != 0.0`; every NaN is
/// decoded as the one canonical NaN), and maps compare their entries in order.
public enum CBORValue: Sendable, Hashable, CustomStringConvertible {
    case unsigned(UInt64)
    /// The negative integer −1 − n (major type 1 carries n).
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBORValue])
    /// Entries in their encoded order (canonical input has them sorted, without duplicates).
    case map([CBORMapEntry])
    indirect case tagged(UInt64, CBORValue)
    case bool(Bool)
    case null
    case undefined
    /// A simple value without an assigned meaning (0–19, 32–255).
    case simple(UInt8)
    case float(Double)

    public static func == (lhs: CBORValue, rhs: CBORValue) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        case (.text(let a), .text(let b)): Array(a.utf8) == Array(b.utf8)
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)): a == b
        case (.tagged(let tagA, let a), .tagged(let tagB, let b)): tagA == tagB && a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null), (.undefined, .undefined): true
        case (.simple(let a), .simple(let b)): a == b
        case (.float(let a), .float(let b)): a.bitPattern == b.bitPattern
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .unsigned(let value): hasher.combine(0); hasher.combine(value)
        case .negative(let value): hasher.combine(1); hasher.combine(value)
        case .bytes(let value): hasher.combine(2); hasher.combine(value)
        // By code units, consistent with `==` (Swift's String equality is canonical equivalence).
        case .text(let value): hasher.combine(3); value.utf8.forEach { hasher.combine($0) }
        case .array(let value): hasher.combine(4); hasher.combine(value)
        case .map(let value): hasher.combine(5); hasher.combine(value)
        case .tagged(let tag, let value): hasher.combine(6); hasher.combine(tag); hasher.combine(value)
        case .bool(let value): hasher.combine(7); hasher.combine(value)
        case .null: hasher.combine(8)
        case .undefined: hasher.combine(9)
        case .simple(let value): hasher.combine(10); hasher.combine(value)
        case .float(let value): hasher.combine(11); hasher.combine(value.bitPattern)
        }
    }

    /// The value of an integer item that fits `Int64`.
    public var integerValue: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value <= UInt64(Int64.max) ? -1 - Int64(value) : nil
        default: nil
        }
    }

    public var bytesValue: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var mapEntries: [CBORMapEntry]? {
        if case .map(let value) = self { return value }
        return nil
    }

    /// The value for `key` in a map (maps from the decoder hold each key once), else `nil`.
    public subscript(key: CBORValue) -> CBORValue? {
        mapEntries?.first { $0.key == key }?.value
    }

    /// An integer item for `value`.
    public static func integer(_ value: Int64) -> CBORValue {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-(value + 1)))
    }

    /// RFC 8949 §8 diagnostic notation. Floats print as Swift prints a `Double` (shortest form that
    /// reads back the same), and tags as `tag(content)` (bignums are not turned into numbers).
    public var description: String {
        switch self {
        case .unsigned(let value): return "\(value)"
        case .negative(let value): return value == .max ? "-18446744073709551616" : "-\(value + 1)"
        case .bytes(let value): return "h'" + value.map { hexDigits($0) }.joined() + "'"
        case .text(let value): return quoted(value)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .tagged(let tag, let value): return "\(tag)(\(value))"
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .undefined: return "undefined"
        case .simple(let value): return "simple(\(value))"
        case .float(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
            return "\(value)"
        }
    }
}

/// One key/value pair of a CBOR map.
public struct CBORMapEntry: Sendable, Hashable {
    public var key: CBORValue
    public var value: CBORValue

    public init(_ key: CBORValue, _ value: CBORValue) {
        self.key = key
        self.value = value
    }
}

private func hexDigits(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

private func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u00" + hexDigits(UInt8(scalar.value))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
