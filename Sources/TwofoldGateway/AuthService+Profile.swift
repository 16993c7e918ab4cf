import TwofoldDirectory
import TwofoldWire

/// What the Security tab shows about the user's MFA and phone (from the vault's `status`).
public struct SecurityStatus: Sendable, Equatable {
    public let enrolled: Bool
    public let smsRecovery: String
    public let phoneMasked: String?
    public let countryName: String?
    /// The unused backup codes (`status`'s `backup_codes_left`); nil when the vault did not say.
    public var backupCodesLeft: Int? = nil
}

extension AuthService {
    /// The signed-in user and the account being viewed.
    public func signedIn(_ session: SessionRecord?) throws(AuthError) -> (
        session: SessionRecord, user: UserRecord, account: AccountRecord?, accounts: [AccountRecord]
    ) {
        let (session, user) = try require(session, in: [.full])
        let accounts = user.accounts.compactMap { directory.account(id: $0) }
        let account = session.accountID.flatMap { id in accounts.first { $0.id == id } }
        return (session, user, account, accounts)
    }

    /// Picks the account to view (a user on several accounts; MFA stays per user).
    public func selectAccount(_ session: SessionRecord?, accountID: String, address: String?) async throws(AuthError)
        -> AccountRecord
    {
        let (session, user) = try require(session, in: [.full])
        guard user.accounts.contains(accountID), let account = directory.account(id: accountID) else {
            throw AuthError.notMember
        }
        do {
            try await directory.update { transaction in
                guard var current = transaction.session(id: session.id) else { return }
                current.accountID = accountID
                transaction.put(current)
            }
        } catch {
            throw AuthError.storage
        }
        audit.record("account.select", user: user.id, address: address, outcome: "ok", detail: accountID)
        return account
    }

    public func securityStatus(_ session: SessionRecord?) async throws(AuthError) -> SecurityStatus {
        let (_, user) = try require(session, in: [.full])
        let status = try await vaultStatus(user.id)
        return SecurityStatus(
            enrolled: status.bool("enrolled") ?? false, smsRecovery: status.string("sms_recovery") ?? "no_phone",
            phoneMasked: status.string("phone_masked"), countryName: status.string("phone_country_name"),
            backupCodesLeft: status.int("backup_codes_left").map { Int(min(max($0, 0), 100)) })
    }

    /// The longest name My Profile takes, in UTF-8 bytes (100 characters of most scripts).
    static let maximumNameBytes = 200

    /// Sets (or, when blank, removes) the name shown on My Profile, under the `UserText` rule.
    public func setName(_ session: SessionRecord?, name raw: String, address: String?) async throws(AuthError) {
        let (_, user) = try require(session, in: [.full])
        // Bounded before trimming walks it.
        guard raw.utf8.count <= 4 * Self.maximumNameBytes else { throw AuthError.nameTooLong }
        let name = raw.trimmingWhitespace()
        if !name.isEmpty {
            switch UserText.problem(name, maximumBytes: Self.maximumNameBytes) {
            case nil: break
            case .forbiddenCharacter?:
                throw AuthError(
                    "name.invalid", .unprocessableContent,
                    "A name may not contain control characters or direction overrides.")
            default: throw AuthError.nameTooLong
            }
        }
        do {
            try await directory.update { transaction in
                guard var current = transaction.user(id: user.id) else { return }
                current.name = name.isEmpty ? nil : name
                transaction.put(current)
            }
        } catch {
            throw AuthError.storage
        }
        audit.record("profile.name", user: user.id, address: address, outcome: name.isEmpty ? "removed" : "ok")
    }

    /// Adds or changes the recovery phone. Changing an existing one needs a current code; the
    /// vault enforces it.
    public func setPhone(_ session: SessionRecord?, phone: String, code: String?, address: String?)
        async throws(AuthError)
        -> [String: JSONValue]
    {
        let (_, user) = try require(session, in: [.full])
        var args: [String: JSONValue] = ["user": .string(user.id), "phone": .string(try Self.phoneInput(phone))]
        if let code, !code.isEmpty { args["code"] = .string(Self.digits(code)) }
        let reply = await vault.call("phone.set", args)
        if case .success(let result) = reply {
            audit.record("phone.set", user: user.id, address: address, outcome: "ok")
            return result
        }
        throw phoneFailure(reply, user: user, address: address, event: "phone.set")
    }

    public func clearPhone(_ session: SessionRecord?, code: String?, address: String?) async throws(AuthError) {
        let (_, user) = try require(session, in: [.full])
        var args: [String: JSONValue] = ["user": .string(user.id)]
        if let code, !code.isEmpty { args["code"] = .string(Self.digits(code)) }
        let reply = await vault.call("phone.clear", args)
        if case .success = reply {
            audit.record("phone.clear", user: user.id, address: address, outcome: "ok")
            return
        }
        throw phoneFailure(reply, user: user, address: address, event: "phone.clear")
    }

    private func phoneFailure(_ reply: VaultReply, user: UserRecord, address: String?, event: String)
        -> AuthError
    {
        guard case .failure(let payload) = reply else { return .unavailable }
        audit.record(event, user: user.id, address: address, outcome: payload.detail ?? payload.code)
        if let refused = AuthError.confirmingCodeRefused(payload) { return refused }
        switch payload.code {
        case "phone.invalid": return AuthError("phone.invalid", .unprocessableContent, payload.message)
        default: return unexpected(reply, event, user: user.id)
        }
    }

    /// The longest phone number as typed (spaces, dashes, a `+`, an extension's worth of slack).
    static let maximumPhoneBytes = 64

    /// A phone number as typed, trimmed; refused before the vault sees it when no number could be
    /// that long.
    static func phoneInput(_ raw: String) throws(AuthError) -> String {
        guard raw.utf8.count <= 4 * maximumPhoneBytes else { throw AuthError.phoneTooLong }
        let trimmed = raw.trimmingWhitespace()
        guard trimmed.utf8.count <= maximumPhoneBytes else { throw AuthError.phoneTooLong }
        return trimmed
    }

    /// Changes the password (the current one is required); every other session ends.
    public func changePassword(
        _ session: SessionRecord?, current: String, new: String, address: String?
    ) async throws(AuthError) -> IssuedSession {
        let (session, user) = try require(session, in: [.full])
        try await confirmPassword(user, current, address: address, event: "password.change")
        if let problem = passwords.check(newPassword: new, email: user.email) { throw problem }
        let hash = try await passwords.hash(new)
        let now = self.now
        do {
            try await directory.update { transaction in
                guard var current = transaction.user(id: user.id) else { return }
                current.passwordHash = hash
                current.passwordChangedAt = now
                transaction.put(current)
            }
        } catch {
            throw AuthError.storage
        }
        audit.record("password.change", user: user.id, address: address, outcome: "ok")
        return try await issue(user: user, stage: .full, replacing: session, endingOthers: true, address: address)
    }
}
