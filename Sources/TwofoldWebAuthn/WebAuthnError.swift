/// The WebAuthn module's one error type: a stable code for the wire and the audit log, a message
/// that never echoes the input's bytes (an offset at most), and the call site.
public struct WebAuthnError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable, CaseIterable {
        case malformed = "webauthn.malformed"
        case limitExceeded = "webauthn.limit_exceeded"
        case cborIndefiniteLength = "webauthn.cbor_indefinite_length"
        case cborNotCanonical = "webauthn.cbor_not_canonical"
        case cborDuplicateKey = "webauthn.cbor_duplicate_key"
        case unsupportedAlgorithm = "webauthn.unsupported_algorithm"
        case invalidKey = "webauthn.invalid_key"
        case typeMismatch = "webauthn.type_mismatch"
        case challengeMismatch = "webauthn.challenge_mismatch"
        case challengeExpired = "webauthn.challenge_expired"
        case ceremonyMismatch = "webauthn.ceremony_mismatch"
        case originMismatch = "webauthn.origin_mismatch"
        case crossOrigin = "webauthn.cross_origin"
        case rpIDMismatch = "webauthn.rp_id_mismatch"
        case userNotPresent = "webauthn.user_not_present"
        case userNotVerified = "webauthn.user_not_verified"
        case backupFlagsInvalid = "webauthn.backup_flags_invalid"
        case credentialMismatch = "webauthn.credential_mismatch"
        case userHandleMismatch = "webauthn.user_handle_mismatch"
        case attestationInvalid = "webauthn.attestation_invalid"
        case attestationRefused = "webauthn.attestation_refused"
        case signatureInvalid = "webauthn.signature_invalid"
        case counterRegressed = "webauthn.counter_regressed"
        case internalFailure = "webauthn.internal"
    }

    private let kind: Code
    public let message: String
    public let file: String
    public let line: Int

    private init(_ kind: Code, _ message: String, file: String, line: Int) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
    }

    /// A stable machine-readable code such as `webauthn.origin_mismatch`.
    public var code: String { kind.rawValue }

    /// Every code this module can produce, for the protocol's documentation and its tests.
    public static let allCodes: [String] = Code.allCases.map(\.rawValue)

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: WebAuthnError, rhs: WebAuthnError) -> Bool { lhs.kind == rhs.kind }

    /// The bytes are not the structure they claim to be (bad CBOR, JSON, base64url, lengths, types).
    public static func malformed(_ message: String, file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.malformed, message, file: file, line: line)
    }

    /// An input is larger, deeper or has more items than the configured bound.
    public static func limitExceeded(_ message: String, file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.limitExceeded, message, file: file, line: line)
    }

    /// CBOR with an indefinite length, which WebAuthn's canonical form (and this decoder) never accepts.
    public static func cborIndefiniteLength(offset: Int, file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.cborIndefiniteLength, "indefinite length at offset \(offset)", file: file, line: line)
    }

    /// Well-formed CBOR that is not in the CTAP2 canonical form (a longer-than-needed head, map keys
    /// out of order, a tag, a float wider than needed).
    public static func cborNotCanonical(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.cborNotCanonical, message, file: file, line: line)
    }

    /// A CBOR map with the same key twice: refused, so no two readers can disagree on its value.
    public static func cborDuplicateKey(offset: Int, file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.cborDuplicateKey, "duplicate map key at offset \(offset)", file: file, line: line)
    }

    /// A COSE key type, curve or algorithm other than ES256 (P-256), EdDSA (Ed25519) and RS256.
    public static func unsupportedAlgorithm(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.unsupportedAlgorithm, message, file: file, line: line)
    }

    /// A COSE key of a supported algorithm whose parameters are not a valid key.
    public static func invalidKey(_ message: String, file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.invalidKey, message, file: file, line: line)
    }

    /// The client data's `type` is not the ceremony's (`webauthn.create` / `webauthn.get`).
    public static func typeMismatch(_ message: String, file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.typeMismatch, message, file: file, line: line)
    }

    public static func challengeMismatch(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.challengeMismatch, "the client data's challenge is not the one issued", file: file, line: line)
    }

    public static func challengeExpired(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.challengeExpired, "the challenge has expired", file: file, line: line)
    }

    /// A challenge used for another ceremony kind or another user than it was issued for.
    public static func ceremonyMismatch(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.ceremonyMismatch, message, file: file, line: line)
    }

    public static func originMismatch(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.originMismatch, "the client data's origin is not the relying party's", file: file, line: line)
    }

    /// The ceremony ran in a cross-origin iframe (`crossOrigin: true` or a `topOrigin`), which
    /// Twofold never embeds.
    public static func crossOrigin(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.crossOrigin, "the ceremony ran in a cross-origin frame", file: file, line: line)
    }

    public static func rpIDMismatch(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.rpIDMismatch, "the authenticator data is for another RP ID", file: file, line: line)
    }

    public static func userNotPresent(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.userNotPresent, "the authenticator did not test user presence", file: file, line: line)
    }

    public static func userNotVerified(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.userNotVerified, "user verification was required but not performed", file: file, line: line)
    }

    /// BS set without BE, or BE differing from the value recorded at registration.
    public static func backupFlagsInvalid(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.backupFlagsInvalid, message, file: file, line: line)
    }

    /// The assertion names another credential than the one it is checked against.
    public static func credentialMismatch(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.credentialMismatch, "the assertion is for another credential", file: file, line: line)
    }

    /// The response's user handle (or the challenge's user) is not the credential's owner.
    public static func userHandleMismatch(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.userHandleMismatch, message, file: file, line: line)
    }

    /// An attestation statement that fails its format's checks (a self-attestation signature that
    /// does not verify, an `alg` that is not the credential's, a `none` statement that is not empty).
    public static func attestationInvalid(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.attestationInvalid, message, file: file, line: line)
    }

    /// An attestation the policy does not accept (a certificate-based one when it asks for none).
    public static func attestationRefused(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.attestationRefused, message, file: file, line: line)
    }

    public static func signatureInvalid(file: String = #fileID, line: Int = #line) -> WebAuthnError {
        WebAuthnError(.signatureInvalid, "the signature does not verify", file: file, line: line)
    }

    /// OpenSSL failed inside a verification (not because of the input): the check fails closed.
    public static func internalFailure(_ message: String, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(.internalFailure, message, file: file, line: line)
    }

    /// A valid assertion whose signature counter did not grow: the credential may have been cloned.
    /// The verifier reports this as an outcome; callers refuse with this error after auditing it.
    public static func counterRegressed(stored: UInt32, received: UInt32, file: String = #fileID, line: Int = #line)
        -> WebAuthnError
    {
        WebAuthnError(
            .counterRegressed, "the signature counter went from \(stored) to \(received)", file: file, line: line)
    }
}
