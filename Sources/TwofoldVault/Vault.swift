import Synchronization

/// The secret vault's state machine: every operation of `protocol/vault.md`, independent of the
/// transport. State is held sealed (AES-256-GCM) per user; an operation unseals one record, applies
/// its rule, reseals, and — if anything changed — appends the sealed record to the store and
/// answers only once that append is durable.
///
/// The check of a code against the last accepted step and the update of that step happen inside
/// one critical section (`state`), and the append is enqueued inside it too, so the on-disk order
/// of a user's records is the order in which they were decided.
public final class Vault: Sendable {
    struct State {
        var users: [UserID: [UInt8]] = [:]
        var numberSends: [String: [UInt8]] = [:]
        var counters = VaultCounters()
    }

    let state = Mutex(State())
    let crypto: VaultCrypto
    let persistence: any VaultPersistence
    let clock: any VaultClock
    let sms: any SMSDispatcher
    let policy: VaultPolicy
    let audit: VaultAudit

    public init(
        crypto: VaultCrypto, persistence: any VaultPersistence, clock: any VaultClock, sms: any SMSDispatcher,
        policy: VaultPolicy = VaultPolicy(), audit: VaultAudit
    ) {
        self.crypto = crypto
        self.persistence = persistence
        self.clock = clock
        self.sms = sms
        self.policy = policy
        self.audit = audit
    }

    /// Rebuilds the in-memory index from the store's records, in log order (later wins). Records
    /// are not unsealed here, so a restart costs one pass over the log, not a decryption per user.
    public func replay(_ payload: [UInt8]) throws(VaultError) {
        let entry = try VaultLogEntry(decoding: payload)
        state.withLock { state in
            switch entry.kind {
            case .user:
                if let user = UserID(entry.key) { state.users[user] = entry.sealed }
            case .userDeleted:
                if let user = UserID(entry.key) { state.users[user] = nil }
            case .numberSends:
                state.numberSends[entry.key] = entry.sealed
            case .numberSendsDeleted:
                state.numberSends[entry.key] = nil
            }
        }
    }

    /// Re-seals every user record under the current master key (opening it with the current or the
    /// previous one) and drops the per-number SMS counters, whose keys derive from the old master
    /// key (those quotas start afresh). Returns how many records were re-sealed; records neither
    /// key opens are kept as they are and counted in `unreadable`. The caller then compacts, so no
    /// record sealed under the old key is left on disk.
    public func resealAll() -> (resealed: Int, unreadable: Int) {
        state.withLock { state in
            var resealed = 0
            var unreadable = 0
            for (user, sealed) in state.users {
                let associatedData = VaultLogEntry.associatedData(.user, user.rawValue)
                guard let plaintext = crypto.open(sealed, associatedData: associatedData) else {
                    unreadable += 1
                    continue
                }
                state.users[user] = crypto.seal(plaintext, associatedData: associatedData)
                resealed += 1
            }
            state.numberSends.removeAll()
            return (resealed, unreadable)
        }
    }

    /// Runs `body` with a snapshot of every live record while no change can be decided or
    /// appended (the state lock is held throughout), so a compaction built from it cannot lose a
    /// record appended in between. Blocks every operation until `body` returns.
    public func withExclusiveSnapshot<R>(_ body: ([[UInt8]]) throws -> R) rethrows -> R {
        try state.withLock { state in try body(Self.records(of: state)) }
    }

    /// Every live record, for compaction.
    public func snapshot() -> [[UInt8]] {
        state.withLock { Self.records(of: $0) }
    }

    private static func records(of state: State) -> [[UInt8]] {
        var records: [[UInt8]] = []
        records.reserveCapacity(state.users.count + state.numberSends.count)
        for (user, sealed) in state.users {
            records.append(VaultLogEntry(kind: .user, key: user.rawValue, sealed: sealed).encoded())
        }
        for (tag, sealed) in state.numberSends {
            records.append(VaultLogEntry(kind: .numberSends, key: tag, sealed: sealed).encoded())
        }
        return records
    }

    public var userCount: Int { state.withLock { $0.users.count } }

    // MARK: - The one path through which user state changes

    /// Unseals `user`'s record, runs `body` on a copy, and, if the copy differs, seals and persists
    /// it before calling `completion`. Changes made before `body` throws are kept too: a rejected
    /// authorisation code must still count as a failure, an expired enrollment must still be cleared.
    func update<R: Sendable>(
        _ user: UserID,
        _ body: (inout VaultUserRecord, Int64) throws(VaultError) -> R,
        completion: @escaping @Sendable (Result<R, VaultError>) -> Void
    ) {
        updateWithContext(
            user, { record, context throws(VaultError) in try body(&record, context.now) }, completion: completion)
    }

    /// `update` for operations that also change records other than the user's (the per-number SMS
    /// quota): they do so through `context`, inside the same critical section.
    func updateWithContext<R: Sendable>(
        _ user: UserID,
        _ body: (inout VaultUserRecord, inout UpdateContext) throws(VaultError) -> R,
        completion: @escaping @Sendable (Result<R, VaultError>) -> Void
    ) {
        let now = clock.nowMillis()
        let outcome: Result<R, VaultError>? = state.withLock { state -> Result<R, VaultError>? in
            let record: VaultUserRecord
            do throws(VaultError) {
                record = try loadUser(user, from: state)
            } catch {
                return .failure(error)
            }
            var copy = record
            var context = UpdateContext(now: now)
            swap(&context.numberSends, &state.numberSends)
            let result: Result<R, VaultError>
            do throws(VaultError) {
                result = .success(try body(&copy, &context))
            } catch {
                result = .failure(error)
            }
            swap(&context.numberSends, &state.numberSends)
            var entries = context.entries
            if copy != record {
                if copy.isEmpty {
                    state.users[user] = nil
                    entries.append(VaultLogEntry(kind: .userDeleted, key: user.rawValue, sealed: []))
                } else {
                    let sealed = crypto.seal(
                        copy.encoded(), associatedData: VaultLogEntry.associatedData(.user, user.rawValue))
                    state.users[user] = sealed
                    entries.append(VaultLogEntry(kind: .user, key: user.rawValue, sealed: sealed))
                }
            }
            guard let last = entries.popLast() else { return result }
            // The store makes records durable in append order, so the last one's completion
            // covers the others.
            for entry in entries { persistence.append(entry.encoded()) { _ in } }
            persistence.append(last.encoded()) { error in
                completion(error == nil ? result : .failure(Self.storageFailure()))
            }
            return nil
        }
        if let outcome { completion(outcome) }
    }

    /// Reads `user`'s record without changing it.
    func read<R>(_ user: UserID, _ body: (VaultUserRecord, Int64) throws(VaultError) -> R) throws(VaultError) -> R {
        let now = clock.nowMillis()
        let record = try state.withLock { state throws(VaultError) in try loadUser(user, from: state) }
        return try body(record, now)
    }

    private func loadUser(_ user: UserID, from state: State) throws(VaultError) -> VaultUserRecord {
        guard let sealed = state.users[user] else { return VaultUserRecord() }
        guard let plaintext = crypto.open(sealed, associatedData: VaultLogEntry.associatedData(.user, user.rawValue)),
            let record = try? VaultUserRecord(decoding: plaintext)
        else {
            throw VaultError(.internalError, "The vault could not read this user's record.")
        }
        return record
    }

    static func storageFailure() -> VaultError {
        VaultError(.internalError, "The vault could not store the change; nothing was acknowledged.")
    }
}

/// What an update may touch besides the user's own record.
struct UpdateContext {
    let now: Int64
    /// The vault's per-number send records (moved in for the duration of the update).
    var numberSends: [String: [UInt8]] = [:]
    /// Further records to persist before the user's own.
    var entries: [VaultLogEntry] = []
}

/// Counters for `stats`; bumped under the state lock.
struct VaultCounters: Sendable {
    var operations: [String: Int] = [:]
    var outcomes: [String: Int] = [:]
}
