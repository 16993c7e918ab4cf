import TwofoldDirectory
import TwofoldWire

/// The operator's password-reset link (`twofold user reset-password`, `AdminService`): a one-time
/// link, stored like an invite (`InviteRecord.Purpose.passwordReset`), that lets the user choose a
/// new password. It replaces the password only: the second factor is still required after it,
/// exactly as after a password at login (the code step, or the MFA setup for a user without one).
extension AuthService {
    /// The pending link of `token` and its user, if the link can still be used.
    public func passwordResetLink(token: String) -> (link: InviteRecord, user: UserRecord)? {
        guard DirectoryToken.isWellFormed(token) else { return nil }
        let hash = DirectoryToken.hash(token)
        return directory.read { transaction -> (InviteRecord, UserRecord)? in
            guard let link = transaction.invite(tokenHash: hash), link.isPasswordReset,
                link.status(at: transaction.now) == .pending, let userID = link.userID,
                let user = transaction.user(id: userID), !user.disabled
            else { return nil }
            return (link, user)
        }
    }

    /// Uses the link: the new password replaces the old one, the link is used up and every session
    /// of the user ends, in one durable change; a notice goes to the phone. Returns a session of
    /// stage `password` (the code step), or `setup` for a user without an authenticator.
    public func usePasswordResetLink(token: String, newPassword: String, address: String?) async throws(AuthError)
        -> IssuedSession
    {
        guard let (link, user) = passwordResetLink(token: token) else {
            audit.record("password.reset", user: nil, address: address, outcome: "invalid_link")
            throw AuthError.resetLinkInvalid
        }
        if let problem = passwords.check(newPassword: newPassword, email: user.email) { throw problem }
        // Asked before anything changes: a vault that is down leaves the link usable.
        let status = try await vaultStatus(user.id)
        // Read strictly, as at login: a status without `enrolled` must never lead to MFA setup.
        guard let enrolled = status.bool("enrolled") else {
            throw unexpected(.success(status), "status", user: user.id)
        }
        let hash = try await passwords.hash(newPassword)
        let (changed, ended): (UserRecord, Int)
        do {
            (changed, ended) = try await directory.update { (transaction) throws(DirectoryError) -> (UserRecord, Int) in
                guard var current = transaction.invite(id: link.id), current.isPasswordReset,
                    current.status(at: transaction.now) == .pending
                else { throw DirectoryError(.inviteNotPending, "used") }
                guard var changed = transaction.user(id: user.id), !changed.disabled else { throw .notFound("user") }
                current.usedAt = transaction.now
                transaction.put(current)
                changed.passwordHash = hash
                changed.passwordChangedAt = transaction.now
                transaction.put(changed)
                return (changed, transaction.endSessions(ofUser: user.id))
            }
        } catch {
            if error.code == .storage { throw AuthError.storage }
            audit.record("password.reset", user: user.id, address: address, outcome: "invalid_link", detail: link.id)
            throw AuthError.resetLinkInvalid
        }
        throttle.recordSuccess(email: user.email)
        audit.record("password.reset", user: user.id, address: address, outcome: "ok", detail: "link \(link.id)")
        if ended > 0 {
            audit.record("session.revoked", user: user.id, address: address, outcome: "ended", detail: "count=\(ended)")
        }
        await sendPasswordChangedNotice(user.id, address: address)
        return try await issue(
            user: changed, stage: enrolled ? .password : .setup, replacing: nil, address: address,
            purpose: enrolled ? nil : "required")
    }
}
