import Testing
import TwofoldCrypto

@testable import TwofoldPasswords

@Test func hash_hasTheSelfDescribingFormat() throws {
    let stored = try PasswordHasher(parameters: fastParameters).hash("correct horse battery staple")
    let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
    #expect(fields.count == 5)
    #expect(fields[0] == "")
    #expect(fields[1] == "scrypt")
    #expect(fields[2] == "ln=10,r=8,p=1")
    #expect(decodeUnpaddedBase64(fields[3])?.count == 16)
    #expect(decodeUnpaddedBase64(fields[4])?.count == 32)
    #expect(!fields[3].contains("=") && !fields[4].contains("="))
}

@Test func hash_matchesPythonHashlibScryptVectors() throws {
    let vectors = try loadScryptHashVectors()
    #expect(vectors.count == 3)
    for vector in vectors {
        let parameters = try ScryptParameters(logN: vector.ln, r: vector.r, p: vector.p)
        let hasher = PasswordHasher(parameters: parameters, random: FixedRandomSource(vector.salt))
        #expect(try hasher.hash(vector.password) == vector.stored)
        #expect(hasher.verify(vector.password, against: vector.stored) == .match(needsRehash: false))
        #expect(hasher.verify(vector.password + "x", against: vector.stored) == .mismatch)
    }
}

@Test func hash_drawsAFreshSaltEachTime() throws {
    let hasher = PasswordHasher(parameters: fastParameters)
    let first = try hasher.hash("correct horse battery staple")
    let second = try hasher.hash("correct horse battery staple")
    #expect(first != second)
    #expect(hasher.verify("correct horse battery staple", against: first) == .match(needsRehash: false))
    #expect(hasher.verify("correct horse battery staple", against: second) == .match(needsRehash: false))
}

@Test func verify_withTheRightPassword_matches_andWithAWrongOne_doesNot() throws {
    let hasher = PasswordHasher(parameters: fastParameters)
    let stored = try hasher.hash("Tr0ub4dor&3 is not it")
    #expect(hasher.verify("Tr0ub4dor&3 is not it", against: stored) == .match(needsRehash: false))
    #expect(hasher.verify("Tr0ub4dor&3 is not It", against: stored) == .mismatch)
    #expect(hasher.verify("Tr0ub4dor&3 is not it ", against: stored) == .mismatch)
    #expect(hasher.verify("", against: stored) == .mismatch)
    #expect(hasher.verify("Tr0ub4dor&3 is not it", against: stored).isMatch)
    #expect(!hasher.verify("wrong", against: stored).isMatch)
}

@Test(arguments: [(11, 8, 1), (10, 4, 1), (10, 8, 2)])
func verify_whenTheHasherUsesOtherParameters_matchesAndAsksForARehash(logN: Int, r: Int, p: Int) throws {
    let stored = try PasswordHasher(parameters: fastParameters).hash("correct horse battery staple")
    let newer = PasswordHasher(parameters: try ScryptParameters(logN: logN, r: r, p: p))
    #expect(newer.verify("correct horse battery staple", against: stored) == .match(needsRehash: true))
    #expect(newer.verify("correct horse battery stapler", against: stored) == .mismatch)
    let rehashed = try newer.hash("correct horse battery staple")
    #expect(rehashed.hasPrefix("$scrypt$ln=\(logN),r=\(r),p=\(p)$"))
    #expect(newer.verify("correct horse battery staple", against: rehashed) == .match(needsRehash: false))
}

@Test func verify_whenSaltOrKeyLengthDiffersFromTheCurrentOnes_asksForARehash() throws {
    let hasher = PasswordHasher(parameters: fastParameters)
    let fields = try hasher.hash("correct horse battery staple").split(separator: "$", omittingEmptySubsequences: false)
    let key = try #require(decodeUnpaddedBase64(fields[4]))
    // scrypt's output is a prefix of its longer outputs, so a 16-byte key is a valid older hash.
    let shortKey = "$scrypt$\(fields[2])$\(fields[3])$\(encodeUnpaddedBase64(Array(key.prefix(16))))"
    #expect(hasher.verify("correct horse battery staple", against: shortKey) == .match(needsRehash: true))

    let salt = Array(repeating: UInt8(7), count: 8)
    let derived = try KDF.scrypt(password: Array("xyz".utf8), salt: salt, n: 1024, r: 8, p: 1, length: 32)
    let eightByteSalt = derived.withUnsafeBytes {
        "$scrypt$ln=10,r=8,p=1$\(encodeUnpaddedBase64(salt))$\(encodeUnpaddedBase64(Array($0)))"
    }
    #expect(hasher.verify("xyz", against: eightByteSalt) == .match(needsRehash: true))
    #expect(hasher.verify("xyz!", against: eightByteSalt) == .mismatch)
}

@Test func hash_withTheRecommendedParameters_succeeds_soMaxmemIsLargeEnough() throws {
    let hasher = PasswordHasher()
    #expect(hasher.parameters == .recommended)
    #expect(ScryptParameters.recommended.description == "ln=17,r=8,p=1")
    #expect(ScryptParameters.recommended.memoryBytes == 128 << 20)
    let stored = try hasher.hash("correct horse battery staple")
    #expect(stored.hasPrefix("$scrypt$ln=17,r=8,p=1$"))
    #expect(hasher.verify("correct horse battery staple", against: stored) == .match(needsRehash: false))
}

@Test(arguments: [
    ("\u{FB01}sh and chips", "fish and chips"),
    ("caf\u{E9} au lait!", "cafe\u{301} au lait!"),
    ("\u{FF30}\u{FF41}\u{FF53}\u{FF53} phrase", "Pass phrase"),
    ("\u{212B}ngstr\u{F6}m unit", "A\u{30A}ngstro\u{308}m unit"),
])
func verify_acceptsEveryNFKCEquivalentSpelling(typed: String, other: String) throws {
    let hasher = PasswordHasher(parameters: fastParameters)
    #expect(Array(typed.utf8) != Array(other.utf8))
    #expect(hasher.verify(other, against: try hasher.hash(typed)) == .match(needsRehash: false))
    #expect(hasher.verify(typed, against: try hasher.hash(other)) == .match(needsRehash: false))
}

@Test func hash_overTheByteCap_isRefusedBeforeDrawingASaltOrHashing() throws {
    let random = FixedRandomSource()
    let hasher = PasswordHasher(parameters: .recommended, random: random)
    #expect(throws: PasswordError.tooLong()) { try hasher.hash(String(repeating: "a", count: 1025)) }
    #expect(throws: PasswordError.tooLong()) { try hasher.hash(String(repeating: "a", count: 10 << 20)) }
    #expect(random.calls == 0)
    let error = try #require(throws: PasswordError.self) { try hasher.hash(String(repeating: "\u{E9}", count: 513)) }
    #expect(error.code == "password.too_long")
    #expect(random.calls == 0)
}

@Test func hash_atExactlyTheByteCap_isAccepted() throws {
    let hasher = PasswordHasher(parameters: fastParameters)
    let password = String(repeating: "a", count: PasswordPolicy.maximumBytes)
    #expect(hasher.verify(password, against: try hasher.hash(password)) == .match(needsRehash: false))
}

@Test func verify_appliesTheByteCapToTheRawInputBeforeNormalising() throws {
    // Conjoining jamo: 9 bytes each raw, one 3-byte syllable after NFKC.
    let raw = String(repeating: "\u{1100}\u{1161}\u{11A8}", count: 120)
    let normalized = PasswordNormalization.normalize(raw)
    #expect(raw.utf8.count > PasswordPolicy.maximumBytes)
    #expect(normalized.utf8.count <= PasswordPolicy.maximumBytes)
    let hasher = PasswordHasher(parameters: fastParameters)
    let stored = try hasher.hash(normalized)
    #expect(hasher.verify(normalized, against: stored) == .match(needsRehash: false))
    #expect(hasher.verify(raw, against: stored) == .mismatch)
}

@Test func burnEquivalentWork_verifiesAgainstADecoyWithTheHashersOwnParameters() throws {
    let hasher = PasswordHasher(parameters: fastParameters)
    hasher.burnEquivalentWork("correct horse battery staple")
    hasher.burnEquivalentWork("")
    hasher.burnEquivalentWork(String(repeating: "a", count: 5000))
    #expect(hasher.decoy.parameters == fastParameters)
    #expect(hasher.decoy.salt.count == PasswordHasher.saltLength)
    #expect(hasher.decoy.key.count == PasswordHasher.keyLength)
    #expect(hasher.verify("correct horse battery staple", against: hasher.decoy.encoded) == .mismatch)
    #expect(hasher.verify("", against: hasher.decoy.encoded) == .mismatch)
    #expect(PasswordHasher(parameters: .recommended).decoy.parameters == .recommended)
}
