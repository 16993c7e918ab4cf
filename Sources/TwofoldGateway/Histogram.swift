/// A Prometheus-style cumulative histogram of durations in seconds. Not synchronized: the owner
/// (`GatewayMetrics`) guards it.
struct Histogram: Sendable {
    /// Upper bounds in seconds, ascending; `+Inf` is implicit.
    let bounds: [Double]
    private(set) var counts: [UInt64]
    private(set) var sum: Double = 0
    private(set) var count: UInt64 = 0

    /// From 100 µs to 10 s: login latencies range from a cached page to a slow password hash.
    static let defaultBounds: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    init(bounds: [Double] = Histogram.defaultBounds) {
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must ascend")
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    mutating func observe(_ seconds: Double) {
        let value = max(0, seconds)
        if let index = bounds.firstIndex(where: { value <= $0 }) { counts[index] += 1 }
        sum += value
        count += 1
    }

    /// Appends the `_bucket` (cumulative), `_sum` and `_count` samples.
    func render(name: String, into text: inout String) {
        var cumulative: UInt64 = 0
        for (bound, bucket) in zip(bounds, counts) {
            cumulative += bucket
            text += "\(name)_bucket{le=\"\(Self.format(bound))\"} \(cumulative)\n"
        }
        text += "\(name)_bucket{le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum \(Self.format(sum))\n"
        text += "\(name)_count \(count)\n"
    }

    /// A float as Prometheus reads it, without exponent noise for the usual bucket bounds.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
