import TwofoldCrypto

/// Algorithm, digits and period of a TOTP credential. The default, SHA1 / 6 digits / 30 s, is the
/// one every authenticator app honours (several ignore the parameters and assume it).
public struct OTPParameters: Sendable, Hashable {
    public let algorithm: HashAlgorithm
    public let digits: Int
    public let period: Int

    public init(algorithm: HashAlgorithm = .sha1, digits: Int = 6, period: Int = 30) {
        precondition((6...8).contains(digits), "digits must be 6, 7 or 8")
        precondition((1...3600).contains(period), "period must be 1–3600 seconds")
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    /// Validating initialiser for values that come from outside (URIs, configuration).
    public static func validated(algorithm: HashAlgorithm, digits: Int, period: Int) throws(OTPError) -> OTPParameters {
        guard (6...8).contains(digits) else { throw .unsupportedParameter("digits must be 6, 7 or 8") }
        guard (1...3600).contains(period) else { throw .unsupportedParameter("period must be 1–3600 seconds") }
        return OTPParameters(algorithm: algorithm, digits: digits, period: period)
    }
}

/// A TOTP time step: ⌊(Unix time − T0) / period⌋ with T0 = 0.
public struct TimeStep: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public init(unixTime seconds: Int64, period: Int) {
        value = UInt64(max(0, seconds)) / UInt64(period)
    }

    public static func < (lhs: TimeStep, rhs: TimeStep) -> Bool { lhs.value < rhs.value }
    public var description: String { String(value) }
}
