import TwofoldCrypto

/// RFC 4226 HOTP: HMAC of the big-endian counter, dynamic truncation, modulo 10^digits.
public enum HOTP {
    private static let powersOfTen: [UInt32] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// The code for `counter`, zero-padded to `parameters.digits`.
    public static func code(secret: some ContiguousBytes, counter: UInt64, parameters: OTPParameters) -> String {
        let value = truncatedValue(secret: secret, counter: counter, algorithm: parameters.algorithm)
        let number = value % powersOfTen[parameters.digits]
        let text = String(number)
        return String(repeating: "0", count: parameters.digits - text.count) + text
    }

    /// The 31-bit dynamic-truncation value (RFC 4226 §5.3), before the modulo.
    public static func truncatedValue(secret: some ContiguousBytes, counter: UInt64, algorithm: HashAlgorithm) -> UInt32
    {
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { message[index] = UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * index)) }
        let mac = HMAC.authenticationCode(for: message, key: secret, algorithm: algorithm).bytes
        let offset = Int(mac[mac.count - 1] & 0x0F)
        return (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
    }
}

/// RFC 6238 TOTP: HOTP over the time step.
public enum TOTP {
    public static func code(secret: some ContiguousBytes, unixTime: Int64, parameters: OTPParameters) -> String {
        HOTP.code(
            secret: secret, counter: TimeStep(unixTime: unixTime, period: parameters.period).value,
            parameters: parameters)
    }
}
