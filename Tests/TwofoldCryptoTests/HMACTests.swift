import Dispatch
import Synchronization
import Testing

@testable import TwofoldCrypto

@Test func hmac_matchesEveryRFC2202AndRFC4231Vector() throws {
    let file = try loadVectors("hmac.json")
    let vectors = try #require(file["vectors"] as? [[String: String]])
    #expect(vectors.count == 21)
    for vector in vectors {
        let algorithm = try #require(HashAlgorithm(rawValue: vector["algorithm"]!))
        let mac = HMAC.authenticationCode(for: hex(vector["data"]!), key: hex(vector["key"]!), algorithm: algorithm)
        #expect(mac.bytes.count == algorithm.digestLength)
        #expect(hex(mac.bytes).hasPrefix(vector["mac"]!), "\(vector["source"]!) \(algorithm)")
    }
}

@Test func preparedKey_matchesEveryRFC2202AndRFC4231Vector_alsoWhenUsedManyTimesFromManyThreads() throws {
    let vectors = try #require(try loadVectors("hmac.json")["vectors"] as? [[String: String]])
    for vector in vectors {
        let algorithm = try #require(HashAlgorithm(rawValue: vector["algorithm"]!))
        let key = try HMACKey(SecretBytes(hex(vector["key"]!)), algorithm: algorithm)
        for _ in 0..<3 {
            #expect(hex(key.authenticationCode(for: hex(vector["data"]!)).bytes).hasPrefix(vector["mac"]!))
        }
    }
    // One prepared key shared by concurrent callers: every MAC is the one-shot HMAC's.
    let key: [UInt8] = Array(repeating: 0x0b, count: 32)
    let prepared = try HMACKey(SecretBytes(key), algorithm: .sha256)
    let failures = Mutex(0)
    DispatchQueue.concurrentPerform(iterations: 2_000) { index in
        let message = Array("message \(index)".utf8)
        if prepared.authenticationCode(for: message)
            != HMAC.authenticationCode(for: message, key: key, algorithm: .sha256)
        {
            failures.withLock { $0 += 1 }
        }
    }
    #expect(failures.withLock { $0 } == 0)
    #expect(
        try HMACKey(SecretBytes([UInt8]()), algorithm: .sha256).authenticationCode(for: [UInt8]())
            == HMAC.authenticationCode(for: [UInt8](), key: [UInt8](), algorithm: .sha256))
}

@Test func hmac_withSecretKey_equalsPlainKey() {
    let key: [UInt8] = Array(repeating: 0x42, count: 20)
    let plain = HMAC.authenticationCode(for: [1, 2, 3], key: key, algorithm: .sha1)
    let secret = HMAC.authenticationCode(for: [1, 2, 3], key: SecretBytes(key), algorithm: .sha1)
    #expect(plain == secret)
    #expect(plain != HMAC.authenticationCode(for: [1, 2, 4], key: key, algorithm: .sha1))
}

@Test func hmac_ofEmptyKeyAndMessage_isDefined() {
    let mac = HMAC.authenticationCode(for: [UInt8](), key: [UInt8](), algorithm: .sha256)
    #expect(hex(mac.bytes) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
}

@Test func sha256_matchesFIPSVectors() throws {
    let vectors = try #require(try loadVectors("sha256.json")["vectors"] as? [[String: String]])
    for vector in vectors {
        #expect(hex(SHA256.hash(hex(vector["message"]!))) == vector["digest"]!, "\(vector["source"]!)")
    }
}

@Test func macDescription_hidesTheValue() {
    let mac = HMAC.authenticationCode(for: [1], key: [2], algorithm: .sha256)
    #expect(mac.description == "MessageAuthenticationCode(32 bytes)")
}
