/// How an operation's answer came about.
enum UpdateAnswer<R: Sendable, A: RecordableAnswer>: Sendable {
    /// The operation ran (or was refused before running): its result.
    case ran(Result<R, VaultError>)
    /// A retry with a known idempotency key: the answer recorded by the first request, and the
    /// user's record as it is now (for answers rebuilt from it, such as `enroll.begin`'s).
    case recorded(Result<A, VaultError>, VaultUserRecord)
}

extension UpdateAnswer where R == A {
    /// The answer, whichever way it came, and whether it was a recorded one.
    var result: (Result<R, VaultError>, recorded: Bool) {
        switch self {
        case .ran(let result): (result, false)
        case .recorded(let result, _): (result, true)
        }
    }
}

/// What an update may touch besides the user's own record.
struct UpdateContext {
    let now: Int64
    /// The vault's per-number send records as they are before this update.
    let numberSends: [String: [UInt8]]
    /// Further records to persist (and apply) before the user's own.
    var entries: [VaultLogEntry] = []
}

extension Vault {
    // MARK: - The one path through which user state changes

    /// Unseals `user`'s record, runs `body` on a copy, and, if the copy differs, seals and persists
    /// it before calling `completion`. Changes made before `body` throws are kept too: a rejected
    /// authorisation code must still count as a failure, an expired enrollment must still be cleared.
    func update<R: Sendable>(
        _ user: UserID,
        _ body: (inout VaultUserRecord, Int64) throws(VaultError) -> R,
        completion: @escaping @Sendable (Result<R, VaultError>) -> Void
    ) {
        update(
            user, claim: nil, recording: { _ in NoAnswer() },
            { record, context throws(VaultError) in try body(&record, context.now) }
        ) { answer in
            if case .ran(let result) = answer { completion(result) }
        }
    }

    /// `update` with the protocol's idempotency contract (protocol/README.md, Idempotency keys).
    ///
    /// With a `claim`, inside the same critical section as the change:
    /// - a claim whose request is still running is refused (`idempotency.in_progress`): its answer
    ///   is not durable yet, so none can be given;
    /// - a claim recorded in the user's record within the retention gets that answer
    ///   (`.recorded`), or `idempotency.mismatch` if it named another operation or arguments;
    ///   nothing runs;
    /// - otherwise `body` runs, and if it changed the record and `records` says its result is one
    ///   to keep, `recording` of its result (or its error) is added to the record it changed: one sealed record, one append, so the change
    ///   and its answer are durable together or not at all. A body that changed nothing records
    ///   nothing (a retry runs again, and changes nothing again).
    /// Operations that check a code record only their acceptance (`records`): a refused code
    /// retried with the same key runs again and counts again toward the back-off, as a user
    /// typing the same wrong code six times must meet the lockout; an accepted one retried after a
    /// lost answer gets `accepted` again, never `replayed`.
    /// The claim is marked running until the append is durable, or, with `holdsClaim` and a body
    /// that succeeded, until the caller's `releaseClaim` (an operation with a second phase, such as
    /// an SMS send); a failed append releases it at once.
    ///
    /// `body` may also change records other than the user's (the per-number SMS quota): it reads
    /// the current ones from the context and adds its new records to it.
    func update<R: Sendable, A: RecordableAnswer>(
        _ user: UserID, claim: IdempotencyClaim?, holdsClaim: Bool = false, recording: (R) -> A,
        records: (Result<R, VaultError>) -> Bool = { _ in true },
        _ body: (inout VaultUserRecord, inout UpdateContext) throws(VaultError) -> R,
        completion: @escaping @Sendable (UpdateAnswer<R, A>) -> Void
    ) {
        let now = clock.nowMillis()
        let outcome: UpdateAnswer<R, A>? = state.withLock { state -> UpdateAnswer<R, A>? in
            let record: VaultUserRecord
            do throws(VaultError) {
                try checkStorage()
                record = try loadUser(user, from: state)
            } catch {
                return .ran(.failure(error))
            }
            if let claim {
                if state.claimsInFlight.contains(claim.digest) { return .ran(.failure(Self.claimInProgress())) }
                if let entry = record.outcomes.entry(
                    for: claim.digest, now: now, retentionMillis: policy.idempotencyRetentionMillis)
                {
                    guard entry.fingerprint == claim.fingerprint else { return .ran(.failure(Self.claimMismatch())) }
                    guard let answer = RecordedAnswer.decode(entry.answer, as: A.self) else {
                        return .ran(.failure(VaultError(.internalError, "The vault could not read a recorded answer.")))
                    }
                    return .recorded(answer, record)
                }
            }
            var copy = record
            var context = UpdateContext(now: now, numberSends: state.numberSends)
            let result: Result<R, VaultError>
            do throws(VaultError) {
                result = .success(try body(&copy, &context))
            } catch {
                result = .failure(error)
            }
            // Everything is encoded before anything changes, so a record that cannot be encoded
            // leaves the state as it was.
            var entries = context.entries
            if copy != record {
                if copy.isEmpty {
                    entries.append(VaultLogEntry(kind: .userDeleted, key: user.rawValue, sealed: []))
                } else {
                    do throws(BinaryWriter.FieldTooLong) {
                        try copy.outcomes.prune(now: now, retentionMillis: policy.idempotencyRetentionMillis)
                        if let claim, records(result), let answer = RecordedAnswer.encode(result.map(recording)) {
                            try copy.outcomes.record(
                                .init(
                                    digest: claim.digest, fingerprint: claim.fingerprint, recordedAtMillis: now,
                                    answer: answer),
                                now: now, retentionMillis: policy.idempotencyRetentionMillis,
                                maximumCount: policy.idempotencyMaximumEntries)
                        }
                    } catch {
                        return .ran(.failure(Self.encodingFailure()))
                    }
                    guard let plaintext = try? copy.encoded() else { return .ran(.failure(Self.encodingFailure())) }
                    let sealed = crypto.seal(
                        plaintext, associatedData: VaultLogEntry.associatedData(.user, user.rawValue))
                    entries.append(VaultLogEntry(kind: .user, key: user.rawValue, sealed: sealed))
                }
            }
            guard let payloads = try? entries.map({ entry throws(BinaryWriter.FieldTooLong) in try entry.encoded() })
            else { return .ran(.failure(Self.encodingFailure())) }
            guard let last = payloads.last else { return .ran(result) }
            for entry in entries { Self.apply(entry, to: &state) }
            if let claim { state.claimsInFlight.insert(claim.digest) }
            // The store makes records durable in append order and fails every append after a
            // failed one, so the last one's completion covers the others.
            for payload in payloads.dropLast() { persistence.append(payload) { _ in } }
            // A claim held past the write is the caller's to release, after a success only: a
            // failure (the body's, or the write's) is the final answer.
            let keepsClaim: Bool
            if holdsClaim, case .success = result { keepsClaim = true } else { keepsClaim = false }
            persistOffCallerThread({ error in
                if let claim, error != nil || !keepsClaim { self.releaseClaim(claim) }
                completion(.ran(error == nil ? result : .failure(Self.storageFailure())))
            }) { persistence.append(last, completion: $0) }
            return nil
        }
        if let outcome { completion(outcome) }
    }

    /// Reads `user`'s record without changing it.
    func read<R>(_ user: UserID, _ body: (VaultUserRecord, Int64) throws(VaultError) -> R) throws(VaultError) -> R {
        let now = clock.nowMillis()
        let record = try state.withLock { state throws(VaultError) in
            try checkStorage()
            return try loadUser(user, from: state)
        }
        return try body(record, now)
    }

    /// Refuses while the store refuses writes: the in-memory state may then hold changes the disk
    /// does not, so neither reads nor writes are answered from it until the store recovers and
    /// the state is rebuilt.
    private func checkStorage() throws(VaultError) {
        do {
            try persistence.checkWritable()
        } catch {
            throw Self.storageUnavailable()
        }
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
}
