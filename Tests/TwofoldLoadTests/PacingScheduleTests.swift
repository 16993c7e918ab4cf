import Testing

@testable import TwofoldLoad

@Suite struct PacingScheduleTests {
    @Test func arrivals_areEvenlySpacedFromTheStart() {
        let schedule = PacingSchedule(start: 1_000, rate: 1000)
        #expect(schedule.intendedTime(of: 0) == 1_000)
        #expect(schedule.intendedTime(of: 1) == 1_001_000)
        #expect(schedule.intendedTime(of: 1000) == 1_000_001_000)
    }

    @Test func dueCount_countsArrivalsAtOrBeforeNow() {
        let schedule = PacingSchedule(start: 1_000, rate: 1000)
        #expect(schedule.dueCount(at: 999) == 0)
        #expect(schedule.dueCount(at: 1_000) == 1)
        #expect(schedule.dueCount(at: 1_000_999) == 1)
        #expect(schedule.dueCount(at: 1_001_000) == 2)
        #expect(schedule.dueCount(at: 1_000_001_000) == 1001)
    }

    @Test func aStalledSender_getsEveryMissedArrivalAtOnce() {
        let schedule = PacingSchedule(start: 0, rate: 100)
        // Nothing sent for 50 ms: five arrivals (0, 10, 20, 30, 40 ms) plus the one at 50 ms.
        #expect(schedule.due(at: 50_000_000, alreadySent: 0) == 0..<6)
        #expect(schedule.due(at: 50_000_000, alreadySent: 6) == 6..<6)
    }

    @Test func longRuns_doNotDrift() {
        let schedule = PacingSchedule(start: 0, rate: 3)
        // 3/s for a day: arrival 259,200 is due exactly 86,400 s after the start.
        #expect(schedule.intendedTime(of: 259_200) == 86_400_000_000_000)
        #expect(schedule.dueCount(at: 86_400_000_000_000) == 259_201)
    }

    @Test func delay_isTheTimeToTheNextArrival() {
        let schedule = PacingSchedule(start: 0, rate: 10)
        #expect(schedule.delay(until: 1, from: 40_000_000) == 60_000_000)
        #expect(schedule.delay(until: 1, from: 200_000_000) == 0)
    }

    @Test func latency_countsFromTheIntendedStartNotTheActualSend() {
        // Intended at 10 ms, sent late at 900 ms (a stall), answered at 901 ms: 891 ms, not 1 ms.
        #expect(PacingSchedule.correctedLatency(intended: 10_000_000, completed: 901_000_000) == 891_000_000)
        #expect(PacingSchedule.correctedLatency(intended: 10, completed: 5) == 0)
    }
}
