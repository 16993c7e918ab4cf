import Testing

@testable import TwofoldCrypto

@Test func seal_matchesMcGrewViegaVectors_andOpenRoundTrips() throws {
    let vectors = try #require(try loadVectors("aes-gcm.json")["vectors"] as? [[String: String]])
    #expect(vectors.count == 4)
    for vector in vectors {
        let key = try SymmetricKey(bytes: hex(vector["key"]!))
        let box = try AESGCM.seal(
            hex(vector["plaintext"]!), key: key, nonce: hex(vector["nonce"]!), authenticating: hex(vector["aad"]!))
        #expect(hex(box.ciphertext) == vector["ciphertext"]!, "\(vector["source"]!)")
        #expect(hex(box.tag) == vector["tag"]!, "\(vector["source"]!)")
        let opened = try AESGCM.open(
            try AESGCM.SealedBox(combined: box.combined), key: key, authenticating: hex(vector["aad"]!))
        #expect(opened.withUnsafeBytes { Array($0) } == hex(vector["plaintext"]!))
    }
}

@Test func open_failsOnAnyTampering() throws {
    let key = SymmetricKey.random()
    let aad = Array("user:alice".utf8)
    let box = try AESGCM.seal(Array("a seed of twenty b".utf8), key: key, authenticating: aad)
    var cases: [(String, () throws -> SecretBytes)] = []
    for index in box.combined.indices {
        var tampered = box.combined
        tampered[index] ^= 0x01
        cases.append(
            (
                "byte \(index)",
                { try AESGCM.open(try AESGCM.SealedBox(combined: tampered), key: key, authenticating: aad) }
            ))
    }
    cases.append(("other aad", { try AESGCM.open(box, key: key, authenticating: Array("user:mallory".utf8)) }))
    cases.append(("no aad", { try AESGCM.open(box, key: key) }))
    cases.append(("other key", { try AESGCM.open(box, key: SymmetricKey.random(), authenticating: aad) }))
    for (name, attempt) in cases {
        #expect(throws: CryptoError.authenticationFailed(), "\(name)") { try attempt() }
    }
}

@Test func seal_usesFreshNoncesByDefault() throws {
    let key = SymmetricKey.random()
    let first = try AESGCM.seal([1, 2, 3], key: key)
    let second = try AESGCM.seal([1, 2, 3], key: key)
    #expect(first.nonce != second.nonce)
    #expect(first.ciphertext != second.ciphertext)
}

@Test func sealedBox_rejectsBadLengths() {
    #expect(throws: CryptoError.self) { try AESGCM.SealedBox(combined: Array(repeating: 0, count: 27)) }
    #expect(throws: CryptoError.self) { try AESGCM.seal([1], key: .random(), nonce: [0, 1, 2]) }
    #expect(throws: CryptoError.self) { try SymmetricKey(bytes: Array(repeating: 0, count: 16)) }
}
