/// A user the driver can act as: the credentials it chose at sign-up and the TOTP secret it got
/// at enrollment (test data the driver created itself, never a real person's).
public struct LoadUser: Sendable, Equatable {
    /// The vault's user id (the gateway's `u-…`, or the driver's own for vault-only users).
    public var id: String
    /// Nil for users enrolled straight in the vault (the `verify` scenario).
    public var email: String?
    public var password: String?
    public var secret: [UInt8]
    public var phone: String?
    /// The last TOTP step the vault accepted for this user; a code of this step or an earlier
    /// one would be a replay.
    public var lastStep: UInt64
    /// Unix ms of this user's SMS recovery sends, for the vault's cool-down and daily quota.
    public var recoverySends: [Int64]

    public init(
        id: String, email: String? = nil, password: String? = nil, secret: [UInt8], phone: String? = nil,
        lastStep: UInt64, recoverySends: [Int64] = []
    ) {
        self.id = id
        self.email = email
        self.password = password
        self.secret = secret
        self.phone = phone
        self.lastStep = lastStep
        self.recoverySends = recoverySends
    }
}
