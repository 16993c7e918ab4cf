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

    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    public static func base64URL(_ bytes: [UInt8]) -> String { Base64.encode(bytes, alphabet: .url) }
}
