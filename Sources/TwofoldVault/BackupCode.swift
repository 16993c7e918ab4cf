import TwofoldCrypto

/// A single-use backup code: 12 characters drawn uniformly by the CSPRNG from 31 that cannot be
/// mistaken for one another (no `0 1 i l o`), about 59.4 bits, shown lowercase as `xxxx-xxxx-xxxx`.
///
/// Input is read as bytes (at most `maximumInputBytes`, before any other work): ASCII letters in
/// either case, digits, and the separators `-` and space anywhere; exactly 12 alphabet characters
/// must remain. Anything else is not a code. The vault keeps only `BackupCode.mac`s of codes.
public struct BackupCode: Sendable, Equatable, CustomStringConvertible {
    /// The alphabet: the digits 2–9 and the lowercase letters without `i`, `l` and `o`.
    static let alphabet: [UInt8] = Array("23456789abcdefghjkmnpqrstuvwxyz".utf8)
    static let length = 12
    static let groupLength = 4
    /// The longest input looked at; anything longer is not a code, decided without reading it.
    static let maximumInputBytes = 64
    /// Bytes of a stored MAC (HMAC-SHA256 truncated): ample for a 59-bit secret under a secret key.
    static let macLength = 16

    /// The 12 characters, lowercase, without separators.
    let characters: [UInt8]

    /// A new code from the CSPRNG (rejection sampling: every character uniform).
    static func generate() -> BackupCode {
        BackupCode(
            characters: (0..<length).map { _ in
                alphabet[Int(SecureRandom.uniformInt(below: UInt32(alphabet.count)))]
            })
    }

    private init(characters: [UInt8]) { self.characters = characters }

    /// The code `input` spells, or nil when it spells none (see the type's rules).
    init?(parsing input: String) {
        guard input.utf8.count <= Self.maximumInputBytes else { return nil }
        var characters: [UInt8] = []
        characters.reserveCapacity(Self.length)
        for byte in input.utf8 {
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") { continue }
            let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
            guard Self.alphabet.contains(lower), characters.count < Self.length else { return nil }
            characters.append(lower)
        }
        guard characters.count == Self.length else { return nil }
        self.characters = characters
    }

    /// `xxxx-xxxx-xxxx`.
    public var formatted: String {
        var text: [UInt8] = []
        for (index, character) in characters.enumerated() {
            if index > 0, index % Self.groupLength == 0 { text.append(UInt8(ascii: "-")) }
            text.append(character)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Never the code itself: descriptions end up in logs.
    public var description: String { "BackupCode(redacted)" }
}
