/// What `webauthn.register.begin` and `webauthn.assert.begin` hand to the gateway for the
/// browser's `navigator.credentials.create/get` (binary values in base64url).
public struct PasskeyCeremonyStart: Sendable, Equatable {
    /// Names the challenge in the finish request (16 random bytes, hex).
    public let challengeID: String
    public let challenge: String
    public let rpID: String
    /// `user.id` for a registration; nil for an assertion.
    public let userHandle: String?
    /// `excludeCredentials` (registration) or `allowCredentials` (assertion; empty for a
    /// passwordless sign-in, where the authenticator offers its discoverable credentials).
    public let credentials: [PasskeyDescriptor]
    /// `required` or `preferred`.
    public let userVerification: String
    public let timeoutMillis: Int64
    public let expiresAtMillis: Int64
}

/// A credential as `allowCredentials` / `excludeCredentials` name it.
public struct PasskeyDescriptor: Sendable, Equatable {
    public let id: String
    public let transports: [String]
}

/// A registered passkey as `webauthn.credentials.list` shows it. Never the public key.
public struct PasskeyInfo: Sendable, Equatable {
    public let id: String
    public let name: String
    public let transports: [String]
    public let createdAtMillis: Int64
    public let lastUsedAtMillis: Int64?
}

/// The answer to `webauthn.assert.finish`. Refusals are normal answers, like wrong codes.
public enum PasskeyAssertionOutcome: Sendable, Equatable {
    /// The signature, client data and counter checked out: `user` proved possession of the passkey.
    case accepted(user: UserID, credentialID: String, userVerified: Bool)
    /// Refused; `reason` is the `webauthn.*` check that failed. `failures` is the user's
    /// consecutive failure count after this one (nil when no user's count was touched).
    case invalid(reason: String, failures: UInt32?, retryAfterMillis: Int64?)
    case locked(retryAfterMillis: Int64?)

    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .invalid: "invalid"
        case .locked: "locked"
        }
    }
}
