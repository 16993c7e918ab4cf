import TwofoldWire

/// The vault as the login flows see it: one call per operation, answered with the vault's
/// result, its error, or "unavailable" (down, or no answer in time: then the outcome is
/// unknown). `VaultConnection` is the real one, over the vault's socket; unit tests use fakes
/// that fail, answer late or answer garbage, which is why the flows check every field they read.
public protocol VaultAPI: Sendable {
    func call(_ operation: String, _ args: [String: JSONValue]) async -> VaultReply
}

/// What a vault call came back with.
public typealias VaultReply = VaultConnection.Reply

extension VaultConnection: VaultAPI {}
