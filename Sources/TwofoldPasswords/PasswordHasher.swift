import TwofoldCrypto

/// Hashes and verifies passwords with scrypt, storing them as self-describing strings
/// (`$scrypt$ln=17,r=8,p=1$<salt>$<key>`, see `hash(_:)`).
///
/// Every input is NFKC-normalised (`PasswordNormalization`) and encoded as UTF-8 before
/// hashing. Inputs over `PasswordPolicy.maximumBytes` are refused before normalisation or
/// hashing, so an oversized request costs nothing. The work is deliberately slow (about 128 MiB
/// and a fraction of a second with the recommended parameters): run it on a bounded pool.
public struct PasswordHasher: Sendable {
    public static let saltLength = 16
    public static let keyLength = 32

    public let parameters: ScryptParameters
    private let random: any RandomByteSource
    /// Verified against by `burnEquivalentWork`; its key is random, so nothing ever matches it.
    let decoy: StoredPasswordHash

    /// - Parameter random: the salt source; inject a fixed one only in tests.
    public init(parameters: ScryptParameters = .recommended, random: any RandomByteSource = SystemRandomSource()) {
        self.parameters = parameters
        self.random = random
        decoy = StoredPasswordHash(
            parameters: parameters, salt: SecureRandom.bytes(count: Self.saltLength),
            key: SecureRandom.bytes(count: Self.keyLength))
    }

    /// A new hash with a fresh 16-byte salt and a 32-byte key:
    /// `$scrypt$ln=17,r=8,p=1$<salt base64, no padding>$<key base64, no padding>`.
    ///
    /// Throws `PasswordError.tooLong` over `PasswordPolicy.maximumBytes` (without hashing) and
    /// `hashingFailed` if the KDF fails.
    public func hash(_ password: String) throws(PasswordError) -> String {
        guard password.utf8.count <= PasswordPolicy.maximumBytes else { throw .tooLong() }
        let salt = random.bytes(count: Self.saltLength)
        let key = try derive(password, parameters: parameters, salt: salt, length: Self.keyLength)
        let stored = key.withUnsafeBytes { StoredPasswordHash(parameters: parameters, salt: salt, key: Array($0)) }
        return stored.encoded
    }

    /// Checks `password` against a string made by `hash(_:)` (with any accepted parameters);
    /// the key comparison is constant-time. Never traps on a malformed `stored`.
    public func verify(_ password: String, against stored: String) -> PasswordVerification {
        guard let parsed = StoredPasswordHash(parsing: stored) else {
            // Same cost as a real check, so a corrupt record is not visible in response times.
            burnEquivalentWork(password)
            return .unreadable
        }
        return verify(password, against: parsed)
    }

    /// Does the work of a `verify` against a hash with this hasher's parameters and discards the
    /// result. Call it when the email is unknown (or the user disabled), so that the response
    /// time does not tell whether an account exists.
    public func burnEquivalentWork(_ password: String) {
        _ = verify(password, against: decoy)
    }

    private func verify(_ password: String, against stored: StoredPasswordHash) -> PasswordVerification {
        // Over-long input never matches: `hash` refuses to create such a hash.
        guard password.utf8.count <= PasswordPolicy.maximumBytes,
            let key = try? derive(password, parameters: stored.parameters, salt: stored.salt, length: stored.key.count)
        else { return .mismatch }
        let equal = key.withUnsafeBytes { ConstantTime.equals($0, stored.key) }
        guard equal else { return .mismatch }
        let current =
            stored.parameters == parameters && stored.salt.count == Self.saltLength
            && stored.key.count == Self.keyLength
        return .match(needsRehash: !current)
    }

    private func derive(
        _ password: String, parameters: ScryptParameters, salt: [UInt8], length: Int
    ) throws(PasswordError) -> SecretBytes {
        let bytes = Array(PasswordNormalization.normalize(password).utf8)
        do {
            return try KDF.scrypt(
                password: bytes, salt: salt, n: UInt64(1) << parameters.logN, r: UInt32(parameters.r),
                p: UInt32(parameters.p), length: length)
        } catch {
            throw .hashingFailed("scrypt failed: \(error.code)")
        }
    }
}
