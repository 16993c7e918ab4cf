extension Vault {
    /// Checks a code from the user's authenticator against the active seed: the current step and the
    /// policy's window either side, never a step at or below the last accepted one. The new last
    /// step (or failure count) is durable before the outcome is answered.
    public func verify(
        user: UserID, code: String, completion: @escaping @Sendable (Result<VerifyOutcome, VaultError>) -> Void
    ) {
        update(
            user,
            { record, now throws(VaultError) -> VerifyOutcome in
                verifyCode(&record, code: code, now: now)
            }
        ) { result in
            self.count("totp.verify", result.auditOutcome { $0.name })
            self.audit.record("totp.verify", user: user, outcome: result.auditOutcome { $0.name })
            completion(result)
        }
    }

    /// The verification rule, shared by `verify` and the operations a code authorises.
    func verifyCode(_ record: inout VaultUserRecord, code: String, now: Int64) -> VerifyOutcome {
        guard let seed = record.active else { return .notEnrolled }
        if let locked = lockout(record, now: now) { return .locked(retryAfterMillis: locked.retryAfterMillis) }
        guard let step = crypto.matchStep(code: code, seed: seed, steps: window(now: now, seed: seed)) else {
            let retry = recordFailure(&record, now: now)
            return .invalid(failures: record.consecutiveFailures, retryAfterMillis: retry)
        }
        if let last = record.lastAcceptedStep, step <= last { return .replayed }
        record.lastAcceptedStep = step
        record.consecutiveFailures = 0
        record.lockedUntilMillis = 0
        return .accepted(step: step)
    }

    /// The steps a code may come from at `now`.
    func window(now: Int64, seed: VaultUserRecord.Seed) -> ClosedRange<UInt64> {
        let current = UInt64(max(0, now) / 1000) / UInt64(max(1, seed.period))
        return current - min(current, policy.stepsBehind)...current + policy.stepsAhead
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
        state.withLock { state in
            state.counters.operations[operation, default: 0] += 1
            state.counters.outcomes["\(operation).\(outcome)", default: 0] += 1
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
