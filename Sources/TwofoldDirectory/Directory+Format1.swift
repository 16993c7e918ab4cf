import Foundation
import TwofoldSystem
import TwofoldWire

extension Directory {
    /// Rewrites the directory in `path` in format 1, the JSON log of the builds before the
    /// million-user directory, so that such a build can open it again (the rollback in
    /// deploy/README.md). Every record goes into a fresh log, then the snapshot is removed;
    /// password-reset links are dropped, and users' names are written but unknown to those builds.
    /// Crash-safe: the store replaces the log atomically, and a snapshot left beside a log that
    /// does not start with a marker is ignored by this build and unknown to earlier ones.
    /// The directory must not be open elsewhere (the store's lock refuses). Returns the number
    /// of records written.
    public static func rewriteInFormat1(path: String) throws -> Int {
        var options = Options()
        options.compactsAutomatically = false
        let directory = try open(path: path, clock: { 0 }, options: options)
        defer { directory.close() }
        try directory.checkAvailable()
        let (payloads, count) = try directory.format1Log()
        _ = try directory.store.compact(snapshot: payloads)
        _ = try FileSystem.removeFile(DirectorySnapshot.path(in: path))
        try FileSystem.synchronizeDirectory(path)
        return count
    }

    /// Every record as format-1 entries of up to 512 records each, the way format 1 compacted.
    private func format1Log() throws -> ([[UInt8]], Int) {
        let (entries, count) = state.withLock { guarded -> ([DirectoryEntry], Int) in
            let data = guarded.data
            let users = data.users.elements.compactMap { $0.flatMap(DirectoryState.decodeUser) }
            // Password-reset links are left out: a build from before them would read one as an
            // invite (format 1 ignores the purpose field). They are one-time links; issue new ones.
            let invites = data.invites.elements.compactMap { $0.flatMap(DirectoryState.decodeInvite) }
                .filter { !$0.isPasswordReset }
            let sessions = data.sessions.elements.compactMap { $0 }
            var entries: [DirectoryEntry] = []
            if !data.accounts.isEmpty { entries.append(DirectoryEntry(accounts: Array(data.accounts.values))) }
            for chunk in users.chunked(512) { entries.append(DirectoryEntry(users: chunk)) }
            for chunk in invites.chunked(512) { entries.append(DirectoryEntry(invites: chunk)) }
            for chunk in sessions.chunked(512) { entries.append(DirectoryEntry(sessions: chunk)) }
            return (entries, data.accounts.count + users.count + invites.count + sessions.count)
        }
        return (try entries.map { try JSONValueEncoder.encode($0).jsonBytes }, count)
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
