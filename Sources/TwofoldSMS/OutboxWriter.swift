import Dispatch
import Synchronization

/// The outbox's single writer: a dedicated serial queue that takes every message submitted since
/// its last turn, appends the new ones with one write and one `fdatasync` (group commit), then calls
/// each completion from the queue. The event loop only enqueues, so it never waits on the disk.
///
/// Completions run in submission order, each exactly once.
public final class OutboxWriter: Sendable {
    public typealias Completion = @Sendable (Result<Outbox.AppendOutcome, SMSError>) -> Void

    private struct Request: Sendable {
        let message: OutboxMessage
        /// The simulated provider is failing: refuse the message unless it is a duplicate
        /// (a message already in the outbox was accepted earlier and stays accepted).
        let refuseIfNew: Bool
        let completion: Completion
    }

    private struct Pending: Sendable {
        var requests: [Request] = []
        var flushScheduled = false
    }

    public let outbox: Outbox
    private let queue: DispatchQueue
    private let pending = Mutex(Pending())

    public init(outbox: Outbox, label: String = "sms-outbox-writer") {
        self.outbox = outbox
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Queues `message`; `completion` runs on the writer's queue once it is durable (or refused).
    /// - Parameter refuseIfNew: answer `sms.provider_failed` instead of appending a new message.
    public func submit(_ message: OutboxMessage, refuseIfNew: Bool = false, completion: @escaping Completion) {
        let schedule = pending.withLock { state -> Bool in
            state.requests.append(Request(message: message, refuseIfNew: refuseIfNew, completion: completion))
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule { queue.async { self.flush() } }
    }

    /// Returns once everything submitted before the call has been written and answered (shutdown).
    public func drain() {
        queue.sync {}
    }

    private func flush() {
        let batch = pending.withLock { state -> [Request] in
            state.flushScheduled = false
            defer { state.requests = [] }
            return state.requests
        }
        // Each request either gets a fixed answer now or an index into the appended batch.
        var toAppend: [OutboxMessage] = []
        var plan: [Result<Int, SMSError>] = []
        for request in batch {
            let known = outbox.contains(id: request.message.id) || toAppend.contains { $0.id == request.message.id }
            if request.refuseIfNew, !known {
                plan.append(.failure(.providerFailed()))
            } else {
                plan.append(.success(toAppend.count))
                toAppend.append(request.message)
            }
        }
        let appended: Result<[Outbox.AppendOutcome], SMSError>
        do {
            appended = .success(toAppend.isEmpty ? [] : try outbox.append(toAppend))
        } catch {
            appended = .failure(error)
        }
        for (request, step) in zip(batch, plan) {
            switch (step, appended) {
            case (.failure(let error), _): request.completion(.failure(error))
            case (.success, .failure(let error)): request.completion(.failure(error))
            case (.success(let index), .success(let outcomes)): request.completion(.success(outcomes[index]))
            }
        }
    }
}
