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
    ("+1 415/555 2671", .invalidCharacter),
    ("+1\u{00A0}415 555 2671", .invalidCharacter),
    ("+\u{FF11} 415 555 2671", .invalidCharacter),
    ("+\u{0661}\u{0664}\u{0661}\u{0665}\u{0665}\u{0665}\u{0665}\u{0662}\u{0666}\u{0667}\u{0661}", .invalidCharacter),
    ("+1 415 555 2671\u{0000}", .invalidCharacter),
    ("++1 415 555 2671", .invalidCharacter),
    ("+1 415 555 2671 ext. 7", .invalidCharacter),
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

/// The reported crash: each digit carrying sixty combining acute accents (1,212 bytes) used to
/// pass as "digits" (Character comparison) and overflow the vault's one-byte length field.
@Test func parse_whenDigitsCarryCombiningMarks_isRefusedByItsByteLengthFirst() {
    let decorated = "+1" + "4155552671".map { String($0) + String(repeating: "\u{0301}", count: 60) }.joined()
    #expect(decorated.utf8.count == 1_212)
    #expect(throws: PhoneNumberError.tooLong) { try PhoneNumber(parsing: decorated) }
    let short = "+1 4155552671\u{0301}"
    #expect(throws: PhoneNumberError.invalidCharacter) { try PhoneNumber(parsing: short) }
}

@Test func parse_boundsTheInputInBytesNotCharacters() throws {
    let padded = String(repeating: " ", count: PhoneNumber.maximumInputBytes - 12) + "+14155552671"
    #expect(try PhoneNumber(parsing: padded).e164 == "+14155552671")
    #expect(throws: PhoneNumberError.tooLong) { try PhoneNumber(parsing: " " + padded) }
    // Ten 4-byte characters are ten Characters but forty bytes of non-digits.
    #expect(throws: PhoneNumberError.invalidCharacter) {
        try PhoneNumber(parsing: "+1 415 555 2671" + String(repeating: "\u{1F600}", count: 10))
    }
}

/// Every accepted spelling of one number normalises to the same E.164 form (one quota tag).
@Test(arguments: [
    "+14155552671", "+1 415 555 2671", "+1 (415) 555-2671", "+1.415.555.2671", "001 415 555 2671",
    "tel:+1-415-555-2671", "TEL:+14155552671", "\t+1 415 555 2671\r\n", "0014155552671", "+1 (0)415 555 2671",
])
func parse_everySpellingOfOneNumber_hasOneNormalForm(input: String) throws {
    #expect(try PhoneNumber(parsing: input).e164 == "+14155552671")
}

@Test func parse_neverTraps_onRandomUnicode() {
    var generator = SystemRandomNumberGenerator()
    let pool: [Unicode.Scalar] = [
        "+", "0", "1", "9", " ", "(", ")", "-", ".", "\u{0301}", "\u{FF10}", "\u{0}", "\u{1F600}",
    ]
    for _ in 0..<2_000 {
        var text = ""
        for _ in 0..<Int.random(in: 0...40, using: &generator) {
            text.unicodeScalars.append(pool.randomElement(using: &generator) ?? "1")
        }
        if let number = try? PhoneNumber(parsing: text) {
            #expect(number.e164.utf8.allSatisfy { $0 == UInt8(ascii: "+") || (0x30...0x39).contains($0) })
            #expect((9...16).contains(number.e164.utf8.count))
        }
    }
}
