/// The binary form of each directory record (docs/store-format.md, "Directory records"). Every
/// record starts with its kind and its own version, so one kind can evolve without a new log
/// format: a reader refuses a version it does not know ("written by a newer build") instead of
/// guessing. The id is always the first field and a user's or invite's email the second, so the
/// in-memory indexes read them without decoding the rest.
enum ItemKind: UInt8 {
    case user = 1
    case account = 2
    case invite = 3
    case session = 4
    /// A session that ended: its id.
    case endedSession = 5
    /// An ended invite dropped after the retention period: its id.
    case droppedInvite = 6
}

enum RecordVersion {
    static let user: UInt8 = 1
    static let account: UInt8 = 1
    static let invite: UInt8 = 1
    static let session: UInt8 = 1
    static let tombstone: UInt8 = 1
}

extension ByteReader {
    /// Checks the kind and version at the start of an item and moves past them.
    mutating func header(_ kind: ItemKind, version: UInt8) throws(Malformed) {
        guard try u8() == kind.rawValue, try u8() == version else { throw Malformed() }
    }
}

extension UserRecord {
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + email.utf8.count + passwordHash.utf8.count + 24 * accounts.count)
        writer.u8(ItemKind.user.rawValue)
        writer.u8(RecordVersion.user)
        writer.string(id)
        writer.string(email)
        writer.string(passwordHash)
        writer.u8(disabled ? 1 : 0)
        writer.int64(createdAt)
        writer.int64(passwordChangedAt)
        writer.strings(accounts)
        return writer.bytes
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var reader = ByteReader(bytes)
        try reader.header(.user, version: RecordVersion.user)
        let id = try reader.string()
        let email = try reader.string()
        let passwordHash = try reader.string()
        let flags = try reader.u8()
        guard flags & ~1 == 0 else { throw ByteReader.Malformed() }
        let createdAt = try reader.int64()
        let passwordChangedAt = try reader.int64()
        let accounts = try reader.strings()
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
        self.init(id: id, email: email, passwordHash: passwordHash, accounts: accounts, createdAt: createdAt)
        self.disabled = flags & 1 != 0
        self.passwordChangedAt = passwordChangedAt
    }

    /// The fields the indexes need, without decoding the rest: byte ranges of the id and the
    /// email, and the account ids (for the member counts). Checks the whole record's structure,
    /// so bytes that pass are bytes `init(decoding:)` reads.
    struct Keys {
        let id: Range<Int>
        let email: Range<Int>
        let accounts: [String]
    }

    static func keys(in bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) -> Keys {
        var reader = ByteReader(bytes)
        try reader.header(.user, version: RecordVersion.user)
        let id = try reader.range()
        let email = try reader.range()
        try reader.skipString()
        guard try reader.u8() & ~1 == 0 else { throw ByteReader.Malformed() }
        _ = try reader.int64()
        _ = try reader.int64()
        let accounts = try reader.strings()
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
        return Keys(id: id, email: email, accounts: accounts)
    }
}

extension AccountRecord {
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 32 + name.utf8.count)
        writer.u8(ItemKind.account.rawValue)
        writer.u8(RecordVersion.account)
        writer.string(id)
        writer.string(name)
        writer.int64(createdAt)
        return writer.bytes
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var reader = ByteReader(bytes)
        try reader.header(.account, version: RecordVersion.account)
        let id = try reader.string()
        let name = try reader.string()
        let createdAt = try reader.int64()
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
        self.init(id: id, name: name, createdAt: createdAt)
    }
}

extension InviteRecord {
    func encoded() -> [UInt8] {
        var writer = ByteWriter(
            capacity: 64 + email.utf8.count + tokenHash.utf8.count + temporaryPasswordHash.utf8.count + 24
                * accounts.count)
        writer.u8(ItemKind.invite.rawValue)
        writer.u8(RecordVersion.invite)
        writer.string(id)
        writer.string(email)
        writer.string(tokenHash)
        writer.string(temporaryPasswordHash)
        writer.strings(accounts)
        writer.int64(createdAt)
        writer.int64(expiresAt)
        writer.string(createdBy)
        var present: UInt8 = 0
        if usedAt != nil { present |= 1 }
        if revokedAt != nil { present |= 2 }
        if userID != nil { present |= 4 }
        writer.u8(present)
        if let usedAt { writer.int64(usedAt) }
        if let revokedAt { writer.int64(revokedAt) }
        if let userID { writer.string(userID) }
        return writer.bytes
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var reader = ByteReader(bytes)
        try reader.header(.invite, version: RecordVersion.invite)
        let id = try reader.string()
        let email = try reader.string()
        let tokenHash = try reader.string()
        let temporaryPasswordHash = try reader.string()
        let accounts = try reader.strings()
        let createdAt = try reader.int64()
        let expiresAt = try reader.int64()
        let createdBy = try reader.string()
        let present = try reader.u8()
        guard present & ~7 == 0 else { throw ByteReader.Malformed() }
        self.init(
            id: id, tokenHash: tokenHash, email: email, accounts: accounts,
            temporaryPasswordHash: temporaryPasswordHash, createdAt: createdAt, expiresAt: expiresAt,
            createdBy: createdBy)
        if present & 1 != 0 { usedAt = try reader.int64() }
        if present & 2 != 0 { revokedAt = try reader.int64() }
        if present & 4 != 0 { userID = try reader.string() }
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
    }

    /// The fields the indexes and retention need, as byte ranges, without decoding the rest.
    /// Checks the whole record's structure, so bytes that pass are bytes `init(decoding:)` reads.
    struct Keys {
        let id: Range<Int>
        let email: Range<Int>
        let tokenHash: Range<Int>
        /// When it was used or revoked; nil while it is open (pending or merely expired).
        let closedAt: Int64?
        let expiresAt: Int64
    }

    static func keys(in bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) -> Keys {
        var reader = ByteReader(bytes)
        try reader.header(.invite, version: RecordVersion.invite)
        let id = try reader.range()
        let email = try reader.range()
        let tokenHash = try reader.range()
        try reader.skipString()
        try reader.skipStrings()
        _ = try reader.int64()
        let expiresAt = try reader.int64()
        try reader.skipString()
        let present = try reader.u8()
        guard present & ~7 == 0 else { throw ByteReader.Malformed() }
        let usedAt = present & 1 != 0 ? try reader.int64() : nil
        let revokedAt = present & 2 != 0 ? try reader.int64() : nil
        if present & 4 != 0 { try reader.skipString() }
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
        return Keys(id: id, email: email, tokenHash: tokenHash, closedAt: usedAt ?? revokedAt, expiresAt: expiresAt)
    }
}

extension SessionRecord {
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 192)
        writer.u8(ItemKind.session.rawValue)
        writer.u8(RecordVersion.session)
        writer.string(id)
        writer.string(userID)
        writer.u8(stage.code)
        writer.string(csrf)
        writer.int64(createdAt)
        writer.int64(stageStartedAt)
        writer.int64(lastSeenAt)
        var present: UInt8 = 0
        if accountID != nil { present |= 1 }
        if remoteAddress != nil { present |= 2 }
        if purpose != nil { present |= 4 }
        writer.u8(present)
        if let accountID { writer.string(accountID) }
        if let remoteAddress { writer.string(remoteAddress) }
        if let purpose { writer.string(purpose) }
        return writer.bytes
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var reader = ByteReader(bytes)
        try reader.header(.session, version: RecordVersion.session)
        let id = try reader.string()
        let userID = try reader.string()
        guard let stage = SessionStage(code: try reader.u8()) else { throw ByteReader.Malformed() }
        let csrf = try reader.string()
        let createdAt = try reader.int64()
        self.init(
            id: id, userID: userID, stage: stage, csrf: csrf, createdAt: createdAt, accountID: nil, remoteAddress: nil)
        stageStartedAt = try reader.int64()
        lastSeenAt = try reader.int64()
        let present = try reader.u8()
        guard present & ~7 == 0 else { throw ByteReader.Malformed() }
        if present & 1 != 0 { accountID = try reader.string() }
        if present & 2 != 0 { remoteAddress = try reader.string() }
        if present & 4 != 0 { purpose = try reader.string() }
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
    }
}

extension SessionStage {
    /// The stage's byte in the binary form; fixed forever, unlike the enum's order.
    var code: UInt8 {
        switch self {
        case .password: 0
        case .setup: 1
        case .recovery: 2
        case .full: 3
        }
    }

    init?(code: UInt8) {
        switch code {
        case 0: self = .password
        case 1: self = .setup
        case 2: self = .recovery
        case 3: self = .full
        default: return nil
        }
    }
}

/// An id-only record: a session that ended, or an invite dropped after its retention period.
enum Tombstone {
    static func encoded(_ kind: ItemKind, id: String) -> [UInt8] {
        var writer = ByteWriter(capacity: 8 + id.utf8.count)
        writer.u8(kind.rawValue)
        writer.u8(RecordVersion.tombstone)
        writer.string(id)
        return writer.bytes
    }

    static func id(decoding bytes: UnsafeRawBufferPointer, kind: ItemKind) throws(ByteReader.Malformed) -> String {
        var reader = ByteReader(bytes)
        try reader.header(kind, version: RecordVersion.tombstone)
        let id = try reader.string()
        guard reader.isAtEnd else { throw ByteReader.Malformed() }
        return id
    }
}
