import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs a daemon's services the way swift-service-lifecycle does: start them in order, wait
/// for SIGTERM/SIGINT, a service failure or `triggerGracefulShutdown()`, then shut them down
/// in reverse order under one shared deadline (`gracePeriod` after shutdown begins).
///
/// The deadline is measured with `loop`'s clock and enforced with a timer on `loop`: a service
/// still shutting down at the deadline is abandoned (its `shutdown` task is cancelled), the
/// group records `ETIMEDOUT` for it and moves on, so a stuck service cannot hold the process.
/// `loop` must keep running until `run()` returns. For SIGTERM/SIGINT to reach the group, the
/// daemon's `main` blocks them first (`SignalHandler.block(Signal.handledSignals)`), before
/// any other thread starts.
public final class ServiceGroup: Sendable {
    private let services: [any Service]
    private let loop: EventLoop
    private let gracePeriod: Duration
    private let signals: [Signal]
    private let state = Mutex(State())

    private struct State {
        var triggered = false
        var failure: (any Error)?
        var waiter: CheckedContinuation<Void, Never>?
    }

    /// - Parameter signals: signals that trigger graceful shutdown, read via a `SignalHandler`
    ///   on `loop`; pass `[]` to handle none (the caller then triggers shutdown itself).
    public init(
        services: [any Service], loop: EventLoop, gracePeriod: Duration, signals: [Signal] = Signal.shutdownSignals
    ) {
        self.services = services
        self.loop = loop
        self.gracePeriod = gracePeriod
        self.signals = signals
    }

    /// Starts the services, waits for a shutdown trigger, stops them, and returns. Throws the
    /// first error: a failed start, a reported failure, a failed or timed-out (`ETIMEDOUT`)
    /// shutdown. Call once.
    public func run() async throws {
        let signalHandler = try await installSignalHandler()
        defer { signalHandler?.cancel() }

        var firstError: (any Error)?
        var started: [any Service] = []
        let context = ServiceContext(group: self)
        for service in services where !isTriggered {
            do {
                try await service.start(context: context)
                started.append(service)
            } catch {
                firstError = error
                break
            }
        }
        if firstError == nil { await waitForTrigger() }
        if firstError == nil { firstError = state.withLock { $0.failure } }

        let deadline = loop.clock.now() + gracePeriod
        for service in started.reversed() {
            do {
                try await shutdown(service, deadline: deadline)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// Begins graceful shutdown (what SIGTERM does). Any thread; later calls do nothing.
    public func triggerGracefulShutdown() {
        trigger(failure: nil)
    }

    func trigger(failure: (any Error)?) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.failure == nil, let failure { state.failure = failure }
            state.triggered = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private var isTriggered: Bool { state.withLock { $0.triggered } }

    private func waitForTrigger() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyTriggered = state.withLock { state -> Bool in
                if state.triggered { return true }
                state.waiter = continuation
                return false
            }
            if alreadyTriggered { continuation.resume() }
        }
    }

    private func installSignalHandler() async throws -> SignalHandler? {
        guard !signals.isEmpty else { return nil }
        let (loop, signals) = (self.loop, self.signals)
        return try await loop.submit { [self] in
            try SignalHandler(on: loop, signals: signals) { [self] _ in triggerGracefulShutdown() }
        }
    }

    /// Awaits `service.shutdown`, but no later than `deadline`.
    private func shutdown(_ service: any Service, deadline: Deadline) async throws {
        let race = ShutdownRace()
        let name = service.name
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            race.state.withLock { $0.continuation = continuation }
            let timer = loop.scheduleTask(deadline: deadline) {
                race.expire(SystemError(call: "shutdown of service \(name)", errno: ETIMEDOUT))
            }
            race.setWork(
                Task {
                    do {
                        try await service.shutdown(deadline: deadline)
                        race.complete(.success(()))
                    } catch {
                        race.complete(.failure(error))
                    }
                    timer.cancel()
                })
        }
    }

    /// Whichever of "shutdown finished" and "deadline passed" comes first resumes the waiter;
    /// losing the race to the deadline cancels the shutdown task.
    private final class ShutdownRace: Sendable {
        struct State {
            var continuation: CheckedContinuation<Void, any Error>?
            var work: Task<Void, Never>?
            var expired = false
        }

        let state = Mutex(State())

        func complete(_ result: Result<Void, any Error>) {
            state.withLock { $0.continuation.take() }?.resume(with: result)
        }

        func expire(_ error: SystemError) {
            let (continuation, work) = state.withLock { state in
                let continuation = state.continuation.take()
                if continuation != nil { state.expired = true }
                return (continuation, state.work)
            }
            guard let continuation else { return }
            work?.cancel()
            continuation.resume(throwing: error)
        }

        func setWork(_ work: Task<Void, Never>) {
            let expired = state.withLock { state in
                state.work = work
                return state.expired
            }
            if expired { work.cancel() }
        }
    }
}
