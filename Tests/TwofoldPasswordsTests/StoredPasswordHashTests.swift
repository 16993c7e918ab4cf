import Testing

@testable import TwofoldPasswords

/// Vector 1 of `Vectors/scrypt-hashes.json`: "correct horse battery staple", ln=10,r=8,p=1.
private let valid = "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU"
private let password = "correct horse battery staple"
private let salt = "AAECAwQFBgcICQoLDA0ODw"
private let key = "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU"

@Test func theValidReferenceString_matches_soEveryBrokenVariantBelowIsBrokenByItsOneChange() {
    #expect(PasswordHasher(parameters: fastParameters).verify(password, against: valid) == .match(needsRehash: false))
    #expect(StoredPasswordHash(parsing: valid)?.encoded == valid)
}

@Test(arguments: [
    // Framing
    "", "$", "$$$$", valid + "$", valid + "$extra", "x" + valid, String(valid.dropFirst()),
    "$scrypt$ln=10,r=8,p=1$\(salt)", " " + valid, valid + " ", valid + "\n",
    String(repeating: "$scrypt", count: 2000),
    // Algorithm
    "$bcrypt$ln=10,r=8,p=1$\(salt)$\(key)", "$SCRYPT$ln=10,r=8,p=1$\(salt)$\(key)",
    "$$ln=10,r=8,p=1$\(salt)$\(key)", "$7$ln=10,r=8,p=1$\(salt)$\(key)",
    // Parameters: shape
    "$scrypt$$\(salt)$\(key)", "$scrypt$ln=10,r=8$\(salt)$\(key)", "$scrypt$ln=10,r=8,p=1,x=1$\(salt)$\(key)",
    "$scrypt$r=8,ln=10,p=1$\(salt)$\(key)", "$scrypt$ln=10;r=8;p=1$\(salt)$\(key)",
    "$scrypt$ln=10,r=8,p=$\(salt)$\(key)", "$scrypt$ln=10,r==8,p=1$\(salt)$\(key)",
    "$scrypt$n=1024,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=10,r=8,p=1,$\(salt)$\(key)",
    // Parameters: numbers
    "$scrypt$ln=abc,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=+10,r=8,p=1$\(salt)$\(key)",
    "$scrypt$ln=-10,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=010,r=8,p=1$\(salt)$\(key)",
    "$scrypt$ln=1\u{FF10},r=8,p=1$\(salt)$\(key)", "$scrypt$ln=99999999999999999999,r=8,p=1$\(salt)$\(key)",
    "$scrypt$ln= 10,r=8,p=1$\(salt)$\(key)",
    // Parameters: ranges (below, above, and over the memory ceiling)
    "$scrypt$ln=9,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=23,r=8,p=1$\(salt)$\(key)",
    "$scrypt$ln=10,r=0,p=1$\(salt)$\(key)", "$scrypt$ln=10,r=33,p=1$\(salt)$\(key)",
    "$scrypt$ln=10,r=8,p=0$\(salt)$\(key)", "$scrypt$ln=10,r=8,p=17$\(salt)$\(key)",
    "$scrypt$ln=21,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=22,r=32,p=16$\(salt)$\(key)",
    // Salt
    "$scrypt$ln=10,r=8,p=1$$\(key)", "$scrypt$ln=10,r=8,p=1$\(salt)==$\(key)",
    "$scrypt$ln=10,r=8,p=1$AAECAw$\(key)", "$scrypt$ln=10,r=8,p=1$!!ECAwQFBgcICQoLDA0ODw$\(key)",
    "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0OD$\(key)", "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODx$\(key)",
    "$scrypt$ln=10,r=8,p=1$AAECAwQF BgcICQoLDA0ODw$\(key)", "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0OD-$\(key)",
    "$scrypt$ln=10,r=8,p=1$\(String(repeating: "A", count: 88))$\(key)",
    // Key
    "$scrypt$ln=10,r=8,p=1$\(salt)$", "$scrypt$ln=10,r=8,p=1$\(salt)$\(key)=",
    "$scrypt$ln=10,r=8,p=1$\(salt)$\(key.prefix(20))", "$scrypt$ln=10,r=8,p=1$\(salt)$\(key.dropLast())",
    "$scrypt$ln=10,r=8,p=1$\(salt)$\(key.dropLast())V", "$scrypt$ln=10,r=8,p=1$\(salt)$\(key.dropLast())_",
    "$scrypt$ln=10,r=8,p=1$\(salt)$\(String(repeating: "A", count: 88))",
    "$scrypt$ln=10,r=8,p=1$\(salt)$\u{1F511}",
])
func verify_againstAMalformedStoredString_isUnreadable_neverAMatchOrATrap(stored: String) {
    let verification = PasswordHasher(parameters: fastParameters).verify(password, against: stored)
    #expect(verification == .unreadable)
    #expect(!verification.isMatch)
    #expect(StoredPasswordHash(parsing: stored) == nil)
}

@Test(arguments: [(9, 8, 1), (23, 8, 1), (10, 0, 1), (10, 33, 1), (10, 8, 0), (10, 8, 17), (21, 8, 1), (19, 32, 1)])
func scryptParameters_outsideTheAcceptedRanges_areRefused(logN: Int, r: Int, p: Int) throws {
    let error = try #require(throws: PasswordError.self) { try ScryptParameters(logN: logN, r: r, p: p) }
    #expect(error == .invalidParameters(""))
    #expect(error.code == "password.invalid_parameters")
}

@Test(arguments: [(10, 1, 1), (22, 1, 1), (20, 8, 1), (10, 32, 16), (17, 8, 1)])
func scryptParameters_withinTheRanges_areAccepted(logN: Int, r: Int, p: Int) throws {
    let parameters = try ScryptParameters(logN: logN, r: r, p: p)
    #expect(parameters.description == "ln=\(logN),r=\(r),p=\(p)")
    #expect(parameters.memoryBytes <= ScryptParameters.maximumMemoryBytes)
}
