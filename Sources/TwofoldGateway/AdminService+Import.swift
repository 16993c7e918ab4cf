import TwofoldDirectory
import TwofoldWire

/// `invite.import` (protocol/admin.md): bulk onboarding. A request carries up to
/// `importBatchLimit` rows; the accepted ones become invites in one directory change (one
/// durable write for the batch) and every row gets its own outcome, in order, so one bad row
/// never holds up the others and the operator sees exactly which rows were refused and why.
extension AdminService {
    /// The most rows one request may carry (the CLI sends 200 at a time).
    static let importBatchLimit = 1000

    private enum Row: Sendable {
        case refused(DirectoryError)
        case candidate(email: String, accounts: [String])
    }

    private struct Created: Sendable {
        let invite: InviteRecord
        let token: String
        let temporaryPassword: String
    }

    func importInvites(_ args: Args, actor: String) async throws(DirectoryError) -> [String: JSONValue] {
        guard case .array(let values)? = args.values["invites"] else {
            throw DirectoryError(.requestInvalid, "field 'args.invites' is missing or not an array")
        }
        guard (1...Self.importBatchLimit).contains(values.count) else {
            throw DirectoryError(.invalid, "An import request carries 1 to \(Self.importBatchLimit) invites.")
        }
        let requested = try args.optionalInt("ttl_ms")
        if let requested, !(60_000...90 * 24 * 3600 * 1000).contains(requested) {
            throw DirectoryError(.invalid, "An invite must last between 1 minute and 90 days.")
        }
        let ttl = requested ?? auth.settings.inviteLifetimeMs

        var rows: [Row] = []
        var seen: Set<String> = []
        for (index, value) in values.enumerated() {
            let row = try parseRow(value, at: index)
            if case .candidate(let email, _) = row, !seen.insert(email).inserted {
                rows.append(.refused(DirectoryError(.conflict, "\(email) appears more than once in this import.")))
            } else {
                rows.append(row)
            }
        }

        let candidates = rows.indices.filter { if case .candidate = rows[$0] { true } else { false } }
        let tokens = candidates.map { _ in DirectoryToken.make() }
        let passwords = candidates.map { _ in Self.temporaryPassword() }
        let hashes: [String]
        do {
            hashes = try await auth.passwords.hashTemporary(passwords)
        } catch {
            throw DirectoryError(.storage, "The gateway is too busy to create invites; try again.")
        }

        let outcomes = try await directory.update {
            (transaction) throws(DirectoryError) -> [Int: Result<InviteRecord, DirectoryError>] in
            var outcomes: [Int: Result<InviteRecord, DirectoryError>] = [:]
            for (position, index) in candidates.enumerated() {
                guard case .candidate(let email, let accounts) = rows[index] else { continue }
                if transaction.user(email: email) != nil {
                    outcomes[index] = .failure(
                        DirectoryError(.conflict, "\(email) already has a user; add it to accounts with member.add."))
                    continue
                }
                if transaction.pendingInvite(email: email) != nil {
                    outcomes[index] = .failure(
                        DirectoryError(.conflict, "\(email) already has a pending invite; revoke it first."))
                    continue
                }
                let invite = InviteRecord(
                    id: DirectoryToken.identifier("i", bytes: 8), tokenHash: DirectoryToken.hash(tokens[position]),
                    email: email, accounts: accounts, temporaryPasswordHash: hashes[position],
                    createdAt: transaction.now, expiresAt: transaction.now + ttl, createdBy: actor)
                transaction.put(invite)
                outcomes[index] = .success(invite)
            }
            return outcomes
        }

        let positions = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
        let now = directory.now
        var results: [JSONValue] = []
        var created = 0
        for (index, row) in rows.enumerated() {
            switch (row, outcomes[index]) {
            case (.refused(let error), _), (_, .failure(let error)?):
                results.append(.object(["error": Self.errorObject(error)]))
            case (.candidate, .success(let invite)?):
                guard let position = positions[index] else { continue }
                created += 1
                results.append(
                    .object([
                        "invite": inviteObject(invite, now: now), "link": .string(inviteLink(tokens[position])),
                        "temporary_password": .string(passwords[position]),
                    ]))
            case (.candidate, nil):
                results.append(.object(["error": Self.errorObject(DirectoryError(.invalid, "Not processed."))]))
            }
        }
        audit.record(
            "invite.import", user: nil, address: actor, outcome: "ok",
            detail: "created=\(created) refused=\(rows.count - created)")
        return ["results": .array(results)]
    }

    /// One row's checks that need no lock. A row of the wrong shape fails the whole request
    /// (`request.invalid`, as any mistyped argument: a client bug); a wrong value (an email
    /// that breaks the rules, an unknown account) refuses that row only.
    private func parseRow(_ value: JSONValue, at index: Int) throws(DirectoryError) -> Row {
        let field = "args.invites[\(index)]"
        guard case .object(let fields) = value else {
            throw DirectoryError(.requestInvalid, "field '\(field)' is not an object")
        }
        guard case .string(let raw)? = fields["email"] else {
            throw DirectoryError(.requestInvalid, "field '\(field).email' is missing or not a string")
        }
        var names: [String] = []
        switch fields["accounts"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .string(let name) = item else {
                    throw DirectoryError(.requestInvalid, "field '\(field).accounts' must be an array of strings")
                }
                names.append(name)
            }
        default:
            throw DirectoryError(.requestInvalid, "field '\(field).accounts' must be an array of strings")
        }
        guard let email = EmailAddress.normalize(raw) else {
            return .refused(DirectoryError(.invalid, "That is not a valid email address."))
        }
        var accounts: [String] = []
        for name in names {
            guard let account = try? findAccount(name) else {
                let shown = name.count > 100 ? String(name.prefix(100)) + "…" : name
                return .refused(
                    DirectoryError(.notFound, "No account has the id or name '\(shown)'.", detail: "account"))
            }
            if !accounts.contains(account.id) { accounts.append(account.id) }
        }
        return .candidate(email: email, accounts: accounts)
    }

    static func errorObject(_ error: DirectoryError) -> JSONValue {
        var fields: [String: JSONValue] = ["code": .string(error.code.rawValue), "message": .string(error.message)]
        if let detail = error.detail { fields["detail"] = .string(detail) }
        return .object(fields)
    }

    func inviteLink(_ token: String) -> String {
        let base = auth.settings.publicURL
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/invite/" + token
    }
}
