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
/// Every state-changing call carries an idempotency key (protocol/README.md), which the vault
/// records with the change's answer. A call the user may send again after an unknown outcome (a
/// 503 while the vault stalled) passes `retryKey(session:operation:_:)`, the same for the same
/// session and inputs, so the vault answers the retry with the first answer (a login code is
/// `accepted` again, not `replayed`); every other call gets a fresh random key.
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
        "recovery.verify", "user.delete", "notice.send", "backup.generate", "backup.verify",
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

    /// - Parameter retryKey: the key of a request that repeats an earlier one (`retryKey(…)`);
    ///   nil for a fresh key (state-changing operations) or none (reads).
    public func call(_ operation: String, _ args: [String: JSONValue], retryKey: IdempotencyKey? = nil) async -> Reply {
        let key =
            Self.stateChangingOperations.contains(operation)
            ? retryKey ?? IdempotencyKey(randomBytes: SecureRandom.bytes(count: 16)) : nil
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
                // The first request with this key is still running: its answer is not known yet.
                if payload.code == "idempotency.in_progress" { return .unavailable }
                return .failure(payload)
            }
        }
    }
}

extension VaultConnection {
    /// The idempotency key of `operation` sent again by the same session with the same inputs
    /// (`parts`, e.g. the code typed): HMAC-SHA256 keyed by the session's id (the hash of its
    /// token, known only to the gateway), so the key, which is not secret, reveals nothing about
    /// the code. Only for operations whose success ends the session's stage (a login code, a
    /// setup confirmation, a recovery or backup code): the same session cannot mean to repeat them
    /// after a success, so a recorded answer is always the right one. "Generate new codes" too: its
    /// code is consumed by the first run, so a retry with it can only mean the same request, and
    /// the recorded answer (`backup_codes_withheld`) tells the truth about it.
    public static func retryKey(session: String, operation: String, _ parts: [String]) -> IdempotencyKey {
        var message = Array("twofold.gateway.v1/vault-retry\u{0}\(operation)".utf8)
        for part in parts { message += [0] + Array(part.utf8) }
        let mac = HMAC.authenticationCode(for: message, key: Array(session.utf8), algorithm: .sha256)
        // 16 of the MAC's bytes spelled in base64url (the initializer's "random" bytes).
        return IdempotencyKey(randomBytes: Array(mac.bytes.prefix(16)))
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
