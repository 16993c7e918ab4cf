import TwofoldPhone

/// What `health` and `stats` report.
public struct VaultHealth: Sendable, Equatable {
    public let users: Int
    public let smsReachable: Bool
    /// Why the vault is degraded (its store refuses writes), or nil when it is not.
    public let degradedReason: String?
    /// ISO 3166 codes of the countries SMS recovery refuses (`--sms-blocked-countries`), sorted.
    public let smsBlockedCountries: [String]
    /// How long answers are kept by idempotency key: a client may rely on a retry within it.
    public let idempotencyRetentionMillis: Int64
}

extension Vault {
    /// Enrollment, phone and lockout state, for the gateway's pages. Reveals no secret.
    public func status(user: UserID) throws(VaultError) -> VaultUserStatus {
        try read(user) { record, now throws(VaultError) in
            let number = record.phone.flatMap { try? PhoneNumber(parsing: $0) }
            let pendingLive =
                record.pending.map { $0.seed.createdAtMillis + policy.enrollmentLifetimeMillis > now } ?? false
            let lock = lockout(record, now: now)
            return VaultUserStatus(
                enrolled: record.active != nil, pending: pendingLive, phoneMasked: number?.masked,
                phoneCountry: number?.country.code, phoneCountryName: number?.country.name,
                smsRecovery: number.map { policy.smsRecovery.availability(for: $0).code } ?? "no_phone",
                locked: lock != nil, lockedRetryAfterMillis: lock?.retryAfterMillis,
                backupCodesLeft: record.backupCodesLeft, passkeys: record.passkeys.count)
        }
    }

    /// Removes the user's authenticator (active and pending), passkeys and backup codes and lifts lockouts,
    /// so the next login goes to MFA setup. Needs an actor and a reason, both audited; notifies
    /// the phone on file.
    public func reset(
        user: UserID, actor: String, reason: String, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<Void, VaultError>) -> Void
    ) {
        // Bounded in bytes before any work (trimming included); the exact limits apply trimmed.
        guard actor.utf8.count <= Self.maximumUntrimmedBytes, reason.utf8.count <= Self.maximumUntrimmedBytes else {
            completion(.failure(VaultError(.reasonRequired, "A reset needs an actor and a reason.")))
            return
        }
        let actor = actor.trimmingSpaces()
        let reason = reason.trimmingSpaces()
        guard !actor.isEmpty, !reason.isEmpty, actor.utf8.count <= 200, reason.utf8.count <= 1000 else {
            completion(.failure(VaultError(.reasonRequired, "A reset needs an actor and a reason.")))
            return
        }
        update(
            user, claim: idempotency, recording: { _ in NoAnswer() },
            { record, _ throws(VaultError) -> String? in
                record.active = nil
                record.pending = nil
                record.superseded = []
                record.lastAcceptedStep = nil
                record.consecutiveFailures = 0
                record.lockedUntilMillis = 0
                record.backupCodeMACs = []
                record.passkeys = []
                return record.phone
            }
        ) { answer in
            // A registration begun before the reset must not finish after it.
            self.ceremonies.withLock { $0.removeAll(of: user) }
            switch answer {
            case .ran(let result):
                self.audit.record("reset", user: user, actor: actor, reason: reason, outcome: result.auditOutcome)
                if case .success(let phone?) = result {
                    self.notify(
                        phone,
                        "The multi-factor authentication of your \(self.policy.issuer) account was reset. If this was not you, contact your representative now."
                    )
                }
                completion(result.map { _ in () })
            case .recorded(let result, _):
                self.audit.record(
                    "reset", user: user, actor: actor, reason: reason, outcome: result.auditOutcome, recorded: true)
                completion(result.map { _ in () })
            }
        }
    }

    /// Longest `actor` or `reason` looked at before trimming (the limits after it are 200 and
    /// 1000 bytes): anything longer is refused without being walked.
    static let maximumUntrimmedBytes = 4096

    /// Forgets the user entirely. The record is removed from memory and a tombstone appended; the
    /// sealed bytes leave the disk when the log is compacted, which the daemon does right after
    /// (see `VaultService.afterDelete`). `actor` (audited) must be 1–200 bytes after trimming.
    public func deleteUser(
        user: UserID, actor: String, completion: @escaping @Sendable (Result<Void, VaultError>) -> Void
    ) {
        guard actor.utf8.count <= Self.maximumUntrimmedBytes, case let actor = actor.trimmingSpaces(),
            !actor.isEmpty, actor.utf8.count <= 200
        else {
            completion(.failure(VaultError(.invalidArguments, "field 'args.actor' must be 1 to 200 bytes of text")))
            return
        }
        update(user, { record, _ throws(VaultError) in record = VaultUserRecord() }) { result in
            self.audit.record("user.delete", user: user, actor: actor, outcome: result.auditOutcome)
            completion(result)
        }
    }

    public func health() -> VaultHealth {
        VaultHealth(
            users: userCount, smsReachable: sms.isReachable, degradedReason: persistence.failure,
            smsBlockedCountries: policy.smsRecovery.blockedCountryCodes.sorted(),
            idempotencyRetentionMillis: policy.idempotencyRetentionMillis)
    }

    /// Operation and outcome counters since start.
    public func stats() -> (operations: [String: Int], outcomes: [String: Int], users: Int) {
        let counted = counters.withLock { $0 }
        return (counted.operations, counted.outcomes, userCount)
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
