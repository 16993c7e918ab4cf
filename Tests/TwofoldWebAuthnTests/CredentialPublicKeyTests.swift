import Testing

@testable import TwofoldWebAuthn

/// The EC2 example of WebAuthn §6.5.1.1, in its CTAP2 canonical encoding.
private let specExampleEC2Key = hex(
    "a5010203262001215820" + "65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d" + "225820"
        + "1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c")

private func key(_ entries: [(Int64, CBORValue)]) -> [UInt8] {
    CBOREncoder.encode(.map(entries.map { CBORMapEntry(.integer($0.0), $0.1) }))
}

private let x = [UInt8](hex("65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d"))
private let y = [UInt8](hex("1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c"))

@Test func coseKey_parsesTheSpecificationsEC2Example_andKeepsItsCanonicalBytes() throws {
    let parsed = try CredentialPublicKey(coseKey: specExampleEC2Key)
    #expect(parsed.algorithm == .es256)
    #expect(parsed.coseKey == specExampleEC2Key)
    #expect(parsed.description == "CredentialPublicKey(es256)")
}

@Test func coseKey_refusesOtherAlgorithmsCurvesAndKeyTypes_withUnsupportedAlgorithm() {
    let cases: [(String, [UInt8])] = [
        ("ES384", key([(1, .integer(2)), (3, .integer(-35)), (-1, .integer(2)), (-2, .bytes(x)), (-3, .bytes(y))])),
        ("PS256", key([(1, .integer(3)), (3, .integer(-37)), (-1, .bytes([1])), (-2, .bytes([1, 0, 1]))])),
        (
            "Ed25519 as the fully specified -19",
            key([(1, .integer(1)), (3, .integer(-19)), (-1, .integer(6)), (-2, .bytes(x))])
        ),
        ("EdDSA over Ed448", key([(1, .integer(1)), (3, .integer(-8)), (-1, .integer(7)), (-2, .bytes(x + x))])),
        (
            "ES256 over P-384",
            key([(1, .integer(2)), (3, .integer(-7)), (-1, .integer(2)), (-2, .bytes(x)), (-3, .bytes(y))])
        ),
    ]
    for (name, bytes) in cases {
        #expect(errorCode { try CredentialPublicKey(coseKey: bytes) } == "webauthn.unsupported_algorithm", "\(name)")
    }
}

@Test func coseKey_refusesMalformedOrInvalidKeys() {
    var offCurve = y
    offCurve[31] ^= 1
    let cases: [(String, [UInt8], String)] = [
        ("not a map", CBOREncoder.encode(.array([])), "webauthn.malformed"),
        ("no alg", key([(1, .integer(2)), (-1, .integer(1)), (-2, .bytes(x)), (-3, .bytes(y))]), "webauthn.malformed"),
        (
            "no kty", key([(3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(x)), (-3, .bytes(y))]),
            "webauthn.malformed"
        ),
        ("no y", key([(1, .integer(2)), (3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(x))]), "webauthn.malformed"),
        (
            "y as a boolean (compressed point)",
            key([(1, .integer(2)), (3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(x)), (-3, .bool(true))]),
            "webauthn.malformed"
        ),
        (
            "alg as text",
            key([(1, .integer(2)), (3, .text("ES256")), (-1, .integer(1)), (-2, .bytes(x)), (-3, .bytes(y))]),
            "webauthn.malformed"
        ),
        (
            "ES256 with kty OKP",
            key([(1, .integer(1)), (3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(x)), (-3, .bytes(y))]),
            "webauthn.invalid_key"
        ),
        (
            "a point off the curve",
            key([(1, .integer(2)), (3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(x)), (-3, .bytes(offCurve))]),
            "webauthn.invalid_key"
        ),
        (
            "a 31-byte x",
            key([
                (1, .integer(2)), (3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(Array(x.dropFirst()))),
                (-3, .bytes(y)),
            ]), "webauthn.invalid_key"
        ),
        (
            "an optional kid",
            key([
                (1, .integer(2)), (2, .bytes([1])), (3, .integer(-7)), (-1, .integer(1)), (-2, .bytes(x)),
                (-3, .bytes(y)),
            ]), "webauthn.invalid_key"
        ),
        (
            "an RSA modulus of 1024 bits",
            key([
                (1, .integer(3)), (3, .integer(-257)), (-1, .bytes([0xC1] + [UInt8](repeating: 0xFF, count: 127))),
                (-2, .bytes([1, 0, 1])),
            ]), "webauthn.invalid_key"
        ),
        (
            "an RSA modulus with a leading zero",
            key([
                (1, .integer(3)), (3, .integer(-257)), (-1, .bytes([0] + [UInt8](repeating: 0xFF, count: 256))),
                (-2, .bytes([1, 0, 1])),
            ]), "webauthn.invalid_key"
        ),
        (
            "an Ed25519 key of 33 bytes",
            key([(1, .integer(1)), (3, .integer(-8)), (-1, .integer(6)), (-2, .bytes(x + [0]))]), "webauthn.invalid_key"
        ),
        (
            "a text label",
            CBOREncoder.encode(
                .map([CBORMapEntry(.integer(1), .integer(2)), CBORMapEntry(.text("alg"), .integer(-7))])),
            "webauthn.invalid_key"
        ),
    ]
    for (name, bytes, code) in cases {
        #expect(errorCode { try CredentialPublicKey(coseKey: bytes) } == code, "\(name)")
    }
    // A value built by hand (not by the decoder) with a label twice is refused too.
    let twice = CBORValue.map([CBORMapEntry(.integer(3), .integer(-7)), CBORMapEntry(.integer(3), .integer(-8))])
    #expect(errorCode { try CredentialPublicKey(cose: twice) } == "webauthn.malformed")
}

@Test func coseKey_readLeniently_isStoredInItsCanonicalForm() throws {
    // The spec example with its map keys reversed: refused by the CTAP2 rules, canonicalised otherwise.
    let value = try CBORDecoder().decode(specExampleEC2Key)
    var reversed: [UInt8] = [0xA5]
    for entry in value.mapEntries!.reversed() {
        reversed += CBOREncoder.encode(entry.key) + CBOREncoder.encode(entry.value)
    }
    #expect(errorCode { try CredentialPublicKey(coseKey: reversed) } == "webauthn.cbor_not_canonical")
    let lenient = try CredentialPublicKey(coseKey: reversed, options: .wellFormed)
    #expect(lenient.coseKey == specExampleEC2Key)
}
