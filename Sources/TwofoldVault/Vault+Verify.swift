import TwofoldOTP

extension Vault {
    /// Checks a code from the user's authenticator against the active seed: the current step and the
    /// policy's window either side, never a step at or below the last accepted one. The new last
    /// step (or failure count) is durable before the outcome is answered. With an idempotency
    /// claim, a retry gets the first answer (`accepted` again, never `replayed`).
    public func verify(
        user: UserID, code: String, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<VerifyOutcome, VaultError>) -> Void
    ) {
        update(
            user, claim: idempotency, recording: { $0 }, records: { (try? $0.get())?.name == "accepted" },
            { record, context throws(VaultError) -> VerifyOutcome in
                verifyCode(&record, code: code, now: context.now)
            }
        ) { answer in
            let (result, recorded) = answer.result
            self.count("totp.verify", recorded ? "recorded" : result.auditOutcome { $0.name })
            self.audit.record("totp.verify", user: user, outcome: result.auditOutcome { $0.name }, recorded: recorded)
            completion(result)
        }
    }

    /// The verification rule, shared by `verify` and the operations a code authorises.
    func verifyCode(_ record: inout VaultUserRecord, code: String, now: Int64) -> VerifyOutcome {
        guard let seed = record.active else { return .notEnrolled }
        if let locked = lockout(record, now: now) { return .locked(retryAfterMillis: locked.retryAfterMillis) }
        switch check(code, seed: seed, now: now, lastAccepted: record.lastAcceptedStep) {
        case .invalid:
            let retry = recordFailure(&record, now: now)
            return .invalid(failures: record.consecutiveFailures, retryAfterMillis: retry)
        case .replayed:
            return .replayed
        case .accepted(let step):
            record.lastAcceptedStep = step.value
            record.consecutiveFailures = 0
            record.lockedUntilMillis = 0
            return .accepted(step: step.value)
        }
    }

    /// `code` against `seed` at `now`, with the policy's window.
    func check(_ code: String, seed: VaultUserRecord.Seed, now: Int64, lastAccepted: UInt64?) -> TOTPVerifier.Outcome {
        crypto.verify(
            code: code, seed: seed, nowMillis: now, lastAccepted: lastAccepted, stepsBehind: policy.stepsBehind,
            stepsAhead: policy.stepsAhead)
    }

    /// Why codes may not be tried now, or nil when they may.
    func lockout(_ record: VaultUserRecord, now: Int64) -> Lockout? {
        if record.consecutiveFailures >= policy.hardStopFailures { return .untilReset }
        if record.lockedUntilMillis > now { return .timed(remainingMillis: record.lockedUntilMillis - now) }
        return nil
    }

    /// Counts a failure and applies the growing back-off; returns the wait it imposes, if any.
    func recordFailure(_ record: inout VaultUserRecord, now: Int64) -> Int64? {
        record.consecutiveFailures &+= 1
        if record.consecutiveFailures >= policy.hardStopFailures { return nil }
        let wait = policy.lockoutMillis(afterFailures: record.consecutiveFailures)
        guard wait > 0 else { return nil }
        record.lockedUntilMillis = now + wait
        return wait
    }

    func count(_ operation: String, _ outcome: String) {
        counters.withLock { counters in
            counters.operations[operation, default: 0] += 1
            counters.outcomes["\(operation).\(outcome)", default: 0] += 1
        }
    }
}

extension Result {
    /// `ok`/`error code` for the audit log: never the value itself.
    var auditOutcome: String {
        switch self {
        case .success: "ok"
        case .failure(let error): (error as? VaultError)?.code.rawValue ?? "error"
        }
    }

    func auditOutcome(_ name: (Success) -> String) -> String {
        switch self {
        case .success(let value): name(value)
        case .failure(let error): (error as? VaultError)?.code.rawValue ?? "error"
        }
    }
}

/// A user who may not try codes right now.
enum Lockout: Equatable {
    /// Growing back-off after repeated failures.
    case timed(remainingMillis: Int64)
    /// The hard stop: only SMS recovery or an operator reset lifts it.
    case untilReset

    var retryAfterMillis: Int64? {
        switch self {
        case .timed(let remaining): remaining
        case .untilReset: nil
        }
    }
}
