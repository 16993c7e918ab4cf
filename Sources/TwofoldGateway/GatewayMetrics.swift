import Synchronization
import TwofoldHTTPServer

/// The gateway's Prometheus metrics: requests by route and status, request latency, vault round
/// trips, plus gauges read at scrape time. Route labels are route patterns (or `unmatched`), never
/// raw paths, so label cardinality stays bounded whatever clients send. Any thread.
public final class GatewayMetrics: Sendable {
    private struct RequestKey: Hashable {
        let route: String
        let status: Int
    }

    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var latency = Histogram()
        var vaultRoundTrip = Histogram()
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one answered request.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        let seconds = duration.seconds
        state.withLock { state in
            state.requests[RequestKey(route: route, status: status), default: 0] += 1
            state.latency.observe(seconds)
        }
    }

    /// Times one call to the vault (answered, failed or timed out).
    public func recordVaultRoundTrip(_ duration: Duration) {
        let seconds = duration.seconds
        state.withLock { $0.vaultRoundTrip.observe(seconds) }
    }

    /// The requests counted so far for `route` and `status`.
    public func requestCount(route: String, status: Int) -> UInt64 {
        state.withLock { $0.requests[RequestKey(route: route, status: status)] ?? 0 }
    }

    /// The exposition text (format 0.0.4). `storage` is the directory's: why it refuses requests
    /// (nil while it serves) and how many it refused since the gateway started.
    public func render(
        openConnections: Int, workerQueueDepth: Int, workerBusy: Int, storage: (failure: String?, refused: Int)? = nil
    ) -> String {
        let snapshot = state.withLock { $0 }
        var text = ""
        text += "# HELP twofold_http_requests_total HTTP requests answered, by route pattern and status.\n"
        text += "# TYPE twofold_http_requests_total counter\n"
        let keys = snapshot.requests.keys.sorted { ($0.route, $0.status) < ($1.route, $1.status) }
        for key in keys {
            text += "twofold_http_requests_total{route=\"\(Self.escapeLabel(key.route))\",status=\"\(key.status)\"} "
            text += "\(snapshot.requests[key] ?? 0)\n"
        }
        text += "# HELP twofold_http_request_duration_seconds Time from a complete request to its answer.\n"
        text += "# TYPE twofold_http_request_duration_seconds histogram\n"
        snapshot.latency.render(name: "twofold_http_request_duration_seconds", into: &text)
        text += "# HELP twofold_http_open_connections Open client connections.\n"
        text += "# TYPE twofold_http_open_connections gauge\n"
        text += "twofold_http_open_connections \(openConnections)\n"
        text += "# HELP twofold_worker_pool_queue_depth Jobs waiting for a worker thread.\n"
        text += "# TYPE twofold_worker_pool_queue_depth gauge\n"
        text += "twofold_worker_pool_queue_depth \(workerQueueDepth)\n"
        text += "# HELP twofold_worker_pool_busy Worker threads running a job.\n"
        text += "# TYPE twofold_worker_pool_busy gauge\n"
        text += "twofold_worker_pool_busy \(workerBusy)\n"
        text += "# HELP twofold_vault_round_trip_seconds Time for a call to the secret vault to be answered.\n"
        text += "# TYPE twofold_vault_round_trip_seconds histogram\n"
        snapshot.vaultRoundTrip.render(name: "twofold_vault_round_trip_seconds", into: &text)
        if let storage {
            text += "# HELP twofold_degraded 1 while the gateway refuses requests for the reason in the label (its "
            text += "storage is failing), else 0.\n"
            text += "# TYPE twofold_degraded gauge\n"
            let reason = storage.failure.map { "storage: " + $0 } ?? ""
            text += "twofold_degraded{reason=\"\(Self.escapeLabel(reason))\"} \(storage.failure == nil ? 0 : 1)\n"
            text += "# HELP twofold_storage_refused_total Requests refused because the storage was failing.\n"
            text += "# TYPE twofold_storage_refused_total counter\n"
            text += "twofold_storage_refused_total \(storage.refused)\n"
        }
        return text
    }

    static func escapeLabel(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
