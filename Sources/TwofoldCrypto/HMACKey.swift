internal import CLibCrypto

/// An HMAC key prepared once for MACs of many messages under it (the vault's derived subkeys).
///
/// `HMAC.authenticationCode` goes through OpenSSL's one-shot `HMAC()`, which fetches the HMAC
/// implementation and the digest and keys a fresh context on every call: for short messages that
/// costs several times the MAC itself. This keeps one context keyed at creation and answers each
/// MAC from a copy of it (`EVP_MAC_CTX_dup`), which only copies the hashed key pads. The results
/// are those of `HMAC.authenticationCode` (tested against RFC 4231).
public final class HMACKey: @unchecked Sendable {
    // @unchecked: `context` is keyed in `init` and afterwards only read, by `EVP_MAC_CTX_dup`,
    // which copies it without changing it; every MAC runs on its own copy.
    private let context: OpaquePointer
    public let algorithm: HashAlgorithm

    public init(_ key: SecretBytes, algorithm: HashAlgorithm) throws(CryptoError) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw .openssl("EVP_MAC_fetch") }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { throw .openssl("EVP_MAC_CTX_new") }
        // The parameter's name and value must outlive `EVP_MAC_init`: both are NUL-terminated
        // arrays held for the whole call.
        var parameterName = Array("digest".utf8CString)
        var digestName = Array(algorithm.rawValue.utf8CString)
        let keyed = parameterName.withUnsafeMutableBufferPointer { name in
            digestName.withUnsafeMutableBufferPointer { digest in
                key.withUnsafeBytes { keyBytes in
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(name.baseAddress, digest.baseAddress, 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    // A zero-length key is valid HMAC input; give OpenSSL a non-null pointer.
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
                        EVP_MAC_init(
                            context,
                            (keyBytes.baseAddress ?? UnsafeRawPointer(empty.baseAddress!)).assumingMemoryBound(
                                to: UInt8.self), keyBytes.count, &parameters) == 1
                    }
                }
            }
        }
        guard keyed else {
            EVP_MAC_CTX_free(context)
            throw .openssl("EVP_MAC_init")
        }
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// HMAC of `message` under this key.
    public func authenticationCode(for message: some ContiguousBytes) -> MessageAuthenticationCode {
        var output = [UInt8](repeating: 0, count: algorithm.digestLength)
        var length = 0
        let ok = message.withUnsafeBytes { data in
            output.withUnsafeMutableBufferPointer { out in
                guard let copy = EVP_MAC_CTX_dup(context) else { return false }
                defer { EVP_MAC_CTX_free(copy) }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
                    EVP_MAC_update(
                        copy,
                        (data.baseAddress ?? UnsafeRawPointer(empty.baseAddress!)).assumingMemoryBound(to: UInt8.self),
                        data.count) == 1
                        && EVP_MAC_final(copy, out.baseAddress, &length, out.count) == 1
                }
            }
        }
        // Copying a keyed context and hashing fail only on allocation failure: not an input error.
        precondition(ok && length == algorithm.digestLength, "HMAC failed: \(CryptoError.openssl("EVP_MAC_final"))")
        return MessageAuthenticationCode(bytes: output)
    }
}
