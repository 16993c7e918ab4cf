import TwofoldWire

/// One field of a JSON API request body, as `protocol/openapi.json` declares it: the gateway
/// checks a body against its route's fields before any work, so a request the document calls
/// invalid (an unknown field, a missing or mistyped one, a string out of its length or pattern)
/// is `400 request.invalid` here too, never accepted or refused by some later rule instead.
struct APIField: Sendable {
    let name: String
    let required: Bool
    /// `null` is accepted (and means absent).
    let nullable: Bool
    /// Bounds in Unicode scalars, as JSON Schema's `minLength`/`maxLength` count.
    let length: ClosedRange<Int>
    /// JSON Schema's `pattern`, as a check on the string's bytes.
    let pattern: (@Sendable (String) -> Bool)?

    static func string(
        _ name: String, required: Bool = true, nullable: Bool = false, length: ClosedRange<Int>,
        pattern: (@Sendable (String) -> Bool)? = nil
    ) -> APIField {
        APIField(name: name, required: required, nullable: nullable, length: length, pattern: pattern)
    }

    // The shared schemas of openapi.json.
    static func email(_ name: String = "email") -> APIField { .string(name, length: 3...200) }
    static func password(_ name: String) -> APIField { .string(name, length: 1...4096) }
    static func code(required: Bool = true) -> APIField {
        .string("code", required: required, nullable: !required, length: 1...64)
    }
    static func phone(required: Bool = true) -> APIField {
        .string("phone", required: required, nullable: !required, length: 1...64)
    }

    /// `^[0-9a-f]{count}$` after `prefix`.
    static func hex(_ count: Int, after prefix: String = "") -> @Sendable (String) -> Bool {
        { value in
            let bytes = Array(value.utf8)
            let head = Array(prefix.utf8)
            guard bytes.count == head.count + count, bytes.starts(with: head) else { return false }
            return bytes.dropFirst(head.count).allSatisfy {
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
            }
        }
    }

    /// Checks `body` against `fields`; the first problem is `request.invalid` naming the field.
    static func validate(_ body: [String: JSONValue], against fields: [APIField]) throws(AuthError) {
        for name in body.keys.sorted() where !fields.contains(where: { $0.name == name }) {
            throw AuthError.invalidRequest(
                "Field '\(String(name.utf8.prefix(64)) ?? "?")' is not part of this request.")
        }
        for field in fields {
            switch body[field.name] {
            case nil:
                if field.required { throw AuthError.invalidRequest("Field '\(field.name)' is missing.") }
            case .null?:
                if !field.nullable { throw AuthError.invalidRequest("Field '\(field.name)' may not be null.") }
            case .string(let value)?:
                // Bytes first (a scalar is at most 4), so counting scalars stays bounded.
                let bytes = value.utf8.count
                guard bytes <= 4 * field.length.upperBound, field.length.contains(value.unicodeScalars.count) else {
                    throw AuthError.invalidRequest(
                        "Field '\(field.name)' must be \(field.length.lowerBound) to \(field.length.upperBound) characters."
                    )
                }
                if let pattern = field.pattern, !pattern(value) {
                    throw AuthError.invalidRequest("Field '\(field.name)' does not have the expected form.")
                }
            default:
                throw AuthError.invalidRequest("Field '\(field.name)' must be a string.")
            }
        }
    }
}
