import Synchronization
import TwofoldHTTPServer
import TwofoldPasswords
import TwofoldSystem

/// Password hashing off the event loops: every scrypt runs on the bounded `WorkerPool`, so a
/// login flood queues (then gets 503 at once) instead of starving session checks and pages.
public struct PasswordWork: Sendable {
    public let hasher: PasswordHasher
    /// For the temporary passwords of invites: scrypt at its lowest accepted cost (N = 2^10,
    /// about a millisecond). They are 16 random characters from 54 (about 92 bits) chosen by the
    /// gateway, so a stolen hash resists guessing by entropy, not by cost, and bulk onboarding
    /// (`invite.import`) does not fill the hashing pool that logins need. Same stored format, so
    /// any build verifies them.
    public let temporaryHasher: PasswordHasher
    let pool: WorkerPool
    /// Replaced on SIGHUP when the operator's blocklist file changes.
    private let currentPolicy: PolicyBox

    public init(hasher: PasswordHasher, policy: PasswordPolicy, pool: WorkerPool) {
        self.hasher = hasher
        let cheapest =
            (try? ScryptParameters(logN: ScryptParameters.logNRange.lowerBound, r: 8, p: 1)) ?? hasher.parameters
        self.temporaryHasher = PasswordHasher(parameters: cheapest)
        self.currentPolicy = PolicyBox(policy)
        self.pool = pool
    }

    public var policy: PasswordPolicy { currentPolicy.value.withLock { $0 } }

    /// Uses `policy` for new passwords from now on.
    public func replacePolicy(_ policy: PasswordPolicy) { currentPolicy.value.withLock { $0 = policy } }

    private final class PolicyBox: Sendable {
        let value: Mutex<PasswordPolicy>
        init(_ policy: PasswordPolicy) { value = Mutex(policy) }
    }

    public enum Check: Sendable, Equatable {
        case match(needsRehash: Bool)
        case mismatch
    }

    /// Checks `password` against `stored`; with no stored hash (unknown email, disabled user) it
    /// does the same work and answers `mismatch`, so timing does not tell whether an email exists.
    func verify(_ password: String, against stored: String?) async throws(AuthError) -> Check {
        guard password.utf8.count <= PasswordPolicy.maximumBytes else { return .mismatch }
        let hasher = self.hasher
        return try await run {
            guard let stored else {
                hasher.burnEquivalentWork(password)
                return .mismatch
            }
            switch hasher.verify(password, against: stored) {
            case .match(let needsRehash): return .match(needsRehash: needsRehash)
            default: return .mismatch
            }
        }
    }

    /// Checks an invite's temporary password; like `verify`, the same work with or without a
    /// stored hash (an email that is not the invite's), at the temporary passwords' cost.
    func verifyTemporary(_ password: String, against stored: String?) async throws(AuthError) -> Check {
        guard password.utf8.count <= PasswordPolicy.maximumBytes else { return .mismatch }
        let hasher = temporaryHasher
        return try await run {
            guard let stored else {
                hasher.burnEquivalentWork(password)
                return .mismatch
            }
            if case .match = hasher.verify(password, against: stored) { return .match(needsRehash: false) }
            return .mismatch
        }
    }

    /// The stored forms of gateway-made temporary passwords, a few per pool job so an import
    /// never holds more than one worker at a time.
    func hashTemporary(_ passwords: [String]) async throws(AuthError) -> [String] {
        let hasher = temporaryHasher
        var hashes: [String] = []
        hashes.reserveCapacity(passwords.count)
        var start = 0
        while start < passwords.count {
            let group = Array(passwords[start..<min(start + 16, passwords.count)])
            let result: Result<[String], AuthError> = try await run {
                do {
                    return .success(try group.map { (password) throws(PasswordError) in try hasher.hash(password) })
                } catch {
                    return .failure(
                        AuthError("password.invalid", .unprocessableContent, "That password cannot be used."))
                }
            }
            hashes += try result.get()
            start += group.count
        }
        return hashes
    }

    /// The stored form of a new password that passed `policy`.
    func hash(_ password: String) async throws(AuthError) -> String {
        let hasher = self.hasher
        let result: Result<String, AuthError> = try await run {
            do {
                return .success(try hasher.hash(password))
            } catch {
                return .failure(AuthError("password.invalid", .unprocessableContent, "That password cannot be used."))
            }
        }
        return try result.get()
    }

    /// The policy's verdict on a new password, as an `AuthError`.
    func check(newPassword: String, email: String?) -> AuthError? {
        guard let problem = policy.problem(with: newPassword, email: email) else { return nil }
        return AuthError(problem.code, .unprocessableContent, problem.message)
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws(AuthError) -> T {
        let result: T? = await awaitCompletion { (done: @escaping @Sendable (T?) -> Void) in
            do {
                try pool.submit { done(work()) }
            } catch {
                done(nil)
            }
        }
        guard let result else { throw AuthError.busy }
        return result
    }
}
