import Synchronization
import TwofoldIPC
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

/// The sms-sender's operations (`protocol/sms-sender.md`): `health`, and `sms.send`, which validates
/// the message and hands it to the `OutboxWriter`; the answer is sent from the writer's queue once
/// the line is on disk, so the event loop never waits for an fsync.
///
/// Logs carry message ids only: the text holds recovery codes and the number is personal data.
public final class SMSService: WireService {
    public static let operationNames: Set<String> = ["health", "sms.send"]

    public let operations = SMSService.operationNames
    private let writer: OutboxWriter
    private let logger: Logger
    private let providerFailing: Atomic<Bool>

    /// - Parameter failProvider: start with the simulated provider refusing new messages.
    public init(writer: OutboxWriter, logger: Logger, failProvider: Bool = false) {
        self.writer = writer
        self.logger = logger
        self.providerFailing = Atomic(failProvider)
    }

    /// Whether the simulated provider refuses new messages (`sms.provider_failed`).
    public var failProvider: Bool {
        get { providerFailing.load(ordering: .relaxed) }
        set { providerFailing.store(newValue, ordering: .relaxed) }
    }

    public func handle(
        _ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void
    ) {
        switch request.operation {
        case "health":
            respond(health(id: request.id))
        case "sms.send":
            send(request, respond: respond)
        default:
            // The server only dispatches `operations`; anything else is a wiring bug, answered anyway.
            respond(.failure(id: request.id, WireError.unknownOperation()))
        }
    }

    private func health(id: RequestID) -> WireResponse {
        let outbox = writer.outbox
        var result: [String: JSONValue] = [
            "status": .string(outbox.isHealthy ? "ok" : "degraded"),
            "outbox_messages": .integer(Int64(outbox.messageCount)), "failing": .bool(failProvider),
        ]
        if let failure = outbox.failure { result["reason"] = .string(failure.message) }
        return .success(id: id, result: result)
    }

    private struct SendArguments: Decodable {
        let id: String
        let to: String
        let text: String
    }

    private func send(_ request: WireRequest, respond: @escaping @Sendable (WireResponse) -> Void) {
        let message: OutboxMessage
        do throws(SMSError) {
            let arguments: SendArguments
            do {
                arguments = try request.decodeArgs(SendArguments.self)
            } catch {
                throw .invalid(error)
            }
            message = try OutboxMessage.validated(id: arguments.id, to: arguments.to, text: arguments.text)
        } catch {
            logger.notice(
                "sms.send rejected", ["request": .string(request.id.description), "reason": .string(error.message)])
            respond(.failure(id: request.id, error.wirePayload))
            return
        }
        let (logger, requestID) = (self.logger, request.id)
        writer.submit(message, refuseIfNew: failProvider) { result in
            switch result {
            case .success(let outcome):
                let duplicate = outcome == .duplicate
                logger.info("sms queued", ["message": .string(message.id), "duplicate": .bool(duplicate)])
                respond(
                    .success(
                        id: requestID,
                        result: ["id": .string(message.id), "status": .string("queued"), "duplicate": .bool(duplicate)])
                )
            case .failure(let error):
                // An outbox failure is logged once by the outbox (and counted while it lasts),
                // never once per refused message.
                if error.code == "sms.provider_failed" {
                    logger.warning("sms refused by the simulated provider", ["message": .string(message.id)])
                }
                respond(.failure(id: requestID, error.wirePayload))
            }
        }
    }
}
