import Testing

@testable import TwofoldCrypto

/// The order of the P-256 group and its field prime (FIPS 186-4 D.1.2.3).
private let p256Order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
private let p256Prime = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
/// The order L of the Ed25519 base point, little-endian (RFC 8032 §5.1).
private let ed25519Order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

private func signatureVectors(_ algorithm: String) throws -> [[String: Any]] {
    try #require(try loadVectors("signatures.json")[algorithm] as? [[String: Any]])
}

/// Whether the vector's key builds and its signature verifies; a refused key counts as "not valid".
private func accepts(_ build: () throws -> PublicKey, signature: [UInt8], message: [UInt8]) throws -> Bool {
    let key: PublicKey
    do {
        key = try build()
    } catch let error as CryptoError {
        #expect(error.code == "crypto.invalid_key")
        return false
    }
    return try key.isValidSignature(signature, for: message)
}

@Test func es256_matchesEveryCAVPSigVerVectorForP256WithSHA256() throws {
    let vectors = try signatureVectors("es256")
    #expect(vectors.count == 15)
    for vector in vectors {
        let accepted = try accepts(
            { try PublicKey.p256(x: hex(vector["x"] as! String), y: hex(vector["y"] as! String)) },
            signature: hex(vector["signature"] as! String), message: hex(vector["message"] as! String))
        #expect(accepted == vector["valid"] as! Bool, "\(vector["source"]!) \(vector["result"]!)")
    }
}

@Test func rs256_matchesEveryCAVPSigVer15VectorWithSHA256_andRefusesModuliBelow2048Bits() throws {
    let vectors = try signatureVectors("rs256")
    #expect(vectors.count == 72)
    for vector in vectors {
        let modulus = hex(vector["modulus"] as! String)
        let build = { try PublicKey.rsa(modulus: modulus, exponent: hex(vector["exponent"] as! String)) }
        let source = "\(vector["source"]!) \(vector["result"]!)"
        if modulus.count < 256 {
            #expect(throws: CryptoError.invalidKey(""), "\(source)") { try build() }
            continue
        }
        let accepted = try accepts(
            build, signature: hex(vector["signature"] as! String), message: hex(vector["message"] as! String))
        #expect(accepted == vector["valid"] as! Bool, "\(source)")
    }
}

@Test func ed25519_acceptsRFC8032AndReferenceVectors_andRefusesEveryAlteration() throws {
    let vectors = try signatureVectors("ed25519")
    #expect(vectors.count == 12)
    let other = try PublicKey.ed25519(hex(vectors[1]["publicKey"] as! String))
    for (index, vector) in vectors.enumerated() {
        let source = vector["source"] as! String
        let key = try PublicKey.ed25519(hex(vector["publicKey"] as! String))
        let message = hex(vector["message"] as! String)
        let signature = hex(vector["signature"] as! String)
        #expect(try key.isValidSignature(signature, for: message), "\(source)")

        var flipped = signature
        flipped[flipped.count - 1] ^= 0x01
        #expect(try !key.isValidSignature(flipped, for: message), "\(source) flipped S")
        flipped = signature
        flipped[0] ^= 0x80
        #expect(try !key.isValidSignature(flipped, for: message), "\(source) flipped R")
        #expect(try !key.isValidSignature(signature, for: message + [0]), "\(source) longer message")
        #expect(try !key.isValidSignature(signature.dropLast(), for: message), "\(source) short signature")
        #expect(try !key.isValidSignature(signature + [0], for: message), "\(source) long signature")
        if index != 1 { #expect(try !other.isValidSignature(signature, for: message), "\(source) other key") }
        // S + L encodes the same scalar non-canonically; RFC 8032 §5.1.7 requires S < L.
        #expect(try !key.isValidSignature(signature.prefix(32) + addLittleEndian(signature.suffix(32)), for: message))
    }
}

@Test func es256_refusesMalformedDERAndOutOfRangeScalars_butAcceptsTheMalleableHighS() throws {
    let vector = try #require(try signatureVectors("es256").first { $0["valid"] as! Bool })
    let key = try PublicKey.p256(x: hex(vector["x"] as! String), y: hex(vector["y"] as! String))
    let message = hex(vector["message"] as! String)
    let der = hex(vector["signature"] as! String)
    #expect(try key.isValidSignature(der, for: message))

    let (r, s) = try #require(splitDER(der))
    var altered: [(String, [UInt8])] = [
        ("trailing byte", der + [0]),
        ("BER long-form length", [0x30, 0x81, der[1]] + der[2...]),
        ("r = 0", derSignature([0], s)),
        ("s = 0", derSignature(r, [0])),
        ("s = n", derSignature(r, derPositive(p256Order))),
        ("r with a needless leading zero", derSignature([0] + r, s)),
        ("r as a negative integer", derSignature([0xFF] + r.drop { $0 == 0 }, s)),
        ("empty", []),
        ("one byte", [0x30]),
    ]
    altered.append(("truncated", Array(der.dropLast())))
    for (name, signature) in altered {
        #expect(try !key.isValidSignature(signature, for: message), "\(name)")
    }
    // ECDSA signatures are malleable: (r, n − s) verifies too. WebAuthn does not rely on signature
    // uniqueness (each assertion signs a fresh challenge), so this is documented, not refused.
    let highS = subtract(p256Order, Array(s.drop { $0 == 0 }))
    #expect(try key.isValidSignature(derSignature(r, derPositive(highS)), for: message))
}

@Test func keyConstruction_refusesMalformedKeys_withInvalidKey() throws {
    let vector = try #require(try signatureVectors("es256").first { $0["valid"] as! Bool })
    let x = hex(vector["x"] as! String)
    let y = hex(vector["y"] as! String)
    var offCurve = y
    offCurve[31] ^= 0x01
    let rsa = try #require(try signatureVectors("rs256").first { ($0["modulus"] as! String).count == 512 })
    let modulus = hex(rsa["modulus"] as! String)
    var evenModulus = modulus
    evenModulus[evenModulus.count - 1] &= 0xFE
    let refused: [(String, () throws -> PublicKey)] = [
        ("P-256 x of 31 bytes", { try .p256(x: x.dropFirst(), y: y) }),
        ("P-256 point off the curve", { try .p256(x: x, y: offCurve) }),
        ("P-256 x equal to p", { try .p256(x: p256Prime, y: y) }),
        ("P-256 zero point", { try .p256(x: [UInt8](repeating: 0, count: 32), y: [UInt8](repeating: 0, count: 32)) }),
        ("Ed25519 key of 31 bytes", { try .ed25519([UInt8](repeating: 1, count: 31)) }),
        ("RSA even modulus", { try .rsa(modulus: evenModulus, exponent: [1, 0, 1]) }),
        ("RSA 2047-bit modulus", { try .rsa(modulus: [0x7F] + modulus.dropFirst(), exponent: [1, 0, 1]) }),
        ("RSA 8200-bit modulus", { try .rsa(modulus: [0x01] + [UInt8](repeating: 0xFF, count: 1025), exponent: [3]) }),
        ("RSA exponent 1", { try .rsa(modulus: modulus, exponent: [1]) }),
        ("RSA even exponent", { try .rsa(modulus: modulus, exponent: [1, 0, 0]) }),
        ("RSA 72-bit exponent", { try .rsa(modulus: modulus, exponent: [1, 0, 0, 0, 0, 0, 0, 0, 1]) }),
        ("RSA zero modulus", { try .rsa(modulus: [0, 0], exponent: [3]) }),
    ]
    for (name, build) in refused {
        #expect(throws: CryptoError.invalidKey(""), "\(name)") { try build() }
    }
    // Leading zero bytes do not change the number.
    #expect(try PublicKey.rsa(modulus: [0, 0] + modulus, exponent: [0, 1, 0, 1]).algorithm == .rs256)
}

@Test func aSignatureFromOneAlgorithm_isNotValidUnderAnother() throws {
    let es = try #require(try signatureVectors("es256").first { $0["valid"] as! Bool })
    let ed = try #require(try signatureVectors("ed25519").first)
    let edKey = try PublicKey.ed25519(hex(ed["publicKey"] as! String))
    let esKey = try PublicKey.p256(x: hex(es["x"] as! String), y: hex(es["y"] as! String))
    #expect(try !edKey.isValidSignature(hex(es["signature"] as! String), for: hex(es["message"] as! String)))
    #expect(try !esKey.isValidSignature(hex(ed["signature"] as! String), for: hex(ed["message"] as! String)))
    #expect(esKey.description == "PublicKey(ES256)")
}

@Test func oneKey_verifiesFromManyTasksAtOnce() async throws {
    let vector = try #require(try signatureVectors("ed25519").last)
    let key = try PublicKey.ed25519(hex(vector["publicKey"] as! String))
    let message = hex(vector["message"] as! String)
    let signature = hex(vector["signature"] as! String)
    let results = try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<64 {
            group.addTask {
                var candidate = signature
                if index % 2 == 1 { candidate[5] ^= 0x10 }
                return try key.isValidSignature(candidate, for: message) == (index % 2 == 0)
            }
        }
        return try await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(results.count == 64 && results.allSatisfy { $0 })
}

// MARK: Helpers (big-endian unless named otherwise)

private func addLittleEndian(_ a: some Collection<UInt8>) -> [UInt8] {
    var carry = 0
    return zip(a, ed25519Order).map { x, y in
        let sum = Int(x) + Int(y) + carry
        carry = sum >> 8
        return UInt8(sum & 0xFF)
    }
}

private func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    let b = [UInt8](repeating: 0, count: a.count - b.count) + b
    var borrow = 0
    var out = [UInt8](repeating: 0, count: a.count)
    for index in stride(from: a.count - 1, through: 0, by: -1) {
        var difference = Int(a[index]) - Int(b[index]) - borrow
        borrow = difference < 0 ? 1 : 0
        if difference < 0 { difference += 256 }
        out[index] = UInt8(difference)
    }
    return Array(out.drop { $0 == 0 })
}

/// The contents of the two INTEGERs of a short-form DER ECDSA-Sig-Value.
private func splitDER(_ der: [UInt8]) -> ([UInt8], [UInt8])? {
    guard der.count > 8, der[0] == 0x30, der[2] == 0x02 else { return nil }
    let rLength = Int(der[3])
    let sStart = 4 + rLength
    guard der[sStart] == 0x02 else { return nil }
    let sLength = Int(der[sStart + 1])
    return (Array(der[4..<sStart]), Array(der[(sStart + 2)..<(sStart + 2 + sLength)]))
}

/// The minimal DER INTEGER contents of a big-endian magnitude.
private func derPositive(_ magnitude: [UInt8]) -> [UInt8] {
    let stripped = Array(magnitude.drop { $0 == 0 })
    return (stripped.first ?? 0x80) >= 0x80 ? [0] + stripped : stripped
}

/// Encodes the integers as given (no sign padding added), so tests can build malformed ones.
private func derSignature(_ r: [UInt8], _ s: [UInt8]) -> [UInt8] {
    let body = [0x02, UInt8(r.count)] + r + [0x02, UInt8(s.count)] + s
    return [0x30, UInt8(body.count)] + body
}
