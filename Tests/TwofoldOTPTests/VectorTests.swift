import Foundation
import Testing
import TwofoldCrypto

@testable import TwofoldOTP

func loadVectors(_ name: String) throws -> [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/\(name)")
    return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

@Test func hotp_matchesEveryRFC4226AppendixDVector() throws {
    let file = try loadVectors("rfc4226.json")
    let secret = Array((file["secret_ascii"] as! String).utf8)
    let vectors = try #require(file["vectors"] as? [[String: Any]])
    #expect(vectors.count == 10)
    for vector in vectors {
        let counter = UInt64(vector["counter"] as! Int)
        #expect(
            HOTP.truncatedValue(secret: secret, counter: counter, algorithm: .sha1)
                == UInt32(vector["truncated"] as! Int))
        #expect(HOTP.code(secret: secret, counter: counter, parameters: OTPParameters()) == vector["hotp"] as! String)
    }
}

@Test func totp_matchesEveryRFC6238AppendixBVector() throws {
    let vectors = try #require(try loadVectors("rfc6238.json")["vectors"] as? [[String: Any]])
    #expect(vectors.count == 18)
    for vector in vectors {
        let algorithm = try #require(HashAlgorithm(rawValue: vector["algorithm"] as! String))
        let code = TOTP.code(
            secret: Array((vector["seed_ascii"] as! String).utf8), unixTime: Int64(vector["time"] as! Int),
            parameters: OTPParameters(algorithm: algorithm, digits: 8, period: 30))
        #expect(code == vector["totp"] as! String, "t=\(vector["time"]!) \(algorithm)")
    }
}

@Test func totp_sha256WithTheTwentyByteSeed_isNotTheRFCValue() throws {
    let wrong = try #require(try loadVectors("rfc6238.json")["known_wrong"] as? [String: Any])
    let code = TOTP.code(
        secret: Array((wrong["seed_ascii"] as! String).utf8), unixTime: Int64(wrong["time"] as! Int),
        parameters: OTPParameters(algorithm: .sha256, digits: 8))
    #expect(code != wrong["not_totp"] as! String)
}

@Test func base32_matchesRFC4648Vectors_bothWays() throws {
    let vectors = try #require(try loadVectors("rfc4648-base32.json")["vectors"] as? [[String: String]])
    for vector in vectors {
        let data = Array(vector["data"]!.utf8)
        #expect(Base32.encode(data) == vector["base32"]!)
        #expect(try Base32.decode(vector["base32"]!) == data)
        let padded = vector["base32"]! + String(repeating: "=", count: (8 - vector["base32"]!.count % 8) % 8)
        #expect(try Base32.decode(padded) == data)
    }
}
