/// A change in progress: reads see the directory plus the changes made so far; nothing is
/// visible to others, or written, until the body returns. A body that throws leaves no trace.
/// Every read is an index lookup (or a look at this transaction's own few changes): none scans.
public struct DirectoryTransaction: ~Copyable {
    let base: DirectoryState
    var changedUsers: [String: UserRecord] = [:]
    var changedAccounts: [String: AccountRecord] = [:]
    var changedInvites: [String: InviteRecord] = [:]
    var changedSessions: [String: SessionRecord] = [:]
    var ended: Set<String> = []
    public let now: Int64

    init(base: DirectoryState, now: Int64) {
        self.base = base
        self.now = now
    }

    // MARK: Reads.

    public func user(id: String) -> UserRecord? { changedUsers[id] ?? base.user(id: id) }

    public func user(email: String) -> UserRecord? {
        if let changed = changedUsers.values.first(where: { $0.email == email }) { return changed }
        guard let stored = base.user(email: email) else { return nil }
        // Changed in this transaction to another email: no longer this one's.
        return changedUsers[stored.id] == nil ? stored : nil
    }

    public func account(id: String) -> AccountRecord? { changedAccounts[id] ?? base.account(id: id) }

    /// The account named `name`, compared case-insensitively.
    public func account(named name: String) -> AccountRecord? {
        let folded = name.lowercased()
        if let changed = changedAccounts.values.first(where: { $0.name.lowercased() == folded }) { return changed }
        guard let id = base.accountID(named: name), changedAccounts[id] == nil else { return nil }
        return base.account(id: id)
    }

    public func invite(id: String) -> InviteRecord? { changedInvites[id] ?? base.invite(id: id) }

    /// The open (neither used nor revoked) invite whose link token hashes to `tokenHash`; check
    /// its status, since an open invite may have expired.
    public func invite(tokenHash: String) -> InviteRecord? {
        if let changed = changedInvites.values.first(where: { $0.tokenHash == tokenHash && $0.isOpen }) {
            return changed
        }
        guard let stored = base.openInvite(tokenHash: tokenHash) else { return nil }
        let current = changedInvites[stored.id] ?? stored
        return current.isOpen ? current : nil
    }

    /// The pending invite for `email`, if there is one.
    public func pendingInvite(email: String) -> InviteRecord? {
        let candidates =
            base.openInvites(email: email).map { changedInvites[$0.id] ?? $0 }
            + changedInvites.values.filter { $0.email == email }
        return candidates.first { $0.email == email && $0.status(at: now) == .pending }
    }

    public func session(id: String) -> SessionRecord? {
        ended.contains(id) ? nil : changedSessions[id] ?? base.session(id: id)
    }

    public func sessionIDs(ofUser userID: String) -> [String] {
        let stored = base.sessionIDs(ofUser: userID)
        let added = changedSessions.values.filter { $0.userID == userID }.map(\.id)
        return stored.union(added).subtracting(ended).sorted()
    }

    // MARK: Writes.

    public mutating func put(_ user: UserRecord) { changedUsers[user.id] = user }
    public mutating func put(_ account: AccountRecord) { changedAccounts[account.id] = account }
    public mutating func put(_ invite: InviteRecord) { changedInvites[invite.id] = invite }

    public mutating func put(_ session: SessionRecord) {
        ended.remove(session.id)
        changedSessions[session.id] = session
    }

    public mutating func endSession(id: String) {
        changedSessions[id] = nil
        if base.session(id: id) != nil { ended.insert(id) }
    }

    /// Ends every session of `userID` except `keeping`; returns how many ended.
    @discardableResult
    public mutating func endSessions(ofUser userID: String, keeping: String? = nil) -> Int {
        var count = 0
        for id in sessionIDs(ofUser: userID) where id != keeping {
            endSession(id: id)
            count += 1
        }
        return count
    }

    var isEmpty: Bool {
        changedUsers.isEmpty && changedAccounts.isEmpty && changedInvites.isEmpty && changedSessions.isEmpty
            && ended.isEmpty
    }

    /// The change as items, in a fixed order (users, accounts, invites, sessions, ended sessions).
    consuming func finish() throws(ByteReader.Malformed) -> [DirectoryItem] {
        var items: [DirectoryItem] = []
        for user in changedUsers.values.sorted(by: { $0.id < $1.id }) { items.append(try .user(user)) }
        items += changedAccounts.values.sorted { $0.id < $1.id }.map { .account($0) }
        for invite in changedInvites.values.sorted(by: { $0.id < $1.id }) { items.append(try .invite(invite)) }
        items += changedSessions.values.sorted { $0.id < $1.id }.map { .session($0) }
        items += ended.sorted().map { .endedSession($0) }
        return items
    }
}

extension InviteRecord {
    /// Neither used nor revoked: pending, or expired (still shown as such until dropped).
    var isOpen: Bool { usedAt == nil && revokedAt == nil }
}
