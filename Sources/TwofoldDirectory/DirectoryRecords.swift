/// A person who can sign in. The email is the login name (stored trimmed and lower-cased); the
/// password is kept only as a self-describing scrypt string (`TwofoldPasswords`). Whether the user
/// has an authenticator is the vault's business, not recorded here.
public struct UserRecord: Codable, Sendable, Equatable {
    public var id: String
    public var email: String
    public var passwordHash: String
    public var disabled: Bool
    /// The accounts the user belongs to, in the order they were added.
    public var accounts: [String]
    public var createdAt: Int64
    public var passwordChangedAt: Int64
    /// The name the user gave on My Profile (`UserText`, at most 200 bytes); nil until then.
    public var name: String?

    public init(id: String, email: String, passwordHash: String, accounts: [String], createdAt: Int64) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.disabled = false
        self.accounts = accounts
        self.createdAt = createdAt
        self.passwordChangedAt = createdAt
    }
}

/// A customer account (tenant) that users are members of. MFA is per user, never per account.
public struct AccountRecord: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Int64

    public init(id: String, name: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An operator's one-time link: single use, expiring. Only a hash of the link's token (and, for a
/// sign-up, an scrypt hash of the temporary password) are kept; both were shown once, to the
/// operator. Most are invitations to sign up; a `passwordReset` link lets an existing user
/// (`userID`) choose a new password, after which the second factor is still required.
public struct InviteRecord: Codable, Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending, used, revoked, expired
    }

    public enum Purpose: String, Codable, Sendable {
        /// An invitation to create a user (the only kind before password-reset links).
        case signUp = "sign_up"
        /// `twofold user reset-password`: a new password for the user `userID`; no temporary password.
        case passwordReset = "password_reset"
    }

    public var id: String
    public var tokenHash: String
    public var email: String
    public var accounts: [String]
    public var temporaryPasswordHash: String
    public var createdAt: Int64
    public var expiresAt: Int64
    public var usedAt: Int64?
    public var revokedAt: Int64?
    public var userID: String?
    public var createdBy: String
    /// Absent in records written before password-reset links, which are all sign-ups.
    public var purpose: Purpose?

    public var isPasswordReset: Bool { purpose == .passwordReset }

    public init(
        id: String, tokenHash: String, email: String, accounts: [String], temporaryPasswordHash: String,
        createdAt: Int64, expiresAt: Int64, createdBy: String
    ) {
        self.id = id
        self.tokenHash = tokenHash
        self.email = email
        self.accounts = accounts
        self.temporaryPasswordHash = temporaryPasswordHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.createdBy = createdBy
    }

    public func status(at now: Int64) -> Status {
        if usedAt != nil { return .used }
        if revokedAt != nil { return .revoked }
        return now >= expiresAt ? .expired : .pending
    }
}

/// How far a session has come. Each stage reaches only its own pages; a new token is issued at
/// every change of stage.
public enum SessionStage: String, Codable, Sendable {
    /// The password was right; only the code step (and SMS recovery) is reachable, for 5 minutes.
    case password
    /// The user must set up an authenticator before anything else.
    case setup
    /// An SMS recovery code was accepted; only the new authenticator setup is reachable.
    case recovery
    /// Signed in.
    case full
}

/// A session as stored: keyed by the SHA-256 of its token, never the token itself.
public struct SessionRecord: Codable, Sendable, Equatable {
    /// Hex SHA-256 of the token.
    public var id: String
    public var userID: String
    public var stage: SessionStage
    /// The form token of this session (hidden field `csrf`).
    public var csrf: String
    public var createdAt: Int64
    public var stageStartedAt: Int64
    public var lastSeenAt: Int64
    public var accountID: String?
    public var remoteAddress: String?
    /// Why a `setup` session must set up MFA (`signup`, `required`, `reset`), for the page's wording.
    public var purpose: String?

    public init(
        id: String, userID: String, stage: SessionStage, csrf: String, createdAt: Int64, accountID: String?,
        remoteAddress: String?
    ) {
        self.id = id
        self.userID = userID
        self.stage = stage
        self.csrf = csrf
        self.createdAt = createdAt
        self.stageStartedAt = createdAt
        self.lastSeenAt = createdAt
        self.accountID = accountID
        self.remoteAddress = remoteAddress
    }
}
