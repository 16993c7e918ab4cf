/// Where the event loop and the service group read "now". Injected so that timer logic is
/// tested with a `ManualClock` instead of sleeping.
public protocol MonotonicClock: Sendable {
    func now() -> Deadline
}

/// `CLOCK_MONOTONIC`: never jumps with wall-clock changes, so deadlines survive NTP steps.
public struct SystemMonotonicClock: MonotonicClock {
    public init() {}

    public func now() -> Deadline { Deadline(nanoseconds: SystemInfo.monotonicNanoseconds()) }
}
