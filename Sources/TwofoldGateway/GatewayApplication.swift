import Synchronization
import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldIPC
import TwofoldSystem
import TwofoldWire

/// The gateway's HTTP handler: routes requests to `GatewayRoute`s and counts every answer in
/// `metrics`. Later features add their routes through `init`'s `routes` hook.
///
/// Core routes: `GET /static/twofold.css`, `GET /healthz` (asks the vault) and, only with
/// `benchmarkRoutes`, `GET /bench/hello` (fixed text for `scripts/bench-http.sh`). None of them
/// uses the worker pool. `/metrics` is not among them: it tells an attacker how many logins fail
/// and how deep the queues are, so it is served by `metricsEndpoint` on a separate listener that
/// operators keep local (`--metrics-listen`).
///
/// While the directory's storage is failing, every other route answers 503 with `Retry-After`
/// (`server.storage` on the API, the "temporarily unavailable" page elsewhere) without running:
/// changes cannot be saved, and reads could show changes whose writes failed, which the rebuild
/// from disk drops. `/healthz` and `/metrics` say `degraded` and why.
public final class GatewayApplication: HTTPHandler {
    public let metrics: GatewayMetrics
    public let vault: WireClient
    public let workerPool: WorkerPool
    /// How long `/healthz` waits for the vault.
    public let healthTimeout: Duration
    /// The product name on error pages.
    public let issuer: String
    private let router: Router<GatewayRoute>
    private let gauges: Gauges
    private let directory: Directory?
    /// The core routes that never touch the directory, served while its storage fails.
    private static let storageFreeRoutes: Set<String> = [
        GatewayAssets.stylesheetPath, GatewayAssets.passkeysScriptPath, "/healthz", "/bench/hello",
    ]

    /// - Parameters:
    ///   - directory: whose storage `/healthz` and `/metrics` report, and whose failure makes the
    ///     other routes answer 503 (nil: no storage, for tests of the core routes).
    ///   - routes: registers additional routes after the core ones.
    public init(
        vault: WireClient, workerPool: WorkerPool, directory: Directory? = nil,
        metrics: GatewayMetrics = GatewayMetrics(),
        healthTimeout: Duration = .milliseconds(500), issuer: String = "Twofold", benchmarkRoutes: Bool = false,
        routes: (inout Router<GatewayRoute>) -> Void = { _ in }
    ) {
        self.vault = vault
        self.issuer = issuer
        self.workerPool = workerPool
        self.metrics = metrics
        self.healthTimeout = healthTimeout
        self.directory = directory
        let gauges = Gauges(pool: workerPool, directory: directory)
        self.gauges = gauges
        var router = Router<GatewayRoute>()
        Self.registerCoreRoutes(
            into: &router, vault: vault, directory: directory, metrics: metrics, healthTimeout: healthTimeout,
            benchmarkRoutes: benchmarkRoutes)
        routes(&router)
        self.router = router
    }

    /// Lets `/metrics` report the server's open connections.
    public func attach(_ server: HTTPServer) {
        gauges.server.withLock { $0 = server }
    }

    /// The handler of the metrics listener: `GET /metrics` (Prometheus text) and nothing else.
    public var metricsEndpoint: any HTTPHandler { MetricsEndpoint(metrics: metrics, gauges: gauges) }

    public func handle(_ request: IncomingRequest, writer: ResponseWriter) {
        let head = request.head
        let clock = request.eventLoop.clock
        let metrics = self.metrics
        switch router.match(head.method, path: head.path) {
        case .found(let route, let parameters):
            let name = route.name
            if let directory, !Self.storageFreeRoutes.contains(name) {
                do throws(DirectoryError) {
                    try directory.checkAvailable()
                } catch {
                    let response = Self.storageRefusal(path: head.path, issuer: issuer)
                    metrics.recordRequest(
                        route: name, status: response.status.code, duration: clock.now() - request.receivedAt)
                    writer.respond(response)
                    return
                }
            }
            route.handler(request, parameters) { response in
                metrics.recordRequest(
                    route: name, status: response.status.code, duration: clock.now() - request.receivedAt)
                writer.respond(response)
            }
        case .notFound:
            let message = ServerErrorPages.isAPI(head.path) ? "No such API route." : "There is no page at this address."
            answer(refusal(.notFound, "not_found", message, head), to: request, writer: writer)
        case .methodNotAllowed(let allowed):
            var response = refusal(
                .methodNotAllowed, "method", "This address does not take that kind of request.", head)
            response.headers.set("Allow", HTTPMethod.allowHeaderValue(allowed))
            answer(response, to: request, writer: writer)
        case .invalidPath(let error):
            answer(refusal(error.status, error.code, error.message, head), to: request, writer: writer)
        }
    }

    /// A request no route takes: the API's JSON error on `/api/` paths, a page elsewhere.
    private func refusal(_ status: HTTPStatus, _ code: String, _ message: String, _ head: HTTPRequestHead)
        -> HTTPResponse
    {
        ServerErrorPages.response(
            HTTPServer.ErrorReply(status: status, code: code, message: message, path: head.path), issuer: issuer)
    }

    /// 503 while the storage fails: the API's `server.storage` error, or the page, with `Retry-After`.
    static func storageRefusal(path: String, issuer: String) -> HTTPResponse {
        let error = AuthError.storage
        if ServerErrorPages.isAPI(path) { return WebSupport.json(error: error) }
        var response = ServerErrorPages.response(
            HTTPServer.ErrorReply(status: error.status, code: error.code, message: error.message, path: path),
            issuer: issuer)
        response.headers.set("Retry-After", String(max(1, (error.retryAfterMs ?? 1000) / 1000)))
        return response
    }

    private func answer(_ response: HTTPResponse, to request: IncomingRequest, writer: ResponseWriter) {
        let duration = request.eventLoop.clock.now() - request.receivedAt
        metrics.recordRequest(route: "unmatched", status: response.status.code, duration: duration)
        writer.respond(response)
    }

    // MARK: Core routes.

    /// What `/metrics` reads at scrape time; the server is attached after construction.
    final class Gauges: Sendable {
        let pool: WorkerPool
        let directory: Directory?
        let server = Mutex<HTTPServer?>(nil)
        init(pool: WorkerPool, directory: Directory?) {
            self.pool = pool
            self.directory = directory
        }
    }

    private static func registerCoreRoutes(
        into router: inout Router<GatewayRoute>, vault: WireClient, directory: Directory?, metrics: GatewayMetrics,
        healthTimeout: Duration, benchmarkRoutes: Bool
    ) {
        router.add(
            .get, GatewayAssets.stylesheetPath,
            GatewayRoute(name: GatewayAssets.stylesheetPath) { _, _, respond in
                respond(GatewayAssets.stylesheetResponse)
            })
        router.add(
            .get, GatewayAssets.passkeysScriptPath,
            GatewayRoute(name: GatewayAssets.passkeysScriptPath) { _, _, respond in
                respond(GatewayAssets.passkeysScriptResponse)
            })
        if benchmarkRoutes {
            router.add(
                .get, "/bench/hello",
                GatewayRoute(name: "/bench/hello") { _, _, respond in respond(GatewayAssets.helloResponse) })
        }
        router.add(
            .get, "/healthz",
            GatewayRoute(name: "/healthz") { request, _, respond in
                let clock = request.eventLoop.clock
                let started = clock.now()
                vault.call("health", timeout: healthTimeout) { result in
                    metrics.recordVaultRoundTrip(clock.now() - started)
                    respond(healthResponse(vaultUp: isHealthy(result), storageFailure: directory?.unavailableReason))
                }
            })
    }

    private static func isHealthy(_ result: Result<WireResponse, WireError>) -> Bool {
        guard case .success(let response) = result, case .success = response.outcome else { return false }
        return true
    }

    /// `{"status","vault","storage"?,"reason"?}`: `storage` and `reason` only while the storage
    /// fails (the reason is the errno's text, never a path).
    static func healthResponse(vaultUp: Bool, storageFailure: String? = nil) -> HTTPResponse {
        let healthy = vaultUp && storageFailure == nil
        var fields: [String: JSONValue] = [
            "status": .string(healthy ? "ok" : "degraded"), "vault": .string(vaultUp ? "up" : "down"),
        ]
        if let storageFailure {
            fields["storage"] = "failing"
            fields["reason"] = .string("storage: " + storageFailure)
        }
        var response = HTTPResponse(
            status: healthy ? .ok : .serviceUnavailable, headers: ["Content-Type": "application/json"],
            body: JSONValue.object(fields).jsonBytes + Array("\n".utf8))
        if !healthy { response.headers.set("Retry-After", "1") }
        return response
    }
}
