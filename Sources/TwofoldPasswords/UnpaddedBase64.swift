import Foundation

/// Standard-alphabet base64 without `=` padding (the PHC string format's encoding).
enum UnpaddedBase64 {
    static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        return text
    }

    /// nil for anything that is not canonical unpadded base64 (padding, whitespace, other
    /// characters, an impossible length, or non-zero unused trailing bits).
    static func decode(_ text: Substring) -> [UInt8]? {
        let alphabet = text.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2B || byte == 0x2F
        }
        guard alphabet, text.utf8.count % 4 != 1 else { return nil }
        let padded = String(text) + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { return nil }
        let bytes = [UInt8](data)
        // One encoding per byte string, so a stored hash cannot have look-alike spellings.
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
