import TwofoldIPC
import TwofoldWire

/// The gateway's typed view of the vault socket. Every call is bounded by `timeout` (under a
/// second), so a vault that is down or stuck turns into a prompt 503 for the user; the client
/// reconnects by itself when the vault returns.
public struct VaultConnection: Sendable {
    public enum Reply: Sendable {
        case success([String: JSONValue])
        case failure(WireErrorPayload)
        case unavailable
    }

    let client: WireClient
    let timeout: Duration

    public init(client: WireClient, timeout: Duration = .milliseconds(800)) {
        self.client = client
        self.timeout = timeout
    }

    public func call(_ operation: String, _ args: [String: JSONValue]) async -> Reply {
        switch await client.call(operation, args: args, timeout: timeout) {
        case .failure: return .unavailable
        case .success(let response):
            switch response.outcome {
            case .success(let result): return .success(result)
            case .failure(let payload):
                // Envelope errors mean the gateway sent something the vault cannot serve; the
                // envelope's `unavailable` is the vault's storage failing (retry later): a 503.
                if payload.code == "internal" || payload.code == "unavailable" || payload.code.hasPrefix("server.") {
                    return .unavailable
                }
                return .failure(payload)
            }
        }
    }
}

extension [String: JSONValue] {
    func string(_ key: String) -> String? {
        if case .string(let value) = self[key] { return value }
        return nil
    }

    func int(_ key: String) -> Int64? {
        if case .integer(let value) = self[key] { return value }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        if case .bool(let value) = self[key] { return value }
        return nil
    }
}
