import Testing

@testable import TwofoldLoad

@Suite struct LatencyHistogramTests {
    @Test func emptyHistogram_reportsZero() {
        let histogram = LatencyHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.value(atQuantile: 0.99) == 0)
    }
}
