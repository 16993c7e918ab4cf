/// An invite as the admin socket reports it. Its link and temporary password are not part of
/// it: they exist only in the answer to `invite.create`.
public struct AdminInvite: Decodable, Sendable, Equatable {
    public let id: String
    public let email: String
    public let accounts: [AdminAccount.Reference]
    /// `pending`, `used`, `revoked` or `expired`; shown as sent, so a new status needs no release.
    public let status: String
    public let createdAt: Int64
    public let expiresAt: Int64
    public let usedAt: Int64?
    public let revokedAt: Int64?
    /// The user the invite created, once used.
    public let user: String?

    enum CodingKeys: String, CodingKey {
        case id, email, accounts, status, user
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case revokedAt = "revoked_at"
    }
}
