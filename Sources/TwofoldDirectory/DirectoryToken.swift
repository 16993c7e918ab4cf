import TwofoldCrypto

/// Random bearer secrets (session tokens, invite tokens, CSRF tokens) and the ids of records.
public enum DirectoryToken {
    /// 256 bits from the CSPRNG as 43 characters of unpadded base64url.
    public static func make() -> String { base64URL(SecureRandom.bytes(count: 32)) }

    /// The lookup key of a token: hex SHA-256. Only this is stored, so a copy of the data folder
    /// does not hold usable tokens.
    public static func hash(_ token: String) -> String { hex(SHA256.hash(Array(token.utf8))) }

    /// A record id: `prefix` + `-` + 2×`bytes` hex digits.
    public static func identifier(_ prefix: String, bytes: Int) -> String {
        prefix + "-" + hex(SecureRandom.bytes(count: bytes))
    }

    /// Whether `token` has the shape `make()` produces, so garbage never reaches a lookup.
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { isBase64URL($0) }
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in stride(from: 18, through: 0, by: -6) {
                out.append(alphabet[Int((chunk >> UInt32(shift)) & 63)])
            }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var chunk = UInt32(bytes[index]) << 16
            if rest == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
            let characters = rest + 1
            for position in 0..<characters { out.append(alphabet[Int((chunk >> UInt32(18 - 6 * position)) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
