import TwofoldProcess

/// The vault's append-only audit log: one JSON line per security-relevant operation with time, op,
/// user, actor, reason (resets) and outcome. Never a seed, a code or a phone number.
public struct VaultAudit: Sendable {
    private let logger: Logger

    public init(sink: LogSink) {
        logger = Logger(label: "vault.audit", minimumLevel: .info, sink: sink)
    }

    func record(_ op: String, user: UserID?, actor: String? = nil, reason: String? = nil, outcome: String) {
        logger.info(
            "audit",
            [
                "op": .string(op), "user": .string(user?.rawValue ?? "-"), "actor": .string(actor ?? "gateway"),
                "reason": .string(reason ?? ""), "outcome": .string(outcome),
            ])
    }
}
