/// An account as the gateway's admin socket reports it (`account.*`, `member.*`).
public struct AdminAccount: Decodable, Sendable, Equatable {
    /// An account named inside another record (a user's or an invite's `accounts`).
    public struct Reference: Decodable, Sendable, Equatable {
        public let id: String
        public let name: String
    }

    public let id: String
    public let name: String
    public let members: Int
    /// Unix milliseconds.
    public let createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, members
        case createdAt = "created_at"
    }
}
