import Dispatch
import Synchronization
import TwofoldProcess
import TwofoldStore
import TwofoldSystem

/// The outbox's single writer: a dedicated serial queue that takes every message submitted since
/// its last turn, appends the new ones with one write and one `fdatasync` (group commit), then calls
/// each completion from the queue. The event loop only enqueues, so it never waits on the disk.
///
/// While the outbox is failed, submissions are refused at once (from another queue, never inside
/// `submit`), and the writer calls `Outbox.recover()` with back-off (1 s doubling to 30 s) until the
/// disk takes writes again; it logs a reminder with the refusal count at most once a minute, and
/// the count once more when the outbox recovers.
///
/// Completions of accepted messages run in submission order, each exactly once.
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
        var recoveryScheduled = false
        var retry: RetryBackoff
        /// When the last "still failing" reminder was logged (monotonic nanoseconds).
        var lastReminder: UInt64 = 0
    }

    public let outbox: Outbox
    private let logger: Logger
    private let queue: DispatchQueue
    private let refusals = DispatchQueue(label: "sms-outbox-refusals")
    private let pending: Mutex<Pending>
    private let reminderInterval: Duration

    /// - Parameters:
    ///   - retry: the waits between recovery attempts while the outbox is failed.
    ///   - reminderInterval: while failed, how often at most the refusal count is logged.
    public init(
        outbox: Outbox, logger: Logger = Logger(label: "sms-outbox", sink: .standardError),
        label: String = "sms-outbox-writer", retry: RetryBackoff = RetryBackoff(),
        reminderInterval: Duration = .seconds(60)
    ) {
        self.outbox = outbox
        self.logger = logger
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        self.pending = Mutex(Pending(retry: retry))
        self.reminderInterval = reminderInterval
    }

    /// Queues `message`; `completion` runs on the writer's queue once it is durable (or refused),
    /// or, while the outbox is failed, at once on another queue with `sms.outbox_failed`.
    /// - Parameter refuseIfNew: answer `sms.provider_failed` instead of appending a new message.
    public func submit(_ message: OutboxMessage, refuseIfNew: Bool = false, completion: @escaping Completion) {
        if let error = outbox.refusal() {
            refusals.async { completion(.failure(error)) }
            scheduleRecovery()
            return
        }
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
            scheduleRecovery()
        }
        for (request, step) in zip(batch, plan) {
            switch (step, appended) {
            case (.failure(let error), _): request.completion(.failure(error))
            case (.success, .failure(let error)): request.completion(.failure(error))
            case (.success(let index), .success(let outcomes)): request.completion(.success(outcomes[index]))
            }
        }
    }

    /// Schedules one recovery attempt after the current back-off, unless one is scheduled.
    private func scheduleRecovery() {
        let wait = pending.withLock { state -> Duration? in
            guard !state.recoveryScheduled else { return nil }
            state.recoveryScheduled = true
            return state.retry.next()
        }
        guard let wait else { return }
        let (seconds, attoseconds) = wait.components
        let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(max(0, nanoseconds))) { self.attemptRecovery() }
    }

    private func attemptRecovery() {
        pending.withLock { $0.recoveryScheduled = false }
        guard !outbox.isHealthy else { return }
        do {
            let refused = try outbox.recover()
            pending.withLock { state in
                state.retry.reset()
                state.lastReminder = 0
            }
            logger.notice("outbox recovered; accepting messages again", ["refused": .integer(refused)])
        } catch {
            remindIfDue(error)
            scheduleRecovery()
        }
    }

    private func remindIfDue(_ error: SMSError) {
        let now = SystemInfo.monotonicNanoseconds()
        let interval = UInt64(clamping: reminderInterval.components.seconds) &* 1_000_000_000
        let due = pending.withLock { state -> Bool in
            if state.lastReminder == 0 {
                state.lastReminder = now
                return false
            }
            guard now &- state.lastReminder >= interval else { return false }
            state.lastReminder = now
            return true
        }
        if due {
            logger.warning(
                "outbox still failing",
                ["error": .string(error.message), "refused": .integer(outbox.refusedSinceFailure)])
        }
    }
}
