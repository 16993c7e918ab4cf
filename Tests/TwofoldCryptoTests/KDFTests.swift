import Testing

@testable import TwofoldCrypto

@Test func scrypt_matchesRFC7914Vectors() throws {
    let vectors = try #require(try loadVectors("kdf.json")["scrypt"] as? [[String: Any]])
    #expect(vectors.count == 3)
    for vector in vectors {
        let key = try KDF.scrypt(
            password: hex(vector["password"] as! String), salt: hex(vector["salt"] as! String),
            n: UInt64(vector["N"] as! Int), r: UInt32(vector["r"] as! Int), p: UInt32(vector["p"] as! Int),
            length: vector["dkLen"] as! Int)
        #expect(key.withUnsafeBytes { hex($0) } == vector["dk"] as! String, "\(vector["source"]!)")
    }
}

@Test func scrypt_withASVSParameters_succeedsBecauseMaxmemIsExplicit() throws {
    let key = try KDF.scrypt(
        password: Array("correct horse".utf8), salt: Array(repeating: 1, count: 16), n: 1 << 17, r: 8, p: 1, length: 32)
    #expect(key.count == 32)
}

@Test(arguments: [
    (UInt64(0), UInt32(8), UInt32(1), 32), (3, 8, 1, 32), (1, 8, 1, 32), (16, 0, 1, 32), (16, 8, 0, 32), (16, 8, 1, 0),
    (1 << 40, 8, 1, 32),
])
func scrypt_withInvalidParameters_throws(n: UInt64, r: UInt32, p: UInt32, length: Int) {
    #expect(throws: CryptoError.self) { try KDF.scrypt(password: [1], salt: [2], n: n, r: r, p: p, length: length) }
}

@Test func pbkdf2_matchesRFC7914Vectors() throws {
    let vectors = try #require(try loadVectors("kdf.json")["pbkdf2_sha256"] as? [[String: Any]])
    for vector in vectors {
        let key = try KDF.pbkdf2SHA256(
            password: hex(vector["password"] as! String), salt: hex(vector["salt"] as! String),
            iterations: vector["iterations"] as! Int, length: vector["dkLen"] as! Int)
        #expect(key.withUnsafeBytes { hex($0) } == vector["dk"] as! String, "\(vector["source"]!)")
    }
    #expect(throws: CryptoError.self) { try KDF.pbkdf2SHA256(password: [1], salt: [2], iterations: 0, length: 32) }
}
