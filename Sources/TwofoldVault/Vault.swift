import Dispatch
import Synchronization
import TwofoldWebAuthn

/// The secret vault's state machine: every operation of `protocol/vault.md`, independent of the
/// transport. State is held sealed (AES-256-GCM) per user; an operation unseals one record, applies
/// its rule, reseals, and — if anything changed — appends the sealed record to the store and
/// answers only once that append is durable.
///
/// The check of a code against the last accepted step and the update of that step happen inside
/// one critical section (`state`), and the append is enqueued inside it too, so the on-disk order
/// of a user's records is the order in which they were decided. A request carrying an idempotency
/// key has its answer recorded in the same sealed record as the change it describes
/// (`Vault+Update`). Nothing else runs under that
/// lock: completions, audit lines, SMS sends and counters all happen after it is released (the
/// counters have their own lock), so no callee can re-enter it.
public final class Vault: Sendable {
    struct State {
        var users: [UserID: [UInt8]] = [:]
        var numberSends: [String: [UInt8]] = [:]
        /// The key check value the store holds (nil until one was read or written).
        var keyCheck: [UInt8]?
        /// Digests of idempotency keys whose request is still running (its write not yet durable,
        /// or an SMS send not yet answered): a retry with one gets `idempotency.in_progress`.
        /// Memory only: after a restart nothing is running.
        var claimsInFlight: Set<[UInt8]> = []
    }

    let state = Mutex(State())
    let counters = Mutex(VaultCounters())
    let crypto: VaultCrypto
    let persistence: any VaultPersistence
    let clock: any VaultClock
    let sms: any SMSDispatcher
    let policy: VaultPolicy
    let audit: VaultAudit
    /// Checks passkey ceremonies for the configured public origin; nil when none is configured
    /// (the `webauthn.*` operations then answer `webauthn.not_configured`).
    let webauthn: WebAuthnVerifier?
    /// WebAuthn challenges issued and not yet answered (memory only: after a restart the user
    /// retries). Their own lock, never held with `state`'s.
    let ceremonies = Mutex(PendingCeremonies())

    public init(
        crypto: VaultCrypto, persistence: any VaultPersistence, clock: any VaultClock, sms: any SMSDispatcher,
        policy: VaultPolicy = VaultPolicy(), audit: VaultAudit, relyingParty: RelyingParty? = nil
    ) {
        self.crypto = crypto
        self.persistence = persistence
        self.clock = clock
        self.sms = sms
        self.policy = policy
        self.audit = audit
        webauthn = relyingParty.map { WebAuthnVerifier(relyingParty: $0) }
    }

    /// Rebuilds the in-memory index from the store's records, in log order (later wins). Records
    /// are not unsealed here, so a restart costs one pass over the log, not a decryption per user.
    public func replay(_ payload: [UInt8]) throws(VaultError) {
        let entry = try VaultLogEntry(decoding: payload)
        state.withLock { state in Self.apply(entry, to: &state) }
    }

    static func apply(_ entry: VaultLogEntry, to state: inout State) {
        switch entry.kind {
        case .user:
            if let user = UserID(entry.key) { state.users[user] = entry.sealed }
        case .userDeleted:
            if let user = UserID(entry.key) { state.users[user] = nil }
        case .numberSends:
            state.numberSends[entry.key] = entry.sealed
        case .numberSendsDeleted:
            state.numberSends[entry.key] = nil
        case .keyCheck:
            state.keyCheck = entry.sealed
        }
    }

    /// Replaces the in-memory state with the one `payloads` describe: what the store read back
    /// after recovering from a failure, so changes whose appends failed are forgotten. The new
    /// state is checked against the master key (`KeyCheckError` if it does not match: nothing is
    /// replaced), installed under the state lock, and `resume` is called under that same lock,
    /// so every append submitted afterwards is decided against the rebuilt state. A store without
    /// a key check value gets one appended.
    public func rebuild(from payloads: some Sequence<[UInt8]>, resume: () -> Void) throws {
        var fresh = State()
        for payload in payloads { Self.apply(try VaultLogEntry(decoding: payload), to: &fresh) }
        let verdict = try keyVerdict(fresh, rotating: false)
        state.withLock { state in
            // Requests still running keep their claims; their completions release them.
            fresh.claimsInFlight = state.claimsInFlight
            state = fresh
            resume()
            if verdict == .unchecked { appendKeyCheck(&state) { _ in } }
        }
    }

    /// Re-seals every user record under the current master key (opening it with the current or the
    /// previous one), drops the per-number SMS counters, whose keys derive from the old master
    /// key (those quotas start afresh), and sets the new key check value. Returns how many records
    /// were re-sealed; records neither key opens are kept as they are and counted in `unreadable`
    /// (`checkKey(rotating: true)` refuses to start a rotation with any). The caller then
    /// compacts, so no record sealed under the old key is left on disk.
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
            state.keyCheck = crypto.keyCheckValue
            return (resealed, unreadable)
        }
    }

    /// Replaces the store's log with the live records. The snapshot is taken and handed to the
    /// store under the state lock (so it holds every change appended before it, and nothing can
    /// be appended in between), but the compaction itself runs on the store's thread and
    /// `completion` is called from there: no operation waits for the disk.
    public func compact(completion: @escaping @Sendable ((any Error)?) -> Void) {
        let failure: (any Error)? = state.withLock { state in
            let records: [[UInt8]]
            do {
                records = try Self.records(of: state)
            } catch {
                return error
            }
            persistOffCallerThread(completion) { persistence.compact(records, completion: $0) }
            return nil
        }
        if let failure { completion(failure) }
    }

    private static func records(of state: State) throws(BinaryWriter.FieldTooLong) -> [[UInt8]] {
        var records: [[UInt8]] = []
        records.reserveCapacity(state.users.count + state.numberSends.count + 1)
        if let keyCheck = state.keyCheck {
            records.append(try VaultLogEntry(kind: .keyCheck, key: "", sealed: keyCheck).encoded())
        }
        for (user, sealed) in state.users {
            records.append(try VaultLogEntry(kind: .user, key: user.rawValue, sealed: sealed).encoded())
        }
        for (tag, sealed) in state.numberSends {
            records.append(try VaultLogEntry(kind: .numberSends, key: tag, sealed: sealed).encoded())
        }
        return records
    }

    public var userCount: Int { state.withLock { $0.users.count } }

    /// Appends the master key's check value (state lock held).
    func appendKeyCheck(_ state: inout State, completion: @escaping @Sendable ((any Error)?) -> Void) {
        let entry = VaultLogEntry(kind: .keyCheck, key: "", sealed: crypto.keyCheckValue)
        guard let payload = try? entry.encoded() else { return }
        Self.apply(entry, to: &state)
        persistOffCallerThread(completion) { persistence.append(payload, completion: $0) }
    }

    /// Hands `completion` to `submit`, making sure it never runs inside that call: the caller
    /// holds the state lock, and completions count, audit, send SMS and may start another update.
    /// The real store never completes synchronously; a persistence that does is moved off.
    func persistOffCallerThread(
        _ completion: @escaping @Sendable ((any Error)?) -> Void,
        submit: (@escaping @Sendable ((any Error)?) -> Void) -> Void
    ) {
        let call = CallInProgress()
        submit { error in
            if call.hasReturned {
                completion(error)
            } else {
                DispatchQueue.global().async { completion(error) }
            }
        }
        call.markReturned()
    }

    static let storageRetryMillis: Int64 = 5_000

    /// The answer while the store refuses writes: nothing was read or changed.
    static func storageUnavailable() -> VaultError {
        VaultError(
            .unavailable, "The vault's storage is failing; nothing was changed. Try again in a moment.",
            retryAfterMillis: storageRetryMillis, detail: "storage.failed")
    }

    /// The answer when the append of a decided change failed. The store discards it while it
    /// recovers, but a crash before that could still find it on disk, so it is not "not done".
    static func storageFailure() -> VaultError {
        VaultError(
            .unavailable,
            "The vault could not store the change (its storage is failing), so it may not have taken effect. "
                + "Try again in a moment.",
            retryAfterMillis: storageRetryMillis, detail: "storage.failed")
    }

    static func encodingFailure() -> VaultError {
        VaultError(.internalError, "The vault could not encode this user's record; nothing was changed.")
    }
}

/// Whether a call has returned yet; set by the caller after the call, read by a completion.
final class CallInProgress: Sendable {
    private let returned = Atomic<Bool>(false)
    var hasReturned: Bool { returned.load(ordering: .acquiring) }
    func markReturned() { returned.store(true, ordering: .releasing) }
}

/// Counters for `stats`, under their own lock (never the state lock).
struct VaultCounters: Sendable {
    var operations: [String: Int] = [:]
    var outcomes: [String: Int] = [:]
}
