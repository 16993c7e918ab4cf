import Synchronization

/// Logs an event that can repeat many times a second (a failing `accept`, refused connections,
/// malformed answers from a peer) at most once per interval, with how many times it happened:
/// the first occurrence is logged at once, later ones within the interval are only counted and
/// reported by the next line (or by `flush` when the condition ends). So a flood costs a few
/// lines per minute, never a line per event.
public final class LogThrottle: Sendable {
    private let interval: Duration
    private let clock: any MonotonicClock
    private let state = Mutex(State())

    private struct State {
        var lastLine: Deadline?
        var unreported = 0
    }

    public init(interval: Duration = .seconds(10), clock: any MonotonicClock = SystemMonotonicClock()) {
        self.interval = interval
        self.clock = clock
    }

    /// Counts one occurrence; calls `emit` with the number of occurrences since the last line
    /// (this one included) when a line is due. `emit` runs outside the throttle's lock.
    public func record(_ emit: (_ count: Int) -> Void) {
        let now = clock.now()
        let due = state.withLock { state -> Int? in
            state.unreported += 1
            if let last = state.lastLine, now < last + interval { return nil }
            state.lastLine = now
            defer { state.unreported = 0 }
            return state.unreported
        }
        if let due { emit(due) }
    }

    /// Reports occurrences not yet logged (e.g. when the condition has ended); no call when none.
    public func flush(_ emit: (_ count: Int) -> Void) {
        let pending = state.withLock { state -> Int in
            defer { state.unreported = 0 }
            return state.unreported
        }
        if pending > 0 { emit(pending) }
    }
}
