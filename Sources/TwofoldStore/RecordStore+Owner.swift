extension RecordStore {
    /// What the store tells its owner about its failed state. Delivered from the store's own
    /// threads, never from inside a call the owner made, so the owner may take its locks.
    public enum Event: Sendable {
        /// A write or sync failed (or the log could not be read at open): the store refuses every
        /// request until it recovers. Sent once per failure, with the error that caused it.
        case failed(StoreError)
        /// Still failed after retrying: the latest error and the requests refused so far. Sent at
        /// most every `Options.failureReportInterval`, never once per request.
        case stillFailing(StoreError, refused: Int)
        /// Accepting requests again, after refusing `refused` while failed.
        case recovered(refused: Int)
    }

    /// The component that keeps in-memory state built from the store's records, and rebuilds it
    /// when the store recovers from a failure (its in-memory state may hold changes whose appends
    /// failed or were refused, which the repaired log does not).
    public struct Owner: Sendable {
        /// Receives `Event`s (log them: the cause once, then counts).
        public var report: @Sendable (Event) -> Void
        /// Called on the writer thread once recovery has repaired the files, with every record the
        /// log now holds: exactly the acknowledged ones, since everything past the last
        /// acknowledged byte was discarded. Rebuild the in-memory state from them and call
        /// `resume` while holding the lock under which you submit appends: appends submitted
        /// before `resume` are refused and those after it are accepted, so no append decided
        /// against the discarded state reaches the log. Returning without calling `resume` keeps
        /// the store failed; it tries again after its next wait.
        public var rebuild: @Sendable (_ records: [StoredRecord], _ resume: () -> Void) -> Void

        public init(
            report: @escaping @Sendable (Event) -> Void,
            rebuild: @escaping @Sendable (_ records: [StoredRecord], _ resume: () -> Void) -> Void
        ) {
            self.report = report
            self.rebuild = rebuild
        }
    }

    /// Installs `owner`. Without an owner the store never leaves a failed state (nothing would
    /// rebuild from the repaired log). If the store has failed already, `owner` hears `.failed`
    /// at once, asynchronously.
    public func setOwner(_ owner: Owner) { writer.setOwner(owner) }

    /// Why the store refuses requests, or nil while it accepts them.
    public var failure: StoreError? { writer.currentFailure }

    /// Throws `.failed` (counting a refusal in `stats.refused`) while the store is failed. For
    /// owners that must refuse reads too while their in-memory state may be ahead of the disk.
    public func checkWritable() throws(StoreError) {
        if let error = writer.refusal() { throw error }
    }
}
