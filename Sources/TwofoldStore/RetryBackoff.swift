/// The waits between recovery attempts after a storage failure: `initial`, doubling up to
/// `maximum` (1 s to 30 s by default), back to `initial` after a success.
public struct RetryBackoff: Sendable, Equatable {
    public let initial: Duration
    public let maximum: Duration
    /// The wait before the next attempt.
    public private(set) var current: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30)) {
        let initial = max(initial, .zero)
        self.initial = initial
        self.maximum = max(maximum, initial)
        self.current = initial
    }

    /// Returns the wait before the next attempt and doubles the one after it.
    public mutating func next() -> Duration {
        let wait = current
        current = min(current * 2, maximum)
        return wait
    }

    /// Starts over from `initial` (after a successful attempt).
    public mutating func reset() { current = initial }
}
