/// One record's new state inside a change. Users and invites keep their binary form (that is
/// how the directory holds them in memory) together with the keys its indexes need, taken when
/// the bytes were checked; accounts and sessions are decoded (few, or hot).
enum DirectoryItem {
    case user([UInt8], UserRecord.Keys)
    case account(AccountRecord)
    case invite([UInt8], InviteRecord.Keys)
    case session(SessionRecord)
    case endedSession(String)
    case droppedInvite(String)

    static func user(_ user: UserRecord) throws(ByteReader.Malformed) -> DirectoryItem {
        let bytes = user.encoded()
        let keys = bytes.withUnsafeBytes { buffer in
            Result { () throws(ByteReader.Malformed) in try UserRecord.keys(in: buffer) }
        }
        return .user(bytes, try keys.get())
    }

    /// An invite as stored: once used or revoked its token hash and temporary-password hash
    /// are blanked, since nothing can use them any more and they need not stay on disk.
    static func invite(_ invite: InviteRecord) throws(ByteReader.Malformed) -> DirectoryItem {
        var stored = invite
        if invite.usedAt != nil || invite.revokedAt != nil {
            stored.tokenHash = ""
            stored.temporaryPasswordHash = ""
        }
        let bytes = stored.encoded()
        let keys = bytes.withUnsafeBytes { buffer in
            Result { () throws(ByteReader.Malformed) in try InviteRecord.keys(in: buffer) }
        }
        return .invite(bytes, try keys.get())
    }

    /// The item's binary form, as it appears in a change payload.
    var encoded: [UInt8] {
        switch self {
        case .user(let bytes, _): bytes
        case .invite(let bytes, _): bytes
        case .account(let account): account.encoded()
        case .session(let session): session.encoded()
        case .endedSession(let id): Tombstone.encoded(.endedSession, id: id)
        case .droppedInvite(let id): Tombstone.encoded(.droppedInvite, id: id)
        }
    }

    /// Decodes one item, checking its whole structure (users and invites are kept as bytes: a
    /// million of them load without decoding a string they do not index).
    init(decoding bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        guard let first = bytes.first, let kind = ItemKind(rawValue: first) else { throw ByteReader.Malformed() }
        switch kind {
        case .user: self = .user(Array(bytes), try UserRecord.keys(in: bytes))
        case .invite: self = .invite(Array(bytes), try InviteRecord.keys(in: bytes))
        case .account: self = .account(try AccountRecord(decoding: bytes))
        case .session: self = .session(try SessionRecord(decoding: bytes))
        case .endedSession: self = .endedSession(try Tombstone.id(decoding: bytes, kind: .endedSession))
        case .droppedInvite: self = .droppedInvite(try Tombstone.id(decoding: bytes, kind: .droppedInvite))
        }
    }
}

/// What one record of the directory's log (or one frame of its snapshot) holds, told apart by
/// the first byte: `{` is a format-1 JSON `DirectoryEntry` (read for upgrades, written only by
/// `Directory.rewriteInFormat1`), 2 a binary change, 3 a snapshot marker, 4 a snapshot's end.
enum LogPayload {
    case format1(DirectoryEntry)
    case change([DirectoryItem])
    case marker(UInt64)
    case snapshotEnd(records: UInt64)

    static let changeTag: UInt8 = 2
    static let markerTag: UInt8 = 3
    static let snapshotEndTag: UInt8 = 4

    /// A change payload: the tag, the item count, then each item behind its length.
    static func encodeChange(_ items: [[UInt8]]) -> [UInt8] {
        var writer = ByteWriter(capacity: 8 + items.reduce(0) { $0 + $1.count + 3 })
        writer.u8(changeTag)
        writer.count(items.count)
        for item in items { writer.lengthPrefixed(item) }
        return writer.bytes
    }

    static func encodeMarker(_ id: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 9)
        writer.u8(markerTag)
        writer.u64(id)
        return writer.bytes
    }

    static func encodeSnapshotEnd(records: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 9)
        writer.u8(snapshotEndTag)
        writer.u64(records)
        return writer.bytes
    }

    /// The marker id when `payload` is a marker (cheap: no other decoding).
    static func markerID(_ payload: [UInt8]) -> UInt64? {
        guard payload.count == 9, payload[0] == markerTag else { return nil }
        return payload[1...].reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func decode(_ payload: UnsafeRawBufferPointer) throws(DecodeFailure) -> LogPayload {
        guard let first = payload.first else { throw .malformed }
        switch first {
        case UInt8(ascii: "{"):
            return .format1(try DirectoryEntry.decodeFormat1(payload))
        case changeTag:
            var reader = ByteReader(payload, offset: 1)
            do {
                let count = try reader.count()
                var items: [DirectoryItem] = []
                items.reserveCapacity(count)
                for _ in 0..<count {
                    let range = try reader.range()
                    items.append(try DirectoryItem(decoding: UnsafeRawBufferPointer(rebasing: payload[range])))
                }
                guard reader.isAtEnd else { throw ByteReader.Malformed() }
                return .change(items)
            } catch {
                throw .malformed
            }
        case markerTag, snapshotEndTag:
            var reader = ByteReader(payload, offset: 1)
            guard let value = try? reader.u64(), reader.isAtEnd else { throw .malformed }
            return first == markerTag ? .marker(value) : .snapshotEnd(records: value)
        default:
            throw .unknownFormat(first)
        }
    }

    enum DecodeFailure: Error {
        case malformed
        /// A first byte this build does not know: written by a newer build.
        case unknownFormat(UInt8)
    }
}
