import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldSystem

/// `GET /metrics` (Prometheus text, format 0.0.4) on the metrics listener, apart from the public
/// one: per-route and per-status counters (failed logins among them) and queue depths are
/// reconnaissance for an attacker, so only operators who can reach the local address read them.
/// Any other path is 404 and any other method 405, in plain text.
struct MetricsEndpoint: HTTPHandler {
    let metrics: GatewayMetrics
    let gauges: GatewayApplication.Gauges

    static let path = "/metrics"

    func handle(_ request: IncomingRequest, writer: ResponseWriter) {
        let head = request.head
        guard head.path == Self.path else {
            writer.respond(Self.plain(.notFound, "Only /metrics is served here."))
            return
        }
        guard head.method == .get || head.method == .head else {
            var response = Self.plain(.methodNotAllowed, "GET /metrics only.")
            response.headers.set("Allow", "GET, HEAD")
            writer.respond(response)
            return
        }
        let text = metrics.render(
            openConnections: gauges.server.withLock { $0?.openConnectionCount } ?? 0,
            workerQueueDepth: gauges.pool.queueDepth, workerBusy: gauges.pool.busyWorkers)
        let response = HTTPResponse(
            status: .ok,
            headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
            body: Array(text.utf8))
        metrics.recordRequest(
            route: Self.path, status: response.status.code, duration: request.eventLoop.clock.now() - request.receivedAt
        )
        writer.respond(response)
    }

    static func plain(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array((message + "\n").utf8))
    }
}
