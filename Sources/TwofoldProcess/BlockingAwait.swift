import Dispatch
import Synchronization

/// Runs async work from synchronous code (a daemon's `main`) and waits for its result.
///
/// Daemons keep `main` synchronous on purpose: a `main.swift` with top-level `await` hands the main
/// thread to `dispatch_main`, which unblocks every signal on that thread, so SIGTERM and SIGHUP
/// would bypass the signalfds and skip graceful shutdown.
public func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = BlockingOutcome<T>()
    Task.detached {
        do {
            let value = try await body()
            outcome.result.withLock { $0 = .success(value) }
        } catch {
            outcome.result.withLock { $0 = .failure(error) }
        }
        outcome.finished.signal()
    }
    outcome.finished.wait()
    return try outcome.result.withLock { $0 }!.get()
}

private final class BlockingOutcome<T: Sendable>: Sendable {
    let result = Mutex<Result<T, any Error>?>(nil)
    let finished = DispatchSemaphore(value: 0)
}
