import Synchronization
import TwofoldHTTPServer
import TwofoldSystem

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
        var latency = LatencyHistogram()
        var vaultRoundTrip = LatencyHistogram()
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one answered request.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        let nanoseconds = Self.nanoseconds(duration)
        state.withLock { state in
            state.requests[RequestKey(route: route, status: status), default: 0] += 1
            state.latency.record(nanoseconds)
        }
    }

    /// Times one call to the vault (answered, failed or timed out).
    public func recordVaultRoundTrip(_ duration: Duration) {
        let nanoseconds = Self.nanoseconds(duration)
        state.withLock { $0.vaultRoundTrip.record(nanoseconds) }
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
        Self.render(snapshot.latency, name: "twofold_http_request_duration_seconds", into: &text)
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
        Self.render(snapshot.vaultRoundTrip, name: "twofold_vault_round_trip_seconds", into: &text)
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

    /// Bucket bounds in seconds, from 100 µs to 10 s: login latencies range from a cached page to a
    /// slow password hash. `+Inf` is implicit.
    static let bucketBounds: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// Appends a Prometheus histogram's cumulative `_bucket` samples, `_sum` and `_count`. A bucket
    /// counts the recorded values up to its bound, within `LatencyHistogram`'s 1/128 resolution.
    static func render(_ histogram: LatencyHistogram, name: String, into text: inout String) {
        for bound in bucketBounds {
            let count = histogram.count(atOrBelow: UInt64(bound * 1_000_000_000))
            text += "\(name)_bucket{le=\"\(format(bound))\"} \(count)\n"
        }
        text += "\(name)_bucket{le=\"+Inf\"} \(histogram.count)\n"
        text += "\(name)_sum \(format(histogram.total / 1_000_000_000))\n"
        text += "\(name)_count \(histogram.count)\n"
    }

    /// A float as Prometheus reads it, without exponent noise for the usual bucket bounds.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
