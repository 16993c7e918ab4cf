import Foundation
import Synchronization
import TwofoldStore

/// What the gateway stores: users, accounts, invites and sessions, in memory and in a crash-safe
/// record log (`TwofoldStore`). Every change is one atomic log record holding the new state of
/// each record it touched; a change is acknowledged (the `update` call returns) only once that
/// record is durable. Reads are served from memory under a lock.
///
/// The log is compacted when it holds many more records than are live (sessions come and go).
public final class Directory: Sendable {
    private let state: Mutex<DirectoryState>
    private let store: RecordStore
    private let clock: @Sendable () -> Int64
    private let failure = Mutex<String?>(nil)

    /// Opens (or creates) the directory's log in `path`, replaying it, and compacts it when worthwhile.
    public static func open(path: String, clock: @escaping @Sendable () -> Int64) throws -> Directory {
        let opened = try RecordStore.open(directory: path)
        // Recovery in place is not wired for the gateway yet: a log it cannot read stops the start.
        if let failure = opened.failure {
            opened.store.close()
            throw failure
        }
        var state = DirectoryState()
        let decoder = JSONDecoder()
        for record in opened.records {
            let entry = try decoder.decode(DirectoryEntry.self, from: Data(record.payload))
            state.apply(entry)
        }
        state.entriesSinceCompaction = opened.records.count
        let directory = Directory(state: state, store: opened.store, clock: clock)
        try directory.compactIfWorthwhile(force: opened.records.count > state.liveRecordCount + 64)
        return directory
    }

    private init(state: DirectoryState, store: RecordStore, clock: @escaping @Sendable () -> Int64) {
        self.state = Mutex(state)
        self.store = store
        self.clock = clock
    }

    public var now: Int64 { clock() }

    /// Runs `body` against the current state under the lock, applies what it changed, and
    /// returns once the change is durable. Throws what `body` throws (nothing is changed then),
    /// or `storage.failed` when the log cannot be written.
    public func update<T: Sendable>(
        _ body: (inout DirectoryTransaction) throws(DirectoryError) -> T
    ) async throws(DirectoryError) -> T {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, DirectoryError>, Never>) in
            do throws(DirectoryError) {
                let enqueued = try commit(body) { value, payload in
                    store.append(payload) { [self] stored in
                        continuation.resume(returning: settle(stored, value))
                    }
                }
                if let value = enqueued { continuation.resume(returning: .success(value)) }
            } catch {
                continuation.resume(returning: .failure(error))
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
            store.append(payload) { [self] stored in
                outcome.withLock { $0 = settle(stored, value) }
                done.signal()
            }
        }
        if let unchanged { return unchanged }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    private func settle<T>(_ stored: Result<UInt64, StoreError>, _ value: T) -> Result<T, DirectoryError> {
        switch stored {
        case .success: return .success(value)
        case .failure(let error):
            failure.withLock { $0 = "\(error)" }
            return .failure(DirectoryError(.storage, "The gateway could not save the change."))
        }
    }

    /// Runs `body` under the lock; when it changed something, applies the change and hands the
    /// log record to `enqueue` (still under the lock, so the log's order is the changes' order)
    /// and returns nil; when it changed nothing, returns its value.
    private func commit<T>(
        _ body: (inout DirectoryTransaction) throws(DirectoryError) -> T, enqueue: (T, [UInt8]) -> Void
    ) throws(DirectoryError) -> T? {
        if failure.withLock({ $0 }) != nil {
            throw DirectoryError(.storage, "The gateway's storage failed; see its log.")
        }
        let now = clock()
        let result: Result<T?, DirectoryError> = state.withLock { state in
            var transaction = DirectoryTransaction(base: state, now: now)
            let value: T
            do throws(DirectoryError) {
                value = try body(&transaction)
            } catch {
                return .failure(error)
            }
            let entry = transaction.finish()
            guard !entry.isEmpty else { return .success(value) }
            let payload: [UInt8]
            do {
                payload = Array(try JSONEncoder().encode(entry))
            } catch {
                return .failure(DirectoryError(.storage, "The gateway could not encode the change."))
            }
            state.apply(entry)
            state.entriesSinceCompaction += 1
            enqueue(value, payload)
            return .success(nil)
        }
        return try result.get()
    }

    /// Reads the current state.
    public func read<T>(_ body: (borrowing DirectoryTransaction) -> T) -> T {
        let now = clock()
        return state.withLock { state in
            let transaction = DirectoryTransaction(base: state, now: now)
            return body(transaction)
        }
    }

    // MARK: Convenience reads.

    public func user(id: String) -> UserRecord? { state.withLock { $0.users[id] } }
    public func user(email: String) -> UserRecord? {
        state.withLock { s in s.userByEmail[email].flatMap { s.users[$0] } }
    }
    public func users() -> [UserRecord] { state.withLock { Array($0.users.values) }.sorted { $0.email < $1.email } }
    public func account(id: String) -> AccountRecord? { state.withLock { $0.accounts[id] } }
    public func accounts() -> [AccountRecord] {
        state.withLock { Array($0.accounts.values) }.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }
    public func invites() -> [InviteRecord] {
        state.withLock { Array($0.invites.values) }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }
    public func session(id: String) -> SessionRecord? { state.withLock { $0.sessions[id] } }
    public func sessionCount(ofUser userID: String) -> Int { state.withLock { $0.sessionsByUser[userID]?.count ?? 0 } }
    public func members(ofAccount accountID: String) -> Int {
        state.withLock { $0.users.values.reduce(0) { $0 + ($1.accounts.contains(accountID) ? 1 : 0) } }
    }
    public var userCount: Int { state.withLock { $0.users.count } }
    public var sessionCount: Int { state.withLock { $0.sessions.count } }

    // MARK: Compaction.

    /// Rewrites the log with only the live records when it has grown to more than four times
    /// their number (and at least 10,000 records), or when `force` is set. The snapshot is taken
    /// and submitted under the lock (so it holds every change appended before it); the wait for
    /// the store happens outside it, so the store's completions never wait for this lock.
    public func compactIfWorthwhile(force: Bool = false) throws {
        let submitted: BlockingResult<Range<UInt64>, StoreError>? = try state.withLock { state in
            let live = state.liveRecordCount
            guard force || state.entriesSinceCompaction > max(10_000, 4 * live) else { return nil }
            let encoder = JSONEncoder()
            let payloads = try state.snapshotEntries().map { Array(try encoder.encode($0)) }
            let result = BlockingResult<Range<UInt64>, StoreError>()
            store.compact(snapshot: payloads) { result.fulfill($0) }
            state.entriesSinceCompaction = payloads.count
            return result
        }
        _ = try submitted?.wait().get()
    }

    public func close() { store.close() }
}

/// A result handed from the store's writer thread to a thread that blocks for it.
final class BlockingResult<Success: Sendable, Failure: Error>: Sendable {
    private let value = Mutex<Result<Success, Failure>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func fulfill(_ result: Result<Success, Failure>) {
        value.withLock { $0 = result }
        ready.signal()
    }

    func wait() -> Result<Success, Failure> {
        while true {
            ready.wait()
            if let result = value.withLock({ $0 }) { return result }
        }
    }
}
