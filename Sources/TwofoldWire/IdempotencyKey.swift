/// The `idempotency_key` of a state-changing request: chosen by the client, the same on every
/// retry of one intended change, so that a server which records outcomes can answer a retry with
/// the recorded answer instead of running the change twice (see protocol/README.md).
///
/// On the wire: 16 to 64 characters of the base64url alphabet (`A–Z a–z 0–9 - _`). A key made
/// from 16 random bytes is 22 characters (128 bits: collisions are not a concern). Keys are not
/// secret, but they are opaque: servers never interpret them.
public struct IdempotencyKey: Hashable, Sendable, CustomStringConvertible {
    public static let minLength = 16
    public static let maxLength = 64

    public let rawValue: String

    /// The key `text`, or nil when it breaks the rules above (checked in bytes, before any work).
    public init?(_ text: String) {
        let bytes = text.utf8
        guard bytes.count >= Self.minLength, bytes.count <= Self.maxLength, bytes.allSatisfy(Self.isAllowed) else {
            return nil
        }
        rawValue = text
    }

    /// A key spelling `randomBytes` in base64url without padding. Pass at least 16 bytes from a
    /// cryptographic source (e.g. `SecureRandom.bytes(count: 16)`); at most 48 bytes fit.
    /// - Precondition: 12...48 bytes (a caller bug otherwise, never input).
    public init(randomBytes: [UInt8]) {
        precondition((12...48).contains(randomBytes.count), "an idempotency key needs 12 to 48 random bytes")
        var text = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in randomBytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                text.unicodeScalars.append(Self.alphabet[Int(buffer >> UInt32(bits) & 0x3F)])
            }
        }
        if bits > 0 { text.unicodeScalars.append(Self.alphabet[Int(buffer << UInt32(6 - bits) & 0x3F)]) }
        rawValue = text
    }

    public var description: String { rawValue }

    private static let alphabet: [Unicode.Scalar] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
