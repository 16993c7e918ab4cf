/// A point on a monotonic clock, in nanoseconds since an arbitrary origin (boot, for the
/// system clock). Only comparable with deadlines read from the same clock.
public struct Deadline: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// Later than any deadline a clock will reach: "never".
    public static let distantFuture = Deadline(nanoseconds: .max)

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Moves the deadline by `duration`, saturating at zero and at `distantFuture` instead of trapping.
    public static func + (lhs: Deadline, rhs: Duration) -> Deadline {
        let delta = rhs.saturatedNanoseconds
        if delta >= 0 {
            let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(UInt64(delta))
            return Deadline(nanoseconds: overflow ? .max : sum)
        }
        let magnitude = delta.magnitude
        return Deadline(nanoseconds: lhs.nanoseconds > magnitude ? lhs.nanoseconds - magnitude : 0)
    }

    /// The signed time from `rhs` to `lhs`.
    public static func - (lhs: Deadline, rhs: Deadline) -> Duration {
        if lhs >= rhs {
            return .nanoseconds(Int64(clamping: lhs.nanoseconds - rhs.nanoseconds))
        }
        return .nanoseconds(-Int64(clamping: rhs.nanoseconds - lhs.nanoseconds))
    }

    /// Milliseconds from `now` until this deadline, rounded up so a poll never wakes just too
    /// early; 0 once passed, clamped to `Int32.max`.
    func pollMilliseconds(from now: Deadline) -> Int32 {
        guard self > now else { return 0 }
        let nanoseconds = self.nanoseconds - now.nanoseconds
        return Int32(clamping: nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 == 0 ? 0 : 1))
    }

    public var description: String { "Deadline(\(nanoseconds)ns)" }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64` (about 292 years either way).
    var saturatedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}
