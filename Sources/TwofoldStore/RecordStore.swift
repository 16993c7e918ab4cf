/// A crash-safe, append-only record log in a data directory, shared by many threads.
///
/// Every acknowledged append has been written and `fdatasync`ed, so it survives `kill -9` and
/// power loss. Appends from concurrent callers are group-committed by one writer thread: each
/// write + sync carries everything queued while the previous one ran. `open` replays the log,
/// drops a torn tail left by a crash (reporting it), and refuses to open a log damaged anywhere
/// else. `compact(snapshot:)` replaces the log with the caller's current state, atomically.
/// One store per directory at a time, enforced by `flock` on `LOCK`.
public final class RecordStore: Sendable {
    /// What `open` returns: the store, every intact record in order, and what recovery did.
    public struct Opened: Sendable {
        public let store: RecordStore
        public let records: [StoredRecord]
        public let recovery: RecoveryReport
    }

    let writer: LogWriter
    /// The data directory this store owns.
    public let directory: String

    init(writer: LogWriter, directory: String) {
        self.writer = writer
        self.directory = directory
    }

    /// Appends `payload`. `completion` runs on the writer thread once the record is durable,
    /// with its sequence number, or with the error; when the store is already closed or failed
    /// it runs on the calling thread before `append` returns. A record whose append reported
    /// an I/O error may or may not be present after reopening (as with any failed fsync).
    public func append(_ payload: [UInt8], completion: @escaping @Sendable (Result<UInt64, StoreError>) -> Void) {
        writer.submit(.append(payload, completion))
    }

    /// Appends `payload` and blocks until it is durable; returns its sequence number. Must not
    /// be called from a completion (the writer thread) or from Swift concurrency's cooperative
    /// pool, which it would starve: use the `async` variant there.
    public func appendAndWait(_ payload: [UInt8]) throws(StoreError) -> UInt64 {
        precondition(!writer.isOnWriterThread, "appendAndWait from a store completion would deadlock")
        let waiter = BlockingWaiter<Result<UInt64, StoreError>>()
        append(payload) { waiter.fulfill($0) }
        return try waiter.wait().get()
    }

    /// Appends `payload` and suspends (without blocking a thread) until it is durable.
    public func append(_ payload: [UInt8]) async throws(StoreError) -> UInt64 {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<UInt64, StoreError>, Never>) in
            append(payload) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Replaces the log with one holding exactly `records`, in order, numbered from the next
    /// sequence number; returns their sequence numbers. Appends submitted before this call are
    /// written to the old log first and appends submitted after it go to the new one, so the
    /// snapshot must include every record submitted before it (take it under the same lock that
    /// orders your appends). A crash at any step leaves either the old or the new log, complete.
    public func compact(snapshot records: [[UInt8]]) throws(StoreError) -> Range<UInt64> {
        precondition(!writer.isOnWriterThread, "compact from a store completion would deadlock")
        let waiter = BlockingWaiter<Result<Range<UInt64>, StoreError>>()
        writer.submit(.compact(records) { waiter.fulfill($0) })
        return try waiter.wait().get()
    }

    /// `compact(snapshot:)` without blocking a thread.
    public func compact(snapshot records: [[UInt8]]) async throws(StoreError) -> Range<UInt64> {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Range<UInt64>, StoreError>, Never>) in
            writer.submit(.compact(records) { continuation.resume(returning: $0) })
        }
        return try result.get()
    }

    /// Counters since `open`: appends, syncs, bytes, compactions.
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
