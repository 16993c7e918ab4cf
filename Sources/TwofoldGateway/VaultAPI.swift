import TwofoldWire

/// The vault as the login flows see it: one call per operation, answered with the vault's
/// result, its error, or "unavailable" (down, or no answer in time: then the outcome is
/// unknown). `VaultConnection` is the real one, over the vault's socket; unit tests use fakes
/// that fail, answer late or answer garbage, which is why the flows check every field they read.
public protocol VaultAPI: Sendable {
    /// `retryKey`: the idempotency key of a request that repeats an earlier one (the same login
    /// code in the same session, `VaultConnection.retryKey`), nil for a fresh key per call.
    func call(_ operation: String, _ args: [String: JSONValue], retryKey: IdempotencyKey?) async -> VaultReply
}

extension VaultAPI {
    func call(_ operation: String, _ args: [String: JSONValue]) async -> VaultReply {
        await call(operation, args, retryKey: nil)
    }
}

/// What a vault call came back with.
public typealias VaultReply = VaultConnection.Reply

extension VaultConnection: VaultAPI {}
