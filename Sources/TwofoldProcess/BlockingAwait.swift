import TwofoldSystem

/// Runs async work from synchronous code (a daemon's `main`) and waits for its result.
///
/// Daemons keep `main` synchronous on purpose: a `main.swift` with top-level `await` hands the main
/// thread to `dispatch_main`, which unblocks every signal on that thread, so SIGTERM and SIGHUP
/// would bypass the signalfds and skip graceful shutdown.
public func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = waitForCompletion { (finished: @escaping @Sendable (Result<T, any Error>) -> Void) in
        Task.detached {
            do {
                finished(.success(try await body()))
            } catch {
                finished(.failure(error))
            }
        }
    }
    return try result.get()
}
