import TwofoldProcess

extension SMSDaemon {
    /// `run()` for a synchronous `main`: the calling thread waits, its signal mask untouched (see
    /// `blockingAwait`).
    public func runBlocking() throws {
        try blockingAwait { [self] in try await run() }
    }
}
