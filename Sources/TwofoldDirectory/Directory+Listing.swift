/// Paged listings for the admin socket (`invite.list`, `user.list`, `account.list`): a million
/// records never travel in one answer, and a page costs the records it holds, not a sort of the
/// whole directory.
///
/// Users and invites are listed in the order of the slots they occupy in memory: a record keeps
/// its slot until it is removed, so a walk from page to page sees every record that exists
/// throughout exactly once, whatever changes meanwhile (records created during the walk may or may
/// not appear). Slots are renumbered by a restart or a rebuild from disk, so a cursor names the
/// directory's run and state it belongs to and is refused (`admin.cursor_expired`) by any other.
/// Accounts are few and never removed: they are paged by id.
extension Directory {
    /// One page: each record with the cursor that continues after it, in listing order, and
    /// whether records may follow the last one (a later page may then still turn out empty).
    public struct Page<Record: Sendable>: Sendable {
        public let entries: [Entry]
        public let more: Bool

        public struct Entry: Sendable {
            public let record: Record
            public let next: DirectoryCursor
        }
    }

    /// Up to `limit` users from `cursor` (from the start when nil), in slot order (for users,
    /// who are never removed, the order they were created in).
    public func usersPage(after cursor: DirectoryCursor?, limit: Int) throws(DirectoryError) -> Page<UserRecord> {
        try page(\.users, after: cursor, limit: limit, decode: DirectoryState.decodeUser)
    }

    /// Up to `limit` invites from `cursor` (from the start when nil), in slot order.
    public func invitesPage(after cursor: DirectoryCursor?, limit: Int) throws(DirectoryError) -> Page<InviteRecord> {
        try page(\.invites, after: cursor, limit: limit, decode: DirectoryState.decodeInvite)
    }

    /// Up to `limit` accounts whose id sorts after `id` (from the first when nil), by id, and
    /// whether more follow.
    public func accountsPage(afterID id: String?, limit: Int) -> (accounts: [AccountRecord], more: Bool) {
        let limit = max(1, limit)
        let candidates = state.withLock { guarded -> [AccountRecord] in
            guard let id else { return Array(guarded.data.accounts.values) }
            return guarded.data.accounts.values.filter { $0.id > id }
        }
        let sorted = candidates.sorted { $0.id < $1.id }
        return (Array(sorted.prefix(limit)), sorted.count > limit)
    }

    static let expiredCursor = DirectoryError(
        .cursorExpired,
        "The listing was interrupted: the gateway restarted or reloaded its directory since it began. Start it again."
    )

    /// Slots looked at past a full page to tell whether anything follows.
    private static let lookahead = 4096

    private func page<Record: Sendable>(
        _ table: KeyPath<DirectoryState, SlotTable<[UInt8]>>, after cursor: DirectoryCursor?, limit: Int,
        decode: ([UInt8]) -> Record?
    ) throws(DirectoryError) -> Page<Record> {
        if let cursor, cursor.instance != instance { throw Self.expiredCursor }
        let limit = max(1, limit)
        let chunk = max(1, options.compactionChunk)
        var slot = Int(cursor?.slot ?? 0)
        var raw: [(slot: Int, bytes: [UInt8])] = []
        var generation: UInt64?
        var more = false
        while true {
            // A chunk per hold of the lock, as compaction walks, so a long page never stalls sign-ins.
            let step = state.withLock { guarded -> (done: Bool, generation: UInt64) in
                let slots = guarded.data[keyPath: table]
                let current = guarded.generation
                if let expected = generation ?? cursor?.generation, expected != current { return (true, current) }
                let end = min(slot + chunk, slots.slotCount)
                while slot < end, raw.count < limit {
                    if let bytes = slots[UInt32(slot)] { raw.append((slot, bytes)) }
                    slot += 1
                }
                guard raw.count == limit else { return (slot >= slots.slotCount, current) }
                // Full: is anything left? Look a bounded distance ahead.
                let horizon = min(slot + Self.lookahead, slots.slotCount)
                var ahead = slot
                while ahead < horizon, slots[UInt32(ahead)] == nil { ahead += 1 }
                more = ahead < slots.slotCount
                return (true, current)
            }
            if let expected = generation ?? cursor?.generation, expected != step.generation {
                throw Self.expiredCursor
            }
            generation = step.generation
            if step.done { break }
        }
        let current = generation ?? 0
        let entries = raw.compactMap { item -> Page<Record>.Entry? in
            guard let record = decode(item.bytes) else { return nil }
            let next = DirectoryCursor(instance: instance, generation: current, slot: UInt32(item.slot + 1))
            return Page<Record>.Entry(record: record, next: next)
        }
        return Page(entries: entries, more: more)
    }
}

/// Where a paged listing of users or invites continues: opaque to clients (at most 64 bytes of
/// ASCII), meaningful only to the directory that gave it, in the state it gave it.
public struct DirectoryCursor: Sendable, Hashable, LosslessStringConvertible {
    let instance: UInt64
    let generation: UInt64
    let slot: UInt32

    static let maximumBytes = 64

    init(instance: UInt64, generation: UInt64, slot: UInt32) {
        self.instance = instance
        self.generation = generation
        self.slot = slot
    }

    /// Parses a cursor this type printed; nil for anything else (bounded before any work).
    public init?(_ description: String) {
        guard description.utf8.count <= Self.maximumBytes else { return nil }
        let parts = description.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isCursorByte) }),
            parts[0].utf8.count == 16, let instance = UInt64(parts[0], radix: 16),
            let generation = UInt64(parts[1]), let slot = UInt32(parts[2])
        else { return nil }
        self.init(instance: instance, generation: generation, slot: slot)
    }

    public var description: String {
        let hex = String(instance, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + ".\(generation).\(slot)"
    }

    private static func isCursorByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}
