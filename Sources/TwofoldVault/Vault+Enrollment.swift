extension Vault {
    /// Starts (or restarts) an enrollment: a new 160-bit seed, pending until confirmed. A pending
    /// enrollment it replaces is kept as "superseded" for its remaining lifetime, so a code from that
    /// older scan is recognised and the user told to scan the new code.
    public func beginEnrollment(
        user: UserID, accountName: String, completion: @escaping @Sendable (Result<EnrollmentStart, VaultError>) -> Void
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
            user,
            { record, now throws(VaultError) -> EnrollmentStart in
                record.superseded.removeAll { $0.seed.createdAtMillis + policy.enrollmentLifetimeMillis <= now }
                if let old = record.pending, old.seed.createdAtMillis + policy.enrollmentLifetimeMillis > now {
                    record.superseded.append(old)
                    if record.superseded.count > 3 { record.superseded.removeFirst(record.superseded.count - 3) }
                }
                let seed = VaultUserRecord.Seed(
                    secret: secret, algorithm: VaultCrypto.sha1, digits: 6, period: 30, createdAtMillis: now)
                record.pending = .init(id: id, seed: seed)
                let uri = crypto.otpauthURI(issuer: policy.issuer, accountName: accountName, seed: seed)
                return EnrollmentStart(
                    enrollmentID: Hex.encode(id), secretBase32: crypto.base32(secret), uri: uri,
                    qrSVG: crypto.qrSVG(uri),
                    expiresAtMillis: now + policy.enrollmentLifetimeMillis)
            }
        ) { result in
            self.audit.record("enroll.begin", user: user, outcome: result.auditOutcome)
            completion(result)
        }
    }

    /// Confirms the pending enrollment with a code from the app. Only then does the new seed
    /// replace an active one; the confirming step is recorded so the same code cannot log in.
    /// Replacing an active authenticator sends a notice to the phone on file.
    public func confirmEnrollment(
        user: UserID, enrollmentID: String?, code: String,
        completion: @escaping @Sendable (Result<ConfirmOutcome, VaultError>) -> Void
    ) {
        update(
            user,
            { record, now throws(VaultError) -> (ConfirmOutcome, String?) in
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
                    return (.confirmed(step: step), replaced ? record.phone : nil)
                }
                if matchesSuperseded(record, code: code, now: now) { return (.staleSetup, nil) }
                let retry = recordFailure(&record, now: now)
                return (.invalid(retryAfterMillis: retry), nil)
            }
        ) { result in
            self.audit.record("enroll.confirm", user: user, outcome: result.auditOutcome { $0.0.name })
            if case .success((.confirmed, let phone?)) = result {
                self.notify(
                    phone,
                    "A new authenticator app was set up for your \(self.policy.issuer) account. If this was not you, contact your representative now."
                )
            }
            completion(result.map(\.0))
        }
    }

    private func matchesSuperseded(_ record: VaultUserRecord, code: String, now: Int64) -> Bool {
        record.superseded.contains { old in
            old.seed.createdAtMillis + policy.enrollmentLifetimeMillis > now
                && check(code, seed: old.seed, now: now, lastAccepted: nil) != .invalid
        }
    }
}
