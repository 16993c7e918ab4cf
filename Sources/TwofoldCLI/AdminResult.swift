import Foundation
import TwofoldWire

/// The `result` object of a successful admin call, with typed access to its members. Decoding
/// goes through the wire layer's decoder, so a mismatch names the field and never its value.
public struct AdminResult: Sendable, Equatable {
    public let members: [String: JSONValue]

    public init(_ members: [String: JSONValue]) { self.members = members }

    /// The member `key` decoded as `T`.
    /// - Throws: `unexpectedAnswer` (exit 70) when it is missing or does not fit `T`.
    public func field<T: Decodable & Sendable>(_ key: String, as type: T.Type = T.self) throws(AdminError) -> T {
        try decode(Box<T>.self, key).value
    }

    /// The member `key` decoded as `T`, or nil when it is absent or `null`.
    public func optionalField<T: Decodable & Sendable>(_ key: String, as type: T.Type = T.self) throws(AdminError)
        -> T?
    {
        try decode(OptionalBox<T>.self, key).value
    }

    /// The result as one line of canonical JSON (keys sorted by UTF-8 bytes at every depth), so
    /// scripts can diff the output of two runs.
    public var json: String { String(decoding: JSONValue.object(members).jsonBytes, as: UTF8.self) }

    private func decode<B: Decodable>(_ box: B.Type, _ key: String) throws(AdminError) -> B {
        var single: [String: JSONValue] = [:]
        single["value"] = members[key]
        let outcome: Result<B, WireErrorPayload>
        do {
            outcome = try WireResponse.success(id: 1, result: single).decodeResult(B.self)
        } catch {
            throw .unexpectedAnswer(error.message.replacingOccurrences(of: "'result.value", with: "'result.\(key)"))
        }
        guard case .success(let value) = outcome else { throw .unexpectedAnswer("result.\(key)") }
        return value
    }

    private struct Box<T: Decodable>: Decodable { let value: T }
    private struct OptionalBox<T: Decodable>: Decodable { let value: T? }
}
