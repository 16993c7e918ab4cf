import Testing
import TwofoldLoad

@Suite struct VaultBenchCheckTests {
    @Test func verdict_everyCodeAcceptedAndThePoolNotDry_isValid() {
        #expect(VaultBenchCheck.verdict(.init(answered: 1000, accepted: 1000, poolRanDry: false)) == .valid)
    }

    @Test func verdict_whenThePoolRanDry_refusesToReportARate() {
        guard case .refused(let reason) = VaultBenchCheck.verdict(.init(answered: 120, accepted: 120, poolRanDry: true))
        else {
            Issue.record("a dry pool must refuse")
            return
        }
        #expect(reason.contains("ran dry"))
    }

    @Test func verdict_whenAnyCodeWasNotAccepted_refusesToReportARate() {
        // The issue's case: the third pass sent codes outside the window, 85 % accepted.
        guard case .refused(let reason) = VaultBenchCheck.verdict(.init(answered: 100, accepted: 85, poolRanDry: false))
        else {
            Issue.record("refusals counted as throughput must refuse")
            return
        }
        #expect(reason.contains("15 of 100"))
        #expect(VaultBenchCheck.verdict(.init(answered: 100, accepted: 99, poolRanDry: false)) != .valid)
        #expect(VaultBenchCheck.verdict(.init(answered: 0, accepted: 0, poolRanDry: false)) != .valid)
    }

    @Test func pool_handsOutTwoStepsPerUser_thenRunsDry() {
        var pool = VaultBenchCheck.Pool(seeds: ["b": [2], "a": [1]])
        var handed: [String] = []
        while let next = pool.next() { handed.append("\(next.user)+\(next.stepOffset)") }
        #expect(handed == ["a+0", "b+0", "a+1", "b+1"])
        #expect(pool.isDry)
        var empty = VaultBenchCheck.Pool(seeds: [:])
        #expect(empty.next() == nil)
    }
}
