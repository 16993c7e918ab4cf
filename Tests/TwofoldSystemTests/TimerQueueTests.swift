import Testing
import TwofoldTestSupport

@testable import TwofoldSystem

@Suite struct TimerQueueTests {
    private func at(_ milliseconds: UInt64) -> Deadline { Deadline(nanoseconds: milliseconds * 1_000_000) }

    @Test func popExpired_returnsDueTimersInDeadlineOrder() {
        var queue = TimerQueue<String>()
        queue.schedule("c", at: at(30))
        queue.schedule("a", at: at(10))
        queue.schedule("d", at: at(40))
        queue.schedule("b", at: at(20))
        #expect(queue.popExpired(now: at(25)) == ["a", "b"])
        #expect(queue.popExpired(now: at(25)) == [])
        #expect(queue.popExpired(now: at(100)) == ["c", "d"])
        #expect(queue.isEmpty)
    }

    @Test func popExpired_withEqualDeadlines_keepsSchedulingOrder() {
        var queue = TimerQueue<Int>()
        for value in 0..<20 { queue.schedule(value, at: at(5)) }
        #expect(queue.popExpired(now: at(5)) == Array(0..<20))
    }

    @Test func cancel_beforeTheDeadline_removesTheTimer() {
        var queue = TimerQueue<String>()
        queue.schedule("keep", at: at(10))
        let dropped = queue.schedule("drop", at: at(5))
        #expect(queue.cancel(dropped) == "drop")
        #expect(queue.count == 1)
        #expect(queue.nextDeadline == at(10))
        #expect(queue.popExpired(now: at(100)) == ["keep"])
    }

    @Test func cancel_afterTheTimerFired_returnsNil() {
        var queue = TimerQueue<String>()
        let id = queue.schedule("once", at: at(1))
        #expect(queue.popExpired(now: at(1)) == ["once"])
        #expect(queue.cancel(id) == nil)
        #expect(queue.cancel(id) == nil)
    }

    @Test func pollTimeout_roundsUpAndReportsNoTimerAsInfinite() {
        var queue = TimerQueue<Int>()
        #expect(queue.pollTimeout(now: at(0)) == -1)
        queue.schedule(1, at: Deadline(nanoseconds: 10_000_001))
        #expect(queue.pollTimeout(now: at(0)) == 11)
        #expect(queue.pollTimeout(now: at(10)) == 1)
        #expect(queue.pollTimeout(now: at(11)) == 0)
        queue.schedule(2, at: .distantFuture)
        _ = queue.popExpired(now: at(11))
        #expect(queue.pollTimeout(now: at(0)) == Int32.max)
    }

    @Test func manyRandomSchedulesAndCancels_matchASortedReference() {
        var generator = SplitMix64(seed: 0x7F4A_7C15)
        var queue = TimerQueue<Int>()
        var reference: [Int: (deadline: UInt64, sequence: Int)] = [:]
        var ids: [Int: TimerID] = [:]
        for value in 0..<2000 {
            let deadline = generator.next() % 500
            ids[value] = queue.schedule(value, at: Deadline(nanoseconds: deadline))
            reference[value] = (deadline, value)
            if generator.next() % 3 == 0, let victim = reference.keys.randomElement(using: &generator) {
                #expect(queue.cancel(ids[victim]!) == victim)
                reference[victim] = nil
            }
        }
        #expect(queue.count == reference.count)
        let expected = reference.sorted {
            ($0.value.deadline, $0.value.sequence) < ($1.value.deadline, $1.value.sequence)
        }
        .map(\.key)
        #expect(queue.popExpired(now: Deadline(nanoseconds: 1000)) == expected)
    }

    @Test func manualClock_drivesTheQueueWithoutSleeping() {
        let clock = ManualClock()
        var queue = TimerQueue<String>()
        queue.schedule("soon", at: clock.now() + .milliseconds(100))
        queue.schedule("later", at: clock.now() + .seconds(2))
        clock.advance(by: .milliseconds(99))
        #expect(queue.popExpired(now: clock.now()) == [])
        clock.advance(by: .milliseconds(1))
        #expect(queue.popExpired(now: clock.now()) == ["soon"])
        clock.set(to: Deadline(nanoseconds: 5_000_000_000))
        #expect(queue.popExpired(now: clock.now()) == ["later"])
    }

    @Test func deadlineArithmetic_saturatesInsteadOfTrapping() {
        #expect(Deadline.distantFuture + .seconds(1) == .distantFuture)
        #expect(Deadline(nanoseconds: 5) + .nanoseconds(-10) == Deadline(nanoseconds: 0))
        #expect(Deadline(nanoseconds: 3_000) - Deadline(nanoseconds: 1_000) == .nanoseconds(2_000))
        #expect(Deadline(nanoseconds: 1_000) - Deadline(nanoseconds: 3_000) == .nanoseconds(-2_000))
        #expect(Deadline(nanoseconds: 0) + .milliseconds(1500) == Deadline(nanoseconds: 1_500_000_000))
    }
}
