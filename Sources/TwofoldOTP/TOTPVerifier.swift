import TwofoldCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// Unix time in seconds; injected so window and replay rules are tested with a manual clock.
public protocol TimeSource: Sendable {
    func unixTime() -> Int64
}

/// The real clock.
public struct SystemTimeSource: TimeSource {
    public init() {}
    public func unixTime() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }
}

/// Checks a code against a seed: the current step and `stepsBehind`/`stepsAhead` around it, never
/// a step at or below the last accepted one (a code works once).
///
/// Every step of the window is computed and compared in constant time, whichever matches, so the
/// time taken does not reveal which step (if any) a guess hit.
public struct TOTPVerifier: Sendable {
    public enum Outcome: Sendable, Equatable {
        case accepted(TimeStep)
        case invalid
        /// The code is right but for a step already used (or older): a replay.
        case replayed
    }

    public let parameters: OTPParameters
    public let stepsBehind: UInt64
    public let stepsAhead: UInt64
    public let clock: any TimeSource

    public init(
        parameters: OTPParameters = OTPParameters(), stepsBehind: UInt64 = 1, stepsAhead: UInt64 = 1,
        clock: any TimeSource = SystemTimeSource()
    ) {
        self.parameters = parameters
        self.stepsBehind = stepsBehind
        self.stepsAhead = stepsAhead
        self.clock = clock
    }

    public func verify(_ code: String, secret: some ContiguousBytes, lastAccepted: TimeStep?) -> Outcome {
        guard code.utf8.count == parameters.digits, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return .invalid
        }
        let given = Array(code.utf8)
        let current = TimeStep(unixTime: clock.unixTime(), period: parameters.period).value
        let first = current - min(current, stepsBehind)
        var matched: UInt64?
        for step in first...(current + stepsAhead) {
            let expected = Array(HOTP.code(secret: secret, counter: step, parameters: parameters).utf8)
            if ConstantTime.equals(expected, given), matched == nil { matched = step }
        }
        guard let matched else { return .invalid }
        if let lastAccepted, matched <= lastAccepted.value { return .replayed }
        return .accepted(TimeStep(matched))
    }
}
