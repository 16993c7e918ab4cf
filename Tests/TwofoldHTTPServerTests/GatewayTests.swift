import Foundation
import Testing
import TwofoldGateway
import TwofoldHTTPServer
import TwofoldIPC
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

/// A vault stand-in that answers `health`.
struct HealthyVault: WireService {
    var operations: Set<String> { ["health"] }
    func handle(_ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void) {
        respond(.success(id: request.id, result: ["status": .string("ok")]))
    }
}

/// The gateway application served in-process, its vault client pointed at `vaultSocket`, and its
/// metrics endpoint on a second listener.
final class RunningGateway: Sendable {
    let running: RunningServer
    let metrics: RunningServer
    let application: GatewayApplication
    let pool: WorkerPool
    let clientGroup: EventLoopGroup

    init(vaultSocket: String, benchmarkRoutes: Bool = true) async throws {
        let pool = try WorkerPool(threadCount: 1, queueCapacity: 4)
        clientGroup = try EventLoopGroup(loopCount: 1)
        let vault = WireClient(configuration: .init(path: vaultSocket), loop: clientGroup.loops[0])
        let application = GatewayApplication(vault: vault, workerPool: pool, benchmarkRoutes: benchmarkRoutes)
        running = try await RunningServer(handler: application)
        metrics = try await RunningServer(loops: 1, handler: application.metricsEndpoint)
        application.attach(running.server)
        self.application = application
        self.pool = pool
    }

    func stop() async throws {
        await running.stop()
        await metrics.stop()
        try await offThePool { [pool, clientGroup] in
            pool.shutdown()
            clientGroup.shutdownGracefully()
        }
    }
}

func temporarySocketPath(_ label: String) -> String {
    "/tmp/tf-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
}

@Suite struct GatewayTests {
    @Test func healthz_whenTheVaultIsAbsent_reports503Degraded() async throws {
        let gateway = try await RunningGateway(vaultSocket: temporarySocketPath("absent"))
        let client = try await gateway.running.client()
        try await client.get("/healthz")
        let response = try await client.readResponse()
        #expect(response.status == 503)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.text == "{\"status\":\"degraded\",\"vault\":\"down\"}\n")
        try await gateway.stop()
    }

    @Test func healthz_whenTheVaultAnswers_reports200Ok() async throws {
        let path = temporarySocketPath("vault")
        let vaultGroup = try EventLoopGroup(loopCount: 1)
        let vault = WireServer(
            configuration: .init(path: path), service: HealthyVault(), loop: vaultGroup.loops[0],
            logger: Logger(label: "vault", sink: .memory()))
        try await vault.start()
        let gateway = try await RunningGateway(vaultSocket: path)
        let client = try await gateway.running.client()
        try await client.get("/healthz")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "{\"status\":\"ok\",\"vault\":\"up\"}\n")
        try await gateway.stop()
        await vault.shutdown(gracePeriod: .seconds(1))
        try await offThePool { vaultGroup.shutdownGracefully() }
    }

    @Test func metrics_areServedOnTheirOwnListenerOnly_asValidExpositionText_andCountersIncrease() async throws {
        let gateway = try await RunningGateway(vaultSocket: temporarySocketPath("absent"))
        let client = try await gateway.running.client()
        let scraper = try await gateway.metrics.client()
        func scrape() async throws -> [String: Double] {
            try await scraper.get("/metrics")
            let response = try await scraper.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            return try PrometheusText.parse(response.text)
        }
        try await client.get("/metrics")
        let public404 = try await client.readResponse()
        #expect(public404.status == 404, "the public listener does not serve /metrics")
        for _ in 0..<2 {
            try await client.get("/bench/hello")
            _ = try await client.readResponse()
        }
        let first = try await scrape()
        let hello = "twofold_http_requests_total{route=\"/bench/hello\",status=\"200\"}"
        #expect(first[hello] == 2)
        #expect(first["twofold_http_requests_total{route=\"unmatched\",status=\"404\"}"] == 1)
        #expect(first["twofold_http_open_connections"] == 1, "the public listener's connections")
        #expect(first["twofold_worker_pool_queue_depth"] == 0)
        #expect(first["twofold_worker_pool_busy"] == 0)
        #expect(first["twofold_vault_round_trip_seconds_count"] == 0)
        #expect(first["twofold_http_request_duration_seconds_count"] == 3)
        #expect(first["twofold_http_request_duration_seconds_bucket{le=\"+Inf\"}"] == 3)

        for _ in 0..<3 {
            try await client.get("/bench/hello")
            _ = try await client.readResponse()
        }
        try await client.get("/healthz")
        _ = try await client.readResponse()
        let second = try await scrape()
        #expect(second[hello] == 5)
        #expect(second["twofold_http_requests_total{route=\"/metrics\",status=\"200\"}"] == 1)
        #expect(second["twofold_http_requests_total{route=\"/healthz\",status=\"503\"}"] == 1)
        #expect(second["twofold_vault_round_trip_seconds_count"] == 1)
        #expect(second["twofold_http_request_duration_seconds_count"] == 8)

        try await scraper.get("/healthz")
        #expect(try await scraper.readResponse().status == 404, "the metrics listener serves /metrics only")
        try await scraper.send("POST /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
        let post = try await scraper.readResponse()
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
        try await gateway.stop()
    }

    @Test func benchHello_isServedOnlyWithTheBenchmarkFlag() async throws {
        let gateway = try await RunningGateway(vaultSocket: temporarySocketPath("absent"), benchmarkRoutes: false)
        let client = try await gateway.running.client()
        try await client.get("/bench/hello")
        #expect(try await client.readResponse().status == 404)
        try await gateway.stop()
    }

    @Test func stylesheet_isServedAsCacheableCSS() async throws {
        let gateway = try await RunningGateway(vaultSocket: temporarySocketPath("absent"))
        let client = try await gateway.running.client()
        try await client.get("/static/twofold.css")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/css; charset=utf-8")
        #expect(response.header("Cache-Control") == "public, max-age=3600")
        #expect(response.text.contains("body"))
        try await gateway.stop()
    }

    @Test func unknownRoutesAndMethods_get404And405WithAllow() async throws {
        let gateway = try await RunningGateway(vaultSocket: temporarySocketPath("absent"))
        let client = try await gateway.running.client()
        try await client.get("/nope")
        let page = try await client.readResponse()
        #expect(page.status == 404)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.text.contains("Page not found"))
        try await client.get("/api/v1/nope")
        let json = try await client.readResponse()
        #expect(json.status == 404)
        #expect(json.header("Content-Type") == "application/json")
        #expect(json.text.contains(#""code":"not_found""#))
        try await client.send("DELETE /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD")
        #expect(response.text.contains("Not allowed here"))
        try await client.get("/bench/hello")
        #expect(try await client.readResponse().text == "hello")
        for method in ["TRACE", "QUERY"] {
            try await client.send("\(method) /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let refused = try await client.readResponse()
            #expect(refused.status == 405, "\(method): no route takes it")
            #expect(refused.header("Allow") == "GET, HEAD")
        }
        try await gateway.stop()
    }
}

/// A strict reader of the Prometheus text format (0.0.4) for the tests: every sample line must
/// be `name{label="value",…} number`, every family announced by `# TYPE` before its samples,
/// histogram buckets cumulative and ending in `+Inf` equal to `_count`.
enum PrometheusText {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        var types: [String: String] = [:]
        let sample =
            /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (\S+)$/
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram"].contains(parts[3]) else {
                    throw FormatError(description: "bad TYPE line: \(line)")
                }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("# HELP ") { continue }
            guard let match = try sample.wholeMatch(in: String(line)), let value = Double(match.4) else {
                throw FormatError(description: "bad sample line: \(line)")
            }
            let name = String(match.1)
            let family = ["_bucket", "_sum", "_count"].reduce(name) { result, suffix in
                types[result] == nil && result.hasSuffix(suffix) ? String(result.dropLast(suffix.count)) : result
            }
            guard types[family] != nil else { throw FormatError(description: "sample before its TYPE: \(line)") }
            samples[name + String(match.2 ?? "")] = value
        }
        for (family, type) in types where type == "histogram" {
            let buckets = text.split(separator: "\n").filter { $0.hasPrefix("\(family)_bucket{") }
            let values = buckets.compactMap { Double($0.split(separator: " ").last ?? "") }
            guard values == values.sorted(), buckets.last?.contains("le=\"+Inf\"") == true,
                values.last == samples["\(family)_count"]
            else { throw FormatError(description: "histogram \(family) is not cumulative") }
        }
        return samples
    }
}
