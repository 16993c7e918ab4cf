/// What `RecordStore.open` found and repaired, for the caller to log. Holds no record contents.
public struct RecoveryReport: Sendable, Equatable, CustomStringConvertible {
    /// The directory had no log, so an empty one was created.
    public let createdLog: Bool
    /// A compaction or creation interrupted before its rename left a pending file, now removed
    /// (the log it would have replaced was still complete).
    public let removedPendingLog: Bool
    /// The torn tail dropped from the log, if any.
    public let tornTail: TornTail?
    /// How many intact records were replayed.
    public let recordCount: Int

    public init(createdLog: Bool, removedPendingLog: Bool, tornTail: TornTail?, recordCount: Int) {
        self.createdLog = createdLog
        self.removedPendingLog = removedPendingLog
        self.tornTail = tornTail
        self.recordCount = recordCount
    }

    /// True when nothing had to be repaired.
    public var isClean: Bool { tornTail == nil && !removedPendingLog }

    public var description: String {
        var parts = ["\(recordCount) records"]
        if createdLog { parts.append("created a new log") }
        if removedPendingLog { parts.append("removed an interrupted compaction's pending log") }
        if let tornTail { parts.append("torn tail: \(tornTail)") }
        return parts.joined(separator: "; ")
    }
}
