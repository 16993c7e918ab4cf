/// A parsed JSON value, as the wire layer sees it.
///
/// Numbers written without fraction or exponent that fit in 64 bits are `integer`, every other
/// number is `double`, so an id or counter never passes through floating point. Objects cannot
/// hold duplicate keys: the parser rejects them, because two readers that pick different
/// duplicates (first wins / last wins) are a classic way to smuggle a field past a check.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Deepest nesting of arrays and objects that `parse` accepts unless told otherwise; the
    /// protocol's messages need about 3.
    public static let defaultMaxDepth = 64

    /// Parses exactly one JSON value (RFC 8259) from `bytes`, after checking they are UTF-8.
    ///
    /// Strict: no trailing data, no duplicate keys, no unpaired surrogate escapes, no number
    /// outside the finite `Double` range, arrays and objects nested at most `maxDepth` deep (64
    /// unless a reader asks for less, as WebAuthn's client data does).
    /// - Throws: `json.invalid_utf8` or `json.malformed` (messages carry offsets, never input);
    ///   `isNestingTooDeep` tells the depth refusal apart.
    public static func parse(
        _ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth
    ) throws(WireError) -> JSONValue {
        let result: Result<JSONValue, WireError>? = bytes.withContiguousStorageIfAvailable { buffer in
            JSONParser.parseDocument(buffer, maxDepth: maxDepth)
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { JSONParser.parseDocument($0, maxDepth: maxDepth) }.get()
    }

    /// `parse`, also naming the top-level object's members written as integer literals too large
    /// for `Int64` (returned as `double`, like any number that does not fit).
    static func parseNotingOversizedIntegers(
        _ bytes: some Collection<UInt8>
    ) throws(WireError) -> (value: JSONValue, oversizedIntegerMembers: Set<String>) {
        let result = bytes.withContiguousStorageIfAvailable { JSONParser.parseDocumentNotingOversizedIntegers($0) }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { JSONParser.parseDocumentNotingOversizedIntegers($0) }.get()
    }

    /// The canonical serialization: no whitespace, object keys in UTF-8 byte order, strings
    /// escaped as in RFC 8785 §3.2.2.2. A non-finite `double` (which JSON cannot express) is
    /// written as `null`.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }
}
