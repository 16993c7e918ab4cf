import CLibCrypto
import TwofoldCrypto
import TwofoldVault
import TwofoldWebAuthn

/// An ES256 authenticator in software, standing in for the browser and the security key: it makes
/// a P-256 key with OpenSSL, answers `navigator.credentials.create/get` with real CBOR and real
/// signatures, and can be told to misbehave (other origin, RP ID, flags, counter).
final class SoftwareAuthenticator: @unchecked Sendable {
    // @unchecked: the key is written once in init and only read after (OpenSSL signs concurrently).
    private let key: OpaquePointer
    let credentialID: [UInt8]
    let publicX: [UInt8]
    let publicY: [UInt8]
    var signCount: UInt32 = 0

    init(credentialID: [UInt8] = SecureRandom.bytes(count: 16)) {
        let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil)
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &generated) == 1, let generated
        else { fatalError("OpenSSL could not make a P-256 key") }
        key = generated
        var point = [UInt8](repeating: 0, count: 65)
        var length = 0
        guard EVP_PKEY_get_octet_string_param(key, "pub", &point, point.count, &length) == 1, length == 65 else {
            fatalError("OpenSSL gave no uncompressed P-256 point")
        }
        publicX = Array(point[1..<33])
        publicY = Array(point[33..<65])
        self.credentialID = credentialID
    }

    deinit { EVP_PKEY_free(key) }

    /// The credential's COSE_Key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}.
    var coseKey: CBORValue {
        .map([
            CBORMapEntry(.unsigned(1), .unsigned(2)), CBORMapEntry(.unsigned(3), .negative(6)),
            CBORMapEntry(.negative(0), .unsigned(1)), CBORMapEntry(.negative(1), .bytes(publicX)),
            CBORMapEntry(.negative(2), .bytes(publicY)),
        ])
    }

    /// A DER ECDSA signature of `message` with SHA-256.
    func sign(_ message: [UInt8]) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { fatalError("EVP_DigestSignInit") }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else { fatalError("EVP_DigestSign") }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            fatalError("EVP_DigestSign")
        }
        return Array(signature.prefix(length))
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        static let userPresent = Flags(rawValue: 0x01)
        static let userVerified = Flags(rawValue: 0x04)
        static let attested = Flags(rawValue: 0x40)
    }

    static func clientData(type: String, challenge: String, origin: String) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    func authenticatorData(rpID: String, flags: Flags, count: UInt32, attested: Bool) -> [UInt8] {
        var data = SHA256.hash(Array(rpID.utf8))
        data.append((attested ? flags.union(.attested) : flags).rawValue)
        data += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) }
        if attested {
            data += [UInt8](repeating: 0, count: 16)  // AAGUID: none
            data += [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xFF)]
            data += credentialID
            data += CBOREncoder.encode(coseKey)
        }
        return data
    }

    /// What `navigator.credentials.create` returns for `start`; `packed` makes a self attestation.
    func register(
        _ start: PasskeyCeremonyStart, origin: String = "https://login.example.org", rpID: String? = nil,
        flags: Flags = [.userPresent, .userVerified], packed: Bool = false
    ) -> RegistrationResponse {
        let clientData = Self.clientData(type: "webauthn.create", challenge: start.challenge, origin: origin)
        let authData = authenticatorData(rpID: rpID ?? start.rpID, flags: flags, count: signCount, attested: true)
        var statement: [CBORMapEntry] = []
        if packed {
            statement = [
                CBORMapEntry(.text("alg"), .negative(6)),
                CBORMapEntry(.text("sig"), .bytes(sign(authData + SHA256.hash(clientData)))),
            ]
        }
        let object = CBORValue.map([
            CBORMapEntry(.text("fmt"), .text(packed ? "packed" : "none")),
            CBORMapEntry(.text("attStmt"), .map(statement)),
            CBORMapEntry(.text("authData"), .bytes(authData)),
        ])
        return RegistrationResponse(clientDataJSON: clientData, attestationObject: CBOREncoder.encode(object))
    }

    /// What `navigator.credentials.get` returns for `challenge`, counting one more signature
    /// unless `count` is given.
    func assert(
        challenge: String, rpID: String = "login.example.org", origin: String = "https://login.example.org",
        flags: Flags = [.userPresent, .userVerified], count: UInt32? = nil, userHandle: [UInt8]? = nil
    ) -> AssertionResponse {
        if let count { signCount = count } else { signCount += 1 }
        let clientData = Self.clientData(type: "webauthn.get", challenge: challenge, origin: origin)
        let authData = authenticatorData(rpID: rpID, flags: flags, count: signCount, attested: false)
        return AssertionResponse(
            credentialID: credentialID, clientDataJSON: clientData, authenticatorData: authData,
            signature: sign(authData + SHA256.hash(clientData)), userHandle: userHandle)
    }
}
