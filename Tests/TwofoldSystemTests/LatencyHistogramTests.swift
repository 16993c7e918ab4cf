import Testing

@testable import TwofoldSystem

@Suite struct LatencyHistogramTests {
    /// A small deterministic generator (xorshift), so the test data is the same on every run.
    struct XorShift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    @Test func emptyHistogram_reportsZeroEverywhere() {
        let histogram = LatencyHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.value(atQuantile: 0.99) == 0)
        #expect(histogram.mean == 0)
    }

    @Test func percentiles_ofLogSpreadValues_areWithinOnePercentOfTheExactOnes() {
        var generator = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        var histogram = LatencyHistogram()
        var values: [UInt64] = []
        for _ in 0..<100_000 {
            // From 100 ns to ~10 s, spread over eight decades.
            let exponent = Double.random(in: 2...10, using: &generator)
            let value = UInt64(pow10(exponent))
            values.append(value)
            histogram.record(value)
        }
        values.sort()
        for quantile in [0.5, 0.9, 0.99, 0.999] {
            let exact = values[Int((quantile * Double(values.count)).rounded(.up)) - 1]
            let reported = histogram.value(atQuantile: quantile)
            let error = abs(Double(reported) - Double(exact)) / Double(exact)
            #expect(error <= 0.01, "quantile \(quantile): \(reported) vs \(exact)")
        }
        #expect(histogram.value(atQuantile: 1) == values.last)
        #expect(histogram.minimum == values.first)
        #expect(histogram.count == 100_000)
    }

    @Test func smallValues_areExact() {
        var histogram = LatencyHistogram()
        for value: UInt64 in [3, 3, 3, 200] { histogram.record(value) }
        #expect(histogram.value(atQuantile: 0.5) == 3)
        #expect(histogram.value(atQuantile: 0.75) == 3)
        #expect(histogram.value(atQuantile: 0.9) == 200)
    }

    @Test func everyBucket_containsTheValuesThatMapToIt() {
        for value: UInt64 in [0, 1, 255, 256, 257, 511, 512, 1_000_000, 123_456_789, UInt64.max / 3, UInt64.max] {
            let index = LatencyHistogram.index(of: value)
            let (low, width) = LatencyHistogram.bounds(ofBucket: index)
            #expect(low <= value && value - low < width, "\(value) in bucket \(index) [\(low), +\(width))")
            #expect(Double(width) / Double(max(low, 1)) <= 1.0 / 128 || low < 256)
            #expect(index < LatencyHistogram.bucketCount)
        }
    }

    @Test func merge_addsCountsAndKeepsExtremes() {
        var first = LatencyHistogram()
        var second = LatencyHistogram()
        first.record(1_000)
        second.record(5_000_000)
        second.record(10)
        first.merge(second)
        #expect(first.count == 3)
        #expect(first.minimum == 10)
        #expect(first.maximum == 5_000_000)
        #expect((990...1010).contains(first.value(atQuantile: 0.5)))
    }

    func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = exponent
        while remaining >= 1 {
            result *= 10
            remaining -= 1
        }
        // 10^f for the fraction via e^(f ln 10), enough for test data.
        return result * exp(remaining * 2.302585092994046)
    }

    func exp(_ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        for n in 1..<30 {
            term *= x / Double(n)
            sum += term
        }
        return sum
    }
}
