import TwofoldCrypto
import TwofoldPhone

extension Vault {
    /// A new set of the policy's number of backup codes for `user`, and the MACs the record keeps
    /// of them. Made before the state lock is taken (CSPRNG and HMACs are not decisions).
    func newBackupCodes(for user: UserID) -> (codes: [BackupCode], macs: [UInt8]) {
        let codes = (0..<min(max(policy.backupCodeCount, 1), 15)).map { _ in BackupCode.generate() }
        return (codes, codes.flatMap { crypto.backupMAC(user: user, code: $0) })
    }

    /// Replaces the user's backup codes with a new set. Needs a current authenticator code in the
    /// same request, checked like a login code (consumed, replay-guarded, failures counted in the
    /// back-off), so a stolen session alone cannot mint a second factor. The codes are in this
    /// answer only; a retry with the same idempotency key is answered `withheld`.
    public func generateBackupCodes(
        user: UserID, code: String?, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<IssuedBackupCodes, VaultError>) -> Void
    ) {
        let backup = newBackupCodes(for: user)
        update(
            user, claim: idempotency, recording: { $0 },
            { record, context throws(VaultError) -> IssuedBackupCodes in
                guard record.active != nil else {
                    throw VaultError(
                        .notEnrolled, "Backup codes need an authenticator app; set one up first.")
                }
                try authorise(&record, code: code, now: context.now)
                record.backupCodeMACs = backup.macs
                return .shown(backup.codes)
            }
        ) { answer in
            let (result, recorded) = answer.result
            self.audit.record("backup.generate", user: user, outcome: result.auditOutcome, recorded: recorded)
            completion(result)
        }
    }

    /// Checks a backup code. A match is spent at once (durably, before the answer) and, like an
    /// accepted SMS recovery code, lifts the failure count; the authenticator stays active until
    /// a new one is confirmed. A miss counts as a failure in the same back-off as authenticator
    /// codes, and a lockout is answered before any comparison. A notice goes to the phone on
    /// file when SMS to it is allowed.
    public func verifyBackupCode(
        user: UserID, code input: String, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<BackupVerifyOutcome, VaultError>) -> Void
    ) {
        // Parsed and MACed before the lock; input that spells no code is a wrong attempt.
        let mac = BackupCode(parsing: input).map { crypto.backupMAC(user: user, code: $0) }
        update(
            user, claim: idempotency, recording: \.0, records: { (try? $0.get())?.0.name == "accepted" },
            { record, context throws(VaultError) -> (BackupVerifyOutcome, String?) in
                let now = context.now
                guard record.backupCodesLeft > 0 else { return (.noCodes, nil) }
                if let locked = lockout(record, now: now) {
                    return (.locked(retryAfterMillis: locked.retryAfterMillis), nil)
                }
                guard let mac, let index = Self.matchingSlot(of: mac, in: record.backupCodeMACs) else {
                    let retry = recordFailure(&record, now: now)
                    return (.invalid(failures: record.consecutiveFailures, retryAfterMillis: retry), nil)
                }
                let start = index * BackupCode.macLength
                record.backupCodeMACs.removeSubrange(start..<(start + BackupCode.macLength))
                record.consecutiveFailures = 0
                record.lockedUntilMillis = 0
                return (.accepted(codesLeft: record.backupCodesLeft), record.phone)
            }
        ) { answer in
            switch answer {
            case .ran(let result):
                self.audit.record("backup.verify", user: user, outcome: result.auditOutcome { $0.0.name })
                if case .success((.accepted(let left), let phone?)) = result {
                    self.noticeBackupCodeUse(phone, left: left)
                }
                completion(result.map(\.0))
            case .recorded(let result, _):
                self.audit.record("backup.verify", user: user, outcome: result.auditOutcome { $0.name }, recorded: true)
                completion(result)
            }
        }
    }

    /// The slot whose MAC equals `mac`, comparing every slot in constant time (no early exit, so
    /// the time taken says nothing about which slot matched or how much of a MAC did).
    static func matchingSlot(of mac: [UInt8], in macs: [UInt8]) -> Int? {
        var found: Int?
        for slot in 0..<(macs.count / BackupCode.macLength) {
            let start = slot * BackupCode.macLength
            if ConstantTime.equals(Array(macs[start..<(start + BackupCode.macLength)]), mac), found == nil {
                found = slot
            }
        }
        return found
    }

    /// Like every notice (a new authenticator, a reset, a changed password), it goes to any phone on
    /// file, whatever its country: a notice is not a recovery code, and a user of a country without
    /// SMS recovery is the one most likely to sign in with backup codes.
    private func noticeBackupCodeUse(_ phone: String, left: Int) {
        notify(
            phone,
            "A backup code was used to sign in to your \(policy.issuer) account (\(left) left). If this was not you, contact your representative now."
        )
    }
}
