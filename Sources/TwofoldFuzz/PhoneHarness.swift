import TwofoldPhone

extension FuzzHarness {
    /// Entry point 4: a phone number as typed on the sign-up or security page (or sent in the
    /// vault's `phone.set` arguments), and the SMS-recovery rule applied to it.
    static let phone = FuzzHarness(
        name: "phone",
        summary: "phone parsing + SMS-recovery country rule: E.164 output, idempotence, consistent country"
    ) { input throws(FuzzFailure) in
        try PhoneHarness.run(&input)
    }
}

/// Checks that an accepted number is what the rest of the system assumes: `+` and 8 to 15 ASCII
/// digits, split into a known calling code, parsing to itself, masked without leaking digits,
/// and that the recovery policy follows the country table.
enum PhoneHarness {
    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let text = String(decoding: input.rest(), as: UTF8.self)
        let number: PhoneNumber
        do {
            number = try PhoneNumber(parsing: text)
        } catch {
            try check(!error.code.isEmpty && !error.message.isEmpty, "a refusal without code or message")
            return
        }
        let e164 = Array(number.e164.utf8)
        let digits = e164.dropFirst()
        try check(e164.first == UInt8(ascii: "+"), "E.164 form does not start with +")
        try check(
            digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (8...15).contains(digits.count),
            "E.164 form is not + and 8 to 15 ASCII digits: \(number.e164.unicodeScalars.map { $0.value })")
        try check(digits.first != UInt8(ascii: "0"), "E.164 form starts with 0")
        let digitText = String(decoding: digits, as: UTF8.self)
        let split = CallingCodeTable.split(digitText)
        try check(split?.callingCode == number.callingCode, "calling code differs from the table's split")
        try check(CallingCodeTable.country(ofDigits: digitText) == number.country, "country differs from the table")
        let again = try? PhoneNumber(parsing: number.e164)
        try check(again == number, "the E.164 form does not parse to the same number")

        let masked = number.masked
        try check(masked.hasPrefix("+\(number.callingCode) "), "masked form does not keep the calling code")
        try check(masked.hasSuffix(String(digitText.suffix(2))), "masked form does not end with the last two digits")
        let shownDigits = masked.unicodeScalars.filter { $0.properties.numericType != nil }.count
        try check(shownDigits == number.callingCode.count + 2, "masked form shows \(shownDigits) digits")

        let policy = SMSRecoveryPolicy()
        let availability = policy.availability(for: number)
        if number.country == .nonGeographic {
            try check(availability == .nonGeographic, "non-geographic number judged \(availability.code)")
        } else if SMSRecoveryPolicy.helpArticleBlockedCountries.contains(number.country.code) {
            try check(
                availability == .unsupportedCountry(number.country), "blocked country judged \(availability.code)")
        } else {
            try check(availability == .available, "\(number.country.code) judged \(availability.code)")
        }
    }
}
