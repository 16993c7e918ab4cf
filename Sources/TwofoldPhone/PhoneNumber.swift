/// A phone number in E.164 form (`+` then 8–15 digits), normalised from what people type:
/// `+1 (415) 555-2671`, `00 44 20 7946 0958`, `+44 (0)20 7946 0958`, `tel:+1-415-555-2671`.
///
/// The input is read as bytes, never as `Character`s: at most `maximumInputBytes`, made of ASCII
/// digits and the separators space, `-`, `.`, `(` and `)`, with an international prefix (a
/// leading `+`, or `00`), an optional leading `tel:` and an optional `(0)` trunk hint. Anything
/// else, including every non-ASCII character (combining marks, other scripts' digits, no-break
/// spaces), is `invalidCharacter`. So one number has exactly one normalised form, and with it one
/// per-number SMS quota.
///
/// Numbers without an international prefix are refused rather than guessed: recovery codes must
/// reach the right country.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// The longest input looked at, in bytes (UTF-8); longer is `tooLong` before any other work.
    public static let maximumInputBytes = 64

    /// `+` followed by the digits, e.g. `+14155552671`.
    public let e164: String
    public let callingCode: String
    public let country: Country

    public init(parsing input: String) throws(PhoneNumberError) {
        guard input.utf8.count <= Self.maximumInputBytes else { throw .tooLong }
        var bytes = Array(input.utf8)[...]
        // Surrounding whitespace (ASCII only) is forgiven.
        while let first = bytes.first, Self.isSurroundingSpace(first) { bytes.removeFirst() }
        while let last = bytes.last, Self.isSurroundingSpace(last) { bytes.removeLast() }
        if bytes.count >= 4, bytes.prefix(4).map({ $0 | 0x20 }) == Array("tel:".utf8) { bytes.removeFirst(4) }

        var digits: [UInt8] = []
        var sawPlus = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+") where index == bytes.startIndex:
                sawPlus = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
            case UInt8(ascii: "("):
                // "(0)" is the trunk-prefix hint of UK and European formatting: dropped.
                if bytes[index...].starts(with: Array("(0)".utf8)) { index += 2 }
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ")"):
                break
            default:
                throw .invalidCharacter
            }
            index += 1
        }
        if !sawPlus {
            guard digits.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "0")]) else { throw .missingCountryCode }
            digits.removeFirst(2)
        }
        guard digits.count >= 8 else { throw .tooShort }
        guard digits.count <= 15 else { throw .tooLong }
        guard digits.first != UInt8(ascii: "0") else { throw .unknownCountryCode }
        let text = String(decoding: digits, as: UTF8.self)
        guard let (code, _) = CallingCodeTable.split(text), let country = CallingCodeTable.country(ofDigits: text)
        else { throw .unknownCountryCode }
        self.e164 = "+" + text
        self.callingCode = code
        self.country = country
    }

    private static func isSurroundingSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    /// The number with all but the last two digits hidden, the calling code kept: `+1 ••••••••71`.
    /// Enough for a user to recognise their phone without disclosing it.
    public var masked: String {
        let digits = e164.dropFirst(1 + callingCode.count)
        return "+\(callingCode) " + String(repeating: "•", count: max(0, digits.count - 2)) + digits.suffix(2)
    }

    public var description: String { masked }
}

/// Why a phone number was refused; `message` is safe to show to the user.
public enum PhoneNumberError: Error, Sendable, Equatable {
    case invalidCharacter
    case missingCountryCode
    case tooShort
    case tooLong
    case unknownCountryCode

    public var code: String {
        switch self {
        case .invalidCharacter: "phone.invalid_character"
        case .missingCountryCode: "phone.missing_country_code"
        case .tooShort: "phone.too_short"
        case .tooLong: "phone.too_long"
        case .unknownCountryCode: "phone.unknown_country_code"
        }
    }

    public var message: String {
        switch self {
        case .invalidCharacter: "A phone number may contain only digits, spaces, dashes, dots and brackets."
        case .missingCountryCode: "Include the country code, starting with + (for example +44 20 7946 0958)."
        case .tooShort: "That phone number is too short."
        case .tooLong: "That phone number is too long."
        case .unknownCountryCode: "That country code is not a known country calling code."
        }
    }
}
