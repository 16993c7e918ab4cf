import Dispatch
import Synchronization

extension SMSDaemon {
    /// `run()` for a synchronous `main`: the calling thread waits, its signal mask untouched.
    ///
    /// A `main.swift` with top-level `await` would hand the main thread to `dispatch_main`, which
    /// unblocks every signal on that thread; SIGHUP (whose default action kills) and SIGTERM would
    /// then be delivered there instead of to the signalfds, skipping graceful shutdown.
    public func runBlocking() throws {
        let outcome = Outcome()
        Task.detached { [self] in
            do {
                try await run()
            } catch {
                outcome.failure.withLock { $0 = error }
            }
            outcome.finished.signal()
        }
        outcome.finished.wait()
        if let error = outcome.failure.withLock({ $0 }) { throw error }
    }

    private final class Outcome: Sendable {
        let failure = Mutex<(any Error)?>(nil)
        let finished = DispatchSemaphore(value: 0)
    }
}
