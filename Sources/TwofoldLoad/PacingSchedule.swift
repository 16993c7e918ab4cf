/// The open-loop arrival schedule: request `i` is due at `start + i / rate`, whatever happened to
/// the ones before it. Latency is measured from that intended time, not from when the driver got
/// round to sending, so a stalled server (or driver) shows up in the percentiles instead of
/// silently lowering the offered load ("coordinated omission").
///
/// Times are monotonic nanoseconds. Computed from the index, never by adding intervals, so a
/// long run does not drift.
public struct PacingSchedule: Sendable, Equatable {
    public let start: UInt64
    /// Arrivals per second; positive.
    public let rate: Double

    public init(start: UInt64, rate: Double) {
        precondition(rate > 0 && rate.isFinite, "a pacing rate must be positive")
        self.start = start
        self.rate = rate
    }

    /// When arrival `index` (from 0) should be sent.
    public func intendedTime(of index: Int) -> UInt64 {
        start + UInt64((Double(index) * 1e9 / rate).rounded(.down))
    }

    /// How many arrivals are due by `now` (those with an intended time at or before it).
    public func dueCount(at now: UInt64) -> Int {
        guard now >= start else { return 0 }
        var due = Int((Double(now - start) * rate / 1e9).rounded(.down)) + 1
        // Floating point may land one off at an exact boundary: settle it against intendedTime.
        while due > 0, intendedTime(of: due - 1) > now { due -= 1 }
        while intendedTime(of: due) <= now { due += 1 }
        return due
    }

    /// The arrivals to send at `now` given that `sent` have been sent already.
    public func due(at now: UInt64, alreadySent sent: Int) -> Range<Int> {
        let upTo = dueCount(at: now)
        return sent < upTo ? sent..<upTo : sent..<sent
    }

    /// How long to wait from `now` until arrival `index` is due (0 if it is already).
    public func delay(until index: Int, from now: UInt64) -> UInt64 {
        let intended = intendedTime(of: index)
        return intended > now ? intended - now : 0
    }

    /// The latency of a request answered at `completed`, counted from when it should have been
    /// sent (0 if it was answered before, which a correct driver never does).
    public static func correctedLatency(intended: UInt64, completed: UInt64) -> UInt64 {
        completed > intended ? completed - intended : 0
    }
}
