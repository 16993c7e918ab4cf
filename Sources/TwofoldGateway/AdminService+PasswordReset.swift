import TwofoldDirectory
import TwofoldWire

extension AdminService {
    /// The longest a password-reset link may last: a week (a day unless the operator says).
    static let maximumResetLinkMs: Int64 = 7 * 24 * 3600 * 1000

    /// `user.reset_password`: for a user who cannot use "Forgot password?" (the help article's
    /// "contact your representative"), a one-time link to choose a new password, shown once to the
    /// operator. It revokes the user's earlier pending link. Nothing else changes until the link
    /// is used: the current password keeps working, and after the new one the user still needs the
    /// second factor (`AuthService.usePasswordResetLink`).
    func resetPassword(_ args: Args, actor: String) async throws(DirectoryError) -> [String: JSONValue] {
        let target = try findUser(try args.string("user"))
        let reason = try Self.reason(try args.string("reason"))
        let requested = try args.optionalInt("ttl_ms")
        if let requested, !(60_000...Self.maximumResetLinkMs).contains(requested) {
            throw DirectoryError(.invalid, "A password-reset link must last between 1 minute and 7 days.")
        }
        let ttl = requested ?? auth.settings.resetLinkLifetimeMs
        let token = DirectoryToken.make()
        let (link, user, revoked) = try await directory.update {
            (transaction) throws(DirectoryError) -> (InviteRecord, UserRecord, Int) in
            guard let user = transaction.user(id: target.id) else { throw .notFound("user") }
            guard !user.disabled else {
                throw DirectoryError(.conflict, "\(user.email) is disabled; enable the user first.")
            }
            var revoked = 0
            for var earlier in transaction.pendingInvites(email: user.email) where earlier.isPasswordReset {
                earlier.revokedAt = transaction.now
                transaction.put(earlier)
                revoked += 1
            }
            var link = InviteRecord(
                id: DirectoryToken.identifier("r", bytes: 8), tokenHash: DirectoryToken.hash(token), email: user.email,
                accounts: [], temporaryPasswordHash: "", createdAt: transaction.now,
                expiresAt: transaction.now + ttl, createdBy: actor)
            link.userID = user.id
            link.purpose = .passwordReset
            transaction.put(link)
            return (link, user, revoked)
        }
        audit.record(
            "password.reset_link", user: user.id, address: actor, outcome: "created",
            detail: "\(link.id) revoked=\(revoked) reason=\(reason)")
        let base =
            auth.settings.publicURL.hasSuffix("/")
            ? String(auth.settings.publicURL.dropLast()) : auth.settings.publicURL
        return [
            "user": userObject(user), "link": .string(base + "/reset/" + token),
            "expires_at": .integer(link.expiresAt),
        ]
    }
}
