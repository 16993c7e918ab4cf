internal import CLibCrypto

/// AES-256-GCM authenticated encryption with associated data (NIST SP 800-38D): 96-bit nonces,
/// 128-bit tags.
public enum AESGCM {
    public static let nonceLength = 12
    public static let tagLength = 16

    /// `nonce ‖ ciphertext ‖ tag`.
    public struct SealedBox: Sendable, Equatable {
        public let nonce: [UInt8]
        public let ciphertext: [UInt8]
        public let tag: [UInt8]

        public var combined: [UInt8] { nonce + ciphertext + tag }

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws(CryptoError) {
            guard nonce.count == AESGCM.nonceLength else { throw .invalidLength("a GCM nonce is 12 bytes") }
            guard tag.count == AESGCM.tagLength else { throw .invalidLength("a GCM tag is 16 bytes") }
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }

        public init(combined: [UInt8]) throws(CryptoError) {
            guard combined.count >= AESGCM.nonceLength + AESGCM.tagLength else {
                throw .invalidLength("a sealed box is at least 28 bytes")
            }
            try self.init(
                nonce: Array(combined[..<AESGCM.nonceLength]),
                ciphertext: Array(combined[AESGCM.nonceLength..<(combined.count - AESGCM.tagLength)]),
                tag: Array(combined[(combined.count - AESGCM.tagLength)...]))
        }
    }

    /// Encrypts `plaintext`; `nonce` defaults to 12 random bytes (never reuse a nonce with a key).
    public static func seal(
        _ plaintext: some ContiguousBytes, key: SymmetricKey, nonce: [UInt8]? = nil,
        authenticating associatedData: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> SealedBox {
        let nonce = nonce ?? SecureRandom.bytes(count: nonceLength)
        guard nonce.count == nonceLength else { throw .invalidLength("a GCM nonce is 12 bytes") }
        let context = try Context(encrypt: true, key: key, nonce: nonce)
        try context.addAssociatedData(associatedData.withUnsafeBytes { Array($0) })
        let ciphertext = try context.update(plaintext.withUnsafeBytes { Array($0) })
        try context.finish()
        var tag = [UInt8](repeating: 0, count: tagLength)
        let status = tag.withUnsafeMutableBytes {
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), $0.baseAddress)
        }
        guard status == 1 else { throw .openssl("EVP_CTRL_GCM_GET_TAG") }
        return try SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Decrypts and authenticates; any mismatch of key, nonce, ciphertext, tag or associated data
    /// throws `CryptoError.authenticationFailed` and releases no plaintext.
    public static func open(
        _ box: SealedBox, key: SymmetricKey, authenticating associatedData: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> SecretBytes {
        let context = try Context(encrypt: false, key: key, nonce: box.nonce)
        try context.addAssociatedData(associatedData.withUnsafeBytes { Array($0) })
        var output = try context.update(box.ciphertext)
        defer { output.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        var tag = box.tag
        let status = tag.withUnsafeMutableBytes {
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), $0.baseAddress)
        }
        guard status == 1 else { throw .openssl("EVP_CTRL_GCM_SET_TAG") }
        do {
            try context.finish()
        } catch {
            ERR_clear_error()
            throw .authenticationFailed()
        }
        return SecretBytes(output)
    }

    /// Owns one `EVP_CIPHER_CTX`.
    private final class Context {
        let pointer: OpaquePointer

        init(encrypt: Bool, key: SymmetricKey, nonce: [UInt8]) throws(CryptoError) {
            guard let pointer = EVP_CIPHER_CTX_new() else { throw .openssl("EVP_CIPHER_CTX_new") }
            self.pointer = pointer
            let status = key.secret.withUnsafeBytes { keyBytes in
                nonce.withUnsafeBufferPointer { nonceBytes in
                    EVP_CipherInit_ex(
                        pointer, EVP_aes_256_gcm(), nil, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        nonceBytes.baseAddress, encrypt ? 1 : 0)
                }
            }
            guard status == 1 else { throw .openssl("EVP_CipherInit_ex") }
        }

        deinit { EVP_CIPHER_CTX_free(pointer) }

        func addAssociatedData(_ data: [UInt8]) throws(CryptoError) {
            guard !data.isEmpty else { return }
            var outLength: Int32 = 0
            let status = data.withUnsafeBufferPointer {
                EVP_CipherUpdate(pointer, nil, &outLength, $0.baseAddress, Int32($0.count))
            }
            guard status == 1 else { throw .openssl("EVP_CipherUpdate(aad)") }
        }

        func update(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard !input.isEmpty else { return [] }
            guard input.count <= Int(Int32.max) else { throw .invalidLength("input too large for one GCM call") }
            var output = [UInt8](repeating: 0, count: input.count)
            var outLength: Int32 = 0
            let status = input.withUnsafeBufferPointer { inBytes in
                output.withUnsafeMutableBufferPointer { outBytes in
                    EVP_CipherUpdate(
                        pointer, outBytes.baseAddress, &outLength, inBytes.baseAddress, Int32(inBytes.count))
                }
            }
            guard status == 1, Int(outLength) == input.count else { throw .openssl("EVP_CipherUpdate") }
            return output
        }

        func finish() throws(CryptoError) {
            var scratch = [UInt8](repeating: 0, count: 16)
            var outLength: Int32 = 0
            let status = scratch.withUnsafeMutableBufferPointer {
                EVP_CipherFinal_ex(pointer, $0.baseAddress, &outLength)
            }
            guard status == 1 else { throw .openssl("EVP_CipherFinal_ex") }
        }
    }
}
