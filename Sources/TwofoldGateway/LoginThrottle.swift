import Synchronization

/// Growing delays after wrong passwords, per email and per client address, kept in memory.
/// Never a permanent lockout (anyone who knows an email could otherwise lock its owner out):
/// after `freeFailures` wrong attempts each further one doubles the wait, up to `maximumDelay`;
/// a success clears the email's count and a quiet `forgetAfter` clears any count.
public final class LoginThrottle: Sendable {
    struct Entry {
        var failures: Int
        var lastFailure: Int64
    }

    public struct Policy: Sendable {
        public var freeFailuresPerEmail = 5
        public var freeFailuresPerAddress = 20
        public var baseDelayMs: Int64 = 1000
        public var maximumDelayMs: Int64 = 5 * 60 * 1000
        public var forgetAfterMs: Int64 = 30 * 60 * 1000
        public init() {}

        /// Wrong authenticator codes in "Forgot password?": the vault's schedule (five free
        /// failures, then 30 s doubling to 15 minutes), kept by the gateway per email and client
        /// address so that an email without a user is slowed down exactly like one with a user.
        public static var forgotPassword: Policy {
            var policy = Policy()
            policy.baseDelayMs = 30_000
            policy.maximumDelayMs = 15 * 60 * 1000
            return policy
        }
    }

    let policy: Policy
    private let emails = Mutex<[String: Entry]>([:])
    private let addresses = Mutex<[String: Entry]>([:])

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// Milliseconds to wait before another attempt for this email or address, or nil.
    public func retryAfter(email: String, address: String, now: Int64) -> Int64? {
        let byEmail = wait(in: emails, key: email, free: policy.freeFailuresPerEmail, now: now)
        let byAddress = wait(in: addresses, key: address, free: policy.freeFailuresPerAddress, now: now)
        return [byEmail, byAddress].compactMap { $0 }.max()
    }

    public func recordFailure(email: String, address: String, now: Int64) {
        record(in: emails, key: email, now: now)
        record(in: addresses, key: address, now: now)
    }

    private func record(in table: borrowing Mutex<[String: Entry]>, key: String, now: Int64) {
        let forget = policy.forgetAfterMs
        table.withLock { entries in
            var entry = entries[key] ?? Entry(failures: 0, lastFailure: now)
            if now - entry.lastFailure > forget { entry.failures = 0 }
            entry.failures += 1
            entry.lastFailure = now
            entries[key] = entry
            // Bounded memory under a spray of addresses or emails: drop the forgotten ones.
            if entries.count > 100_000 { entries = entries.filter { now - $0.value.lastFailure <= forget } }
        }
    }

    /// The failures counted for `email` (0 once forgotten).
    public func failures(email: String, now: Int64) -> Int {
        guard let entry = emails.withLock({ $0[email] }), now - entry.lastFailure <= policy.forgetAfterMs else {
            return 0
        }
        return entry.failures
    }

    public func recordSuccess(email: String) {
        _ = emails.withLock { $0.removeValue(forKey: email) }
    }

    private func wait(in table: borrowing Mutex<[String: Entry]>, key: String, free: Int, now: Int64) -> Int64? {
        guard let entry = table.withLock({ $0[key] }), now - entry.lastFailure <= policy.forgetAfterMs,
            entry.failures >= free
        else { return nil }
        let exponent = min(entry.failures - free, 20)
        let delay = min(policy.baseDelayMs << Int64(exponent), policy.maximumDelayMs)
        let remaining = entry.lastFailure + delay - now
        return remaining > 0 ? remaining : nil
    }
}
