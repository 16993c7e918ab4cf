import Testing

@testable import TwofoldPhone

@Test(arguments: [
    ("+1 (415) 555-2671", "+14155552671", "US"),
    ("tel:+1-415-555-2671", "+14155552671", "US"),
    ("+1 416 555 0100", "+14165550100", "CA"),
    ("+1 876 555 0100", "+18765550100", "JM"),
    ("00 44 20 7946 0958", "+442079460958", "GB"),
    ("+44 (0)20 7946 0958", "+442079460958", "GB"),
    ("+33 6 12 34 56 78", "+33612345678", "FR"),
    ("+49 30 901820", "+4930901820", "DE"),
    ("+7 495 123-45-67", "+74951234567", "RU"),
    ("+7 701 123 4567", "+77011234567", "KZ"),
    ("+213 551 23 45 67", "+213551234567", "DZ"),
    ("+880 1712 345678", "+8801712345678", "BD"),
    ("+972 50 123 4567", "+972501234567", "IL"),
    ("+972 59 123 4567", "+972591234567", "PS"),
    ("+970 59 123 4567", "+970591234567", "PS"),
    ("+84 91 234 56 78", "+84912345678", "VN"),
    ("  +353.1.234.5678 ", "+35312345678", "IE"),
])
func parse_normalisesCommonFormsToE164WithCountry(input: String, e164: String, country: String) throws {
    let number = try PhoneNumber(parsing: input)
    #expect(number.e164 == e164)
    #expect(number.country.code == country)
}

@Test(arguments: [
    ("415 555 2671", PhoneNumberError.missingCountryCode),
    ("020 7946 0958", .missingCountryCode),
    ("+1 415 CALL NOW", .invalidCharacter),
    ("+1 415+555", .invalidCharacter),
    ("+44 20", .tooShort),
    ("+44 2079 4609 5812 3456", .tooLong),
    ("+0 123 456 789", .unknownCountryCode),
    ("+280 123 456 789", .unknownCountryCode),
    ("", .missingCountryCode),
    (String(repeating: "1", count: 100), .tooLong),
])
func parse_whenInputIsUnusable_saysWhy(input: String, expected: PhoneNumberError) {
    #expect(throws: expected) { try PhoneNumber(parsing: input) }
}

@Test func masked_showsCallingCodeAndLastTwoDigitsOnly() throws {
    let number = try PhoneNumber(parsing: "+1 415 555 2671")
    #expect(number.masked == "+1 ••••••••71")
    #expect(!number.description.contains("4155552671"))
}

@Test func everyErrorHasAStableCodeAndAMessage() {
    let all: [PhoneNumberError] = [.invalidCharacter, .missingCountryCode, .tooShort, .tooLong, .unknownCountryCode]
    #expect(Set(all.map(\.code)).count == all.count)
    #expect(all.allSatisfy { $0.code.hasPrefix("phone.") && !$0.message.isEmpty })
}
