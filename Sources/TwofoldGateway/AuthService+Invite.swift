import TwofoldDirectory
import TwofoldWire

extension AuthService {
    /// The invite behind a link's token, if it can still be used.
    public func pendingInvite(token: String) -> InviteRecord? {
        guard DirectoryToken.isWellFormed(token) else { return nil }
        let hash = DirectoryToken.hash(token)
        return directory.read { transaction in
            guard let invite = transaction.invite(tokenHash: hash), invite.status(at: transaction.now) == .pending
            else { return nil }
            return invite
        }
    }

    /// Sign-up from an invite: the invited email and the temporary password, a new password,
    /// and optionally a recovery phone. Creates the user (member of the invite's accounts), uses
    /// up the invite, and starts a session whose only step is setting up MFA.
    public func acceptInvite(
        token: String, email rawEmail: String, temporaryPassword: String, newPassword: String, phone: String?,
        address: String?
    ) async throws(AuthError) -> IssuedSession {
        guard let invite = pendingInvite(token: token) else {
            audit.record("invite.accept", user: nil, address: address, outcome: "invalid")
            throw AuthError.inviteInvalid
        }
        // An address that breaks the rules cannot be the invited one (which passed them).
        let email = EmailAddress.normalize(rawEmail) ?? ""
        let addressKey = address ?? "-"
        if let wait = throttle.retryAfter(email: invite.id, address: addressKey, now: now) {
            throw AuthError(
                "login.throttled", .tooManyRequests, "Too many failed attempts. Try again in a moment.",
                retryAfterMs: wait)
        }
        let check = try await passwords.verifyTemporary(
            temporaryPassword, against: email == invite.email ? invite.temporaryPasswordHash : nil)
        guard case .match = check else {
            throttle.recordFailure(email: invite.id, address: addressKey, now: now)
            audit.record("invite.accept", user: nil, address: address, outcome: "wrong_credentials", detail: invite.id)
            throw AuthError.inviteCredentials
        }
        if let problem = passwords.check(newPassword: newPassword, email: email) { throw problem }
        if newPassword == temporaryPassword {
            throw AuthError("password.reused", .unprocessableContent, "Choose a new password, not the temporary one.")
        }
        let userID = DirectoryToken.identifier("u", bytes: 12)
        let phone = try Self.phoneInput(phone ?? "")
        if !phone.isEmpty {
            let reply = await vault.call("phone.set", ["user": .string(userID), "phone": .string(phone)])
            switch reply {
            case .success: break
            case .failure(let payload) where payload.code == "phone.invalid":
                throw AuthError("phone.invalid", .unprocessableContent, payload.message)
            default: throw unexpected(reply, "phone.set", user: userID)
            }
        }
        let hash = try await passwords.hash(newPassword)
        let user: UserRecord
        do {
            user = try await directory.update { (transaction) throws(DirectoryError) -> UserRecord in
                guard var current = transaction.invite(id: invite.id), current.status(at: transaction.now) == .pending
                else { throw DirectoryError(.inviteNotPending, "used") }
                guard transaction.user(email: email) == nil else { throw DirectoryError(.conflict, "exists") }
                let accounts = current.accounts.filter { transaction.account(id: $0) != nil }
                let user = UserRecord(
                    id: userID, email: email, passwordHash: hash, accounts: accounts, createdAt: transaction.now)
                current.usedAt = transaction.now
                current.userID = userID
                transaction.put(current)
                transaction.put(user)
                return user
            }
        } catch {
            // The vault may already hold this never-created user's phone: forget it (best effort).
            if !phone.isEmpty {
                _ = await vault.call("user.delete", ["user": .string(userID), "actor": .string("gateway:sign-up")])
            }
            if error.code == .storage { throw AuthError.storage }
            throw AuthError.inviteInvalid
        }
        audit.record("invite.accept", user: user.id, address: address, outcome: "ok", detail: invite.id)
        return try await issue(user: user, stage: .setup, replacing: nil, address: address, purpose: "signup")
    }
}
