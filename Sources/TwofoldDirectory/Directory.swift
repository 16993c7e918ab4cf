import Dispatch
import Synchronization
import TwofoldStore
import TwofoldSystem

/// What the gateway stores: users, accounts, invites and sessions, in memory and in a crash-safe
/// record log (`TwofoldStore`). Every change is one atomic log record holding the new state of
/// each record it touched; a change is acknowledged (the `update` call returns) only once that
/// record is durable. Reads are served from memory under a lock, each by an index.
///
/// The log stays short: compaction (`Directory+Compaction.swift`) writes a snapshot of the
/// directory beside it, walking the records in small locked chunks while changes go on, then
/// replaces the log with the changes made since the snapshot began. Start-up loads the snapshot
/// and replays only that tail (see docs/store-format.md).
///
/// A failed write is a state, not the end (`Directory+Recovery.swift`): the directory refuses
/// every change at once (`storage.failed`) and says why (`unavailableReason`), its store retries
/// by itself, and once the disk takes writes again the directory rebuilds its memory from the
/// snapshot and the log (dropping changes whose writes failed) and serves again.
public final class Directory: Sendable {
    /// The directory and the bookkeeping of its log, behind one lock.
    struct Guarded: ~Copyable {
        /// Replaced whole when the directory is rebuilt from disk.
        var data = DirectoryState()
        var journal: Journal
        /// Counts rebuilds from disk: a compaction that began before one stops instead of
        /// mixing the two states.
        var generation: UInt64 = 0

        init(threshold: Int) { journal = Journal(threshold: threshold) }
    }

    /// How much log there is, and the changes a running compaction must carry into the new log.
    struct Journal {
        /// Compact once the log exceeds this plus an eighth of the snapshot (`Options`).
        let threshold: Int
        /// Bytes appended to the log since it was last compacted (framing included).
        var logBytes = 0
        var snapshotBytes: Int64 = 0
        /// Set while a compaction runs: every payload appended since its marker.
        var carried: [[UInt8]]?
        /// A compaction was asked for and has not started yet.
        var requested = false
        /// After a failed compaction (a full disk, say), none is asked for automatically before
        /// this time (ms), so the directory is not walked again on every change.
        var compactionRetryAt: Int64 = 0
        /// The wait after the latest failed compaction: 10 s, doubling up to 10 minutes.
        var compactionBackoffMs: Int64 = 0

        static let firstCompactionBackoffMs: Int64 = 10_000
        static let maximumCompactionBackoffMs: Int64 = 600_000

        init(threshold: Int) { self.threshold = max(0, threshold) }

        var isOverThreshold: Bool {
            logBytes.subtractingReportingOverflow(Int(snapshotBytes / 8)).partialValue > threshold
        }

        /// Counts `payload`, keeps it for the running compaction, and says whether the log has
        /// grown enough to ask for a compaction (once: until it starts; not while backing off).
        mutating func appended(_ payload: [UInt8], now: Int64) -> Bool {
            logBytes += payload.count + RecordCodec.frameHeaderSize
            carried?.append(payload)
            guard carried == nil, !requested, isOverThreshold, now >= compactionRetryAt else { return false }
            requested = true
            return true
        }

        mutating func compactionFinished(succeeded: Bool, now: Int64) {
            if succeeded {
                compactionBackoffMs = 0
                compactionRetryAt = 0
                return
            }
            compactionBackoffMs =
                compactionBackoffMs == 0
                ? Self.firstCompactionBackoffMs : min(compactionBackoffMs * 2, Self.maximumCompactionBackoffMs)
            compactionRetryAt = now &+ compactionBackoffMs
        }
    }

    let state: Mutex<Guarded>
    let store: RecordStore
    let path: String
    let options: Options
    private let clock: @Sendable () -> Int64
    /// Set when a test's compaction fault hook stopped a compaction the way a crash would: the
    /// directory then refuses everything until it is reopened, as a crashed process would.
    let crash = Mutex<String?>(nil)
    let compactor = Compactor()
    /// Tells this run of the directory from any other in listing cursors (random).
    let instance: UInt64
    /// What start-up read and repaired.
    public let openReport: OpenReport

    init(
        state: consuming sending Guarded, store: RecordStore, path: String, options: Options, openReport: OpenReport,
        clock: @escaping @Sendable () -> Int64
    ) {
        self.state = Mutex(state)
        self.store = store
        self.path = path
        self.options = options
        self.openReport = openReport
        self.clock = clock
        self.instance = Self.newMarker()
    }

    public var now: Int64 { clock() }

    /// Runs `body` against the current state under the lock, applies what it changed, and
    /// returns once the change is durable. Throws what `body` throws (nothing is changed then),
    /// or `storage.failed` when the storage is failing (refused at once, nothing changed) or the
    /// change's write failed (then the change is dropped when the directory rebuilds from disk).
    public func update<T: Sendable>(
        _ body: (inout DirectoryTransaction) throws(DirectoryError) -> T
    ) async throws(DirectoryError) -> T {
        let result = await awaitCompletion { (settled: @escaping @Sendable (Result<T, DirectoryError>) -> Void) in
            do throws(DirectoryError) {
                let enqueued = try commit(body) { value, payload in
                    store.append(payload) { settled(Self.settle($0, value)) }
                }
                if let value = enqueued { settled(.success(value)) }
            } catch {
                settled(.failure(error))
            }
        }
        return try result.get()
    }

    /// `update` for callers that cannot await (blocks the calling thread until durable; never
    /// from the concurrency pool).
    public func updateAndWait<T: Sendable>(
        _ body: (inout DirectoryTransaction) throws(DirectoryError) -> T
    ) throws(DirectoryError) -> T {
        let outcome = Mutex<Result<T, DirectoryError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let unchanged = try commit(body) { value, payload in
            store.append(payload) { stored in
                outcome.withLock { $0 = Self.settle(stored, value) }
                done.signal()
            }
        }
        if let unchanged { return unchanged }
        done.wait()
        guard let result = outcome.withLock({ $0 }) else {
            throw DirectoryError(.storage, "The change was not settled.")
        }
        return try result.get()
    }

    static func settle<T>(_ stored: Result<UInt64, StoreError>, _ value: T) -> Result<T, DirectoryError> {
        switch stored {
        case .success: return .success(value)
        case .failure(let error): return .failure(.notSaved(error))
        }
    }

    /// Runs `body` under the lock; when it changed something, applies the change and hands the
    /// log record to `enqueue` (still under the lock, so the log's order is the changes' order)
    /// and returns nil; when it changed nothing, returns its value. Refused at once, before
    /// `body` runs, while the storage is failing: nothing is applied that could not be written.
    private func commit<T>(
        _ body: (inout DirectoryTransaction) throws(DirectoryError) -> T, enqueue: (T, [UInt8]) -> Void
    ) throws(DirectoryError) -> T? {
        try checkAvailable()
        let now = clock()
        let maximumRecordSize = options.store.maximumRecordSize
        let outcome: Result<(T?, Bool), DirectoryError> = state.withLock { guarded in
            var transaction = DirectoryTransaction(base: guarded.data, now: now)
            let value: T
            do throws(DirectoryError) {
                value = try body(&transaction)
            } catch {
                return .failure(error)
            }
            guard !transaction.isEmpty else { return .success((value, false)) }
            let items: [DirectoryItem]
            do {
                items = try transaction.finish()
            } catch {
                // Every record was checked when built; this would be a bug, not a bad request.
                return .failure(DirectoryError(.storage, "The gateway could not encode the change."))
            }
            let payload = LogPayload.encodeChange(items.map(\.encoded))
            // The store would refuse it after the change is in memory, which would then hold a
            // change the log does not.
            guard payload.count <= maximumRecordSize else {
                return .failure(DirectoryError(.invalid, "The change is too large to be saved at once."))
            }
            // Failed since the check above: apply nothing (the rebuild would drop it anyway).
            if let failure = store.failure { return .failure(.refused(failure)) }
            guarded.data.apply(items)
            let compact = guarded.journal.appended(payload, now: now)
            enqueue(value, payload)
            return .success((nil, compact))
        }
        let (value, compact) = try outcome.get()
        if compact, options.compactsAutomatically { requestCompaction() }
        return value
    }

    /// Appends an internal change (compaction's drops) under the lock the caller holds. A failed
    /// write fails the store like any other; the rebuild from disk then forgets the change.
    func appendInternal(_ items: [DirectoryItem], into guarded: inout Guarded) {
        let payload = LogPayload.encodeChange(items.map(\.encoded))
        guarded.data.apply(items)
        _ = guarded.journal.appended(payload, now: clock())
        store.append(payload) { _ in }
    }

    /// Reads the current state.
    public func read<T>(_ body: (borrowing DirectoryTransaction) -> T) -> T {
        let now = clock()
        return state.withLock { guarded in
            let transaction = DirectoryTransaction(base: guarded.data, now: now)
            return body(transaction)
        }
    }

    // MARK: Convenience reads.

    public func user(id: String) -> UserRecord? { state.withLock { $0.data.user(id: id) } }
    public func user(email: String) -> UserRecord? { state.withLock { $0.data.user(email: email) } }
    public func account(id: String) -> AccountRecord? { state.withLock { $0.data.account(id: id) } }

    /// The account named `name` (case-insensitively).
    public func account(named name: String) -> AccountRecord? {
        state.withLock { guarded in guarded.data.accountID(named: name).flatMap { guarded.data.account(id: $0) } }
    }

    public func accounts() -> [AccountRecord] {
        state.withLock { Array($0.data.accounts.values) }.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    public func session(id: String) -> SessionRecord? { state.withLock { $0.data.session(id: id) } }
    public func sessionCount(ofUser userID: String) -> Int { state.withLock { $0.data.sessionCount(ofUser: userID) } }
    public func members(ofAccount accountID: String) -> Int {
        state.withLock { $0.data.memberCount(ofAccount: accountID) }
    }
    public var userCount: Int { state.withLock { $0.data.userCount } }
    public var inviteCount: Int { state.withLock { $0.data.inviteCount } }
    public var sessionCount: Int { state.withLock { $0.data.sessionCount } }

    /// Every user, by email. Copies the binary records in chunks under the lock and decodes them
    /// outside it, so listing a million users does not stop sign-ins.
    public func users() -> [UserRecord] {
        walk(\.users).compactMap(DirectoryState.decodeUser).sorted { $0.email < $1.email }
    }

    /// Every invite (ended ones within their retention period), newest first.
    public func invites() -> [InviteRecord] {
        walk(\.invites).compactMap(DirectoryState.decodeInvite).sorted {
            ($0.createdAt, $0.id) > ($1.createdAt, $1.id)
        }
    }

    /// The binary records of a table, copied a chunk per hold of the lock.
    private func walk(_ table: KeyPath<DirectoryState, SlotTable<[UInt8]>>) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var slot = 0
        let chunk = max(1, options.compactionChunk)
        while true {
            let done = state.withLock { guarded -> Bool in
                let slots = guarded.data[keyPath: table]
                let end = min(slot + chunk, slots.slotCount)
                for index in slot..<end { if let bytes = slots[UInt32(index)] { records.append(bytes) } }
                slot = end
                return end >= slots.slotCount
            }
            if done { return records }
        }
    }

    /// Stops compaction, finishes what the store has queued, and closes it.
    public func close() {
        compactor.stop()
        store.close()
    }
}
