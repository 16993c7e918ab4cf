import TwofoldCrypto
import TwofoldPhone

/// What `recovery.start` reports: where the code went, until when it is valid, and whether the
/// sms-sender confirmed that it took the message.
public struct RecoveryStart: Sendable, Equatable {
    /// What the vault knows of the text carrying the code.
    public enum Delivery: UInt8, Sendable {
        /// The sms-sender acknowledged it (it is durably in its outbox).
        case sent = 1
        /// The send's outcome is unknown (no answer within the deadline): the text may arrive, and
        /// the code it carries stays valid.
        case unknown = 2
    }

    public let phoneMasked: String
    public let expiresAtMillis: Int64
    public var delivery: Delivery
}

extension Vault {
    /// Sends a 6-digit recovery code by SMS to the phone on file. Refused with a distinct reason for
    /// no phone, an unsupported country, the resend cool-down and the per-user and per-number quotas.
    /// The code is stored only as a keyed MAC; a new code does not reset failure counters.
    ///
    /// The send is bounded by the request's deadline (`deadlineAt`, Unix ms) as well as by the SMS
    /// timeout, so the answer comes before the caller gives up; too little time left and nothing
    /// starts (`deadline.exceeded`). What the answer says of the text:
    /// - acknowledged by the sms-sender: `delivery` `sent`;
    /// - not sent for sure (no worker listening, or it refused): the code is burnt, the user's
    ///   send given back, and the answer is `sms.unavailable`;
    /// - no answer in time: the text may still go out, so the code stays valid and the answer is a
    ///   success with `delivery` `unknown` (burning it would let a late text carry a dead code).
    /// With an idempotency claim, the answer is recorded with the code (as `unknown`) and settled
    /// once the send's outcome is known; a retry meanwhile is `idempotency.in_progress`.
    public func startRecovery(
        user: UserID, deadlineAt: Int64? = nil, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<RecoveryStart, VaultError>) -> Void
    ) {
        let sendTimeout: Duration?
        switch Self.sendBudget(deadlineAt: deadlineAt, now: clock.nowMillis()) {
        case .success(let budget): sendTimeout = budget
        case .failure(let error):
            completion(.failure(error))
            return
        }
        let code = crypto.randomDigits(6)
        let mac = crypto.recoveryMAC(user: user, code: code)
        let messageID = Hex.encode(crypto.randomBytes(12))
        update(
            user, claim: idempotency, holdsClaim: true, recording: \.0,
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
                // Recorded as `unknown` until the send settles it: a crash in between leaves a code
                // that may have been sent, which is exactly what a retry is then told.
                return (
                    RecoveryStart(
                        phoneMasked: number.masked, expiresAtMillis: now + policy.recoveryCodeLifetimeMillis,
                        delivery: .unknown),
                    SMSMessage(id: messageID, to: number.e164, text: text)
                )
            }
        ) { answer in
            switch answer {
            case .recorded(let result, _):
                self.audit.record(
                    "recovery.start", user: user, outcome: result.auditOutcome { $0.delivery.auditName },
                    recorded: true)
                completion(result)
            case .ran(.failure(let error)):
                self.audit.record("recovery.start", user: user, outcome: error.code.rawValue)
                completion(.failure(error))
            case .ran(.success(let (start, message))):
                self.sms.send(message, timeout: sendTimeout) { outcome in
                    self.settleRecovery(
                        user: user, start: start, outcome: outcome, mac: mac, claim: idempotency, completion: completion
                    )
                }
            }
        }
    }

    /// How long the SMS send of a request with `deadlineAt` may take (nil: no deadline, the SMS
    /// timeout alone bounds it), or `deadline.exceeded` when too little is left to start.
    static func sendBudget(deadlineAt: Int64?, now: Int64) -> Result<Duration?, VaultError> {
        guard let deadlineAt else { return .success(nil) }
        let (left, overflow) = deadlineAt.subtractingReportingOverflow(now &+ answerMarginMillis)
        if overflow { return .success(nil) }
        guard left >= minimumSendMillis else {
            return .failure(
                VaultError(
                    .deadlineExceeded,
                    "Too little time was left before the request's deadline to send a text; nothing was done."))
        }
        return .success(.milliseconds(left))
    }

    /// Time kept back from a `recovery.start` deadline for settling and answering after the send.
    static let answerMarginMillis: Int64 = 100
    /// Below this much time for the send, `recovery.start` does not start.
    static let minimumSendMillis: Int64 = 100

    /// The second phase of `recovery.start`, once the send's outcome is known: burns the code of a
    /// text that was certainly not sent, settles the recorded answer, then releases the claim.
    private func settleRecovery(
        user: UserID, start: RecoveryStart, outcome: SMSSendOutcome, mac: [UInt8], claim: IdempotencyClaim?,
        completion: @escaping @Sendable (Result<RecoveryStart, VaultError>) -> Void
    ) {
        let answer: Result<RecoveryStart, VaultError>
        switch outcome {
        case .sent:
            var sent = start
            sent.delivery = .sent
            answer = .success(sent)
        case .unknown:
            answer = .success(start)
        case .notSent:
            answer = .failure(
                VaultError(
                    .smsUnavailable, "SMS is temporarily unavailable; try again in a minute.", retryAfterMillis: 30_000)
            )
        }
        let finish: @Sendable () -> Void = {
            if let claim { self.releaseClaim(claim) }
            self.audit.record(
                "recovery.start", user: user, outcome: answer.auditOutcome { $0.delivery.auditName })
            completion(answer)
        }
        let recorded = claim.flatMap { _ in RecordedAnswer.encode(answer) }
        guard outcome == .notSent || (outcome == .sent && recorded != nil) else {
            finish()
            return
        }
        update(
            user,
            { record, _ throws(VaultError) in
                if outcome == .notSent {
                    // The code never reached the user: burn it and give the send back to the quota.
                    if record.recovery?.mac == mac { record.recovery = nil }
                    if !record.recoverySends.isEmpty { record.recoverySends.removeLast() }
                }
                if let claim, let recorded { try? record.outcomes.replaceAnswer(for: claim.digest, with: recorded) }
            }
        ) { _ in finish() }
    }

    /// Checks a recovery code. Accepted once; wrong attempts are limited, then the code is burnt.
    /// Acceptance lifts code lockouts (the user proved control of the phone) but keeps the old
    /// authenticator until a new one is confirmed.
    public func verifyRecovery(
        user: UserID, code: String, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<RecoveryOutcome, VaultError>) -> Void
    ) {
        // Only a 6-byte code is ever MACed; any other length is a wrong attempt, decided unread.
        let mac = code.utf8.count == 6 ? crypto.recoveryMAC(user: user, code: code) : nil
        update(
            user, claim: idempotency, recording: \.0, records: { (try? $0.get())?.0 == .accepted },
            { record, context throws(VaultError) -> (RecoveryOutcome, String?) in
                let now = context.now
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
        ) { answer in
            let result: Result<(RecoveryOutcome, String?), VaultError>
            switch answer {
            case .ran(let ran): result = ran
            case .recorded(let recorded, _):
                self.audit.record(
                    "recovery.verify", user: user, outcome: recorded.auditOutcome { $0.name }, recorded: true)
                completion(recorded)
                return
            }
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

    /// A best-effort notice to the phone on file (recovery, MFA reset, a backup code used);
    /// failures are audited only.
    func notify(_ phone: String, _ text: String) {
        let message = SMSMessage(id: Hex.encode(crypto.randomBytes(12)), to: phone, text: text)
        sms.send(message, timeout: nil) { outcome in
            switch outcome {
            case .sent: break
            case .notSent: self.audit.record("notice", user: nil, outcome: "sms_unavailable")
            case .unknown: self.audit.record("notice", user: nil, outcome: "sms_unknown")
            }
        }
    }
}

extension RecoveryStart.Delivery {
    /// `sent`, or `sms_unknown` when the send's outcome is unknown (the audit log's outcome).
    var auditName: String {
        switch self {
        case .sent: "sent"
        case .unknown: "sms_unknown"
        }
    }
}
