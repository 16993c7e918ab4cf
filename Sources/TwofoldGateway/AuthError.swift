import TwofoldHTTP

/// Why a flow step was refused: a stable code (the JSON API's `error.code`, listed in
/// `protocol/openapi.json`), the HTTP status, and a message fit to show the user. Never carries a
/// password, a code, a token or whether an email exists.
public struct AuthError: Error, Sendable, Equatable {
    public let code: String
    public let status: HTTPStatus
    public let message: String
    public var retryAfterMs: Int64?
    public var attemptsLeft: Int?

    public init(
        _ code: String, _ status: HTTPStatus, _ message: String, retryAfterMs: Int64? = nil, attemptsLeft: Int? = nil
    ) {
        self.code = code
        self.status = status
        self.message = message
        self.retryAfterMs = retryAfterMs
        self.attemptsLeft = attemptsLeft
    }

    static let loginFailed = AuthError("login.failed", .unauthorized, "Incorrect email or password.")
    static let authRequired = AuthError(
        "auth.required", .unauthorized, "Your session has ended. Sign in again.")
    static let wrongStage = AuthError(
        "auth.stage", .forbidden, "Finish the current step of signing in first.")
    static let unavailable = AuthError(
        "service.unavailable", .serviceUnavailable, "Twofold is temporarily unavailable. Try again in a moment.",
        retryAfterMs: 1000)
    static let busy = AuthError(
        "server.busy", .serviceUnavailable, "The server is busy. Please try again in a moment.", retryAfterMs: 1000)
    static let storage = AuthError(
        "server.storage", .internalServerError, "The change could not be saved. Please try again later.")
    /// The vault answered something this flow cannot use (a malformed result, an error it never
    /// sends for this request): a bug somewhere, so a generic 500; the audit log has the detail.
    static let internalError = AuthError(
        "internal", .internalServerError, "Something went wrong on our side. Please try again in a moment.")
    static let codeInvalid = AuthError(
        "code.invalid", .unauthorized, "That code is not valid. Check your authenticator app and try again.")
    static let codeReplayed = AuthError(
        "code.replayed", .unauthorized, "That code has already been used. Wait for the next code in your app.")
    static let inviteInvalid = AuthError(
        "invite.invalid", .gone, "This invite link is no longer valid. Ask your representative for a new invite.")
    static let inviteCredentials = AuthError(
        "invite.credentials", .unauthorized, "The email or the temporary password is not the one in your invite.")
    static let notMember = AuthError("account.not_member", .forbidden, "You are not a member of that account.")

    /// A wait the vault asked for, kept within a day: a peer's number never reaches arithmetic
    /// (seconds rounding, `Retry-After`) unbounded.
    static func boundedWait(_ milliseconds: Int64?) -> Int64? {
        milliseconds.map { min(max($0, 0), 86_400_000) }
    }

    static func locked(retryAfterMs: Int64?) -> AuthError {
        let retryAfterMs = boundedWait(retryAfterMs)
        if let retryAfterMs {
            let seconds = max(1, (retryAfterMs + 999) / 1000)
            return AuthError(
                "code.locked", .tooManyRequests,
                "Too many wrong codes. Try again in \(seconds) second\(seconds == 1 ? "" : "s").",
                retryAfterMs: retryAfterMs)
        }
        return AuthError(
            "code.locked", .tooManyRequests,
            "Too many wrong codes: codes are blocked for your user. Recover your account by SMS or contact your representative."
        )
    }

    static let phoneTooLong = AuthError(
        "phone.invalid", .unprocessableContent, "That is too long for a phone number. Enter it with its country code.")

    static func invalidRequest(_ message: String) -> AuthError { AuthError("request.invalid", .badRequest, message) }
}
