import Foundation
import Testing
import TwofoldCrypto

@Suite struct Base64HexTests {
    /// RFC 4648 §10, without the padding.
    @Test func rfc4648Vectors_encodeAndDecode() {
        let vectors = [
            "": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            #expect(Base64.decode(encoded, alphabet: .standard) == Array(plain.utf8))
        }
    }

    @Test func theAlphabets_differOnlyInTheLastTwoCharacters() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes, alphabet: .url) == "-_-_")
        #expect(Base64.encode(bytes, alphabet: .standard) == "+/+/")
        #expect(Base64.decode("-_-_", alphabet: .standard) == nil)
        #expect(Base64.decode("+/+/", alphabet: .url) == nil)
    }

    @Test func decoding_acceptsOneSpellingOnly() {
        for text in ["Zg==", "Zg=", "Z", "Zh", "Zm9 v", "Zm9v\n", "Zm9\u{0}", "Ẕg"] {
            #expect(Base64.decode(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test func randomBytes_agreeWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var padded = Data(bytes).base64EncodedString()
            #expect(Base64.decode(padded.replacingOccurrences(of: "=", with: ""), alphabet: .standard) == bytes)
            while padded.last == "=" { padded.removeLast() }
            #expect(Base64.encode(bytes, alphabet: .standard) == padded)
            let url = padded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64.encode(bytes, alphabet: .url) == url)
            #expect(Base64.decode(url) == bytes)
        }
    }

    @Test func hex_isLowercaseTwoDigitsAByte() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.encode((0...255).map { UInt8($0) }) == (0...255).map { String(format: "%02x", $0) }.joined())
    }
}
