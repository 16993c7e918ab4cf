import Synchronization
import TwofoldDirectory
import TwofoldWire

/// A session handed to the client: the bearer token (shown once, never stored) and its record.
public struct IssuedSession: Sendable {
    public let token: String
    public let session: SessionRecord
}

/// The login product's flows, independent of HTML or JSON: the web pages and the JSON API both
/// call these and only differ in how they present the outcome. The gateway holds users,
/// password hashes, invites, accounts and sessions (`Directory`); every code is decided by the
/// vault. Each flow checks the session's stage itself, so no route can skip a step.
public final class AuthService: Sendable {
    public let directory: Directory
    public let settings: AuthSettings
    let vault: any VaultAPI
    let passwords: PasswordWork
    let throttle: LoginThrottle
    let audit: GatewayAudit
    /// The setup being shown to each session (by session id), so a reload or a wrong code shows
    /// the same QR code instead of starting a new enrollment. Memory only: a seed is never
    /// written to the gateway's disk.
    let setups = Mutex<[String: PendingSetup]>([:])
    /// Backup codes waiting to be shown to a session, in memory only (`BackupCodeShelf`).
    let backupCodes = BackupCodeShelf()
    let smsCoverage = SMSCoverage()
    /// Wrong codes in "Forgot password?", by email and address (`LoginThrottle.Policy.forgotPassword`).
    let resetThrottle: LoginThrottle
    /// "Forgot password?" attempts in progress (memory only).
    let forgotAttempts: ForgotPasswordAttempts

    public init(
        directory: Directory, vault: any VaultAPI, passwords: PasswordWork, settings: AuthSettings,
        throttle: LoginThrottle = LoginThrottle(),
        resetThrottle: LoginThrottle = LoginThrottle(policy: .forgotPassword),
        audit: GatewayAudit
    ) {
        self.directory = directory
        self.vault = vault
        self.passwords = passwords
        self.settings = settings
        self.throttle = throttle
        self.resetThrottle = resetThrottle
        self.forgotAttempts = ForgotPasswordAttempts(
            capacity: settings.forgotPasswordCapacity, lifetimeMs: settings.forgotPasswordMs)
        self.audit = audit
    }

    var now: Int64 { directory.now }

    // MARK: Sessions.

    /// The live session for `token`, or nil (unknown, malformed, idle too long, too old, or a
    /// password stage past its five minutes). Expired sessions are removed; active ones have
    /// their last-seen time written back now and then.
    public func session(forToken token: String?) -> SessionRecord? {
        guard let token, DirectoryToken.isWellFormed(token) else { return nil }
        let id = DirectoryToken.hash(token)
        guard let session = directory.session(id: id) else { return nil }
        let now = self.now
        if settings.sessionLifetime.isExpired(session, at: now) {
            let directory = self.directory
            Task { _ = try? await directory.update { $0.endSession(id: id) } }
            audit.record("session.expired", user: session.userID, address: nil, outcome: "ended")
            return nil
        }
        if now - session.lastSeenAt > min(settings.touchIntervalMs, settings.sessionIdleMs / 4) {
            let directory = self.directory
            Task {
                _ = try? await directory.update { transaction in
                    guard var current = transaction.session(id: id) else { return }
                    current.lastSeenAt = now
                    transaction.put(current)
                }
            }
        }
        return session
    }

    /// Replaces `old` (if any) by a new session of `stage` for `user` with a fresh token; with
    /// `endingOthers`, every other session of the user ends too.
    func issue(
        user: UserRecord, stage: SessionStage, replacing old: SessionRecord?, endingOthers: Bool = false,
        address: String?, purpose: String? = nil, accountID: String? = nil
    ) async throws(AuthError) -> IssuedSession {
        let token = DirectoryToken.make()
        let now = self.now
        var session = SessionRecord(
            id: DirectoryToken.hash(token), userID: user.id, stage: stage, csrf: DirectoryToken.make(), createdAt: now,
            accountID: accountID ?? (user.accounts.count == 1 ? user.accounts[0] : nil), remoteAddress: address)
        session.purpose = purpose
        if let old, old.userID == user.id {
            // A stage change keeps the session's age: the absolute timeout runs from sign-in.
            session.createdAt = old.createdAt
            session.accountID = accountID ?? old.accountID ?? session.accountID
        }
        let newSession = session
        let outcome: Int?
        do {
            outcome = try await directory.update { transaction in
                // The step being completed may have raced a logout, a revocation or a disabled
                // user while the vault or the hashing pool was asked: then nothing is issued.
                if let old {
                    guard transaction.session(id: old.id) != nil else { return nil }
                    transaction.endSession(id: old.id)
                }
                guard let current = transaction.user(id: user.id), !current.disabled else { return nil }
                let count = endingOthers ? transaction.endSessions(ofUser: user.id) : 0
                transaction.put(newSession)
                return count
            }
        } catch {
            throw AuthError.storage
        }
        if let old { setups.withLock { _ = $0.removeValue(forKey: old.id) } }
        guard let ended = outcome else { throw AuthError.authRequired }
        if ended > 0 {
            audit.record("session.revoked", user: user.id, address: address, outcome: "ended", detail: "count=\(ended)")
        }
        return IssuedSession(token: token, session: newSession)
    }

    /// Ends `session` (logout).
    public func logout(_ session: SessionRecord, address: String?) async {
        setups.withLock { _ = $0.removeValue(forKey: session.id) }
        backupCodes.take(session: session.id)
        _ = try? await directory.update { $0.endSession(id: session.id) }
        audit.record("logout", user: session.userID, address: address, outcome: "ok")
    }

    func require(_ session: SessionRecord?, in stages: Set<SessionStage>) throws(AuthError) -> (
        SessionRecord, UserRecord
    ) {
        guard let session, let user = directory.user(id: session.userID), !user.disabled else {
            throw AuthError.authRequired
        }
        guard stages.contains(session.stage) else { throw AuthError.wrongStage }
        return (session, user)
    }

    // MARK: Login.

    /// Email + password. Answers the same error, after the same hashing work, for an unknown
    /// email, a disabled user and a wrong password; growing delays after repeated failures.
    public func login(email rawEmail: String, password: String, address: String?) async throws(AuthError)
        -> IssuedSession
    {
        // Not an address anyone can have: no lookup, and one bounded throttle key for all of them
        // (the raw text could be 64 KiB, and each key is kept in memory).
        let email = EmailAddress.normalize(rawEmail)
        let throttleKey = email ?? "(not an email address)"
        let addressKey = address ?? "-"
        if let wait = throttle.retryAfter(email: throttleKey, address: addressKey, now: now) {
            audit.record("login.password", user: nil, address: address, outcome: "throttled")
            let seconds = max(1, (wait + 999) / 1000)
            throw AuthError(
                "login.throttled", .tooManyRequests,
                "Too many failed sign-in attempts. Try again in \(seconds) second\(seconds == 1 ? "" : "s").",
                retryAfterMs: wait)
        }
        let user = email.flatMap { directory.user(email: $0) }
        let stored = user.flatMap { $0.disabled ? nil : $0.passwordHash }
        let check = try await passwords.verify(password, against: stored)
        guard case .match(let needsRehash) = check, let user else {
            throttle.recordFailure(email: throttleKey, address: addressKey, now: now)
            audit.record("login.password", user: user?.id, address: address, outcome: "failure")
            throw AuthError.loginFailed
        }
        throttle.recordSuccess(email: throttleKey)
        if needsRehash { await rehash(user, password: password) }
        let status = try await vaultStatus(user.id)
        // Read strictly: a status without `enrolled` must never send the user to MFA setup, which
        // would let the password alone replace the authenticator.
        guard let enrolled = status.bool("enrolled") else {
            throw unexpected(.success(status), "status", user: user.id)
        }
        let issued = try await issue(
            user: user, stage: enrolled ? .password : .setup, replacing: nil, address: address,
            purpose: enrolled ? nil : "required")
        audit.record(
            "login.password", user: user.id, address: address, outcome: enrolled ? "code_required" : "setup_required")
        return issued
    }

    /// Stores a hash with the current parameters after a login proved the password.
    private func rehash(_ user: UserRecord, password: String) async {
        guard let hash = try? await passwords.hash(password) else { return }
        _ = try? await directory.update { transaction in
            guard var current = transaction.user(id: user.id), current.passwordHash == user.passwordHash else { return }
            current.passwordHash = hash
            transaction.put(current)
        }
    }

    /// The code step: the vault decides. Success ends the password stage with a new token.
    public func verifyCode(_ session: SessionRecord?, code: String, address: String?) async throws(AuthError)
        -> IssuedSession
    {
        let (session, user) = try require(session, in: [.password])
        let digits = Self.digits(code)
        // The same key when the user sends the same code again in this session (after a 503 whose
        // verification may have run): the vault then answers `accepted` again, not `replayed`.
        let reply = await vault.call(
            "totp.verify", ["user": .string(user.id), "code": .string(digits)],
            retryKey: VaultConnection.retryKey(session: session.id, operation: "totp.verify", [digits]))
        guard case .success(let result) = reply else { throw unexpected(reply, "totp.verify", user: user.id) }
        let outcome = result.string("outcome")
        switch outcome {
        case "accepted":
            audit.record("login.code", user: user.id, address: address, outcome: "accepted")
            return try await issue(user: user, stage: .full, replacing: session, address: address)
        case "replayed":
            audit.record("login.code", user: user.id, address: address, outcome: "replayed")
            throw AuthError.codeReplayed
        case "locked":
            audit.record("login.code", user: user.id, address: address, outcome: "locked")
            throw AuthError.locked(retryAfterMs: result.int("retry_after_ms"))
        case "not_enrolled":
            audit.record("login.code", user: user.id, address: address, outcome: "not_enrolled")
            return try await issue(
                user: user, stage: .setup, replacing: session, address: address, purpose: "required")
        case "invalid":
            audit.record("login.code", user: user.id, address: address, outcome: "invalid")
            throw AuthError.wrongCode(
                failures: result.int("failures"), retryAfterMs: result.int("retry_after_ms"),
                freeFailures: settings.codeFreeFailures)
        default:
            throw unexpected(reply, "totp.verify", user: user.id)
        }
    }

    // MARK: Vault helpers.

    func vaultStatus(_ userID: String) async throws(AuthError) -> [String: JSONValue] {
        let reply = await vault.call("status", ["user": .string(userID)])
        guard case .success(let result) = reply else { throw unexpected(reply, "status", user: userID) }
        return result
    }

    /// A vault answer the flow does not handle itself: down (or silent) → 503; an error the flow
    /// does not expect, or a result without what it needs → a generic 500, audited with the
    /// operation and the vault's code (never its message, which may quote the request).
    func unexpected(_ reply: VaultReply, _ operation: String, user: String?) -> AuthError {
        switch reply {
        case .unavailable, .outcomeUnknown: return .unavailable
        case .success:
            audit.record("vault.unexpected", user: user, address: nil, outcome: "malformed_result", detail: operation)
            return .internalError
        case .failure(let payload):
            audit.record(
                "vault.unexpected", user: user, address: nil, outcome: String(payload.code.utf8.prefix(64)) ?? "?",
                detail: operation)
            return .internalError
        }
    }

    /// What the user typed, without spaces (apps show codes as "123 456").
    static func digits(_ code: String) -> String {
        String(code.unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "-" }.map(Character.init)).prefix(16)
            .description
    }
}
