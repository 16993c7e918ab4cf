import Testing

@testable import TwofoldGateway

@Suite struct GatewayMetricsTests {
    /// The samples of one histogram in the exposition text, by their name and labels.
    static func samples(_ text: String, _ name: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }

    @Test func requestLatency_isACumulativePrometheusHistogram_ofWhatWasRecorded() {
        let metrics = GatewayMetrics()
        let durations: [Duration] = [
            .microseconds(50), .microseconds(400), .microseconds(900), .milliseconds(2), .milliseconds(30),
            .milliseconds(700), .seconds(3), .seconds(20),
        ]
        for duration in durations { metrics.recordRequest(route: "/login", status: 200, duration: duration) }
        let text = metrics.render(openConnections: 0, workerQueueDepth: 0, workerBusy: 0)
        let samples = Self.samples(text, "twofold_http_request_duration_seconds")
        func bucket(_ le: String) -> Double? { samples["twofold_http_request_duration_seconds_bucket{le=\"\(le)\"}"] }

        #expect(bucket("0.0001") == 1)
        #expect(bucket("0.0005") == 2)
        #expect(bucket("0.001") == 3)
        #expect(bucket("0.0025") == 4)
        #expect(bucket("0.05") == 5)
        #expect(bucket("1") == 6)
        #expect(bucket("5") == 7)
        #expect(bucket("10") == 7)
        #expect(bucket("+Inf") == 8)
        #expect(samples["twofold_http_request_duration_seconds_count"] == 8)
        let sum = samples["twofold_http_request_duration_seconds_sum"] ?? 0
        #expect(abs(sum - 23.73335) < 1e-9, "the sum is of the values, not of their buckets")
        let ordered = GatewayMetrics.bucketBounds.compactMap { bucket(GatewayMetrics.format($0)) }
        #expect(ordered.count == GatewayMetrics.bucketBounds.count)
        #expect(ordered == ordered.sorted(), "cumulative buckets never decrease")
    }

    @Test func aNegativeOrHugeDuration_isClampedNotTrapped() {
        #expect(GatewayMetrics.nanoseconds(.milliseconds(-5)) == 0)
        #expect(GatewayMetrics.nanoseconds(.seconds(Int64.max)) == .max)
        #expect(GatewayMetrics.nanoseconds(.nanoseconds(1_500)) == 1_500)
    }
}
