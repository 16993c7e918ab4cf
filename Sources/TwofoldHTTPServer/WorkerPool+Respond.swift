import TwofoldHTTP

extension WorkerPool {
    /// Runs `work` on a worker thread and sends what it returns. When the pool is full (or
    /// stopped) the client gets `503 Service Unavailable` with `Retry-After: 1` at once.
    public func respond(to writer: ResponseWriter, _ work: @escaping @Sendable () -> HTTPResponse) {
        do {
            try submit { writer.respond(work()) }
        } catch {
            writer.respond(Self.overloadedResponse)
        }
    }

    /// The answer to work refused by a full pool.
    public static let overloadedResponse = HTTPResponse(
        status: .serviceUnavailable,
        headers: ["Content-Type": "text/plain; charset=utf-8", "Retry-After": "1"],
        body: Array("The server is busy. Please try again in a moment.\n".utf8))
}
