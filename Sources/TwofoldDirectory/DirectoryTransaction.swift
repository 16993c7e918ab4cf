/// A change in progress: reads see the directory plus the changes made so far; nothing is
/// visible to others, or written, until the body returns. A body that throws leaves no trace.
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

    public func user(id: String) -> UserRecord? { changedUsers[id] ?? base.users[id] }

    public func user(email: String) -> UserRecord? {
        if let changed = changedUsers.values.first(where: { $0.email == email }) { return changed }
        return base.userByEmail[email].flatMap { user(id: $0) }
    }

    public func account(id: String) -> AccountRecord? { changedAccounts[id] ?? base.accounts[id] }

    public func account(named name: String) -> AccountRecord? {
        let folded = name.lowercased()
        if let changed = changedAccounts.values.first(where: { $0.name.lowercased() == folded }) { return changed }
        return base.accounts.values.first { $0.name.lowercased() == folded && changedAccounts[$0.id] == nil }
    }

    public func invite(id: String) -> InviteRecord? { changedInvites[id] ?? base.invites[id] }

    public func invite(tokenHash: String) -> InviteRecord? {
        base.inviteByToken[tokenHash].flatMap { invite(id: $0) }
            ?? changedInvites.values.first { $0.tokenHash == tokenHash }
    }

    public var invites: [InviteRecord] {
        base.invites.values.map { changedInvites[$0.id] ?? $0 }
            + changedInvites.values.filter { base.invites[$0.id] == nil }
    }

    public func session(id: String) -> SessionRecord? {
        ended.contains(id) ? nil : changedSessions[id] ?? base.sessions[id]
    }

    public func sessionIDs(ofUser userID: String) -> [String] {
        let stored = base.sessionsByUser[userID] ?? []
        let added = changedSessions.values.filter { $0.userID == userID }.map(\.id)
        return Set(stored).union(added).subtracting(ended).sorted()
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
        if base.sessions[id] != nil { ended.insert(id) }
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

    consuming func finish() -> DirectoryEntry {
        var entry = DirectoryEntry()
        if !changedUsers.isEmpty { entry.users = Array(changedUsers.values) }
        if !changedAccounts.isEmpty { entry.accounts = Array(changedAccounts.values) }
        if !changedInvites.isEmpty { entry.invites = Array(changedInvites.values) }
        if !changedSessions.isEmpty { entry.sessions = Array(changedSessions.values) }
        if !ended.isEmpty { entry.endedSessions = ended.sorted() }
        return entry
    }
}
