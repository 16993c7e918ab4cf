import TwofoldSystem

/// The driver's two clocks: monotonic for latencies and pacing, wall time for TOTP steps.
/// Injected so that the pool's step rule and the pacing are tested without sleeping.
public protocol LoadClock: Sendable {
    var monotonicNanoseconds: UInt64 { get }
    var unixMilliseconds: Int64 { get }
}

/// The real clocks (`CLOCK_MONOTONIC`, `CLOCK_REALTIME`).
public struct SystemLoadClock: LoadClock {
    public init() {}
    public var monotonicNanoseconds: UInt64 { SystemInfo.monotonicNanoseconds() }
    public var unixMilliseconds: Int64 { Int64(SystemInfo.wallClockNanoseconds() / 1_000_000) }
}
