import TwofoldDirectory
import TwofoldWire

/// Backup codes (issue 19, protocol/vault.md "Backup codes"): the vault makes, keeps (as MACs)
/// and checks them; the gateway only passes them through. It sees a set when it is made, to show
/// it once, and a code when the user types it; it never writes one down or logs one.
extension AuthService {
    /// The most a typed backup code may be, in bytes (the vault's own bound): longer text spells no
    /// code and is refused before the vault is asked.
    static let maximumBackupCodeBytes = 64

    // MARK: The set made with a setup.

    /// After `enroll.confirm` confirmed a setup: keeps the set it answered with for the new
    /// session, to be shown once on the page the confirmation redirects to (or returned by the
    /// JSON API). A result without a well-formed set is kept as withheld, so the user is offered
    /// "Generate new codes" rather than told nothing.
    func keepBackupCodes(
        from result: [String: JSONValue], for issued: SessionRecord, after old: SessionRecord, address: String?
    ) {
        let set = BackupCodeSet(vaultResult: result)
        if set == nil {
            audit.record(
                "vault.unexpected", user: old.userID, address: nil, outcome: "malformed_result",
                detail: "enroll.confirm")
        }
        let next: BackupCodeShelf.Next =
            if old.purpose == "reset" {
                .mfaReset
            } else if old.stage == .recovery || old.purpose == "recovery" {
                .recovered
            } else {
                .setupDone
            }
        backupCodes.put(set ?? .withheld, next: next, session: issued.id, now: now)
        audit.record(
            "backup_codes.issued", user: old.userID, address: address,
            outcome: set?.codes == nil ? "withheld" : "shown", detail: "setup")
    }

    /// The codes waiting to be shown to this signed-in session, if any.
    func waitingBackupCodes(_ session: SessionRecord?) throws(AuthError) -> (
        codes: BackupCodeSet, next: BackupCodeShelf.Next
    )? {
        let (session, _) = try require(session, in: [.full])
        return backupCodes.entry(session: session.id, now: now).map { ($0.codes, $0.next) }
    }

    /// Ends the showing of the codes waiting for this session ("Continue", or the JSON API handing
    /// them over): they are forgotten. Returns where the user goes next.
    @discardableResult
    func takeBackupCodes(_ session: SessionRecord?) throws(AuthError) -> (
        codes: BackupCodeSet, next: BackupCodeShelf.Next
    )? {
        let (session, _) = try require(session, in: [.full])
        return backupCodes.take(session: session.id).map { ($0.codes, $0.next) }
    }

    // MARK: "Generate new codes".

    /// Replaces the user's backup codes with a new set; needs a current authenticator code, which
    /// the vault checks like a login code (consumed, counted in the back-off). With `keeping`, the
    /// set waits for this session to be shown (the pages); without, it is only returned (the JSON
    /// API). The key is the session's and the code's: a retry after an unknown outcome gets
    /// `withheld` (the set was made, its answer lost), not `replayed`.
    func generateBackupCodes(
        _ session: SessionRecord?, code: String?, keeping next: BackupCodeShelf.Next? = nil, address: String?
    ) async throws(AuthError) -> BackupCodeSet {
        let (session, user) = try require(session, in: [.full])
        var args: [String: JSONValue] = ["user": .string(user.id)]
        let digits = Self.digits(code ?? "")
        if !digits.isEmpty { args["code"] = .string(digits) }
        let reply = await vault.call(
            "backup.generate", args,
            retryKey: VaultConnection.retryKey(session: session.id, operation: "backup.generate", [digits]))
        switch reply {
        case .success(let result):
            guard let set = BackupCodeSet(vaultResult: result) else {
                throw unexpected(reply, "backup.generate", user: user.id)
            }
            audit.record(
                "backup_codes.issued", user: user.id, address: address,
                outcome: set.codes == nil ? "withheld" : "shown", detail: "generate")
            if let next { backupCodes.put(set, next: next, session: session.id, now: now) }
            return set
        case .failure(let payload):
            audit.record(
                "backup_codes.generate", user: user.id, address: address, outcome: payload.detail ?? payload.code)
            if let refused = AuthError.confirmingCodeRefused(payload) { throw refused }
            switch payload.code {
            case "totp.not_enrolled":
                throw AuthError(
                    "backup.not_enrolled", .conflict,
                    "Backup codes need an authenticator app. Set up multi-factor authentication first.")
            default: throw unexpected(reply, "backup.generate", user: user.id)
            }
        case .unavailable, .outcomeUnknown:
            throw unexpected(reply, "backup.generate", user: user.id)
        }
    }

    // MARK: Signing in with a backup code.

    /// Signs in with a backup code instead of the authenticator: like an accepted SMS recovery
    /// code, it gives a recovery session whose only step is a new authenticator, and ends every
    /// other session of the user. The vault spends the code, counts a wrong one in the code
    /// back-off and texts a notice to the phone on file.
    func verifyBackupCode(_ session: SessionRecord?, code raw: String, address: String?) async throws(AuthError)
        -> IssuedSession
    {
        let (session, user) = try require(session, in: [.password])
        guard raw.utf8.count <= 4 * Self.maximumBackupCodeBytes else { throw Self.notABackupCode }
        let code = raw.trimmingWhitespace()
        guard !code.isEmpty else {
            throw AuthError("backup.code_missing", .unprocessableContent, "Enter one of your backup codes.")
        }
        guard code.utf8.count <= Self.maximumBackupCodeBytes else { throw Self.notABackupCode }
        // The session's and the code's key: an accepted code whose answer was lost is `accepted`
        // again on a retry, while a refused one runs (and counts) again (protocol/vault.md).
        let reply = await vault.call(
            "backup.verify", ["user": .string(user.id), "code": .string(code)],
            retryKey: VaultConnection.retryKey(session: session.id, operation: "backup.verify", [code]))
        guard case .success(let result) = reply, let outcome = result.string("outcome") else {
            throw unexpected(reply, "backup.verify", user: user.id)
        }
        switch outcome {
        case "accepted":
            let left = result.int("backup_codes_left").map { min(max($0, 0), 100) }
            audit.record(
                "recovery.backup_code", user: user.id, address: address, outcome: "accepted",
                detail: left.map { "left=\($0)" } ?? "")
            return try await issue(
                user: user, stage: .recovery, replacing: session, endingOthers: true, address: address,
                purpose: "recovery")
        case "invalid":
            audit.record("recovery.backup_code", user: user.id, address: address, outcome: "invalid")
            throw Self.wrongBackupCode(
                failures: result.int("failures"), retryAfterMs: result.int("retry_after_ms"),
                freeFailures: settings.codeFreeFailures)
        case "locked":
            audit.record("recovery.backup_code", user: user.id, address: address, outcome: "locked")
            throw AuthError.locked(retryAfterMs: result.int("retry_after_ms"))
        case "no_codes":
            audit.record("recovery.backup_code", user: user.id, address: address, outcome: "no_codes")
            throw AuthError(
                "backup.no_codes", .conflict,
                "You have no unused backup codes: they were all used, or replaced by a new set or a reset. "
                    + "Recover your account by SMS if you can; otherwise contact your representative to regain "
                    + "access to your account.")
        default:
            throw unexpected(reply, "backup.verify", user: user.id)
        }
    }

    /// Text too long to be a backup code: refused without asking the vault (it could match none).
    static let notABackupCode = AuthError(
        "backup.code_invalid", .unauthorized,
        "That is not a backup code. A backup code has 12 letters and digits, like abcd-efgh-jkmn.")

    /// A wrong backup code: how many more the vault lets through before it pauses codes (backup
    /// codes count in the same back-off as authenticator codes), or how long the pause is.
    static func wrongBackupCode(failures: Int64?, retryAfterMs: Int64?, freeFailures: Int) -> AuthError {
        let base = "That backup code is not valid, or was already used."
        if let wait = AuthError.boundedWait(retryAfterMs) {
            let seconds = max(1, (wait + 999) / 1000)
            return AuthError(
                "backup.code_invalid", .unauthorized,
                base + " Too many wrong codes: wait \(seconds) second\(seconds == 1 ? "" : "s") before you try again.",
                retryAfterMs: wait, attemptsLeft: 0)
        }
        guard let failures else { return AuthError("backup.code_invalid", .unauthorized, base) }
        let left = Int(max(0, min(Int64(freeFailures) - min(max(failures, 0), 1000), 1000)))
        let more =
            left > 0
            ? " \(left) attempt\(left == 1 ? "" : "s") left before codes are paused."
            : " Another wrong code pauses codes for a while."
        return AuthError("backup.code_invalid", .unauthorized, base + more, attemptsLeft: left)
    }
}
