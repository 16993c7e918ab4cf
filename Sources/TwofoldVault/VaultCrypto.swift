import TwofoldCrypto
import TwofoldOTP

/// The vault's use of cryptography, in one place: sealing records under the master key, the keyed
/// MACs for recovery codes, backup codes, idempotency keys and phone-number tags, seeds and codes
/// from the CSPRNG, and TOTP matching. Subkeys are derived from the master key with HMAC-SHA256 and distinct labels, so the
/// master key itself is used for nothing else.
public struct VaultCrypto: Sendable {
    static let sha1: UInt8 = 1
    static let sha256: UInt8 = 2
    static let sha512: UInt8 = 3

    private let sealingKey: SymmetricKey
    /// During a key rotation: the previous master key's sealing key, used only to open records
    /// not yet re-sealed.
    private let previousSealingKey: SymmetricKey?
    private let recoveryKey: SecretBytes
    /// Prepared once: these MACs run on every backup code check and every keyed request.
    private let backupKey: HMACKey
    private let idempotencyKey: HMACKey
    private let numberKey: SecretBytes
    /// The master key's check value, kept in the store so a wrong key is refused at start.
    let keyCheckValue: [UInt8]
    /// During a rotation, the previous master key's check value.
    let previousKeyCheckValue: [UInt8]?

    /// - Parameters:
    ///   - masterKey: exactly 32 bytes; everything is sealed with it.
    ///   - previousMasterKey: during a rotation, the key the store was sealed with until now.
    public init(masterKey: [UInt8], previousMasterKey: [UInt8]? = nil) throws(VaultError) {
        sealingKey = try Self.sealingKey(from: masterKey)
        previousSealingKey = try previousMasterKey.map { key throws(VaultError) in try Self.sealingKey(from: key) }
        recoveryKey = try Self.derive(from: masterKey, "twofold.vault.v1/recovery-code")
        backupKey = try Self.prepare(try Self.derive(from: masterKey, "twofold.vault.v1/backup-code"))
        idempotencyKey = try Self.prepare(try Self.derive(from: masterKey, "twofold.vault.v1/idempotency"))
        numberKey = try Self.derive(from: masterKey, "twofold.vault.v1/phone-number-tag")
        keyCheckValue = try Self.keyCheckValue(of: masterKey)
        previousKeyCheckValue = try previousMasterKey.map { key throws(VaultError) in try Self.keyCheckValue(of: key) }
    }

    /// HMAC-SHA256 of a fixed label under a subkey derived for this purpose only: equal for the
    /// same master key, unrelated for any other, and useless for opening anything.
    private static func keyCheckValue(of masterKey: [UInt8]) throws(VaultError) -> [UInt8] {
        let key = try derive(from: masterKey, "twofold.vault.v1/key-check")
        return HMAC.authenticationCode(
            for: Array("twofold.vault.v1/key-check-value".utf8), key: key, algorithm: .sha256
        ).bytes
    }

    /// Which master key to try, for the checks made at start.
    enum KeyChoice {
        case current
        case previous
    }

    /// Whether `sealed` opens with exactly that key (not falling back to the other one).
    func opens(_ sealed: [UInt8], associatedData: [UInt8], with choice: KeyChoice) -> Bool {
        let key: SymmetricKey?
        switch choice {
        case .current: key = sealingKey
        case .previous: key = previousSealingKey
        }
        guard let key, let box = try? AESGCM.SealedBox(combined: sealed) else { return false }
        return (try? AESGCM.open(box, key: key, authenticating: associatedData)) != nil
    }

    /// A subkey of `masterKey` for one purpose: HMAC-SHA256(master, label), so the master key
    /// itself is used for nothing else.
    private static func derive(from masterKey: [UInt8], _ label: String) throws(VaultError) -> SecretBytes {
        guard masterKey.count == 32 else {
            throw VaultError(.internalError, "The master key must be exactly 32 bytes.")
        }
        return SecretBytes(
            HMAC.authenticationCode(for: Array(label.utf8), key: SecretBytes(masterKey), algorithm: .sha256).bytes)
    }

    private static func prepare(_ key: SecretBytes) throws(VaultError) -> HMACKey {
        do {
            return try HMACKey(key, algorithm: .sha256)
        } catch {
            throw VaultError(.internalError, "An HMAC key could not be prepared.")
        }
    }

    private static func sealingKey(from masterKey: [UInt8]) throws(VaultError) -> SymmetricKey {
        do {
            return try SymmetricKey(try derive(from: masterKey, "twofold.vault.v1/seal"))
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError(.internalError, "The sealing key could not be derived.")
        }
    }

    /// Whether a previous key was given (a rotation is in progress).
    var isRotating: Bool { previousSealingKey != nil }

    func seal(_ plaintext: [UInt8], associatedData: [UInt8]) -> [UInt8] {
        // Sealing with a valid 32-byte key and a fresh random nonce cannot fail short of a broken
        // OpenSSL; that is not bad input, so it traps rather than storing nothing.
        do {
            return try AESGCM.seal(plaintext, key: sealingKey, authenticating: associatedData).combined
        } catch {
            preconditionFailure("AES-256-GCM seal failed: \(error)")
        }
    }

    func open(_ sealed: [UInt8], associatedData: [UInt8]) -> [UInt8]? {
        guard let box = try? AESGCM.SealedBox(combined: sealed) else { return nil }
        for key in [sealingKey] + (previousSealingKey.map { [$0] } ?? []) {
            if let plaintext = try? AESGCM.open(box, key: key, authenticating: associatedData) {
                return plaintext.withUnsafeBytes { Array($0) }
            }
        }
        return nil
    }

    func randomBytes(_ count: Int) -> [UInt8] { SecureRandom.bytes(count: count) }

    /// `count` decimal digits, each uniform (no modulo bias).
    func randomDigits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(SecureRandom.uniformInt(below: 10))) })
    }

    func recoveryMAC(user: UserID, code: String) -> [UInt8] {
        HMAC.authenticationCode(for: Array("\(user.rawValue)\u{0}\(code)".utf8), key: recoveryKey, algorithm: .sha256)
            .bytes
    }

    /// The stored form of a backup code: HMAC-SHA256 of the user and the code under the backup
    /// subkey, truncated to `BackupCode.macLength` bytes. Bound to the user, so a MAC copied into
    /// another user's record matches none of that user's codes.
    func backupMAC(user: UserID, code: BackupCode) -> [UInt8] {
        Array(
            backupKey.authenticationCode(for: Array("\(user.rawValue)\u{0}".utf8) + code.characters).bytes.prefix(
                BackupCode.macLength))
    }

    /// What a keyed request is recorded under, and what it asked (`IdempotencyClaim`): MACs under
    /// the idempotency subkey, so a record's entries reveal neither the keys nor the arguments
    /// (which hold codes), even to someone who could open it.
    func idempotencyClaim(peer: UInt32, user: UserID, key: String, operation: String, arguments: [UInt8])
        -> IdempotencyClaim
    {
        var scope = Array("key\u{0}\(peer)\u{0}\(user.rawValue)\u{0}".utf8)
        scope += key.utf8
        var request = Array("request\u{0}\(operation)\u{0}".utf8)
        request += arguments
        return IdempotencyClaim(
            digest: Array(idempotencyKey.authenticationCode(for: scope).bytes.prefix(RecordedOutcomes.digestLength)),
            fingerprint: Array(
                idempotencyKey.authenticationCode(for: request).bytes.prefix(RecordedOutcomes.digestLength)))
    }

    /// A stable, keyed tag for a phone number, so per-number quotas never store the number itself.
    func numberTag(_ e164: String) -> String {
        Hex.encode(HMAC.authenticationCode(for: Array(e164.utf8), key: numberKey, algorithm: .sha256).bytes.prefix(16))
    }

    func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool { ConstantTime.equals(lhs, rhs) }

    /// Checks `code` against `seed` at `nowMillis` with the OTP module's verifier (every window
    /// step computed and compared in constant time; a step at or below `lastAccepted` is a replay).
    func verify(
        code: String, seed: VaultUserRecord.Seed, nowMillis: Int64, lastAccepted: UInt64?, stepsBehind: UInt64,
        stepsAhead: UInt64
    ) -> TOTPVerifier.Outcome {
        let verifier = TOTPVerifier(
            parameters: Self.parameters(of: seed), stepsBehind: stepsBehind, stepsAhead: stepsAhead,
            clock: Instant(seconds: nowMillis / 1000))
        return verifier.verify(code, secret: seed.secret, lastAccepted: lastAccepted.map(TimeStep.init))
    }

    /// The vault's clock reading, as the verifier's time source.
    private struct Instant: TimeSource {
        let seconds: Int64
        func unixTime() -> Int64 { seconds }
    }

    func base32(_ bytes: [UInt8]) -> String { Base32.encode(bytes) }

    func otpauthURI(issuer: String, accountName: String, seed: VaultUserRecord.Seed) -> String {
        OTPAuthURI(issuer: issuer, accountName: accountName, secret: seed.secret, parameters: Self.parameters(of: seed))
            .string
    }

    static func parameters(of seed: VaultUserRecord.Seed) -> OTPParameters {
        let algorithm: HashAlgorithm =
            switch seed.algorithm {
            case sha256: .sha256
            case sha512: .sha512
            default: .sha1
            }
        return OTPParameters(algorithm: algorithm, digits: Int(seed.digits), period: Int(seed.period))
    }
}
