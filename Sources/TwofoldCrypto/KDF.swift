internal import CLibCrypto

/// Password-based key derivation: scrypt (RFC 7914) and PBKDF2-HMAC-SHA256 (RFC 8018).
public enum KDF {
    /// scrypt with explicit cost parameters. `maxmem` is passed to OpenSSL explicitly: its default
    /// (32 MiB) rejects the OWASP/ASVS parameters N=2^17, r=8 (128 MiB).
    public static func scrypt(
        password: some ContiguousBytes, salt: some ContiguousBytes, n: UInt64, r: UInt32, p: UInt32, length: Int
    ) throws(CryptoError) -> SecretBytes {
        guard n > 1, n & (n - 1) == 0 else { throw .invalidParameter("scrypt N must be a power of two greater than 1") }
        guard r >= 1, p >= 1, UInt64(r) * UInt64(p) < 1 << 30 else {
            throw .invalidParameter("scrypt r and p must be positive and r·p < 2^30")
        }
        guard (1...1024).contains(length) else { throw .invalidLength("scrypt output must be 1–1024 bytes") }
        let (memory, overflow) = UInt64(128).multipliedReportingOverflow(by: n * UInt64(r))
        guard !overflow, memory <= 4 << 30 else { throw .invalidParameter("scrypt parameters need more than 4 GiB") }
        // Room for B (128·r·p) and scratch as well as V (128·r·N).
        let maxmem = memory + 128 * UInt64(r) * UInt64(p) + 1 << 20
        var output = [UInt8](repeating: 0, count: length)
        defer { output.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let ok = password.withUnsafeBytes { pass in
            salt.withUnsafeBytes { saltBytes in
                output.withUnsafeMutableBufferPointer { out in
                    EVP_PBE_scrypt(
                        pass.baseAddress?.assumingMemoryBound(to: CChar.self), pass.count,
                        saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), saltBytes.count, n, UInt64(r),
                        UInt64(p), maxmem, out.baseAddress, length)
                }
            }
        }
        guard ok == 1 else { throw .openssl("EVP_PBE_scrypt") }
        return SecretBytes(output)
    }

    public static func pbkdf2SHA256(
        password: some ContiguousBytes, salt: some ContiguousBytes, iterations: Int, length: Int
    ) throws(CryptoError) -> SecretBytes {
        guard (1...Int(Int32.max)).contains(iterations) else {
            throw .invalidParameter("PBKDF2 needs 1 or more iterations")
        }
        guard (1...1024).contains(length) else { throw .invalidLength("PBKDF2 output must be 1–1024 bytes") }
        var output = [UInt8](repeating: 0, count: length)
        defer { output.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let ok = password.withUnsafeBytes { pass in
            salt.withUnsafeBytes { saltBytes in
                output.withUnsafeMutableBufferPointer { out in
                    PKCS5_PBKDF2_HMAC(
                        pass.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(pass.count),
                        saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(saltBytes.count),
                        Int32(iterations), EVP_sha256(), Int32(length), out.baseAddress)
                }
            }
        }
        guard ok == 1 else { throw .openssl("PKCS5_PBKDF2_HMAC") }
        return SecretBytes(output)
    }
}
