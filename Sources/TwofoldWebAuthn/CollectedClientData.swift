import TwofoldCrypto
import TwofoldWire

/// The client data the browser signs over (WebAuthn §5.8.1), parsed from `clientDataJSON`.
///
/// Only the members the relying party checks are kept; others (`extraData`, a future member) are
/// ignored as the specification requires, once the whole document has parsed as strict JSON.
public struct CollectedClientData: Sendable, Equatable {
    /// `webauthn.create` or `webauthn.get`.
    public let type: String
    /// The challenge as the browser encoded it (base64url, no padding).
    public let challenge: String
    public let origin: String
    /// `nil` when the member is absent.
    public let crossOrigin: Bool?
    public let topOrigin: String?

    /// Parses `json`, which must be at most `maxBytes` long and nested at most `maxDepth` deep,
    /// with the protocol's strict JSON reader: valid UTF-8 only, no duplicate keys (two readers
    /// must never see different challenges or origins in one document), no unpaired surrogate
    /// escapes.
    public init(json: [UInt8], maxBytes: Int = 8192, maxDepth: Int = 8) throws(WebAuthnError) {
        guard json.count <= maxBytes else { throw .limitExceeded("client data JSON longer than \(maxBytes) bytes") }
        let document: JSONValue
        do throws(WireError) {
            document = try JSONValue.parse(json, maxDepth: maxDepth)
        } catch {
            // The wire error's message names the rule and an offset, never the input.
            if error.isNestingTooDeep { throw .limitExceeded("client data JSON nested deeper than \(maxDepth)") }
            throw .malformed("client data JSON: \(error.message)")
        }
        guard case .object(let members) = document else { throw .malformed("client data JSON is not an object") }
        func string(_ name: String) throws(WebAuthnError) -> String? {
            switch members[name] {
            case nil: return nil
            case .string(let value): return value
            default: throw .malformed("client data member \(name) is not a string")
            }
        }
        guard let type = try string("type") else { throw .malformed("client data has no type") }
        guard let challenge = try string("challenge") else { throw .malformed("client data has no challenge") }
        guard let origin = try string("origin") else { throw .malformed("client data has no origin") }
        self.type = type
        self.challenge = challenge
        self.origin = origin
        topOrigin = try string("topOrigin")
        switch members["crossOrigin"] {
        case nil: crossOrigin = nil
        case .bool(let value): crossOrigin = value
        default: throw .malformed("client data member crossOrigin is not a boolean")
        }
    }

    /// The ceremony's client data checks, in the specification's order (§7.1 steps 7–10, §7.2
    /// steps 11–14): the type, the challenge (compared in constant time with the issued bytes'
    /// base64url form, so only the one canonical text matches), the origin (exactly the relying
    /// party's), and a top-level context: Twofold never runs a ceremony inside a cross-origin frame.
    func check(type expectedType: String, challenge expected: [UInt8], origin expectedOrigin: String)
        throws(WebAuthnError)
    {
        guard type == expectedType else {
            throw .typeMismatch("client data type is not \(expectedType)")
        }
        guard ConstantTime.equals(Array(challenge.utf8), Array(Base64URL.encode(expected).utf8)) else {
            throw .challengeMismatch()
        }
        guard Array(origin.utf8) == Array(expectedOrigin.utf8) else { throw .originMismatch() }
        guard crossOrigin != true, topOrigin == nil else { throw .crossOrigin() }
    }
}
