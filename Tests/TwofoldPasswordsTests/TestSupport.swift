import Foundation
import Synchronization
import TwofoldCrypto
import TwofoldPasswords

/// Scrypt parameters cheap enough for unit tests (1 MiB, about a millisecond).
let fastParameters = try! ScryptParameters(logN: 10, r: 8, p: 1)

/// Hands out the same bytes on every call (a fixed salt) and counts the calls.
final class FixedRandomSource: RandomByteSource {
    private let byteValues: [UInt8]
    private let callCount = Mutex(0)

    init(_ bytes: [UInt8] = Array(0..<16)) { byteValues = bytes }

    var calls: Int { callCount.withLock { $0 } }

    func bytes(count: Int) -> [UInt8] {
        callCount.withLock { $0 += 1 }
        return Array((0..<count).map { byteValues[$0 % byteValues.count] })
    }
}

/// One entry of `Vectors/scrypt-hashes.json` (made with Python's `hashlib.scrypt`).
struct ScryptHashVector: Decodable {
    let password: String
    let salt_hex: String
    let ln: Int
    let r: Int
    let p: Int
    let stored: String

    var salt: [UInt8] {
        stride(from: 0, to: salt_hex.count, by: 2).map { offset in
            let start = salt_hex.index(salt_hex.startIndex, offsetBy: offset)
            return UInt8(salt_hex[start..<salt_hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }
}

func loadScryptHashVectors() throws -> [ScryptHashVector] {
    struct File: Decodable { let vectors: [ScryptHashVector] }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Vectors/scrypt-hashes.json")
    return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
}

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Decodes unpadded base64 as the stored hash format uses it.
func decodeUnpaddedBase64(_ text: Substring) -> [UInt8]? {
    let padded = String(text) + String(repeating: "=", count: (4 - text.count % 4) % 4)
    return Data(base64Encoded: padded).map { [UInt8]($0) }
}

func encodeUnpaddedBase64(_ bytes: [UInt8]) -> String {
    var text = Data(bytes).base64EncodedString()
    while text.last == "=" { text.removeLast() }
    return text
}
