import Synchronization

/// A clock that moves only when told to, for deterministic tests of anything time-driven.
/// Safe to read and advance from any thread.
public final class ManualClock: MonotonicClock {
    private let current: Mutex<UInt64>

    public init(start: Deadline = Deadline(nanoseconds: 0)) {
        current = Mutex(start.nanoseconds)
    }

    public func now() -> Deadline { Deadline(nanoseconds: current.withLock { $0 }) }

    /// Moves time forward. A negative amount is a test bug: monotonic clocks never go back.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a monotonic clock cannot go backwards")
        current.withLock { $0 = (Deadline(nanoseconds: $0) + duration).nanoseconds }
    }

    /// Jumps to `deadline`, which must not be earlier than now.
    public func set(to deadline: Deadline) {
        current.withLock { value in
            precondition(deadline.nanoseconds >= value, "a monotonic clock cannot go backwards")
            value = deadline.nanoseconds
        }
    }
}
