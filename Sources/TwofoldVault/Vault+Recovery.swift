import TwofoldPhone

/// What `recovery.start` reports: where the code went, and until when it is valid.
public struct RecoveryStart: Sendable, Equatable {
    public let phoneMasked: String
    public let expiresAtMillis: Int64
}

extension Vault {
    /// Sends a 6-digit recovery code by SMS to the phone on file. Refused with a distinct reason for
    /// no phone, an unsupported country, the resend cool-down and the per-user and per-number quotas.
    /// The code is stored only as a keyed MAC; a new code does not reset failure counters.
    public func startRecovery(
        user: UserID, completion: @escaping @Sendable (Result<RecoveryStart, VaultError>) -> Void
    ) {
        let code = crypto.randomDigits(6)
        let mac = crypto.recoveryMAC(user: user, code: code)
        let messageID = Hex.encode(crypto.randomBytes(12))
        updateWithContext(
            user,
            { record, context throws(VaultError) -> (RecoveryStart, SMSMessage) in
                let now = context.now
                guard let phone = record.phone, let number = try? PhoneNumber(parsing: phone) else {
                    throw VaultError(.noPhone, "No phone number is on file for SMS recovery.")
                }
                let availability = policy.smsRecovery.availability(for: number)
                guard availability.isAvailable else {
                    throw VaultError(
                        .unsupportedCountry,
                        "Recovery codes cannot be sent by SMS to phone numbers from \(number.country.name).",
                        detail: availability.code)
                }
                let windowStart = now - policy.recoveryQuotaWindowMillis
                record.recoverySends.removeAll { $0 <= windowStart }
                if let last = record.recoverySends.last, now - last < policy.recoveryResendCooldownMillis {
                    throw VaultError(
                        .cooldown, "A code was sent a moment ago; wait before asking for another.",
                        retryAfterMillis: last + policy.recoveryResendCooldownMillis - now)
                }
                if record.recoverySends.count >= policy.recoverySendsPerUser, let first = record.recoverySends.first {
                    throw VaultError(
                        .quota, "Too many recovery codes were sent; try again later or contact your representative.",
                        retryAfterMillis: first + policy.recoveryQuotaWindowMillis - now)
                }
                try reserveNumberSend(number, context: &context)
                record.recoverySends.append(now)
                record.recovery = .init(
                    mac: mac, expiresAtMillis: now + policy.recoveryCodeLifetimeMillis,
                    attemptsLeft: policy.recoveryAttempts)
                let text =
                    "\(policy.issuer) recovery code: \(code). It expires in 10 minutes. If you did not ask for it, ignore this message."
                return (
                    RecoveryStart(phoneMasked: number.masked, expiresAtMillis: now + policy.recoveryCodeLifetimeMillis),
                    SMSMessage(id: messageID, to: number.e164, text: text)
                )
            }
        ) { result in
            switch result {
            case .failure(let error):
                self.audit.record("recovery.start", user: user, outcome: error.code.rawValue)
                completion(.failure(error))
            case .success(let (start, message)):
                self.sms.send(message) { delivered in
                    if delivered {
                        self.audit.record("recovery.start", user: user, outcome: "sent")
                        completion(.success(start))
                    } else {
                        // The code never reached the user: burn it and give the send back to the quota.
                        self.update(
                            user,
                            { record, _ throws(VaultError) in
                                if record.recovery?.mac == mac { record.recovery = nil }
                                if !record.recoverySends.isEmpty { record.recoverySends.removeLast() }
                            }
                        ) { _ in
                            self.audit.record(
                                "recovery.start", user: user, outcome: VaultError.Code.smsUnavailable.rawValue)
                            completion(
                                .failure(
                                    VaultError(
                                        .smsUnavailable, "SMS is temporarily unavailable; try again in a minute.",
                                        retryAfterMillis: 30_000)))
                        }
                    }
                }
            }
        }
    }

    /// Checks a recovery code. Accepted once; wrong attempts are limited, then the code is burnt.
    /// Acceptance lifts code lockouts (the user proved control of the phone) but keeps the old
    /// authenticator until a new one is confirmed.
    public func verifyRecovery(
        user: UserID, code: String, completion: @escaping @Sendable (Result<RecoveryOutcome, VaultError>) -> Void
    ) {
        // Only a 6-byte code is ever MACed; any other length is a wrong attempt, decided unread.
        let mac = code.utf8.count == 6 ? crypto.recoveryMAC(user: user, code: code) : nil
        update(
            user,
            { record, now throws(VaultError) -> (RecoveryOutcome, String?) in
                guard let recovery = record.recovery, recovery.expiresAtMillis > now, recovery.attemptsLeft > 0 else {
                    record.recovery = nil
                    return (.expired, nil)
                }
                guard let mac, crypto.constantTimeEquals(recovery.mac, mac) else {
                    let left = recovery.attemptsLeft - 1
                    record.recovery =
                        left == 0
                        ? nil
                        : .init(
                            mac: recovery.mac, expiresAtMillis: recovery.expiresAtMillis, attemptsLeft: left)
                    return (.invalid(attemptsLeft: left), nil)
                }
                record.recovery = nil
                record.consecutiveFailures = 0
                record.lockedUntilMillis = 0
                return (.accepted, record.phone)
            }
        ) { result in
            switch result {
            case .success(let (outcome, phone)):
                self.audit.record("recovery.verify", user: user, outcome: outcome.name)
                if outcome == .accepted, let phone {
                    self.notify(
                        phone,
                        "Your \(self.policy.issuer) account was recovered by SMS. If this was not you, contact your representative now."
                    )
                }
                completion(.success(outcome))
            case .failure(let error):
                self.audit.record("recovery.verify", user: user, outcome: error.code.rawValue)
                completion(.failure(error))
            }
        }
    }

    /// Counts a send against the phone number's own quota (shared by every user with that number).
    private func reserveNumberSend(_ number: PhoneNumber, context: inout UpdateContext) throws(VaultError) {
        let now = context.now
        let tag = crypto.numberTag(number.e164)
        let associatedData = VaultLogEntry.associatedData(.numberSends, tag)
        var sends: [Int64] = []
        if let sealed = context.numberSends[tag], let plaintext = crypto.open(sealed, associatedData: associatedData) {
            var reader = BinaryReader(plaintext)
            while let time = try? reader.i64() { sends.append(time) }
        }
        sends.removeAll { $0 <= now - policy.recoveryQuotaWindowMillis }
        if sends.count >= policy.recoverySendsPerNumber, let first = sends.first {
            throw VaultError(
                .quota, "Too many recovery codes were sent to this number; try again later.",
                retryAfterMillis: first + policy.recoveryQuotaWindowMillis - now)
        }
        sends.append(now)
        var writer = BinaryWriter()
        sends.forEach { writer.i64($0) }
        let sealed = crypto.seal(writer.bytes, associatedData: associatedData)
        context.entries.append(VaultLogEntry(kind: .numberSends, key: tag, sealed: sealed))
    }

    /// A best-effort notice to the phone on file (recovery, MFA reset); failures are audited only.
    func notify(_ phone: String, _ text: String) {
        let message = SMSMessage(id: Hex.encode(crypto.randomBytes(12)), to: phone, text: text)
        sms.send(message) { delivered in
            if !delivered { self.audit.record("notice", user: nil, outcome: "sms_unavailable") }
        }
    }
}
