/// A user as the admin socket reports it. `sessions` counts the live sessions.
public struct AdminUser: Decodable, Sendable, Equatable {
    public let id: String
    public let email: String
    /// `active` or `disabled`.
    public let status: String
    public let accounts: [AdminAccount.Reference]
    public let createdAt: Int64
    public let sessions: Int

    enum CodingKeys: String, CodingKey {
        case id, email, status, accounts, sessions
        case createdAt = "created_at"
    }
}
