import Synchronization

/// The "Forgot password?" attempts in progress, in memory, by the SHA-256 of the token the browser
/// holds in a cookie (or an API client as `reset_token`). Nothing here is worth keeping across a
/// restart: an attempt is a few minutes of work, and after a restart the user starts again.
///
/// Bounded: at most `capacity` attempts, each dropped `lifetimeMs` after it started. An email
/// without a user gets an attempt too (it can never pass the code step), so that no page tells
/// whether an address has a user.
final class ForgotPasswordAttempts: Sendable {
    /// What the attempt needs next.
    enum Step: String, Sendable {
        /// The authenticator's current code.
        case code
        /// The code sent by SMS to the phone on file.
        case sms
        /// The new password.
        case password
    }

    struct Attempt: Sendable {
        /// The SHA-256 of the token.
        let id: String
        /// The email as normalised, or a fixed placeholder for text that is not an address: the
        /// key of the throttle, never shown.
        let email: String
        /// Nil for an email without a (usable) user.
        let userID: String?
        var step: Step = .code
        let startedAt: Int64
        var phoneMasked: String?
        /// Why the last SMS could not be sent, shown once on the SMS page.
        var smsProblem: AuthError?
    }

    let capacity: Int
    let lifetimeMs: Int64
    private let attempts = Mutex<[String: Attempt]>([:])

    init(capacity: Int, lifetimeMs: Int64) {
        self.capacity = max(1, capacity)
        self.lifetimeMs = lifetimeMs
    }

    /// Adds `attempt`; false when `capacity` attempts are in progress even after dropping those
    /// past their lifetime.
    func insert(_ attempt: Attempt, now: Int64) -> Bool {
        attempts.withLock { attempts in
            if attempts.count >= capacity {
                attempts = attempts.filter { now - $0.value.startedAt <= lifetimeMs }
            }
            guard attempts.count < capacity else { return false }
            attempts[attempt.id] = attempt
            return true
        }
    }

    /// The attempt `id`, unless it is past its lifetime (then it is dropped).
    func attempt(id: String, now: Int64) -> Attempt? {
        attempts.withLock { attempts in
            guard let attempt = attempts[id] else { return nil }
            guard now - attempt.startedAt <= lifetimeMs else {
                attempts[id] = nil
                return nil
            }
            return attempt
        }
    }

    /// Changes the attempt `id` if it is still there; returns it as changed.
    @discardableResult
    func update(id: String, _ body: (inout Attempt) -> Void) -> Attempt? {
        attempts.withLock { attempts in
            guard var attempt = attempts[id] else { return nil }
            body(&attempt)
            attempts[id] = attempt
            return attempt
        }
    }

    /// Removes and returns the attempt `id` if it is at `step` (whoever takes it finishes it).
    func take(id: String, at step: Step) -> Attempt? {
        attempts.withLock { attempts in
            guard let attempt = attempts[id], attempt.step == step else { return nil }
            attempts[id] = nil
            return attempt
        }
    }

    func remove(id: String) {
        _ = attempts.withLock { $0.removeValue(forKey: id) }
    }

    var count: Int { attempts.withLock { $0.count } }
}
