internal import CLibCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// The signature schemes a `PublicKey` verifies (the ones WebAuthn credentials use).
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA over P-256 with SHA-256; signatures are DER `ECDSA-Sig-Value`s (RFC 3279), as WebAuthn sends them.
    case es256 = "ES256"
    /// Pure Ed25519 (RFC 8032): 64-byte signatures over the whole message.
    case ed25519 = "Ed25519"
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2).
    case rs256 = "RS256"
}

/// A public key bound to the one algorithm it verifies, built from raw components through
/// `EVP_PKEY_fromdata`.
///
/// A key that cannot be a valid key of its kind (a point off the curve, a short modulus) is refused
/// when built, with `crypto.invalid_key`; after that, verification only answers yes or no: a
/// malformed or wrong signature is simply not valid. A thrown error from `isValidSignature` means
/// OpenSSL itself failed (allocation), never that the input was bad.
public struct PublicKey: Sendable, CustomStringConvertible {
    /// Moduli accepted for RS256: at least 2048 bits (NIST SP 800-131A), at most 8192 so one
    /// verification stays cheap whatever key a caller registers.
    public static let rsaModulusBits: ClosedRange<Int> = 2048...8192

    public let algorithm: SignatureAlgorithm
    private let key: EVPPublicKey

    private init(algorithm: SignatureAlgorithm, key: EVPPublicKey) {
        self.algorithm = algorithm
        self.key = key
    }

    /// An ES256 key from the affine coordinates of a P-256 point, 32 big-endian bytes each.
    public static func p256(x: some ContiguousBytes, y: some ContiguousBytes) throws(CryptoError) -> PublicKey {
        let xBytes = x.withUnsafeBytes { Array($0) }
        let yBytes = y.withUnsafeBytes { Array($0) }
        guard xBytes.count == 32, yBytes.count == 32 else {
            throw .invalidKey("a P-256 coordinate is 32 bytes")
        }
        let point = [0x04] + xBytes + yBytes
        let key = try EVPPublicKey.fromData(
            type: "EC",
            [.utf8(OSSL_PKEY_PARAM_GROUP_NAME, "P-256"), .octets(OSSL_PKEY_PARAM_PUB_KEY, point)])
        // The decoder already refuses coordinates off the curve or not below p; the quick check
        // (no multiplication by the order, needless with P-256's cofactor of 1) says so explicitly.
        try key.checkPublic(quick: true)
        return PublicKey(algorithm: .es256, key: key)
    }

    /// An Ed25519 key from its 32-byte encoding (RFC 8032 §5.1.5).
    public static func ed25519(_ rawKey: some ContiguousBytes) throws(CryptoError) -> PublicKey {
        let bytes = rawKey.withUnsafeBytes { Array($0) }
        guard bytes.count == 32 else { throw .invalidKey("an Ed25519 public key is 32 bytes") }
        let key = try EVPPublicKey.fromData(type: "ED25519", [.octets(OSSL_PKEY_PARAM_PUB_KEY, bytes)])
        return PublicKey(algorithm: .ed25519, key: key)
    }

    /// An RS256 key from its big-endian modulus and public exponent (leading zero bytes ignored).
    ///
    /// The modulus must be odd and within `rsaModulusBits`; the exponent odd, at least 3 and at
    /// most 64 bits, which bounds the cost of a verification. OpenSSL's full public check is not
    /// run: it tests the modulus for primality, costly and pointless for verifying a signature.
    public static func rsa(modulus: some ContiguousBytes, exponent: some ContiguousBytes) throws(CryptoError)
        -> PublicKey
    {
        let n = modulus.withUnsafeBytes { Array($0.drop(while: { $0 == 0 })) }
        let e = exponent.withUnsafeBytes { Array($0.drop(while: { $0 == 0 })) }
        guard let first = n.first else { throw .invalidKey("the RSA modulus is zero") }
        let bits = n.count * 8 - first.leadingZeroBitCount
        guard rsaModulusBits.contains(bits) else {
            throw .invalidKey("an RSA modulus of \(bits) bits is outside \(rsaModulusBits)")
        }
        guard n[n.count - 1] & 1 == 1 else { throw .invalidKey("the RSA modulus is even") }
        guard let last = e.last, e.count <= 8, last & 1 == 1, e.count > 1 || last >= 3 else {
            throw .invalidKey("the RSA exponent must be odd, at least 3 and at most 64 bits")
        }
        let key = try EVPPublicKey.fromData(
            type: "RSA", [.unsignedInteger(OSSL_PKEY_PARAM_RSA_N, n), .unsignedInteger(OSSL_PKEY_PARAM_RSA_E, e)])
        return PublicKey(algorithm: .rs256, key: key)
    }

    /// Whether `signature` is a valid signature of `message` under this key and its algorithm.
    public func isValidSignature(_ signature: some ContiguousBytes, for message: some ContiguousBytes)
        throws(CryptoError) -> Bool
    {
        let signatureLength = signature.withUnsafeBytes { $0.count }
        switch algorithm {
        // A DER ECDSA-Sig-Value over P-256 is 8 to 72 bytes.
        case .es256: guard (8...72).contains(signatureLength) else { return false }
        case .ed25519: guard signatureLength == 64 else { return false }
        case .rs256: guard signatureLength == key.size else { return false }
        }
        guard let context = EVP_MD_CTX_new() else { throw .openssl("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        // Ed25519 hashes internally: it takes no digest name.
        let digest: String? = algorithm == .ed25519 ? nil : "SHA256"
        guard EVP_DigestVerifyInit_ex(context, &keyContext, digest, nil, nil, key.pointer, nil) == 1 else {
            throw .openssl("EVP_DigestVerifyInit_ex")
        }
        if algorithm == .rs256 {
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else {
                throw .openssl("EVP_PKEY_CTX_set_rsa_padding")
            }
        }
        let status = signature.withUnsafeBytes { signatureBytes in
            message.withUnsafeBytes { messageBytes in
                // An empty message is valid input; give OpenSSL a non-null pointer.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
                    EVP_DigestVerify(
                        context, signatureBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), signatureBytes.count,
                        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                            ?? UnsafePointer(empty.baseAddress),
                        messageBytes.count)
                }
            }
        }
        // 0 is a wrong signature, a negative value a malformed one (bad DER): both are "not valid".
        // Either may leave a reason on OpenSSL's queue; it must not leak into a later report.
        ERR_clear_error()
        return status == 1
    }

    public var description: String { "PublicKey(\(algorithm.rawValue))" }
}

/// Owns one `EVP_PKEY` holding only a public key. OpenSSL allows concurrent verifications with
/// one key (each builds its own contexts), and the key is never changed after it is built.
private final class EVPPublicKey: @unchecked Sendable {
    // @unchecked: an OpenSSL pointer, never changed after init (see above).
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    /// The largest signature in bytes (the modulus length for RSA).
    var size: Int { Int(EVP_PKEY_get_size(pointer)) }

    enum Parameter {
        case utf8(String, String)
        case octets(String, [UInt8])
        /// Big-endian, without sign.
        case unsignedInteger(String, [UInt8])
    }

    /// Builds a public key of `type` ("EC", "ED25519", "RSA") from `parameters`.
    static func fromData(type: String, _ parameters: [Parameter]) throws(CryptoError) -> EVPPublicKey {
        guard let builder = OSSL_PARAM_BLD_new() else { throw .openssl("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps pointers to keys, strings and numbers until `OSSL_PARAM_BLD_to_param`,
        // so they live in buffers owned here rather than in Swift temporaries.
        var strings: [UnsafeMutablePointer<CChar>] = []
        var buffers: [UnsafeMutableRawBufferPointer] = []
        var numbers: [OpaquePointer] = []
        defer {
            strings.forEach { free($0) }
            buffers.forEach { $0.deallocate() }
            numbers.forEach { BN_free($0) }
        }
        func cString(_ text: String) throws(CryptoError) -> UnsafeMutablePointer<CChar> {
            guard let copy = strdup(text) else { throw .openssl("strdup") }
            strings.append(copy)
            return copy
        }
        for parameter in parameters {
            let pushed: Int32
            switch parameter {
            case .utf8(let key, let value):
                pushed = OSSL_PARAM_BLD_push_utf8_string(builder, try cString(key), try cString(value), 0)
            case .octets(let key, let value):
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(value.count, 1), alignment: 1)
                buffers.append(buffer)
                buffer.copyBytes(from: value)
                pushed = OSSL_PARAM_BLD_push_octet_string(builder, try cString(key), buffer.baseAddress, value.count)
            case .unsignedInteger(let key, let value):
                guard value.count <= Int(Int32.max),
                    let number = value.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) })
                else { throw .openssl("BN_bin2bn") }
                numbers.append(number)
                pushed = OSSL_PARAM_BLD_push_BN(builder, try cString(key), number)
            }
            guard pushed == 1 else { throw .openssl("OSSL_PARAM_BLD_push") }
        }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw .openssl("OSSL_PARAM_BLD_to_param") }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw .openssl("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_fromdata_init(context) == 1 else { throw .openssl("EVP_PKEY_fromdata_init") }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata(context, &key, twofold_evp_pkey_public_key_selection(), params) == 1, let key else {
            throw .invalidKey("OpenSSL refused the \(type) public key", fromOpenSSL: true)
        }
        return EVPPublicKey(key)
    }

    func checkPublic(quick: Bool) throws(CryptoError) {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            throw .openssl("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(context) }
        let status = quick ? EVP_PKEY_public_check_quick(context) : EVP_PKEY_public_check(context)
        guard status == 1 else { throw .invalidKey("the public key fails OpenSSL's check", fromOpenSSL: true) }
    }
}
