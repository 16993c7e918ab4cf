import TwofoldSystem
/// A crash-safe, append-only record log in a data directory, shared by many threads.
///
/// Every acknowledged append has been written and `fdatasync`ed, so it survives `kill -9` and
/// power loss. Appends from concurrent callers are group-committed by one writer thread: each
/// write + sync carries everything queued while the previous one ran. `open` replays the log,
/// drops a torn tail left by a crash (reporting it), and refuses to open a log damaged anywhere
/// else. `compact(snapshot:)` replaces the log with the caller's current state, atomically.
/// One store per directory at a time, enforced by `flock` on the directory itself.
///
/// Completions always run on another thread than the caller's, after the call has returned (on
/// the writer thread, or on a callback queue for requests refused at once), so a caller may
/// submit while holding a lock that its completion needs.
///
/// A failed write or sync is a state, not the end: the store refuses every request (`.failed`)
/// while it retries with back-off to cut the log back to its last acknowledged byte, prove the
/// disk takes writes again, and read the log back for its `Owner` to rebuild from (see
/// `RecordStore+Owner`).
public final class RecordStore: Sendable {
    /// What `open` returns: the store, every intact record in order, and what recovery did.
    public struct Opened: Sendable {
        public let store: RecordStore
        public let records: [StoredRecord]
        public let recovery: RecoveryReport
        /// The I/O error that kept `open` from reading the log, or nil. When set, `records` is
        /// empty, the store starts failed, and the records reach the `Owner`'s `rebuild` once
        /// the store recovers.
        public let failure: StoreError?
    }

    let writer: LogWriter
    /// The data directory this store owns.
    public let directory: String

    init(writer: LogWriter, directory: String) {
        self.writer = writer
        self.directory = directory
    }

    /// Appends `payload`. `completion` runs once the record is durable, with its sequence
    /// number, or with the error; always on another thread, after `append` has returned. A
    /// record whose append failed is discarded by the store's recovery; only a crash before
    /// that recovery can leave it in the log (as with any failed fsync).
    public func append(_ payload: [UInt8], completion: @escaping @Sendable (Result<UInt64, StoreError>) -> Void) {
        writer.submit(.append(payload, completion))
    }

    /// Appends `payload` and blocks until it is durable; returns its sequence number. Must not
    /// be called from a completion (the writer thread) or from Swift concurrency's cooperative
    /// pool, which it would starve: use the `async` variant there.
    public func appendAndWait(_ payload: [UInt8]) throws(StoreError) -> UInt64 {
        precondition(!writer.isOnWriterThread, "appendAndWait from a store completion would deadlock")
        return try waitForCompletion { append(payload, completion: $0) }.get()
    }

    /// Appends `payload` and suspends (without blocking a thread) until it is durable.
    public func append(_ payload: [UInt8]) async throws(StoreError) -> UInt64 {
        let result = await awaitCompletion { append(payload, completion: $0) }
        return try result.get()
    }

    /// Replaces the log with one holding exactly `records`, in order, numbered from the next
    /// sequence number; `completion` gets their sequence numbers (asynchronously, like
    /// `append`'s). Submitting does not wait: appends submitted before this call are written to
    /// the old log first and appends submitted after it go to the new one, so the snapshot must
    /// include every record submitted before it. Take the snapshot and submit under the same
    /// lock that orders your appends, and wait for `completion` outside it. A crash at any step
    /// leaves either the old or the new log, complete.
    public func compact(
        snapshot records: [[UInt8]], completion: @escaping @Sendable (Result<Range<UInt64>, StoreError>) -> Void
    ) {
        writer.submit(.compact(records, completion))
    }

    /// `compact(snapshot:completion:)`, blocking until it is done. Not from a completion.
    public func compact(snapshot records: [[UInt8]]) throws(StoreError) -> Range<UInt64> {
        precondition(!writer.isOnWriterThread, "compact from a store completion would deadlock")
        return try waitForCompletion { compact(snapshot: records, completion: $0) }.get()
    }

    /// `compact(snapshot:)` without blocking a thread.
    public func compact(snapshot records: [[UInt8]]) async throws(StoreError) -> Range<UInt64> {
        let result = await awaitCompletion { compact(snapshot: records, completion: $0) }
        return try result.get()
    }

    /// Counters since `open`: appends, syncs, bytes, compactions, failures and refusals.
    public var stats: Stats { writer.stats }

    /// Finishes everything already submitted, then closes the log and releases the lock; later
    /// requests fail with `.closed`. Idempotent. Called from a completion it returns at once and
    /// the writer closes the files after the current batch.
    public func close() {
        writer.shutdown()
    }

    deinit {
        writer.shutdown()
    }
}
