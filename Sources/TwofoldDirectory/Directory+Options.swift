import TwofoldStore

extension Directory {
    /// Retention, compaction and test hooks for `Directory.open`.
    public struct Options: Sendable {
        /// How long an ended invite (used, revoked, or expired) stays listed by `invite.list`
        /// after it ended; compaction drops it afterwards. 30 days by default.
        public var inviteRetentionMs: Int64 = 30 * 24 * 3600 * 1000
        /// When a session is over; compaction drops the sessions it calls expired. Without it
        /// sessions end only when told to.
        public var sessionLifetime: SessionLifetime?
        /// The log is compacted once it holds this many bytes more than an eighth of the
        /// snapshot's size: a large directory is not rewritten for a few changes, and a restart
        /// never reads more than that much log besides the snapshot (at a million users, 77 MB
        /// at most against a 357 MB snapshot, which bounds the restart's time and memory).
        public var compactionLogBytes = 32 << 20
        /// Compaction runs by itself on its own thread (the gateway); off, only `compact()`
        /// runs it (tools and tests).
        public var compactsAutomatically = true
        /// Records copied per hold of the lock while compaction walks the directory.
        public var compactionChunk = 4096
        /// Told about each compaction and each failure, on the compaction thread with no lock held.
        public var events: (@Sendable (DirectoryEvent) -> Void)?
        /// The record store's options (fault injection in tests).
        public var store = RecordStore.Options()
        /// Test hook called at each step of a compaction: throwing there stops it the way a
        /// crash would (files left as they are, the directory failed until reopened).
        public var compactionFaultHook: (@Sendable (CompactionStep) throws -> Void)?

        public init() {}
    }

    /// The points of a compaction a test can stop it at, named after what has just happened.
    public enum CompactionStep: String, Sendable, CaseIterable {
        /// The marker is durable in the log; the snapshot is not started.
        case markerDurable
        /// The pending snapshot file is complete and synced, not yet renamed.
        case snapshotWritten
        /// The snapshot is in place (renamed, folder synced); the log is not yet rewritten.
        case snapshotInstalled
    }

    /// What the directory reports for the daemon's log.
    public enum DirectoryEvent: Sendable {
        case compacted(CompactionReport)
        case compactionFailed(DirectoryError)
    }

    /// One compaction: what it kept and dropped, and how long it took.
    public struct CompactionReport: Sendable, Equatable, CustomStringConvertible {
        public var users = 0
        public var accounts = 0
        public var invites = 0
        public var sessions = 0
        public var droppedInvites = 0
        public var droppedSessions = 0
        /// Changes made while the snapshot was written, kept in the new log behind it.
        public var changesCarried = 0
        public var snapshotBytes: Int64 = 0
        public var milliseconds: Int64 = 0

        public init() {}

        public var description: String {
            "\(users) users, \(accounts) accounts, \(invites) invites, \(sessions) sessions kept; "
                + "\(droppedInvites) invites past retention and \(droppedSessions) expired sessions dropped; "
                + "\(changesCarried) changes carried; snapshot \(snapshotBytes) bytes in \(milliseconds) ms"
        }
    }
}

/// When a session is over: idle too long, too old, or a password stage past its minutes. The
/// gateway's session check and the directory's compaction use this one rule.
public struct SessionLifetime: Sendable, Equatable {
    public var idleMs: Int64
    public var absoluteMs: Int64
    public var passwordStageMs: Int64

    public init(idleMs: Int64, absoluteMs: Int64, passwordStageMs: Int64) {
        self.idleMs = idleMs
        self.absoluteMs = absoluteMs
        self.passwordStageMs = passwordStageMs
    }

    public func isExpired(_ session: SessionRecord, at now: Int64) -> Bool {
        now - session.lastSeenAt > idleMs || now - session.createdAt > absoluteMs
            || (session.stage == .password && now - session.stageStartedAt > passwordStageMs)
    }
}

extension InviteRecord {
    /// When it stopped being usable (used, revoked, or expired), or nil while it is pending.
    public func endedAt(now: Int64) -> Int64? {
        if let usedAt { return usedAt }
        if let revokedAt { return revokedAt }
        return now >= expiresAt ? expiresAt : nil
    }
}
