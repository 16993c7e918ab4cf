/// The directory in memory, with its indexes.
struct DirectoryState: Sendable {
    var users: [String: UserRecord] = [:]
    var userByEmail: [String: String] = [:]
    var accounts: [String: AccountRecord] = [:]
    var invites: [String: InviteRecord] = [:]
    var inviteByToken: [String: String] = [:]
    var sessions: [String: SessionRecord] = [:]
    var sessionsByUser: [String: Set<String>] = [:]
    /// Log records written since the last compaction.
    var entriesSinceCompaction = 0

    mutating func apply(_ entry: DirectoryEntry) {
        for user in entry.users ?? [] {
            if let old = users[user.id], old.email != user.email { userByEmail[old.email] = nil }
            users[user.id] = user
            userByEmail[user.email] = user.id
        }
        for account in entry.accounts ?? [] { accounts[account.id] = account }
        for invite in entry.invites ?? [] {
            invites[invite.id] = invite
            inviteByToken[invite.tokenHash] = invite.id
        }
        for session in entry.sessions ?? [] {
            sessions[session.id] = session
            sessionsByUser[session.userID, default: []].insert(session.id)
        }
        for id in entry.endedSessions ?? [] {
            guard let session = sessions.removeValue(forKey: id) else { continue }
            sessionsByUser[session.userID]?.remove(id)
            if sessionsByUser[session.userID]?.isEmpty == true { sessionsByUser[session.userID] = nil }
        }
    }

    /// Every live record, as entries for a compacted log.
    func snapshotEntries(batch: Int = 512) -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        if !accounts.isEmpty { entries.append(DirectoryEntry(accounts: Array(accounts.values))) }
        for chunk in Array(users.values).chunked(batch) { entries.append(DirectoryEntry(users: chunk)) }
        for chunk in Array(invites.values).chunked(batch) { entries.append(DirectoryEntry(invites: chunk)) }
        for chunk in Array(sessions.values).chunked(batch) { entries.append(DirectoryEntry(sessions: chunk)) }
        return entries
    }

    var liveRecordCount: Int { users.count + accounts.count + invites.count + sessions.count }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
