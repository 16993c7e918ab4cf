import TwofoldCrypto
extension Vault {
    /// Starts (or restarts) an enrollment: a new 160-bit seed, pending until confirmed. A pending
    /// enrollment it replaces is kept as "superseded" for its remaining lifetime, so a code from that
    /// older scan is recognised and the user told to scan the new code. With an idempotency claim a
    /// retry is answered from the same pending enrollment (the seed is not recorded twice), or
    /// `enroll.not_pending` once it was confirmed or replaced.
    public func beginEnrollment(
        user: UserID, accountName: String, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<EnrollmentStart, VaultError>) -> Void
    ) {
        // Bytes, not Characters: a ':' followed by a combining mark is one Character that is not
        // ":", yet it would still put a ':' byte into the authenticator's label.
        guard !accountName.isEmpty, accountName.utf8.count <= 200, !accountName.utf8.contains(UInt8(ascii: ":"))
        else {
            completion(.failure(VaultError(.invalidArguments, "account_name must be 1–200 characters without ':'.")))
            return
        }
        let secret = crypto.randomBytes(20)
        let id = crypto.randomBytes(16)
        update(
            user, claim: idempotency, recording: { _ in RecordedEnrollment(id: id) },
            { record, context throws(VaultError) -> EnrollmentStart in
                let now = context.now
                record.superseded.removeAll { $0.seed.createdAtMillis + policy.enrollmentLifetimeMillis <= now }
                if let old = record.pending, old.seed.createdAtMillis + policy.enrollmentLifetimeMillis > now {
                    record.superseded.append(old)
                    if record.superseded.count > 3 { record.superseded.removeFirst(record.superseded.count - 3) }
                }
                let seed = VaultUserRecord.Seed(
                    secret: secret, algorithm: VaultCrypto.sha1, digits: 6, period: 30, createdAtMillis: now)
                let pending = VaultUserRecord.PendingEnrollment(id: id, seed: seed)
                record.pending = pending
                return enrollmentStart(pending, accountName: accountName)
            }
        ) { answer in
            switch answer {
            case .ran(let result):
                self.audit.record("enroll.begin", user: user, outcome: result.auditOutcome)
                completion(result)
            case .recorded(let recorded, let record):
                let result = recorded.flatMap { enrollment -> Result<EnrollmentStart, VaultError> in
                    guard let pending = record.pending, pending.id == enrollment.id,
                        pending.seed.createdAtMillis + self.policy.enrollmentLifetimeMillis > self.clock.nowMillis()
                    else {
                        return .failure(
                            VaultError(
                                .notPending,
                                "The setup this request started was completed, replaced or expired; start it again."))
                    }
                    return .success(self.enrollmentStart(pending, accountName: accountName))
                }
                self.audit.record("enroll.begin", user: user, outcome: result.auditOutcome, recorded: true)
                completion(result)
            }
        }
    }

    /// What `enroll.begin` answers for `pending`.
    private func enrollmentStart(_ pending: VaultUserRecord.PendingEnrollment, accountName: String) -> EnrollmentStart {
        let uri = crypto.otpauthURI(issuer: policy.issuer, accountName: accountName, seed: pending.seed)
        return EnrollmentStart(
            enrollmentID: Hex.encode(pending.id), secretBase32: crypto.base32(pending.seed.secret), uri: uri,
            expiresAtMillis: pending.seed.createdAtMillis + policy.enrollmentLifetimeMillis)
    }

    /// Confirms the pending enrollment with a code from the app. Only then does the new seed
    /// replace an active one; the confirming step is recorded so the same code cannot log in.
    /// Setup completion makes a new set of backup codes (replacing any earlier one), returned in
    /// this answer only. Replacing an active authenticator sends a notice to the phone on file.
    public func confirmEnrollment(
        user: UserID, enrollmentID: String?, code: String, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<ConfirmOutcome, VaultError>) -> Void
    ) {
        let backup = newBackupCodes(for: user)
        update(
            user, claim: idempotency, recording: \.0,
            records: {
                guard case .success((.confirmed, _)) = $0 else { return false }
                return true
            },
            { record, context throws(VaultError) -> (ConfirmOutcome, String?) in
                let now = context.now
                if let locked = lockout(record, now: now) {
                    return (.locked(retryAfterMillis: locked.retryAfterMillis), nil)
                }
                record.superseded.removeAll { $0.seed.createdAtMillis + policy.enrollmentLifetimeMillis <= now }
                guard let pending = record.pending else {
                    if matchesSuperseded(record, code: code, now: now) { return (.staleSetup, nil) }
                    throw VaultError(.notPending, "There is no authenticator setup in progress; start the setup again.")
                }
                // An id is 32 hex digits; anything else is compared no further.
                if let enrollmentID, enrollmentID.utf8.count != 32 || enrollmentID != Hex.encode(pending.id) {
                    if matchesSuperseded(record, code: code, now: now) { return (.staleSetup, nil) }
                    throw VaultError(.notPending, "That setup was replaced by a newer one; scan the new QR code.")
                }
                guard pending.seed.createdAtMillis + policy.enrollmentLifetimeMillis > now else {
                    record.pending = nil
                    throw VaultError(.enrollmentExpired, "The setup expired after 10 minutes; start it again.")
                }
                if case .accepted(let accepted) = check(code, seed: pending.seed, now: now, lastAccepted: nil) {
                    let step = accepted.value
                    let replaced = record.active != nil
                    record.active = pending.seed
                    record.pending = nil
                    record.superseded = []
                    record.lastAcceptedStep = step
                    record.consecutiveFailures = 0
                    record.lockedUntilMillis = 0
                    record.backupCodeMACs = backup.macs
                    return (.confirmed(step: step, backupCodes: .shown(backup.codes)), replaced ? record.phone : nil)
                }
                if matchesSuperseded(record, code: code, now: now) { return (.staleSetup, nil) }
                let retry = recordFailure(&record, now: now)
                return (.invalid(retryAfterMillis: retry), nil)
            }
        ) { answer in
            switch answer {
            case .ran(let result):
                self.audit.record("enroll.confirm", user: user, outcome: result.auditOutcome { $0.0.name })
                if case .success((.confirmed, let phone?)) = result {
                    self.notify(
                        phone,
                        "A new authenticator app was set up for your \(self.policy.issuer) account. If this was not you, contact your representative now."
                    )
                }
                completion(result.map(\.0))
            case .recorded(let result, _):
                self.audit.record(
                    "enroll.confirm", user: user, outcome: result.auditOutcome { $0.name }, recorded: true)
                completion(result)
            }
        }
    }

    private func matchesSuperseded(_ record: VaultUserRecord, code: String, now: Int64) -> Bool {
        record.superseded.contains { old in
            old.seed.createdAtMillis + policy.enrollmentLifetimeMillis > now
                && check(code, seed: old.seed, now: now, lastAccepted: nil) != .invalid
        }
    }
}
