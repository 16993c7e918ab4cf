import TwofoldCrypto
import TwofoldIPC
import TwofoldWire

/// The gateway's typed view of the vault socket. Every call carries its deadline: `timeout`
/// (under a second) for the login path, so a vault that is down or stuck turns into a prompt 503
/// for the user, and `recoveryTimeout` for `recovery.start`, which waits for the SMS worker (the
/// vault's `--sms-timeout`, 2 s by default, must stay below it). Calls share one connection and
/// are answered in any order, so a slow `recovery.start` never delays a login; the client
/// reconnects by itself when the vault returns.
///
/// Every state-changing call carries a fresh idempotency key (protocol/README.md); the vault
/// will answer a retry with the recorded outcome once it records them (not yet: nothing here
/// retries).
public struct VaultConnection: Sendable {
    public enum Reply: Sendable {
        case success([String: JSONValue])
        case failure(WireErrorPayload)
        /// The vault did not run the request: it is down, refused it unstarted (its deadline had
        /// passed) or failed in a way the gateway cannot act on.
        case unavailable
        /// No valid answer came after the request was sent: the vault may or may not have carried
        /// it out. A caller must not report "nothing happened"; for a change it must assume it
        /// may have happened (e.g. end the sessions a reset would have ended).
        case outcomeUnknown
    }

    /// The vault's operations that change its state.
    public static let stateChangingOperations: Set<String> = [
        "enroll.begin", "enroll.confirm", "totp.verify", "reset", "phone.set", "phone.clear", "recovery.start",
        "recovery.verify", "user.delete", "notice.send",
    ]

    let client: WireClient
    let timeout: Duration
    let recoveryTimeout: Duration

    public init(client: WireClient, timeout: Duration = .milliseconds(800), recoveryTimeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
        self.recoveryTimeout = max(recoveryTimeout, timeout)
    }

    /// The deadline of `operation`, from when it is sent.
    public func deadline(of operation: String) -> Duration {
        operation == "recovery.start" ? recoveryTimeout : timeout
    }

    public func call(_ operation: String, _ args: [String: JSONValue]) async -> Reply {
        let key =
            Self.stateChangingOperations.contains(operation)
            ? IdempotencyKey(randomBytes: SecureRandom.bytes(count: 16)) : nil
        switch await client.call(operation, args: args, timeout: deadline(of: operation), idempotencyKey: key) {
        case .failure(let error): return error.isOutcomeUnknown ? .outcomeUnknown : .unavailable
        case .success(let response):
            switch response.outcome {
            case .success(let result): return .success(result)
            case .failure(let payload):
                // Envelope errors mean the gateway sent something the vault cannot serve.
                if payload.code == "internal" || payload.code.hasPrefix("server.") { return .unavailable }
                // Refused unstarted: too late to begin before the deadline, or the vault's envelope
                // `unavailable` (over its connection cap, its store failed or closing): a 503.
                if payload.code == "deadline.exceeded" || payload.code == "unavailable" { return .unavailable }
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
