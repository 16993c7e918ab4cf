/// Base64 without padding (RFC 4648): the URL-safe alphabet (§5) for tokens and WebAuthn, the
/// standard one (§4) for the PHC strings of password hashes. One implementation for both.
///
/// Decoding is strict: the alphabet only, no padding, no whitespace, a possible length and
/// unused trailing bits zero, so each byte string has exactly one accepted text form (a stored
/// hash or a challenge cannot have look-alike spellings).
public enum Base64 {
    public enum Alphabet: Sendable {
        /// `A–Z a–z 0–9 + /`
        case standard
        /// `A–Z a–z 0–9 - _`
        case url

        fileprivate var characters: [UInt8] {
            switch self {
            case .standard: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
            case .url: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            }
        }

        fileprivate func sextet(_ character: UInt8) -> UInt8? {
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+") where self == .standard, UInt8(ascii: "-") where self == .url: 62
            case UInt8(ascii: "/") where self == .standard, UInt8(ascii: "_") where self == .url: 63
            default: nil
            }
        }
    }

    public static func encode(_ bytes: [UInt8], alphabet: Alphabet = .url) -> String {
        let characters = alphabet.characters
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift: UInt32 in [18, 12, 6, 0] { out.append(characters[Int((chunk >> shift) & 0x3F)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var chunk = UInt32(bytes[index]) << 16
            if rest == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
            for position in 0...rest { out.append(characters[Int((chunk >> UInt32(18 - 6 * position)) & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil for anything but the one unpadded spelling of some byte string in `alphabet`.
    public static func decode(_ text: some StringProtocol, alphabet: Alphabet = .url) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in characters {
            guard let value = alphabet.sextet(character) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }
        return out
    }
}
