import TwofoldDirectory
import TwofoldWire

/// Where a "Forgot password?" attempt stands: the next step, and the masked phone of its SMS step.
public struct ForgotPasswordProgress: Sendable, Equatable {
    /// `code`, `sms` or `password`.
    public let step: String
    public let phoneMasked: String?
    /// Why the SMS of the step could not be sent (shown on the SMS page, which can send again).
    public let smsProblem: AuthError?

    init(_ attempt: ForgotPasswordAttempts.Attempt) {
        step = attempt.step.rawValue
        phoneMasked = attempt.phoneMasked
        smsProblem = attempt.smsProblem
    }
}

/// "Forgot password?", keeping two factors: the email, then a current code from the authenticator
/// (checked by the vault), then, when a phone is on file and SMS go to its country, a code sent to
/// it; only then a new password, under the same policy as everywhere. Every session of the user
/// ends, a notice goes to the phone, and each step is audited. Wrong codes are throttled per email
/// and client address on the vault's schedule, and answered the same whether or not the email has
/// a user: no step before the code tells.
extension AuthService {
    /// The vault's status of this id stands in for the code check of an email without a user, so
    /// that both take one vault round trip (a valid id that is never given to a user).
    static let decoyUserID = "u-000000000000000000000000"

    static let forgotPasswordRequired = AuthError(
        "password_reset.required", .unauthorized,
        "This password reset has ended (it lasts 15 minutes) or was started in another browser. Start again.")

    static let forgotPasswordStage = AuthError(
        "password_reset.step", .conflict, "Finish the current step of resetting your password first.")

    /// Starts an attempt for `email`; returns its token (a bearer secret, shown once) and where it
    /// stands. Answers the same for any email.
    public func startForgotPassword(email rawEmail: String, address: String?) async throws(AuthError) -> (
        token: String, progress: ForgotPasswordProgress
    ) {
        let email = EmailAddress.normalize(rawEmail)
        let user = email.flatMap { directory.user(email: $0) }.flatMap { $0.disabled ? nil : $0 }
        let token = DirectoryToken.make()
        let attempt = ForgotPasswordAttempts.Attempt(
            id: DirectoryToken.hash(token), email: email ?? "(not an email address)", userID: user?.id,
            startedAt: now)
        guard forgotAttempts.insert(attempt, now: now) else {
            audit.record("password.forgot", user: nil, address: address, outcome: "busy")
            throw AuthError.busy
        }
        audit.record("password.forgot", user: user?.id, address: address, outcome: "started")
        return (token, ForgotPasswordProgress(attempt))
    }

    /// Where the attempt of `token` stands, or `password_reset.required`.
    public func forgotPasswordProgress(token: String?) throws(AuthError) -> ForgotPasswordProgress {
        ForgotPasswordProgress(try forgotAttempt(token))
    }

    /// The user's email once the attempt is at the new password (never before: it would tell
    /// whether the address has a user).
    public func forgotPasswordEmail(token: String?) -> String? {
        guard let attempt = try? forgotAttempt(token, at: .password), let userID = attempt.userID else { return nil }
        return directory.user(id: userID)?.email
    }

    func forgotAttempt(_ token: String?, at step: ForgotPasswordAttempts.Step? = nil) throws(AuthError)
        -> ForgotPasswordAttempts.Attempt
    {
        guard let token, DirectoryToken.isWellFormed(token),
            let attempt = forgotAttempts.attempt(id: DirectoryToken.hash(token), now: now)
        else { throw Self.forgotPasswordRequired }
        if let step, attempt.step != step { throw Self.forgotPasswordStage }
        return attempt
    }

    /// The authenticator's code. Accepted, the attempt moves on to the SMS (sent at once) or,
    /// without a phone SMS can reach, to the new password.
    public func verifyForgotPasswordCode(token: String?, code: String, address: String?) async throws(AuthError)
        -> ForgotPasswordProgress
    {
        let attempt = try forgotAttempt(token, at: .code)
        let addressKey = address ?? "-"
        if resetThrottle.retryAfter(email: attempt.email, address: addressKey, now: now) != nil {
            audit.record("password.forgot_code", user: attempt.userID, address: address, outcome: "throttled")
            throw AuthError.forgotPasswordLocked
        }
        guard let userID = attempt.userID else {
            _ = await vault.call("status", ["user": .string(Self.decoyUserID)])
            throw wrongForgotPasswordCode(attempt, address: address, outcome: "no_user")
        }
        let reply = await vault.call("totp.verify", ["user": .string(userID), "code": .string(Self.digits(code))])
        guard case .success(let result) = reply else { throw unexpected(reply, "totp.verify", user: userID) }
        switch result.string("outcome") {
        case "accepted":
            resetThrottle.recordSuccess(email: attempt.email)
            audit.record("password.forgot_code", user: userID, address: address, outcome: "accepted")
            return try await afterForgotPasswordCode(attempt, userID: userID, address: address)
        case "replayed":
            audit.record("password.forgot_code", user: userID, address: address, outcome: "replayed")
            throw AuthError.codeReplayed
        case "locked":
            audit.record("password.forgot_code", user: userID, address: address, outcome: "locked")
            throw AuthError.forgotPasswordLocked
        case "invalid", "not_enrolled":
            throw wrongForgotPasswordCode(attempt, address: address, outcome: result.string("outcome") ?? "invalid")
        default:
            throw unexpected(reply, "totp.verify", user: userID)
        }
    }

    /// Counts a wrong code against the email and the address; says how many are left before the
    /// pause, from the gateway's own count (the same for an email without a user).
    private func wrongForgotPasswordCode(_ attempt: ForgotPasswordAttempts.Attempt, address: String?, outcome: String)
        -> AuthError
    {
        resetThrottle.recordFailure(email: attempt.email, address: address ?? "-", now: now)
        audit.record("password.forgot_code", user: attempt.userID, address: address, outcome: outcome)
        let failures = resetThrottle.failures(email: attempt.email, now: now)
        return AuthError.wrongCode(
            failures: Int64(failures), retryAfterMs: nil, freeFailures: resetThrottle.policy.freeFailuresPerEmail)
    }

    private func afterForgotPasswordCode(
        _ attempt: ForgotPasswordAttempts.Attempt, userID: String, address: String?
    ) async throws(AuthError) -> ForgotPasswordProgress {
        let status = try await vaultStatus(userID)
        guard status.string("sms_recovery") == "available" else {
            let moved = forgotAttempts.update(id: attempt.id) { $0.step = .password }
            return ForgotPasswordProgress(moved ?? attempt)
        }
        forgotAttempts.update(id: attempt.id) { attempt in
            attempt.step = .sms
            attempt.phoneMasked = status.string("phone_masked")
        }
        let sent = await sendForgotPasswordSMS(userID: userID, address: address)
        let moved = forgotAttempts.update(id: attempt.id) { attempt in
            switch sent {
            case .success(let phoneMasked):
                attempt.phoneMasked = phoneMasked ?? attempt.phoneMasked
                attempt.smsProblem = nil
            // A code sent a moment ago (a login's recovery, say) is as good: no problem to show.
            case .failure(let problem) where problem.code == "recovery.cooldown": attempt.smsProblem = nil
            case .failure(let problem): attempt.smsProblem = problem
            }
        }
        guard let moved else { throw Self.forgotPasswordRequired }
        return ForgotPasswordProgress(moved)
    }

    /// Sends (again) the SMS code of the attempt's SMS step.
    public func resendForgotPasswordSMS(token: String?, address: String?) async throws(AuthError)
        -> ForgotPasswordProgress
    {
        let attempt = try forgotAttempt(token, at: .sms)
        guard let userID = attempt.userID else { throw Self.forgotPasswordRequired }
        let sent = await sendForgotPasswordSMS(userID: userID, address: address)
        if case .failure(let problem) = sent { throw problem }
        let moved = forgotAttempts.update(id: attempt.id) { attempt in
            if case .success(let masked?) = sent { attempt.phoneMasked = masked }
            attempt.smsProblem = nil
        }
        return ForgotPasswordProgress(moved ?? attempt)
    }

    /// `recovery.start` for the attempt: the masked phone, or the refusal to show.
    private func sendForgotPasswordSMS(userID: String, address: String?) async -> Result<String?, AuthError> {
        let reply = await vault.call("recovery.start", ["user": .string(userID)])
        switch reply {
        case .unavailable:
            audit.record("password.forgot_sms", user: userID, address: address, outcome: "unavailable")
            return .failure(.unavailable)
        case .outcomeUnknown:
            audit.record("password.forgot_sms", user: userID, address: address, outcome: "unknown")
            return .failure(Self.smsOutcomeUnknown)
        case .success(let result) where result.string("delivery") == "unknown":
            audit.record("password.forgot_sms", user: userID, address: address, outcome: "unknown")
            return .failure(Self.smsOutcomeUnknown)
        case .success(let result):
            audit.record("password.forgot_sms", user: userID, address: address, outcome: "sent")
            return .success(result.string("phone_masked"))
        case .failure(let payload):
            audit.record("password.forgot_sms", user: userID, address: address, outcome: payload.code)
            return .failure(recoveryStartFailure(reply, payload, user: userID))
        }
    }

    /// The code from the SMS; accepted, the attempt moves on to the new password.
    public func verifyForgotPasswordSMS(token: String?, code: String, address: String?) async throws(AuthError)
        -> ForgotPasswordProgress
    {
        let attempt = try forgotAttempt(token, at: .sms)
        guard let userID = attempt.userID else { throw Self.forgotPasswordRequired }
        let reply = await vault.call("recovery.verify", ["user": .string(userID), "code": .string(Self.digits(code))])
        do {
            _ = try recoveryCodeOutcome(reply, user: userID)
        } catch {
            audit.record("password.forgot_sms_code", user: userID, address: address, outcome: error.code)
            throw error
        }
        audit.record("password.forgot_sms_code", user: userID, address: address, outcome: "accepted")
        guard let moved = forgotAttempts.update(id: attempt.id, { $0.step = .password }) else {
            throw Self.forgotPasswordRequired
        }
        return ForgotPasswordProgress(moved)
    }

    /// The new password: replaces the old one and ends every session of the user, then sends the
    /// notice to the phone. The attempt is over; the user logs in with the new password.
    public func finishForgotPassword(token: String?, newPassword: String, address: String?) async throws(AuthError) {
        let attempt = try forgotAttempt(token, at: .password)
        guard let userID = attempt.userID, let user = directory.user(id: userID), !user.disabled else {
            forgotAttempts.remove(id: attempt.id)
            throw Self.forgotPasswordRequired
        }
        if let problem = passwords.check(newPassword: newPassword, email: user.email) { throw problem }
        let hash = try await passwords.hash(newPassword)
        // One attempt changes the password once, even when the form is sent twice at once.
        guard forgotAttempts.take(id: attempt.id, at: .password) != nil else { throw Self.forgotPasswordRequired }
        let ended = try await replacePassword(of: user.id, with: hash)
        throttle.recordSuccess(email: user.email)
        audit.record("password.reset", user: user.id, address: address, outcome: "ok", detail: "forgot_password")
        if ended > 0 {
            audit.record("session.revoked", user: user.id, address: address, outcome: "ended", detail: "count=\(ended)")
        }
        await sendPasswordChangedNotice(user.id, address: address)
    }

    /// Sets the user's password hash and ends all their sessions, in one durable change; returns
    /// how many sessions ended.
    func replacePassword(of userID: String, with hash: String) async throws(AuthError) -> Int {
        do {
            return try await directory.update { (transaction) throws(DirectoryError) -> Int in
                guard var user = transaction.user(id: userID), !user.disabled else { throw .notFound("user") }
                user.passwordHash = hash
                user.passwordChangedAt = transaction.now
                transaction.put(user)
                return transaction.endSessions(ofUser: userID)
            }
        } catch {
            if error.code == .storage { throw AuthError.storage }
            throw Self.forgotPasswordRequired
        }
    }

    /// The vault's notice to the phone on file that the password changed (best effort: audited,
    /// never a reason to fail the change, which is made).
    func sendPasswordChangedNotice(_ userID: String, address: String?) async {
        let reply = await vault.call("notice.send", ["user": .string(userID), "event": "password_changed"])
        let outcome: String
        switch reply {
        case .success(let result): outcome = result.bool("queued") == true ? "queued" : "no_phone"
        case .failure(let payload): outcome = String(payload.code.utf8.prefix(64)) ?? "error"
        case .unavailable: outcome = "unavailable"
        case .outcomeUnknown: outcome = "unknown"
        }
        audit.record("notice.password_changed", user: userID, address: address, outcome: outcome)
    }
}
