/// A phone number in E.164 form (`+` then 8–15 digits), normalised from what people type:
/// `+1 (415) 555-2671`, `00 44 20 7946 0958`, `+44 (0)20 7946 0958`, `tel:+1-415-555-2671`.
///
/// Numbers without an international prefix are refused rather than guessed: recovery codes must
/// reach the right country.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+` followed by the digits, e.g. `+14155552671`.
    public let e164: String
    public let callingCode: String
    public let country: Country

    public init(parsing input: String) throws(PhoneNumberError) {
        var text = Substring(input.trimmingCharacters(in: " \t\r\n"))
        if text.lowercased().hasPrefix("tel:") { text = text.dropFirst(4) }
        guard text.count <= 64 else { throw .tooLong }
        // Drop the "(0)" trunk-prefix hint common in UK and European formatting.
        let cleaned = String(text).replacing("(0)", with: "")

        var digits = ""
        var sawPlus = false
        for (index, character) in cleaned.enumerated() {
            switch character {
            case "+" where index == 0: sawPlus = true
            case "0"..."9": digits.append(character)
            case " ", "-", ".", "(", ")", "/", "\u{00A0}": continue
            default: throw .invalidCharacter
            }
        }
        if !sawPlus {
            guard digits.hasPrefix("00") else { throw .missingCountryCode }
            digits.removeFirst(2)
        }
        guard digits.count >= 8 else { throw .tooShort }
        guard digits.count <= 15 else { throw .tooLong }
        guard digits.first != "0" else { throw .unknownCountryCode }
        guard let (code, _) = CallingCodeTable.split(digits), let country = CallingCodeTable.country(ofDigits: digits)
        else { throw .unknownCountryCode }
        self.e164 = "+" + digits
        self.callingCode = code
        self.country = country
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

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let first = view.unicodeScalars.first, scalars.contains(first) { view = view.dropFirst() }
        while let last = view.unicodeScalars.last, scalars.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
