import TwofoldCrypto

/// A credential public key in COSE_Key form (RFC 9052 §7, RFC 9053 §2, RFC 8230 §4), limited to
/// the three algorithms Twofold verifies; anything else is refused with a clear error.
///
/// The key is checked in full when parsed (a P-256 point must lie on the curve, an RSA modulus must
/// have 2048–8192 bits), so a stored key is always usable. `coseKey` is its canonical encoding:
/// what the vault stores and parses again for each assertion.
public struct CredentialPublicKey: Sendable, Equatable, CustomStringConvertible {
    /// COSE algorithm identifiers (IANA "COSE Algorithms").
    public enum Algorithm: Int64, Sendable, CaseIterable {
        /// ECDSA with SHA-256 over P-256.
        case es256 = -7
        /// EdDSA; only the Ed25519 curve is accepted.
        case eddsa = -8
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        case rs256 = -257
    }

    public let algorithm: Algorithm
    public let coseKey: [UInt8]
    private let key: PublicKey

    public static func == (lhs: CredentialPublicKey, rhs: CredentialPublicKey) -> Bool { lhs.coseKey == rhs.coseKey }

    public var description: String { "CredentialPublicKey(\(algorithm))" }

    /// Parses a stored or received COSE_Key encoding, which must be exactly one CBOR item.
    public init(coseKey bytes: [UInt8], options: CBORDecoder.Options = .ctap2) throws(WebAuthnError) {
        try self.init(cose: try CBORDecoder(options: options).decode(bytes))
    }

    /// Builds the key from a decoded COSE_Key map.
    public init(cose value: CBORValue) throws(WebAuthnError) {
        guard let entries = value.mapEntries else { throw .malformed("a COSE key is a CBOR map") }
        var parameters: [Int64: CBORValue] = [:]
        for entry in entries {
            guard let label = entry.key.integerValue else {
                throw .invalidKey("a COSE key label that is not an integer")
            }
            guard parameters.updateValue(entry.value, forKey: label) == nil else {
                throw .malformed("COSE key label \(label) appears twice")
            }
        }
        guard let keyType = parameters[Label.keyType]?.integerValue else {
            throw .malformed("the COSE key has no integer kty")
        }
        guard let algorithmValue = parameters[Label.algorithm]?.integerValue else {
            throw .malformed("the COSE key has no integer alg")
        }
        guard let algorithm = Algorithm(rawValue: algorithmValue) else {
            throw .unsupportedAlgorithm("COSE algorithm \(algorithmValue) (only ES256, EdDSA and RS256 are accepted)")
        }
        // WebAuthn §6.5.1: the key holds alg and its type's required parameters, nothing optional.
        let allowed: Set<Int64>
        switch algorithm {
        case .es256: allowed = [Label.keyType, Label.algorithm, Label.curve, Label.x, Label.y]
        case .eddsa, .rs256: allowed = [Label.keyType, Label.algorithm, -1, -2]
        }
        if let extra = parameters.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidKey("COSE key parameter \(extra) is not allowed for \(algorithm)")
        }
        do {
            switch algorithm {
            case .es256:
                guard keyType == KeyType.ec2 else { throw WebAuthnError.invalidKey("ES256 needs kty EC2") }
                let curve = try Self.integer(parameters, Label.curve, "crv")
                guard curve == Curve.p256 else {
                    throw WebAuthnError.unsupportedAlgorithm("EC2 curve \(curve) (only P-256 is accepted)")
                }
                key = try PublicKey.p256(
                    x: try Self.bytes(parameters, Label.x, "x"), y: try Self.bytes(parameters, Label.y, "y"))
            case .eddsa:
                guard keyType == KeyType.okp else { throw WebAuthnError.invalidKey("EdDSA needs kty OKP") }
                let curve = try Self.integer(parameters, Label.curve, "crv")
                guard curve == Curve.ed25519 else {
                    throw WebAuthnError.unsupportedAlgorithm("OKP curve \(curve) (only Ed25519 is accepted)")
                }
                key = try PublicKey.ed25519(try Self.bytes(parameters, Label.x, "x"))
            case .rs256:
                guard keyType == KeyType.rsa else { throw WebAuthnError.invalidKey("RS256 needs kty RSA") }
                let modulus = try Self.bytes(parameters, -1, "n")
                let exponent = try Self.bytes(parameters, -2, "e")
                // RFC 8230 §4: both use the minimum number of octets.
                guard modulus.first != 0, exponent.first != 0 else {
                    throw WebAuthnError.invalidKey("an RSA parameter with a leading zero byte")
                }
                key = try PublicKey.rsa(modulus: modulus, exponent: exponent)
            }
        } catch let error as WebAuthnError {
            throw error
        } catch let error as CryptoError where error.code == "crypto.invalid_key" {
            throw .invalidKey("the \(algorithm) key is not valid: \(error.message)")
        } catch {
            throw .internalFailure("building the \(algorithm) key: \(error)")
        }
        self.algorithm = algorithm
        self.coseKey = CBOREncoder.encode(value)
    }

    /// Whether `signature` is this key's signature of `message`; OpenSSL's own failures throw
    /// `webauthn.internal` (the caller refuses: it fails closed).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) throws(WebAuthnError) -> Bool {
        do {
            return try key.isValidSignature(signature, for: message)
        } catch {
            throw .internalFailure("verifying a \(algorithm) signature: \(error)")
        }
    }

    // MARK: COSE registry values (RFC 9052/9053)

    private enum Label {
        static let keyType: Int64 = 1
        static let algorithm: Int64 = 3
        static let curve: Int64 = -1
        static let x: Int64 = -2
        static let y: Int64 = -3
    }

    private enum KeyType {
        static let okp: Int64 = 1
        static let ec2: Int64 = 2
        static let rsa: Int64 = 3
    }

    private enum Curve {
        static let p256: Int64 = 1
        static let ed25519: Int64 = 6
    }

    private static func integer(_ parameters: [Int64: CBORValue], _ label: Int64, _ name: String)
        throws(WebAuthnError) -> Int64
    {
        guard let value = parameters[label]?.integerValue else { throw .malformed("the COSE key's \(name) is missing") }
        return value
    }

    private static func bytes(_ parameters: [Int64: CBORValue], _ label: Int64, _ name: String)
        throws(WebAuthnError) -> [UInt8]
    {
        guard let value = parameters[label]?.bytesValue else { throw .malformed("the COSE key's \(name) is missing") }
        return value
    }
}
