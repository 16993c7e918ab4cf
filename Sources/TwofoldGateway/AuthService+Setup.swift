import TwofoldDirectory
import TwofoldQR
import TwofoldWire

/// An authenticator setup shown to a session: what the vault's `enroll.begin` returned. Holds
/// the seed (it must be shown), in memory only, until confirmed or replaced.
public struct PendingSetup: Sendable {
    public let enrollmentID: String
    public let secret: String
    public let uri: String
    public let qrSVG: String
    public let expiresAt: Int64
}

extension AuthService {
    /// The setup for this session: the one already shown if still valid, else a new enrollment.
    public func beginSetup(_ session: SessionRecord?, address: String?, fresh: Bool = false) async throws(AuthError)
        -> PendingSetup
    {
        let (session, user) = try require(session, in: [.setup, .recovery])
        let now = self.now
        if !fresh, let shown = setups.withLock({ $0[session.id] }), shown.expiresAt > now + 30_000 {
            return shown
        }
        let reply = await vault.call(
            "enroll.begin", ["user": .string(user.id), "account_name": .string(user.email)])
        guard case .success(let result) = reply, let id = result.string("enrollment_id"),
            let secret = result.string("secret"), let uri = result.string("uri"),
            let expires = result.int("expires_at"),
            let svg = Self.qrSVG(uri)
        else { throw unexpected(reply, "enroll.begin", user: user.id) }
        let setup = PendingSetup(enrollmentID: id, secret: secret, uri: uri, qrSVG: svg, expiresAt: expires)
        setups.withLock { $0[session.id] = setup }
        audit.record("mfa.setup_started", user: user.id, address: address, outcome: session.purpose ?? "setup")
        return setup
    }

    /// The QR code of an `otpauth` URI as SVG, drawn here rather than in the vault (which keeps no
    /// rendering code next to the seeds); nil for a URI no QR code holds (the vault limits the
    /// account name, so only a misbehaving vault sends one).
    static func qrSVG(_ uri: String) -> String? {
        guard uri.utf8.count <= maximumOTPAuthURIBytes, uri.hasPrefix("otpauth://") else { return nil }
        return try? QRCode.encode(uri, level: .medium).svg(title: "QR code for your authenticator app")
    }

    /// Longer than any URI the vault writes (a 200-byte account name percent-encoded, the issuer
    /// and the parameters), well inside a QR code's capacity at level M.
    static let maximumOTPAuthURIBytes = 2_048

    /// The setup being shown to this session, if any (to re-show it after a wrong code).
    public func shownSetup(_ session: SessionRecord) -> PendingSetup? { setups.withLock { $0[session.id] } }

    /// Confirms the authenticator with a code from it. Success makes it the user's only one,
    /// ends every session of the user and starts a full one.
    public func confirmSetup(
        _ session: SessionRecord?, enrollmentID: String?, code: String, address: String?
    ) async throws(AuthError) -> IssuedSession {
        let (session, user) = try require(session, in: [.setup, .recovery])
        let digits = Self.digits(code)
        var args: [String: JSONValue] = ["user": .string(user.id), "code": .string(digits)]
        // The vault's ids are 32 hex digits: anything longer is not one, and is not sent.
        var sentID = ""
        if let enrollmentID, !enrollmentID.isEmpty, enrollmentID.utf8.count <= 64 {
            args["enrollment_id"] = .string(enrollmentID)
            sentID = enrollmentID
        }
        let reply = await vault.call(
            "enroll.confirm", args,
            retryKey: VaultConnection.retryKey(
                session: session.id, operation: "enroll.confirm", [sentID, digits]))
        switch reply {
        case .unavailable: throw AuthError.unavailable
        case .outcomeUnknown:
            // The new authenticator may have replaced the old one: do what a confirmation does to
            // the user's other sessions (this one stays, so the user can check and retry).
            _ = try? await directory.update { $0.endSessions(ofUser: user.id, keeping: session.id) }
            audit.record("mfa.setup", user: user.id, address: address, outcome: "unknown")
            throw AuthError.unavailable
        case .failure(let payload):
            setups.withLock { _ = $0.removeValue(forKey: session.id) }
            audit.record("mfa.setup", user: user.id, address: address, outcome: payload.code)
            if payload.code == "enroll.expired" {
                throw AuthError(
                    "setup.expired", .gone,
                    "The setup expired after 10 minutes, so here is a new one. Add it to your app and enter its code.")
            }
            if payload.code == "enroll.not_pending" {
                throw AuthError(
                    "setup.not_pending", .conflict,
                    "That setup was replaced by a new one. Add it to your app and enter its code.")
            }
            throw unexpected(reply, "enroll.confirm", user: user.id)
        case .success(let result):
            guard let outcome = result.string("outcome"),
                ["confirmed", "stale_setup", "locked", "invalid"].contains(outcome)
            else { throw unexpected(reply, "enroll.confirm", user: user.id) }
            audit.record("mfa.setup", user: user.id, address: address, outcome: outcome, detail: session.stage.rawValue)
            switch outcome {
            case "confirmed":
                setups.withLock { _ = $0.removeValue(forKey: session.id) }
                let issued = try await issue(
                    user: user, stage: .full, replacing: session, endingOthers: true, address: address)
                keepBackupCodes(from: result, for: issued.session, after: session, address: address)
                return issued
            case "stale_setup":
                throw AuthError(
                    "setup.stale", .conflict,
                    "That code may come from an old setup of \(settings.issuer) in your app. Add this setup to your app again (or try a different authenticator app) and enter its code."
                )
            case "locked": throw AuthError.locked(retryAfterMs: result.int("retry_after_ms"))
            default:
                var error = AuthError(
                    "code.invalid", .unauthorized,
                    "That code is not valid. Scan the QR code shown here and enter the code your app shows now.")
                error.retryAfterMs = AuthError.boundedWait(result.int("retry_after_ms"))
                throw error
            }
        }
    }

    /// Security tab: after the password again, the session must set up a new authenticator. The
    /// current one keeps working until the new one is confirmed (the vault replaces it only then).
    public func requestMFAReset(_ session: SessionRecord?, password: String, address: String?) async throws(AuthError)
        -> IssuedSession
    {
        let (session, user) = try require(session, in: [.full])
        try await confirmPassword(user, password, address: address, event: "mfa.reset")
        audit.record("mfa.reset", user: user.id, address: address, outcome: "setup_required", detail: "self-service")
        return try await issue(user: user, stage: .setup, replacing: session, address: address, purpose: "reset")
    }

    /// Re-checks the signed-in user's password (throttled like a login).
    func confirmPassword(_ user: UserRecord, _ password: String, address: String?, event: String)
        async throws(AuthError)
    {
        if let wait = throttle.retryAfter(email: user.email, address: address ?? "-", now: now) {
            throw AuthError(
                "login.throttled", .tooManyRequests, "Too many wrong passwords. Try again in a moment.",
                retryAfterMs: wait)
        }
        guard case .match = try await passwords.verify(password, against: user.passwordHash) else {
            throttle.recordFailure(email: user.email, address: address ?? "-", now: now)
            audit.record(event, user: user.id, address: address, outcome: "wrong_password")
            throw AuthError("login.failed", .unauthorized, "That password is not correct.")
        }
    }
}
