import Foundation

/// Loads a JSON vector file from `Tests/TwofoldWebAuthnTests/Vectors`.
func loadVectors(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: testDirectory.appendingPathComponent("Vectors/\(name)"))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw VectorError.malformed(name)
    }
    return object
}

/// The folder of this test target's sources.
let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

enum VectorError: Error { case malformed(String) }

func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
