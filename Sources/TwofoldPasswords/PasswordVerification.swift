/// The outcome of checking a password against a stored hash.
public enum PasswordVerification: Sendable, Equatable {
    /// The password is right. `needsRehash` is true when the stored hash was made with other
    /// parameters (or salt/key lengths) than the hasher's: store a fresh `hash(_:)` of it now.
    case match(needsRehash: Bool)
    /// The password is wrong.
    case mismatch
    /// The stored string is not a hash this module can read (corrupt, unknown algorithm,
    /// parameters out of range). Treat as a wrong password and log the user id, not the string.
    case unreadable

    /// True only for `.match`; a convenience for callers that need nothing else.
    public var isMatch: Bool {
        if case .match = self { return true }
        return false
    }
}
