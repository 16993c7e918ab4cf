/// Which TOTP step the driver may use for a user, so that it never sends a code the vault must
/// refuse as a replay: a step is used at most once per user, and only a step above the last one
/// accepted. The vault accepts the current step and one either side.
public enum TimeStepRule {
    public static let period: Int64 = 30

    /// The step containing `unixMilliseconds`.
    public static func step(atUnixMilliseconds unixMilliseconds: Int64) -> UInt64 {
        UInt64(max(0, unixMilliseconds) / 1000 / period)
    }

    /// The step to log in with now: the current one if the user has not used it yet, else nil
    /// (the user is free again when the next step starts).
    public static func loginStep(lastStep: UInt64, unixMilliseconds: Int64) -> UInt64? {
        let current = step(atUnixMilliseconds: unixMilliseconds)
        return current > lastStep ? current : nil
    }

    /// The step to confirm a new enrollment with. The previous step while it is safely inside
    /// the vault's window (more than 5 s before the current step ends), so that a user enrolled
    /// now can log in with the current step at once; never at or below `lastStep` (the vault may
    /// keep its replay guard across a re-enrollment), which at worst is the next step (also in
    /// the window).
    public static func confirmStep(lastStep: UInt64, unixMilliseconds: Int64) -> UInt64 {
        let current = step(atUnixMilliseconds: unixMilliseconds)
        let intoStep = max(0, unixMilliseconds) % (period * 1000)
        let preferred = intoStep < (period - 5) * 1000 && current > 0 ? current - 1 : current
        return max(preferred, lastStep + 1)
    }

    /// The step a re-enrollment (recovery's new MFA setup) would confirm with now, when it is
    /// inside the vault's window (at most the next step); nil while the user's last step is
    /// already ahead of the current one.
    public static func reenrollStep(lastStep: UInt64, unixMilliseconds: Int64) -> UInt64? {
        let step = confirmStep(lastStep: lastStep, unixMilliseconds: unixMilliseconds)
        return step <= self.step(atUnixMilliseconds: unixMilliseconds) + 1 ? step : nil
    }

    /// The Unix time (seconds) to give TOTP to get the code of `step`.
    public static func unixTime(ofStep step: UInt64) -> Int64 { Int64(step) * period }

    /// Logins per second a pool of `users` can sustain: one per user per 30-s step.
    public static func sustainableRate(users: Int) -> Double { Double(users) / Double(period) }

    /// Users needed to sustain `rate` step-consuming iterations per second.
    public static func usersNeeded(rate: Double) -> Int { Int((rate * Double(period)).rounded(.up)) }
}
