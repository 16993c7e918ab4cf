/// Answers requests. `handle` runs on the connection's event loop thread and must not block:
/// answer at once with `writer.respond`, or later from any thread (after a vault round trip or
/// on a `WorkerPool`); the server hops back to the connection's loop. Requests of one connection
/// are handed over one at a time, so responses always go out in request order.
public protocol HTTPHandler: Sendable {
    func handle(_ request: IncomingRequest, writer: ResponseWriter)
}
