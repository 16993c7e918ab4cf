import Glibc
import TwofoldCrypto
import TwofoldDirectory
import TwofoldIPC
import TwofoldSystem
import TwofoldWire

/// The operator's side (`protocol/admin.md`), served on the gateway's admin Unix socket (root or
/// a configured group; the server checks SO_PEERCRED first). Invites, users, accounts and MFA
/// resets; every change is audited with the operator's uid as the actor.
public struct AdminService: WireService {
    let auth: AuthService
    let audit: GatewayAudit

    public init(auth: AuthService, audit: GatewayAudit) {
        self.auth = auth
        self.audit = audit
    }

    public let operations: Set<String> = [
        "invite.create", "invite.import", "invite.list", "invite.revoke", "user.list", "user.show", "user.disable",
        "user.enable", "user.reset_mfa", "account.create", "account.list", "account.rename", "member.add",
        "member.remove",
    ]

    var directory: Directory { auth.directory }

    public func handle(
        _ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void
    ) {
        let actor = Self.actor(peer)
        Task {
            do throws(DirectoryError) {
                let result = try await perform(request, actor: actor)
                audit.record("admin.\(request.operation)", user: nil, address: actor, outcome: "ok")
                respond(.success(id: request.id, result: result))
            } catch {
                audit.record("admin.\(request.operation)", user: nil, address: actor, outcome: error.code.rawValue)
                respond(
                    .failure(
                        id: request.id,
                        WireErrorPayload(code: error.code.rawValue, message: error.message, detail: error.detail)))
            }
        }
    }

    /// `operator:<name>` from the peer's uid (`uid:<n>` when the name is unknown).
    static func actor(_ peer: PeerCredentials) -> String {
        if let entry = getpwuid(peer.userID), let name = entry.pointee.pw_name {
            return "operator:" + String(cString: name)
        }
        return "operator:uid:\(peer.userID)"
    }

    private func perform(_ request: WireRequest, actor: String) async throws(DirectoryError) -> [String: JSONValue] {
        let args = Args(values: request.args)
        switch request.operation {
        case "invite.create": return try await createInvite(args, actor: actor)
        case "invite.import": return try await importInvites(args, actor: actor)
        case "invite.list":
            let now = directory.now
            return ["invites": .array(directory.invites().map { inviteObject($0, now: now) })]
        case "invite.revoke":
            let id = try args.string("invite")
            let invite = try await directory.update { (transaction) throws(DirectoryError) -> InviteRecord in
                guard var invite = transaction.invite(id: id) else { throw .notFound("invite") }
                guard invite.status(at: transaction.now) == .pending else {
                    let status = invite.status(at: transaction.now).rawValue
                    throw DirectoryError(.inviteNotPending, "That invite is \(status), not pending.", detail: status)
                }
                invite.revokedAt = transaction.now
                transaction.put(invite)
                return invite
            }
            return ["invite": inviteObject(invite, now: directory.now)]
        case "user.list":
            let users = directory.users().sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            return ["users": .array(users.map(userObject))]
        case "user.show":
            let user = try findUser(try args.string("user"))
            let reply = await auth.vault.call("status", ["user": .string(user.id)])
            var mfa: JSONValue = .null
            if case .success(let status) = reply { mfa = .object(status) }
            return ["user": userObject(user), "mfa": mfa]
        case "user.disable", "user.enable":
            let disable = request.operation == "user.disable"
            let target = try findUser(try args.string("user"))
            let user = try await directory.update { (transaction) throws(DirectoryError) -> UserRecord in
                guard var user = transaction.user(id: target.id) else { throw .notFound("user") }
                user.disabled = disable
                transaction.put(user)
                if disable { transaction.endSessions(ofUser: user.id) }
                return user
            }
            return ["user": userObject(user)]
        case "user.reset_mfa": return try await resetMFA(args, actor: actor)
        default: return try await performAccountOperation(request.operation, args)
        }
    }

    private func performAccountOperation(_ operation: String, _ args: Args) async throws(DirectoryError) -> [String:
        JSONValue]
    {
        switch operation {
        case "account.list": return ["accounts": .array(directory.accounts().map(accountObject))]
        case "account.create":
            let name = try Self.accountName(try args.string("name"))
            let account = try await directory.update { (transaction) throws(DirectoryError) -> AccountRecord in
                guard transaction.account(named: name) == nil else {
                    throw DirectoryError(.conflict, "An account named '\(name)' already exists.")
                }
                let account = AccountRecord(
                    id: DirectoryToken.identifier("a", bytes: 8), name: name, createdAt: transaction.now)
                transaction.put(account)
                return account
            }
            return ["account": accountObject(account)]
        case "account.rename":
            let target = try findAccount(try args.string("account"))
            let name = try Self.accountName(try args.string("name"))
            let account = try await directory.update { (transaction) throws(DirectoryError) -> AccountRecord in
                if let other = transaction.account(named: name), other.id != target.id {
                    throw DirectoryError(.conflict, "An account named '\(name)' already exists.")
                }
                guard var account = transaction.account(id: target.id) else { throw .notFound("account") }
                account.name = name
                transaction.put(account)
                return account
            }
            return ["account": accountObject(account)]
        case "member.add", "member.remove":
            let adding = operation == "member.add"
            let account = try findAccount(try args.string("account"))
            let target = try findUser(try args.string("user"))
            let user = try await directory.update { (transaction) throws(DirectoryError) -> UserRecord in
                guard var user = transaction.user(id: target.id) else { throw .notFound("user") }
                let member = user.accounts.contains(account.id)
                if adding {
                    guard !member else {
                        throw DirectoryError(.conflict, "\(user.email) is already a member of \(account.name).")
                    }
                    user.accounts.append(account.id)
                } else {
                    guard member else {
                        throw DirectoryError(
                            .notFound, "\(user.email) is not a member of \(account.name).", detail: "member")
                    }
                    user.accounts.removeAll { $0 == account.id }
                    // Sessions viewing the account lose it; they pick again.
                    for id in transaction.sessionIDs(ofUser: user.id) {
                        if var session = transaction.session(id: id), session.accountID == account.id {
                            session.accountID = nil
                            transaction.put(session)
                        }
                    }
                }
                transaction.put(user)
                return user
            }
            return ["account": accountObject(directory.account(id: account.id) ?? account), "user": userObject(user)]
        default:
            throw DirectoryError(.invalid, "Unknown operation.")
        }
    }

    private func createInvite(_ args: Args, actor: String) async throws(DirectoryError) -> [String: JSONValue] {
        guard let email = EmailAddress.normalize(try args.string("email")) else {
            throw DirectoryError(
                .invalid,
                "That is not a valid email address (one @, a domain with a dot, at most 200 bytes, no spaces, colons, control characters or direction overrides)."
            )
        }
        let requested = try args.optionalInt("ttl_ms")
        if let requested, !(60_000...90 * 24 * 3600 * 1000).contains(requested) {
            throw DirectoryError(.invalid, "An invite must last between 1 minute and 90 days.")
        }
        let ttl = requested ?? auth.settings.inviteLifetimeMs
        let accountIDs = try args.strings("accounts").map { (name) throws(DirectoryError) in try findAccount(name).id }
        let token = DirectoryToken.make()
        let temporaryPassword = Self.temporaryPassword()
        let hash: String
        do {
            hash = try await auth.passwords.hashTemporary([temporaryPassword]).first ?? ""
        } catch {
            throw DirectoryError(.storage, "The gateway is too busy to create an invite; try again.")
        }
        let invite = try await directory.update { (transaction) throws(DirectoryError) -> InviteRecord in
            if transaction.user(email: email) != nil {
                throw DirectoryError(.conflict, "\(email) already has a user; add it to accounts with member.add.")
            }
            if transaction.pendingInvite(email: email) != nil {
                throw DirectoryError(.conflict, "\(email) already has a pending invite; revoke it first.")
            }
            let invite = InviteRecord(
                id: DirectoryToken.identifier("i", bytes: 8), tokenHash: DirectoryToken.hash(token), email: email,
                accounts: accountIDs.reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                temporaryPasswordHash: hash, createdAt: transaction.now,
                expiresAt: transaction.now + ttl, createdBy: actor)
            transaction.put(invite)
            return invite
        }
        let base =
            auth.settings.publicURL.hasSuffix("/")
            ? String(auth.settings.publicURL.dropLast()) : auth.settings.publicURL
        return [
            "invite": inviteObject(invite, now: directory.now), "link": .string(base + "/invite/" + token),
            "temporary_password": .string(temporaryPassword),
        ]
    }

    /// Ends the user's sessions, asks the vault to reset, then ends them again. Ending them first
    /// makes the answer irrelevant to safety: a reset whose answer is lost (the vault stalled past
    /// the deadline) leaves no session behind; ending them again catches a login that completed
    /// while the vault worked. The vault never starts a reset after its deadline, so "unknown"
    /// means it happened before the deadline or never.
    private func resetMFA(_ args: Args, actor: String) async throws(DirectoryError) -> [String: JSONValue] {
        let target = try findUser(try args.string("user"))
        let raw = try args.string("reason")
        // Bounded before trimming walks it; the vault logs the reason in its audit trail.
        let reason = raw.utf8.count <= 4000 ? raw.trimmingWhitespace() : raw
        switch UserText.problem(reason, maximumBytes: 1000) {
        case nil: break
        case .forbiddenCharacter?:
            throw DirectoryError(
                .invalid, "A reason may not contain control characters or direction overrides.")
        default: throw DirectoryError(.invalid, "A reset needs a reason (at most 1000 bytes).")
        }
        try await endSessions(of: target.id)
        let reply = await auth.vault.call(
            "reset", ["user": .string(target.id), "actor": .string(actor), "reason": .string(reason)])
        switch reply {
        case .success: break
        case .unavailable:
            audit.record("mfa.reset", user: target.id, address: actor, outcome: "vault_unavailable", detail: "operator")
            throw DirectoryError(
                .vaultUnavailable, "The vault is unavailable; the MFA was not reset (the user's sessions were ended).")
        case .outcomeUnknown:
            _ = try? await endSessions(of: target.id)
            audit.record("mfa.reset", user: target.id, address: actor, outcome: "unknown", detail: "operator")
            throw DirectoryError(
                .vaultOutcomeUnknown,
                "the vault did not answer; the reset may or may not have happened: run `twofold user show` "
                    + "(the user's sessions were ended)")
        case .failure(let payload): throw DirectoryError(.invalid, payload.message)
        }
        let user = try await endSessions(of: target.id)
        audit.record("mfa.reset", user: user.id, address: actor, outcome: "ok", detail: "operator")
        return ["user": userObject(user)]
    }

    @discardableResult
    private func endSessions(of userID: String) async throws(DirectoryError) -> UserRecord {
        try await directory.update { (transaction) throws(DirectoryError) -> UserRecord in
            guard let user = transaction.user(id: userID) else { throw .notFound("user") }
            transaction.endSessions(ofUser: user.id)
            return user
        }
    }

    // MARK: Lookups and encoding.

    private func findUser(_ key: String) throws(DirectoryError) -> UserRecord {
        if let user = directory.user(id: key) { return user }
        if let email = EmailAddress.normalize(key), let user = directory.user(email: email) { return user }
        throw .notFound("user")
    }

    func findAccount(_ key: String) throws(DirectoryError) -> AccountRecord {
        if let account = directory.account(id: key) ?? directory.account(named: key) { return account }
        throw .notFound("account")
    }

    /// The longest account name, in UTF-8 bytes (100 characters of most scripts).
    static let maximumAccountNameBytes = 200

    /// An account name as given, trimmed, under the `UserText` rule.
    static func accountName(_ raw: String) throws(DirectoryError) -> String {
        // Bounded before trimming walks it.
        let name = raw.utf8.count <= 4 * maximumAccountNameBytes ? raw.trimmingWhitespace() : raw
        switch UserText.problem(name, maximumBytes: maximumAccountNameBytes) {
        case nil: return name
        case .forbiddenCharacter?:
            throw DirectoryError(
                .invalid, "An account name may not contain control characters or direction overrides.")
        default:
            throw DirectoryError(.invalid, "An account name must be 1 to 200 bytes of text and not blank.")
        }
    }

    /// 16 characters from an alphabet without look-alikes (about 90 bits), grouped for reading.
    static func temporaryPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var characters: [Character] = []
        for index in 0..<16 {
            if index > 0, index % 4 == 0 { characters.append("-") }
            characters.append(alphabet[Int(SecureRandom.uniformInt(below: UInt32(alphabet.count)))])
        }
        return String(characters)
    }

    func accountRefs(_ ids: [String]) -> JSONValue {
        .array(
            ids.compactMap { directory.account(id: $0) }.map {
                .object(["id": .string($0.id), "name": .string($0.name)])
            })
    }

    func inviteObject(_ invite: InviteRecord, now: Int64) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(invite.id), "email": .string(invite.email), "accounts": accountRefs(invite.accounts),
            "status": .string(invite.status(at: now).rawValue), "created_at": .integer(invite.createdAt),
            "expires_at": .integer(invite.expiresAt),
        ]
        if let used = invite.usedAt { fields["used_at"] = .integer(used) }
        if let revoked = invite.revokedAt { fields["revoked_at"] = .integer(revoked) }
        if let user = invite.userID { fields["user"] = .string(user) }
        return .object(fields)
    }

    func userObject(_ user: UserRecord) -> JSONValue {
        .object([
            "id": .string(user.id), "email": .string(user.email),
            "status": .string(user.disabled ? "disabled" : "active"), "accounts": accountRefs(user.accounts),
            "created_at": .integer(user.createdAt),
            "sessions": .integer(Int64(directory.sessionCount(ofUser: user.id))),
        ])
    }

    func accountObject(_ account: AccountRecord) -> JSONValue {
        .object([
            "id": .string(account.id), "name": .string(account.name),
            "members": .integer(Int64(directory.members(ofAccount: account.id))),
            "created_at": .integer(account.createdAt),
        ])
    }
}

/// Typed access to an admin request's arguments; wrong types are `request.invalid`.
struct Args {
    let values: [String: JSONValue]

    func string(_ name: String) throws(DirectoryError) -> String {
        guard case .string(let value) = values[name] else {
            throw DirectoryError(.requestInvalid, "field 'args.\(name)' is missing or not a string")
        }
        return value
    }

    func optionalInt(_ name: String) throws(DirectoryError) -> Int64? {
        switch values[name] {
        case nil, .null?: return nil
        case .integer(let value)?: return value
        default: throw DirectoryError(.requestInvalid, "field 'args.\(name)' must be an integer")
        }
    }

    func strings(_ name: String) throws(DirectoryError) -> [String] {
        switch values[name] {
        case nil, .null?: return []
        case .array(let items)?:
            return try items.map { (item) throws(DirectoryError) -> String in
                guard case .string(let value) = item else {
                    throw DirectoryError(.requestInvalid, "field 'args.\(name)' must be an array of strings")
                }
                return value
            }
        default: throw DirectoryError(.requestInvalid, "field 'args.\(name)' must be an array of strings")
        }
    }
}
