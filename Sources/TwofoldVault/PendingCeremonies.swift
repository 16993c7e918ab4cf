import TwofoldWebAuthn

/// A challenge issued by `webauthn.register.begin` or `webauthn.assert.begin`, waiting for its
/// answer.
struct PendingCeremony: Sendable {
    let challenge: WebAuthnChallenge
    /// The user it was issued for; nil for a passwordless sign-in (the credential names its user).
    let user: UserID?
    /// The name given at `webauthn.register.begin`, used when the finish names none.
    let name: String?
    let expiresAtMillis: Int64
}

/// The challenges in flight, by id. Memory only and bounded: the oldest (which expire first, all
/// having the same lifetime) are dropped to make room, expired ones on every insert.
///
/// Single use is enforced here: `take` removes the challenge before anything is verified against
/// it, so two answers to one challenge cannot both be checked, whatever the gateway sends.
struct PendingCeremonies: Sendable {
    private var byID: [String: PendingCeremony] = [:]
    /// Ids in insertion order; some may have been taken already (skipped, and compacted away).
    private var order: [String] = []
    private var head = 0

    var count: Int { byID.count }

    mutating func insert(_ ceremony: PendingCeremony, id: String, now: Int64, maximum: Int) {
        while head < order.count {
            let oldest = order[head]
            guard let pending = byID[oldest] else {
                head += 1
                continue
            }
            guard pending.expiresAtMillis <= now || byID.count >= max(maximum, 1) else { break }
            byID[oldest] = nil
            head += 1
        }
        if head > 64, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
        byID[id] = ceremony
        order.append(id)
    }

    /// Removes and returns the challenge `id`, whatever its state (single use).
    mutating func take(_ id: String) -> PendingCeremony? {
        byID.removeValue(forKey: id)
    }

    /// Forgets every challenge issued for `user` (after a reset: a registration begun before it
    /// must not finish after it).
    mutating func removeAll(of user: UserID) {
        byID = byID.filter { $0.value.user != user }
    }
}
