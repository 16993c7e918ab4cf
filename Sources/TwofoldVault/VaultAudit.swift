import TwofoldProcess
import TwofoldSystem

/// The vault's append-only audit log: one JSON line per security-relevant operation with time, op,
/// user, actor, reason (resets) and outcome. Never a seed, a code or a phone number.
public struct VaultAudit: Sendable {
    private let logger: Logger

    public init(sink: LogSink) {
        logger = Logger(label: "vault.audit", minimumLevel: .info, sink: sink)
    }

    /// - Parameter recorded: the answer was the one recorded for the request's idempotency key
    ///   (a retry): nothing ran, and the line says so with `"answer":"recorded"`.
    func record(
        _ op: String, user: UserID?, actor: String? = nil, reason: String? = nil, outcome: String,
        recorded: Bool = false
    ) {
        let user = user?.rawValue ?? "-"
        let actor = actor ?? "gateway"
        let reason = reason ?? ""
        if recorded {
            logger.info(
                "audit",
                [
                    "op": .string(op), "user": .string(user), "actor": .string(actor), "reason": .string(reason),
                    "outcome": .string(outcome), "answer": .string("recorded"),
                ])
        } else {
            logger.info(
                "audit",
                [
                    "op": .string(op), "user": .string(user), "actor": .string(actor), "reason": .string(reason),
                    "outcome": .string(outcome),
                ])
        }
    }
}
