import TwofoldDirectory
import TwofoldWire

/// Whether SMS recovery can be offered, from the vault's `status`.
public struct RecoveryStatus: Sendable, Equatable {
    /// `available`, `no_phone`, `unsupported_country` or `unsupported_number`.
    public let availability: String
    public let phoneMasked: String?
    public let countryName: String?
    /// The unused backup codes (`status`'s `backup_codes_left`); nil when the vault did not say.
    public var backupCodesLeft: Int? = nil
}

extension AuthService {
    /// "Can't access your multi-factor authentication app?": what the user can do.
    public func recoveryStatus(_ session: SessionRecord?) async throws(AuthError) -> RecoveryStatus {
        let (_, user) = try require(session, in: [.password])
        let status = try await vaultStatus(user.id)
        return RecoveryStatus(
            availability: status.string("sms_recovery") ?? "no_phone", phoneMasked: status.string("phone_masked"),
            countryName: status.string("phone_country_name"),
            backupCodesLeft: status.int("backup_codes_left").map { Int(min(max($0, 0), 100)) })
    }

    /// Sends a recovery code by SMS to the phone on file (the vault does it, through sms-sender).
    public func sendRecoveryCode(_ session: SessionRecord?, address: String?) async throws(AuthError) -> (
        phoneMasked: String, expiresAt: Int64
    ) {
        let (_, user) = try require(session, in: [.password])
        let reply = await vault.call("recovery.start", ["user": .string(user.id)])
        switch reply {
        case .unavailable: throw AuthError.unavailable
        case .outcomeUnknown:
            // The vault may have sent the text after all: say so rather than "nothing was sent".
            audit.record("recovery.sms", user: user.id, address: address, outcome: "unknown")
            throw Self.smsOutcomeUnknown
        case .success(let result) where result.string("delivery") == "unknown":
            // The sms-sender did not answer in time: the code is valid and the text may still
            // arrive (protocol/vault.md, recovery.start), so the user is told exactly that.
            audit.record("recovery.sms", user: user.id, address: address, outcome: "unknown")
            throw Self.smsOutcomeUnknown
        case .success(let result):
            audit.record("recovery.sms", user: user.id, address: address, outcome: "sent")
            return (result.string("phone_masked") ?? "", result.int("expires_at") ?? 0)
        case .failure(let payload):
            audit.record("recovery.sms", user: user.id, address: address, outcome: payload.code)
            throw recoveryStartFailure(reply, payload, user: user.id)
        }
    }

    /// The refusal of the vault's `recovery.start`, for the user (shared with "Forgot password?").
    func recoveryStartFailure(_ reply: VaultReply, _ payload: WireErrorPayload, user: String) -> AuthError {
        let retry = AuthError.boundedWait(payload.retryAfterMs.map { Int64(clamping: $0) })
        switch payload.code {
        case "recovery.no_phone":
            return AuthError(
                "recovery.no_phone", .conflict,
                "There is no phone number on your profile. You will need to contact your representative to regain access to your account."
            )
        case "recovery.unsupported_country":
            return AuthError(
                "recovery.unsupported_country", .conflict,
                "We are unable to send a recovery SMS to your phone number. You will need to contact your representative to regain access to your account."
            )
        case "recovery.cooldown":
            return AuthError(
                "recovery.cooldown", .tooManyRequests,
                "A code was sent a moment ago. Wait before asking for another.",
                retryAfterMs: retry)
        case "recovery.quota":
            return AuthError(
                "recovery.quota", .tooManyRequests,
                "Too many codes were sent to this phone today. Try again later or contact your representative.",
                retryAfterMs: retry)
        case "sms.unavailable":
            return AuthError(
                "sms.unavailable", .serviceUnavailable,
                "Text messages cannot be sent right now. Try again in a moment.", retryAfterMs: retry ?? 30_000)
        default: return unexpected(reply, "recovery.start", user: user)
        }
    }

    /// No answer to `recovery.start` in time: the text may have gone out.
    static let smsOutcomeUnknown = AuthError(
        "sms.unavailable", .serviceUnavailable,
        "We could not confirm that the text was sent. If a code arrives, you can use it; otherwise try again in a moment.",
        retryAfterMs: 30_000)

    /// The vault's answer to `recovery.verify` as an outcome, or the refusal to show.
    func recoveryCodeOutcome(_ reply: VaultReply, user: String) throws(AuthError) -> String {
        guard case .success(let result) = reply else { throw unexpected(reply, "recovery.verify", user: user) }
        guard let outcome = result.string("outcome"), ["accepted", "expired", "invalid"].contains(outcome) else {
            throw unexpected(reply, "recovery.verify", user: user)
        }
        switch outcome {
        case "accepted": return outcome
        case "expired":
            throw AuthError("recovery.code_expired", .gone, "That code has expired or was used. Ask for a new one.")
        default:
            let left = Int(min(max(result.int("attempts_left") ?? 0, 0), 100))
            throw AuthError(
                "recovery.code_invalid", .unauthorized,
                left > 0
                    ? "That code is not valid. \(left) attempt\(left == 1 ? "" : "s") left."
                    : "That code is not valid and can no longer be used. Ask for a new one.",
                attemptsLeft: left)
        }
    }

    /// Checks the SMS code. Success gives a recovery session whose only step is a new
    /// authenticator; every other session of the user ends.
    public func verifyRecoveryCode(_ session: SessionRecord?, code: String, address: String?) async throws(AuthError)
        -> IssuedSession
    {
        let (session, user) = try require(session, in: [.password])
        let digits = Self.digits(code)
        let reply = await vault.call(
            "recovery.verify", ["user": .string(user.id), "code": .string(digits)],
            retryKey: VaultConnection.retryKey(session: session.id, operation: "recovery.verify", [digits]))
        do {
            _ = try recoveryCodeOutcome(reply, user: user.id)
        } catch {
            if case .success(let result) = reply, let outcome = result.string("outcome"),
                ["expired", "invalid"].contains(outcome)
            {
                audit.record("recovery.verify", user: user.id, address: address, outcome: outcome)
            }
            throw error
        }
        audit.record("recovery.verify", user: user.id, address: address, outcome: "accepted")
        return try await issue(
            user: user, stage: .recovery, replacing: session, endingOthers: true, address: address,
            purpose: "recovery")
    }
}
