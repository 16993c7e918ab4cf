/// One record of the directory's log: the complete new state of every record a change touched,
/// so a change spanning several records (an invite used and a user created) is atomic.
struct DirectoryEntry: Codable, Sendable {
    var users: [UserRecord]?
    var accounts: [AccountRecord]?
    var invites: [InviteRecord]?
    var sessions: [SessionRecord]?
    /// Ids (token hashes) of sessions that ended.
    var endedSessions: [String]?

    var isEmpty: Bool {
        (users?.isEmpty ?? true) && (accounts?.isEmpty ?? true) && (invites?.isEmpty ?? true)
            && (sessions?.isEmpty ?? true) && (endedSessions?.isEmpty ?? true)
    }
}
