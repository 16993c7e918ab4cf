import Synchronization
import TwofoldHTTPServer
import TwofoldPasswords

/// Password hashing off the event loops: every scrypt runs on the bounded `WorkerPool`, so a
/// login flood queues (then gets 503 at once) instead of starving session checks and pages.
public struct PasswordWork: Sendable {
    public let hasher: PasswordHasher
    let pool: WorkerPool
    /// Replaced on SIGHUP when the operator's blocklist file changes.
    private let currentPolicy: PolicyBox

    public init(hasher: PasswordHasher, policy: PasswordPolicy, pool: WorkerPool) {
        self.hasher = hasher
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
        let result: T? = await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            do {
                try pool.submit { continuation.resume(returning: work()) }
            } catch {
                continuation.resume(returning: nil)
            }
        }
        guard let result else { throw AuthError.busy }
        return result
    }
}
