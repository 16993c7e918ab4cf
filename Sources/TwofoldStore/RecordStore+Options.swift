extension RecordStore {
    /// Tuning and test hooks for `RecordStore.open`.
    public struct Options: Sendable {
        /// The largest payload `append` accepts and `open` reads back.
        public var maximumRecordSize: Int
        /// A group commit writes at most this many bytes at once (always at least one record),
        /// which also bounds the torn tail a crash can leave.
        public var maximumBatchBytes: Int
        /// Called at each `FaultPoint`. Throwing a `SystemError` there simulates that syscall
        /// failing (say `ENOSPC` or `EIO`): the store takes its failure path and recovers as it
        /// would from the real error. Throwing anything else simulates the process dying at that
        /// point: the store writes and cleans up nothing more and fails every later request.
        public var faultHook: (@Sendable (FaultPoint) throws -> Void)?
        /// The waits between recovery attempts while the store is failed.
        public var retry: RetryBackoff
        /// While failed, the owner hears `Event.stillFailing` at most this often.
        public var failureReportInterval: Duration
        /// What recovery's `SpaceProbe` reserves before the store accepts writes again.
        public var spaceProbeBytes: Int

        public init(
            maximumRecordSize: Int = RecordCodec.defaultMaximumPayloadSize,
            maximumBatchBytes: Int = 1 << 20,
            faultHook: (@Sendable (FaultPoint) throws -> Void)? = nil,
            retry: RetryBackoff = RetryBackoff(),
            failureReportInterval: Duration = .seconds(60),
            spaceProbeBytes: Int = SpaceProbe.defaultBytes
        ) {
            self.maximumRecordSize = maximumRecordSize
            self.maximumBatchBytes = maximumBatchBytes
            self.faultHook = faultHook
            self.retry = retry
            self.failureReportInterval = failureReportInterval
            self.spaceProbeBytes = spaceProbeBytes
        }
    }

    /// The crash points a `faultHook` can stop the store at, named after what has just happened.
    public enum FaultPoint: String, Sendable, CaseIterable {
        /// A group commit is encoded but nothing is written.
        case batchEncoded
        /// A group commit is written but not yet synced.
        case batchWritten
        /// Compaction created (truncated) the pending file.
        case compactionFileCreated
        /// Compaction wrote the snapshot into the pending file, unsynced.
        case compactionFileWritten
        /// Compaction synced the pending file.
        case compactionFileSynced
        /// Compaction renamed the pending file over the log.
        case compactionRenamed
        /// Compaction synced the directory: the new log is durable.
        case compactionDirectorySynced
        /// Recovery from a failure is about to repair the files. Throwing a `SystemError` here keeps
        /// the store failed for this attempt, as a disk that is still full would (its space probe
        /// fails), so a test decides when the store may recover.
        case recovering
    }

    /// Counters for benchmarks and tests: group commit shows as `fsyncs` well below `appends`.
    public struct Stats: Sendable, Equatable {
        /// Records appended and acknowledged.
        public var appends: Int = 0
        /// Sync calls: one per group commit, two per compaction (the new file and the directory).
        public var fsyncs: Int = 0
        /// Bytes written to log files, framing included.
        public var bytesWritten: Int = 0
        /// Completed compactions.
        public var compactions: Int = 0
        /// Times the store entered its failed state.
        public var failures: Int = 0
        /// Times it recovered from it.
        public var recoveries: Int = 0
        /// Requests refused because the store was failed.
        public var refused: Int = 0

        public init() {}
    }
}
