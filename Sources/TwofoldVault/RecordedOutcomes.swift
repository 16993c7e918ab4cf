/// The answers one user's record keeps by idempotency key (protocol/README.md, Idempotency keys),
/// so that a retry of a change gets the answer of the first attempt instead of running again.
///
/// Entries are kept as bytes, oldest first: `digest (16) · fingerprint (16) · recorded at (i64,
/// Unix ms) · answer (u16 length + bytes)`. The digest names the key (scoped by the peer and the
/// user), the fingerprint the operation and its arguments (`IdempotencyClaim`); the answer is a
/// `RecordedAnswer`. Every operation on a user decodes the record, so the entries stay one blob
/// that only a keyed request parses: the verify path pays one copy, not a parse per entry.
struct RecordedOutcomes: Sendable, Equatable {
    /// Bytes of a digest and of a fingerprint.
    static let digestLength = 16

    struct Entry: Sendable, Equatable {
        let digest: [UInt8]
        let fingerprint: [UInt8]
        let recordedAtMillis: Int64
        var answer: [UInt8]
    }

    private(set) var bytes: [UInt8]

    init(bytes: [UInt8] = []) { self.bytes = bytes }

    var isEmpty: Bool { bytes.isEmpty }

    /// Every entry, oldest first. The bytes were written by the vault and sealed, so damage is not
    /// expected; if there were any, the entries before it are what is read.
    var entries: [Entry] {
        var reader = BinaryReader(bytes)
        var entries: [Entry] = []
        while !reader.isAtEnd {
            guard let digest = try? reader.raw(Self.digestLength), let fingerprint = try? reader.raw(Self.digestLength),
                let recordedAt = try? reader.i64(), let answer = try? reader.mediumBytes()
            else { break }
            entries.append(
                Entry(digest: digest, fingerprint: fingerprint, recordedAtMillis: recordedAt, answer: answer))
        }
        return entries
    }

    /// The live entry recorded under `digest`, or nil (none, or older than the retention).
    func entry(for digest: [UInt8], now: Int64, retentionMillis: Int64) -> Entry? {
        guard !bytes.isEmpty else { return nil }
        return entries.last { $0.digest == digest && Self.isLive($0, now: now, retentionMillis: retentionMillis) }
    }

    /// Adds `entry` (replacing one with the same digest), drops expired ones and keeps at most
    /// `maximumCount`, the oldest going first.
    mutating func record(
        _ entry: Entry, now: Int64, retentionMillis: Int64, maximumCount: Int
    ) throws(BinaryWriter.FieldTooLong) {
        var kept = entries.filter {
            $0.digest != entry.digest && Self.isLive($0, now: now, retentionMillis: retentionMillis)
        }
        kept.append(entry)
        if kept.count > maximumCount { kept.removeFirst(kept.count - max(maximumCount, 1)) }
        try replace(with: kept)
    }

    /// Drops the entries older than the retention (done whenever the record is written anyway).
    mutating func prune(now: Int64, retentionMillis: Int64) throws(BinaryWriter.FieldTooLong) {
        guard !bytes.isEmpty else { return }
        let all = entries
        let live = all.filter { Self.isLive($0, now: now, retentionMillis: retentionMillis) }
        if live.count != all.count { try replace(with: live) }
    }

    /// Replaces the answer recorded under `digest`, if it is still there (a second phase of an
    /// operation, such as the SMS send of `recovery.start`, settling its final answer).
    mutating func replaceAnswer(for digest: [UInt8], with answer: [UInt8]) throws(BinaryWriter.FieldTooLong) {
        var all = entries
        guard let index = all.lastIndex(where: { $0.digest == digest }) else { return }
        all[index].answer = answer
        try replace(with: all)
    }

    private mutating func replace(with entries: [Entry]) throws(BinaryWriter.FieldTooLong) {
        var writer = BinaryWriter(capacity: entries.reduce(0) { $0 + 42 + $1.answer.count })
        for entry in entries {
            writer.raw(entry.digest)
            writer.raw(entry.fingerprint)
            writer.i64(entry.recordedAtMillis)
            try writer.mediumBytes(entry.answer)
        }
        bytes = writer.bytes
    }

    private static func isLive(_ entry: Entry, now: Int64, retentionMillis: Int64) -> Bool {
        // Saturating: a clock set far back makes an entry live longer, never trap.
        let (expiry, overflow) = entry.recordedAtMillis.addingReportingOverflow(retentionMillis)
        return overflow || expiry > now
    }
}
