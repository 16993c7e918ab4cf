internal import CLibCrypto

/// A MAC value; `==` is constant-time so it can be compared against an expected tag safely.
public struct MessageAuthenticationCode: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static func == (lhs: Self, rhs: Self) -> Bool { ConstantTime.equals(lhs.bytes, rhs.bytes) }

    public var description: String { "MessageAuthenticationCode(\(bytes.count) bytes)" }
}

/// HMAC (RFC 2104) over SHA-1, SHA-256 or SHA-512.
public enum HMAC {
    /// Uses `EVP_Q_mac`-equivalent one-shot HMAC through the EVP digest API; the cost is a few
    /// hundred nanoseconds for the short inputs TOTP uses.
    public static func authenticationCode(
        for message: some ContiguousBytes, key: SecretBytes, algorithm: HashAlgorithm
    ) -> MessageAuthenticationCode {
        key.withUnsafeBytes { keyBytes in authenticationCode(for: message, keyBytes: keyBytes, algorithm: algorithm) }
    }

    public static func authenticationCode(
        for message: some ContiguousBytes, key: some ContiguousBytes, algorithm: HashAlgorithm
    ) -> MessageAuthenticationCode {
        key.withUnsafeBytes { keyBytes in authenticationCode(for: message, keyBytes: keyBytes, algorithm: algorithm) }
    }

    private static func authenticationCode(
        for message: some ContiguousBytes, keyBytes: UnsafeRawBufferPointer, algorithm: HashAlgorithm
    ) -> MessageAuthenticationCode {
        var output = [UInt8](repeating: 0, count: algorithm.digestLength)
        var length: UInt32 = 0
        let ok = message.withUnsafeBytes { data in
            output.withUnsafeMutableBufferPointer { out in
                // An empty key or message is valid HMAC input; give OpenSSL a non-null pointer.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
                    CLibCrypto.HMAC(
                        algorithm.evpDigest, keyBytes.baseAddress ?? UnsafeRawPointer(empty.baseAddress!),
                        Int32(keyBytes.count),
                        (data.baseAddress ?? UnsafeRawPointer(empty.baseAddress!)).assumingMemoryBound(to: UInt8.self),
                        data.count, out.baseAddress, &length) != nil
                }
            }
        }
        // HMAC with a built-in digest fails only on allocation failure: not an input error.
        precondition(ok && Int(length) == algorithm.digestLength, "HMAC failed: \(CryptoError.openssl("HMAC"))")
        return MessageAuthenticationCode(bytes: output)
    }
}

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    public static func hash(_ data: some ContiguousBytes) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { bytes in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress, &length, EVP_sha256(), nil) == 1
            }
        }
        precondition(ok && length == 32, "SHA-256 failed: \(CryptoError.openssl("EVP_Digest"))")
        return output
    }
}
