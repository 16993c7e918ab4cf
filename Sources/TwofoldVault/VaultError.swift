/// Errors the vault answers with: a stable code from `protocol/vault.md`, a message safe to show,
/// and an optional retry hint. Never carries a seed, a code or a phone number.
public struct VaultError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidUser = "user.invalid"
        case invalidArguments = "request.invalid"
        case notPending = "enroll.not_pending"
        case enrollmentExpired = "enroll.expired"
        case notEnrolled = "totp.not_enrolled"
        case codeRequired = "totp.code_required"
        case codeRejected = "totp.code_rejected"
        case invalidPhone = "phone.invalid"
        case noPhone = "recovery.no_phone"
        case unsupportedCountry = "recovery.unsupported_country"
        case cooldown = "recovery.cooldown"
        case quota = "recovery.quota"
        case smsUnavailable = "sms.unavailable"
        case reasonRequired = "reset.reason_required"
        /// A known idempotency key with another operation or other arguments (protocol/README.md).
        case idempotencyMismatch = "idempotency.mismatch"
        /// A retry while the request that first carried its key is still running (retryable).
        case idempotencyInProgress = "idempotency.in_progress"
        /// Too little of the request's deadline was left to start it (e.g. `recovery.start`, whose
        /// SMS send must fit in it): the operation did not run.
        case deadlineExceeded = "deadline.exceeded"
        /// The envelope's `unavailable`: the vault's storage is failing (`detail` =
        /// `storage.failed`, with `retry_after_ms`).
        case unavailable = "unavailable"
        case internalError = "internal"
        /// The vault was started without a public URL that can be an RP ID (`--public-url`).
        case webauthnNotConfigured = "webauthn.not_configured"
        /// No live challenge of this id for this user and ceremony: never issued, already
        /// answered (single use), expired, or lost in a vault restart. The user starts again.
        case challengeUnknown = "webauthn.challenge_unknown"
        /// A registration response that failed verification; `detail` is the `webauthn.*` check.
        case registrationRefused = "webauthn.registration_refused"
        case credentialExists = "webauthn.credential_exists"
        case credentialUnknown = "webauthn.credential_unknown"
        case tooManyPasskeys = "webauthn.too_many"
        /// Removing the passkey would leave the user without any second factor.
        case lastFactor = "webauthn.last_factor"
        case noPasskeys = "webauthn.no_credentials"
        /// A user id longer than a WebAuthn user handle (64 bytes) cannot have passkeys.
        case userUnsupported = "webauthn.user_unsupported"
        case invalidName = "webauthn.invalid_name"
    }

    public let code: Code
    public let message: String
    public let retryAfterMillis: Int64?
    /// A further stable code (e.g. `phone.missing_country_code`, or the verify outcome that made
    /// `totp.code_rejected`).
    public let detail: String?
    public let file: String
    public let line: Int

    public init(
        _ code: Code, _ message: String, retryAfterMillis: Int64? = nil, detail: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.retryAfterMillis = retryAfterMillis
        self.detail = detail
        self.file = file
        self.line = line
    }

    /// Code and message only; `file` and `line` are there for logs, not for operators' screens.
    public var description: String { "\(code.rawValue): \(message)" }
}
