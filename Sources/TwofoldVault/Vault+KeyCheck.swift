import TwofoldCrypto

/// Why the vault refuses to start with the key(s) it was given. `message` is one line for the
/// operator; the daemon exits with status 78 (configuration error) and changes nothing on disk.
public struct KeyCheckError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}

/// What the key check found in a replayed store (`Vault.checkKey`).
public enum KeyVerdict: Sendable, Equatable {
    /// The store's key check value is the master key's.
    case matches
    /// The store has no key check value yet (a new store, or one written before key checks) and
    /// the master key opens its records (or it has none): write it with `writeKeyCheck`.
    case unchecked
    /// A rotation can go ahead: the store is sealed under the previous key (by its check value, or
    /// by its records when it has none) and every user record opens with one of the two keys.
    case rotate
}

extension Vault {
    /// Checks the master key (and, when `rotating`, the previous one) against the replayed
    /// store, before anything is served or written. Throws `KeyCheckError` when the key does not
    /// match: a wrong key would otherwise answer `internal` for every user, and a rotation under
    /// a wrong previous key would re-seal nothing and let the operator destroy the only key.
    public func checkKey(rotating: Bool) throws(KeyCheckError) -> KeyVerdict {
        try state.withLock { state throws(KeyCheckError) in try keyVerdict(state, rotating: rotating) }
    }

    /// Records the master key's check value in the store; `completion` once it is durable.
    public func writeKeyCheck(completion: @escaping @Sendable ((any Error)?) -> Void) {
        state.withLock { state in appendKeyCheck(&state, completion: completion) }
    }

    func keyVerdict(_ state: State, rotating: Bool) throws(KeyCheckError) -> KeyVerdict {
        let sealedCount = state.users.count + state.numberSends.count
        guard rotating, let previousCheck = crypto.previousKeyCheckValue else {
            if let stored = state.keyCheck {
                guard ConstantTime.equals(stored, crypto.keyCheckValue) else {
                    throw KeyCheckError(
                        message: "the master key does not match this store (its key check value differs): "
                            + "start the vault with the key that sealed it; nothing was changed")
                }
                return .matches
            }
            guard sealedCount == 0 || opensAny(state, with: .current) else {
                throw KeyCheckError(
                    message: "the master key opens none of this store's \(sealedCount) sealed records: "
                        + "start the vault with the key that sealed it; nothing was changed")
            }
            return .unchecked
        }
        let alreadyRotated = KeyCheckError(
            message: "the store is already sealed under the new master key, so the rotation is complete: "
                + "start without --previous-master-key-file; nothing was changed")
        let neither = KeyCheckError(
            message: "neither the master key nor the previous master key matches this store: "
                + "check both key files; nothing was changed")
        if let stored = state.keyCheck {
            if ConstantTime.equals(stored, crypto.keyCheckValue) { throw alreadyRotated }
            guard ConstantTime.equals(stored, previousCheck) else { throw neither }
        } else if sealedCount > 0, !opensAny(state, with: .previous) {
            throw opensAny(state, with: .current) ? alreadyRotated : neither
        }
        let unreadable = state.users.count { entry in
            let associatedData = VaultLogEntry.associatedData(.user, entry.key.rawValue)
            return !crypto.opens(entry.value, associatedData: associatedData, with: .previous)
                && !crypto.opens(entry.value, associatedData: associatedData, with: .current)
        }
        guard unreadable == 0 else {
            throw KeyCheckError(
                message: "\(unreadable) of the store's \(state.users.count) user records open with neither key, "
                    + "so the rotation would leave them unreadable: nothing was changed")
        }
        return .rotate
    }

    /// Whether any sealed record opens with that key alone: one is proof enough (AES-GCM does
    /// not open under a wrong key), so this usually stops at the first record.
    private func opensAny(_ state: State, with key: VaultCrypto.KeyChoice) -> Bool {
        for (user, sealed) in state.users
        where crypto.opens(sealed, associatedData: VaultLogEntry.associatedData(.user, user.rawValue), with: key) {
            return true
        }
        for (tag, sealed) in state.numberSends
        where crypto.opens(sealed, associatedData: VaultLogEntry.associatedData(.numberSends, tag), with: key) {
            return true
        }
        return false
    }
}
