import TwofoldProcess
import TwofoldSystem

/// Security events as JSON lines (`event`, `user`, `ip`, `outcome`, `detail`, and the logger's
/// time): logins, MFA setup and reset, recovery, phone changes, session revocation, admin
/// actions. Never a password, a code, a token or a secret.
public struct GatewayAudit: Sendable {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func record(_ event: String, user: String?, address: String?, outcome: String, detail: String = "") {
        logger.log(
            .notice, event,
            [
                "event": .string(event), "user": .string(user ?? "-"), "ip": .string(address ?? "-"),
                "outcome": .string(outcome), "detail": .string(detail),
            ])
    }
}
