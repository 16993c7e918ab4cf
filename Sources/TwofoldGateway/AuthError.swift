import TwofoldHTTP
import TwofoldWire

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
    /// The directory's storage is failing: the change was not made (the gateway recovers by itself).
    static let storage = AuthError(
        "server.storage", .serviceUnavailable, "Changes cannot be saved right now. Please try again in a moment.",
        retryAfterMs: 1000)
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
    static let nameTooLong = AuthError("name.invalid", .unprocessableContent, "That name is too long.")
    static let passwordMismatch = AuthError(
        "password.mismatch", .unprocessableContent, "The two new passwords do not match.")

    /// A wait the vault asked for, kept within a day: a peer's number never reaches arithmetic
    /// (seconds rounding, `Retry-After`) unbounded.
    static func boundedWait(_ milliseconds: Int64?) -> Int64? {
        milliseconds.map { min(max($0, 0), 86_400_000) }
    }

    /// The vault's refusal of the current authenticator code that confirms a Security-tab change
    /// (a phone number, a passkey, new backup codes), or nil when it refused for another reason.
    static func confirmingCodeRefused(_ payload: WireErrorPayload) -> AuthError? {
        switch payload.code {
        case "totp.code_required":
            return AuthError(
                "code.required", .unauthorized, "Enter a current verification code from your authenticator app.")
        case "totp.code_rejected":
            switch payload.detail {
            case "replayed": return .codeReplayed
            case "locked": return .locked(retryAfterMs: payload.retryAfterMs.map { Int64(clamping: $0) })
            default: return .codeInvalid
            }
        default:
            return nil
        }
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

    /// A wrong authenticator code at login: how many more the vault lets through before it pauses
    /// codes (`failures` of `totp.verify`, against its `freeFailures`), or how long the pause is.
    static func wrongCode(failures: Int64?, retryAfterMs: Int64?, freeFailures: Int) -> AuthError {
        if let wait = boundedWait(retryAfterMs) {
            let seconds = max(1, (wait + 999) / 1000)
            return AuthError(
                "code.invalid", .unauthorized,
                "That code is not valid. Too many wrong codes: wait \(seconds) second\(seconds == 1 ? "" : "s") "
                    + "before you try again.", retryAfterMs: wait, attemptsLeft: 0)
        }
        guard let failures else { return codeInvalid }
        let left = Int(max(0, min(Int64(freeFailures) - min(max(failures, 0), 1000), 1000)))
        let base = "That code is not valid. Check your authenticator app and try again."
        let more =
            left > 0
            ? " \(left) attempt\(left == 1 ? "" : "s") left before codes are paused."
            : " Another wrong code pauses codes for a while."
        return AuthError(codeInvalid.code, codeInvalid.status, base + more, attemptsLeft: left)
    }

    /// Too many wrong codes in "Forgot password?": the same words whether or not the email has a
    /// user, and no wait (the vault's own lockout, which only a real user can have, would tell).
    static let forgotPasswordLocked = AuthError(
        "code.locked", .tooManyRequests, "Too many wrong codes. Wait a few minutes, then try again.")

    static let resetLinkInvalid = AuthError(
        "reset_link.invalid", .gone, "This link is no longer valid. Ask your representative for a new one.")

    static let phoneTooLong = AuthError(
        "phone.invalid", .unprocessableContent, "That is too long for a phone number. Enter it with its country code.")

    static func invalidRequest(_ message: String) -> AuthError { AuthError("request.invalid", .badRequest, message) }
}
