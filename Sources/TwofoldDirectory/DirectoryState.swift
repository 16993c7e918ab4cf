/// The directory in memory, with an index for every lookup a flow or an admin operation makes,
/// so none of them scans (issue 21: `invite.create` used to copy every invite to look for a
/// pending one). Users and invites are held in their binary form (about 200 and 120 bytes) and
/// decoded when read; the indexes store slot numbers, not keys (`SlotIndex`).
///
/// A reference type confined to `Directory`'s lock: every access happens inside
/// `state.withLock`, and a transaction reads through this same object, so no change ever copies
/// a table (a value type shared with a transaction would be copied on the next write).
/// `@unchecked Sendable` because the compiler cannot follow that confinement through the
/// transaction handed to a caller's closure; the lock, not this annotation, makes it safe.
final class DirectoryState: @unchecked Sendable {
    var users = SlotTable<[UInt8]>()
    private var userByID = SlotIndex()
    private var userByEmail = SlotIndex()
    private(set) var accounts: [String: AccountRecord] = [:]
    /// Lower-cased name → account id (names are unique case-insensitively).
    private var accountByName: [String: String] = [:]
    private var memberCounts: [String: Int] = [:]
    var invites = SlotTable<[UInt8]>()
    private var inviteByID = SlotIndex()
    /// Open invites (neither used nor revoked; pending, or expired but kept) by token hash and by
    /// email: the only ones a sign-up or the duplicate check of `invite.create` can want.
    private var openInviteByToken: [String: UInt32] = [:]
    private var openInvitesByEmail: [String: [UInt32]] = [:]
    var sessions = SlotTable<SessionRecord>()
    private var sessionByID: [String: UInt32] = [:]
    private var sessionsByUser: [String: Set<String>] = [:]

    // MARK: Reads.

    func user(id: String) -> UserRecord? {
        userSlot(id: id).flatMap { users[$0] }.flatMap(Self.decodeUser)
    }

    func user(email: String) -> UserRecord? {
        userSlot(email: email).flatMap { users[$0] }.flatMap(Self.decodeUser)
    }

    func userSlot(id: String) -> UInt32? { Self.find(id, field: 0, in: users, index: userByID) }
    func userSlot(email: String) -> UInt32? { Self.find(email, field: 1, in: users, index: userByEmail) }

    func account(id: String) -> AccountRecord? { accounts[id] }
    func accountID(named name: String) -> String? { accountByName[name.lowercased()] }
    func memberCount(ofAccount id: String) -> Int { memberCounts[id] ?? 0 }

    func invite(id: String) -> InviteRecord? {
        inviteSlot(id: id).flatMap { invites[$0] }.flatMap(Self.decodeInvite)
    }

    func inviteSlot(id: String) -> UInt32? { Self.find(id, field: 0, in: invites, index: inviteByID) }

    /// The open invite whose link token hashes to `tokenHash` (used and revoked invites keep no
    /// token hash, so they are never found here).
    func openInvite(tokenHash: String) -> InviteRecord? {
        openInviteByToken[tokenHash].flatMap { invites[$0] }.flatMap(Self.decodeInvite)
    }

    /// The open invites for `email` (usually none or one).
    func openInvites(email: String) -> [InviteRecord] {
        (openInvitesByEmail[email] ?? []).compactMap { invites[$0] }.compactMap(Self.decodeInvite)
    }

    func session(id: String) -> SessionRecord? { sessionByID[id].flatMap { sessions[$0] } }
    func sessionIDs(ofUser userID: String) -> Set<String> { sessionsByUser[userID] ?? [] }
    func sessionCount(ofUser userID: String) -> Int { sessionsByUser[userID]?.count ?? 0 }

    var userCount: Int { users.count }
    var inviteCount: Int { invites.count }
    var sessionCount: Int { sessions.count }

    static func decodeUser(_ bytes: [UInt8]) -> UserRecord? {
        bytes.withUnsafeBytes { try? UserRecord(decoding: $0) }
    }

    static func decodeInvite(_ bytes: [UInt8]) -> InviteRecord? {
        bytes.withUnsafeBytes { try? InviteRecord(decoding: $0) }
    }

    /// The slot of the record whose field `number` (0 the id, 1 the email) is `key`.
    private static func find(_ key: String, field number: Int, in table: SlotTable<[UInt8]>, index: SlotIndex)
        -> UInt32?
    {
        var key = key
        return key.withUTF8 { utf8 in
            let wanted = UnsafeRawBufferPointer(utf8)
            return find(wanted, hash: SlotIndex.hash(wanted), field: number, in: table, index: index)
        }
    }

    private static func find(
        _ wanted: UnsafeRawBufferPointer, hash: UInt32, field number: Int, in table: SlotTable<[UInt8]>,
        index: SlotIndex
    ) -> UInt32? {
        index.find(hash: hash) { slot in
            guard let bytes = table[slot] else { return false }
            return bytes.withUnsafeBytes { record in
                guard let range = field(number, in: record) else { return false }
                return UnsafeRawBufferPointer(rebasing: record[range]).elementsEqual(wanted)
            }
        }
    }

    /// The byte range of field `index` of a record (after its kind and version bytes). Records
    /// in the tables were checked in full when they entered, so nil is never expected; it makes
    /// a lookup miss rather than trap.
    static func field(_ index: Int, in record: UnsafeRawBufferPointer) -> Range<Int>? {
        var reader = ByteReader(record, offset: 2)
        for _ in 0..<index { guard (try? reader.range()) != nil else { return nil } }
        return try? reader.range()
    }

    private static func hash(field index: Int, of record: [UInt8]) -> UInt32? {
        record.withUnsafeBytes { bytes in
            field(index, in: bytes).map { SlotIndex.hash(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
        }
    }

    // MARK: Changes.

    /// Applies a change that was checked (items carry their keys), in order. Never fails: a
    /// change is applied whole.
    func apply(_ items: [DirectoryItem]) {
        for item in items {
            switch item {
            case .user(let bytes, let keys): putUser(bytes, keys)
            case .account(let account): putAccount(account)
            case .invite(let bytes, let keys): putInvite(bytes, keys)
            case .session(let session): putSession(session)
            case .endedSession(let id): removeSession(id: id)
            case .droppedInvite(let id): removeInvite(id: id)
            }
        }
    }

    private func putUser(_ bytes: [UInt8], _ keys: UserRecord.Keys) {
        bytes.withUnsafeBytes { buffer in
            let id = UnsafeRawBufferPointer(rebasing: buffer[keys.id])
            let email = UnsafeRawBufferPointer(rebasing: buffer[keys.email])
            let idHash = SlotIndex.hash(id)
            let emailHash = SlotIndex.hash(email)
            if let slot = Self.find(id, hash: idHash, field: 0, in: users, index: userByID), let old = users[slot] {
                let oldKeys = old.withUnsafeBytes { try? UserRecord.keys(in: $0) }
                let sameEmail = old.withUnsafeBytes { record in
                    oldKeys.map { UnsafeRawBufferPointer(rebasing: record[$0.email]).elementsEqual(email) } ?? false
                }
                if !sameEmail {
                    if let oldHash = Self.hash(field: 1, of: old) { userByEmail.remove(slot: slot, hash: oldHash) }
                    userByEmail.insert(slot: slot, hash: emailHash)
                }
                countMembers(removing: oldKeys?.accounts ?? [], adding: keys.accounts)
                users.replace(slot, with: bytes)
            } else {
                let slot = users.insert(bytes)
                userByID.insert(slot: slot, hash: idHash)
                userByEmail.insert(slot: slot, hash: emailHash)
                countMembers(removing: [], adding: keys.accounts)
            }
        }
    }

    private func countMembers(removing old: [String], adding new: [String]) {
        guard old != new else { return }
        for account in Set(old).subtracting(new) {
            let remaining = (memberCounts[account] ?? 1) - 1
            memberCounts[account] = remaining > 0 ? remaining : nil
        }
        for account in Set(new).subtracting(old) { memberCounts[account, default: 0] += 1 }
    }

    private func putAccount(_ account: AccountRecord) {
        if let old = accounts[account.id], accountByName[old.name.lowercased()] == account.id {
            accountByName[old.name.lowercased()] = nil
        }
        accounts[account.id] = account
        accountByName[account.name.lowercased()] = account.id
    }

    private func putInvite(_ bytes: [UInt8], _ keys: InviteRecord.Keys) {
        let slot = bytes.withUnsafeBytes { buffer -> UInt32 in
            let id = UnsafeRawBufferPointer(rebasing: buffer[keys.id])
            let hash = SlotIndex.hash(id)
            if let existing = Self.find(id, hash: hash, field: 0, in: invites, index: inviteByID) {
                unindexOpen(existing)
                invites.replace(existing, with: bytes)
                return existing
            }
            let slot = invites.insert(bytes)
            inviteByID.insert(slot: slot, hash: hash)
            return slot
        }
        if keys.closedAt == nil {
            let (email, tokenHash) = Self.openKeys(bytes, keys)
            openInviteByToken[tokenHash] = slot
            openInvitesByEmail[email, default: []].append(slot)
        }
    }

    /// An open invite's email and token hash, the keys of the open-invite indexes.
    private static func openKeys(_ bytes: [UInt8], _ keys: InviteRecord.Keys) -> (email: String, tokenHash: String) {
        (String(decoding: bytes[keys.email], as: UTF8.self), String(decoding: bytes[keys.tokenHash], as: UTF8.self))
    }

    /// Removes `slot` from the open-invite indexes if it is there.
    private func unindexOpen(_ slot: UInt32) {
        guard let old = invites[slot], let keys = old.withUnsafeBytes({ try? InviteRecord.keys(in: $0) }),
            keys.closedAt == nil
        else { return }
        let (email, tokenHash) = Self.openKeys(old, keys)
        if openInviteByToken[tokenHash] == slot { openInviteByToken[tokenHash] = nil }
        openInvitesByEmail[email]?.removeAll { $0 == slot }
        if openInvitesByEmail[email]?.isEmpty == true { openInvitesByEmail[email] = nil }
    }

    private func removeInvite(id: String) {
        guard let slot = inviteSlot(id: id), let bytes = invites[slot] else { return }
        unindexOpen(slot)
        if let hash = Self.hash(field: 0, of: bytes) { inviteByID.remove(slot: slot, hash: hash) }
        invites.remove(slot)
    }

    private func putSession(_ session: SessionRecord) {
        if let slot = sessionByID[session.id], let old = sessions[slot] {
            if old.userID != session.userID {
                unlink(session: old.id, fromUser: old.userID)
                sessionsByUser[session.userID, default: []].insert(session.id)
            }
            sessions.replace(slot, with: session)
        } else {
            sessionByID[session.id] = sessions.insert(session)
            sessionsByUser[session.userID, default: []].insert(session.id)
        }
    }

    private func removeSession(id: String) {
        guard let slot = sessionByID.removeValue(forKey: id), let session = sessions.remove(slot) else { return }
        unlink(session: id, fromUser: session.userID)
    }

    private func unlink(session id: String, fromUser userID: String) {
        // In place: a copy of the set would make each logout cost the user's session count.
        sessionsByUser[userID]?.remove(id)
        if sessionsByUser[userID]?.isEmpty == true { sessionsByUser[userID] = nil }
    }
}
