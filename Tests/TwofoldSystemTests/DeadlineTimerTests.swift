import Testing

@testable import TwofoldSystem

struct DeadlineTimerTests {
    @Test func anEarlierArmingCoversLaterDeadlines_andOnlyTheLastArmedTaskFires() async throws {
        let clock = ManualClock()
        try await withLoop(clock: clock) { loop in
            let fired = Recorder<String>()
            let start = clock.now()
            let answers = try await loop.submit { () -> [Bool] in
                var timer = DeadlineTimer()
                var answers = [timer.isArmed(by: start + .seconds(10))]
                timer.arm(at: start + .seconds(10), on: loop) { fired.append("ten") }
                answers.append(timer.isArmed(by: start + .seconds(10)))
                answers.append(timer.isArmed(by: start + .seconds(20)))
                answers.append(timer.isArmed(by: start + .seconds(5)))
                timer.arm(at: start + .seconds(5), on: loop) { fired.append("five") }

                var cancelled = DeadlineTimer()
                cancelled.arm(at: start + .seconds(1), on: loop) { fired.append("cancelled") }
                cancelled.cancel()
                answers.append(cancelled.isArmed(by: start + .seconds(30)))
                return answers
            }
            #expect(answers == [false, true, true, false, false])
            clock.advance(by: .seconds(30))
            _ = try await loop.submit { 0 }
            #expect(fired.values == ["five"])
        }
    }
}
