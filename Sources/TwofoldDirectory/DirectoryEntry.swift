import Foundation
import TwofoldWire

/// A record of the format-1 log (builds up to the million-user directory, issue 21): JSON
/// (written by Foundation's encoder then, by `JSONValueEncoder` now) holding the complete new state of every record a change touched. Still read, so an
/// upgrade replays old logs as they are; written only by `Directory.rewriteInFormat1`, the
/// rollback path (deploy/README.md).
struct DirectoryEntry: Codable, Sendable {
    var users: [UserRecord]?
    var accounts: [AccountRecord]?
    var invites: [InviteRecord]?
    var sessions: [SessionRecord]?
    /// Ids (token hashes) of sessions that ended.
    var endedSessions: [String]?

    var isEmpty: Bool {
        (users?.isEmpty ?? true) && (accounts?.isEmpty ?? true) && (invites?.isEmpty ?? true)
            && (sessions?.isEmpty ?? true) && (endedSessions?.isEmpty ?? true)
    }

    static func decodeFormat1(_ payload: UnsafeRawBufferPointer) throws(LogPayload.DecodeFailure) -> DirectoryEntry {
        do {
            return try JSONValue.parse(payload).decode(as: DirectoryEntry.self)
        } catch {
            throw .malformed
        }
    }

    /// The same change as items, in the order format 1 applied them.
    func items() throws(ByteReader.Malformed) -> [DirectoryItem] {
        var items: [DirectoryItem] = []
        for user in users ?? [] { items.append(try .user(user)) }
        items += (accounts ?? []).map { .account($0) }
        for invite in invites ?? [] { items.append(try .invite(invite)) }
        items += (sessions ?? []).map { .session($0) }
        items += (endedSessions ?? []).map { .endedSession($0) }
        return items
    }
}
