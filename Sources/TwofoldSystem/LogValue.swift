/// A metadata value in a log line. Deliberately small: strings, integers, doubles and booleans.
public enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByStringInterpolation
{
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public static func integer<I: BinaryInteger>(_ value: I) -> LogValue { .int(Int64(clamping: value)) }

    func appendJSON(to line: inout String) {
        switch self {
        case .string(let text): JSONText.appendString(text, to: &line)
        case .int(let number): line += String(number)
        case .double(let number): line += number.isFinite ? String(number) : "null"
        case .bool(let flag): line += flag ? "true" : "false"
        }
    }
}

/// Minimal JSON text helpers for log lines.
enum JSONText {
    /// Appends `text` as a JSON string literal, escaping quotes, backslashes and control characters.
    static func appendString(_ text: String, to line: inout String) {
        line.append("\"")
        // Fast path (access logs): most values need no escaping; check bytes, copy once.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) {
            line += text
            line.append("\"")
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line.append("\"")
    }
}
