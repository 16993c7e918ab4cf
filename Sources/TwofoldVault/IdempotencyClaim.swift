/// A keyed request's claim on its recorded answer (protocol/README.md, Idempotency keys), made by
/// `Vault.idempotencyClaim` from the envelope's `idempotency_key`.
///
/// - `digest` names the key, scoped by the peer's uid and the user: the same key from another
///   peer, or for another user, is another key.
/// - `fingerprint` names what was asked: the operation and its canonical arguments. A known key
///   with another fingerprint is `idempotency.mismatch`.
///
/// Both are truncated HMAC-SHA256 under a subkey of the master key (`VaultCrypto`).
public struct IdempotencyClaim: Sendable, Equatable {
    let digest: [UInt8]
    let fingerprint: [UInt8]
}

extension Vault {
    /// The claim of a request carrying idempotency key `key` from a peer with uid `peer`, for
    /// `operation` on `user` with `arguments` (the canonical JSON bytes of its `args`).
    public func idempotencyClaim(peer: UInt32, user: UserID, key: String, operation: String, arguments: [UInt8])
        -> IdempotencyClaim
    {
        crypto.idempotencyClaim(peer: peer, user: user, key: key, operation: operation, arguments: arguments)
    }

    /// Ends the in-flight mark of a claim that an operation held past its write (`holdsClaim`).
    func releaseClaim(_ claim: IdempotencyClaim) {
        state.withLock { _ = $0.claimsInFlight.remove(claim.digest) }
    }

    /// A retry that came while the first request with its key is still running (its write not yet
    /// durable, or its SMS not yet sent): the answer is not known yet, so nothing is answered for it.
    static func claimInProgress() -> VaultError {
        VaultError(
            .idempotencyInProgress,
            "A request with this idempotency key is still running; retry in a moment for its answer.",
            retryAfterMillis: 250)
    }

    static func claimMismatch() -> VaultError {
        VaultError(
            .idempotencyMismatch,
            "This idempotency key was used for a different operation or different arguments; nothing was done.")
    }
}
