/// A credential ID: 1–1023 opaque bytes chosen by the authenticator (WebAuthn §6.5.1).
public struct CredentialID: Sendable, Hashable, CustomStringConvertible {
    public static let maxLength = 1023

    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        guard (1...Self.maxLength).contains(bytes.count) else {
            throw .malformed("a credential ID is 1 to \(Self.maxLength) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// The form browsers use (`PublicKeyCredential.id`).
    public var base64URL: String { Base64URL.encode(bytes) }

    public var description: String { "CredentialID(\(base64URL))" }
}

/// A WebAuthn user handle (`user.id`): 1–64 opaque bytes that identify the account to the
/// authenticator and come back in discoverable-credential assertions. It must not carry personal
/// data (WebAuthn §14.6.1): the vault draws it at random per user.
public struct UserHandle: Sendable, Hashable, CustomStringConvertible {
    public static let maxLength = 64

    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        guard (1...Self.maxLength).contains(bytes.count) else {
            throw .malformed("a user handle is 1 to \(Self.maxLength) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    public var base64URL: String { Base64URL.encode(bytes) }

    public var description: String { "UserHandle(\(bytes.count) bytes)" }
}
