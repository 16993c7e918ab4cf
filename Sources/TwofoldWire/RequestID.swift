/// The client-chosen id of a request, echoed in its response so pipelined calls can be matched.
///
/// On the wire it is a JSON integer in `0...maxNumber` written without fraction or exponent
/// (`maxNumber` is 2^53 - 1, so JavaScript and other double-based clients keep it exact) or a
/// string of 1 to `maxStringLength` Unicode scalars. The server never interprets it.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case number(UInt64)
    case string(String)

    /// 2^53 - 1: the largest integer id.
    public static let maxNumber: UInt64 = 9_007_199_254_740_991
    /// The longest string id, in Unicode scalars.
    public static let maxStringLength = 64

    /// The id carried by `json`, or nil when it breaks the rules above.
    public init?(json: JSONValue) {
        switch json {
        case .integer(let number) where number >= 0 && UInt64(number) <= Self.maxNumber:
            self = .number(UInt64(number))
        case .string(let text) where Self.isValidString(text):
            self = .string(text)
        default:
            return nil
        }
    }

    /// Whether this id follows the rules a server enforces (a client can check before sending).
    public var isValid: Bool {
        switch self {
        case .number(let number): number <= Self.maxNumber
        case .string(let text): Self.isValidString(text)
        }
    }

    public var json: JSONValue {
        switch self {
        case .number(let number): .integer(Int64(truncatingIfNeeded: number))
        case .string(let text): .string(text)
        }
    }

    /// Ids are not secret; safe for logs (a string id is quoted so its bounds are visible).
    public var description: String {
        switch self {
        case .number(let number): "\(number)"
        case .string(let text): "\"\(text)\""
        }
    }

    private static func isValidString(_ text: String) -> Bool {
        // Counting stops early so a long string is rejected without walking all of it.
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > maxStringLength { return false }
        }
        return count > 0
    }
}

extension RequestID: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: UInt64) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONWriter {
    /// Writes an id, or `null` when the request's id could not be read.
    mutating func write(_ id: RequestID?) {
        switch id {
        case .number(let number): write(unsigned: number)
        case .string(let text): write(text)
        case nil: writeRaw("null")
        }
    }
}
