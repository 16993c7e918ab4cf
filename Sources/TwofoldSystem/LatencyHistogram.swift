/// An HDR-style latency histogram of nanosecond values: exact below 256 ns, then log-linear
/// buckets (128 per power of two), so any reported percentile is within 0.4 % of a value that was
/// recorded (the bucket's midpoint, at most half a bucket of 1/128 away), over the whole 64-bit
/// range, in fixed memory and O(1) per record. The one histogram of the code base: the load
/// driver's percentiles and the gateway's Prometheus histograms (`count(atOrBelow:)`) read it.
/// Not synchronized: the owner (`LoadRecorder`, `GatewayMetrics`) is.
public struct LatencyHistogram: Sendable, Equatable {
    /// Sub-buckets per power of two; the relative bucket width is at most 1/`subBuckets`.
    static let subBuckets = 128
    static let exactLimit: UInt64 = 256
    static let bucketCount = 256 + 56 * 128

    private var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var minimum: UInt64 = .max
    public private(set) var maximum: UInt64 = 0
    private var sum: Double = 0

    public init() { counts = Array(repeating: 0, count: Self.bucketCount) }

    /// Adds one observation.
    public mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(of: nanoseconds)] += 1
        count += 1
        minimum = Swift.min(minimum, nanoseconds)
        maximum = Swift.max(maximum, nanoseconds)
        sum += Double(nanoseconds)
    }

    /// Adds every observation of `other` (histograms kept per thread or per phase).
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        sum += other.sum
    }

    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The sum of every recorded value, in nanoseconds.
    public var total: Double { sum }

    /// How many recorded values are at most `bound`: exact for values below 256 ns and for
    /// bounds on a bucket's edge; otherwise the bucket that holds `bound` counts whole, so the
    /// answer may include values up to 1/128 (0.8 %) above `bound`, never miss one below it.
    public func count(atOrBelow bound: UInt64) -> UInt64 {
        guard count > 0 else { return 0 }
        if bound >= maximum { return count }
        var seen: UInt64 = 0
        for index in 0...Self.index(of: bound) { seen += counts[index] }
        return seen
    }

    /// The value below or at which `quantile` (0…1) of the observations fall; 0 when empty.
    /// `quantile` 1 is the exact maximum.
    public func value(atQuantile quantile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if quantile >= 1 { return maximum }
        let rank = Swift.max(1, UInt64((Swift.max(0, quantile) * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucket) in counts.enumerated() where bucket > 0 {
            seen += bucket
            if seen >= rank {
                let (low, width) = Self.bounds(ofBucket: index)
                let middle = low + width / 2
                return Swift.min(Swift.max(middle, minimum), maximum)
            }
        }
        return maximum
    }

    /// The bucket a value falls in.
    static func index(of value: UInt64) -> Int {
        if value < exactLimit { return Int(value) }
        let highestBit = 63 - value.leadingZeroBitCount
        let shift = highestBit - 7
        let sub = Int(value >> UInt64(shift))
        return 256 + (shift - 1) * subBuckets + (sub - subBuckets)
    }

    /// The lowest value of bucket `index` and how many values it spans.
    static func bounds(ofBucket index: Int) -> (low: UInt64, width: UInt64) {
        if index < Int(exactLimit) { return (UInt64(index), 1) }
        let offset = index - 256
        let shift = offset / subBuckets + 1
        let sub = UInt64(subBuckets + offset % subBuckets)
        return (sub << UInt64(shift), 1 << UInt64(shift))
    }
}
