import Testing

@testable import TwofoldPhone

/// One number from each of the help article's 13 countries.
private let blockedSamples = [
    "+213 551 234567",  // Algeria
    "+994 50 123 4567",  // Azerbaijan
    "+880 1712 345678",  // Bangladesh
    "+62 812 3456 7890",  // Indonesia
    "+972 50 123 4567",  // Israel
    "+234 803 123 4567",  // Nigeria
    "+968 9123 4567",  // Oman
    "+92 300 1234567",  // Pakistan
    "+970 59 123 4567",  // Palestinian Territory
    "+94 71 234 5678",  // Sri Lanka
    "+992 93 123 4567",  // Tajikistan
    "+216 20 123 456",  // Tunisia
    "+84 91 234 56 78",  // Vietnam
]

@Test(arguments: blockedSamples)
func availability_forEachCountryTheHelpArticleLists_isUnsupported(input: String) throws {
    let number = try PhoneNumber(parsing: input)
    let availability = SMSRecoveryPolicy().availability(for: number)
    #expect(availability == .unsupportedCountry(number.country))
    #expect(availability.code == "unsupported_country")
}

@Test func defaultList_hasExactlyTheThirteenCountriesOfTheHelpArticle() {
    let names = SMSRecoveryPolicy.helpArticleBlockedCountries.compactMap { code in
        CallingCodeTable.allCountries.first { $0.code == code }?.name
    }
    #expect(
        Set(names) == [
            "Algeria", "Azerbaijan", "Bangladesh", "Indonesia", "Israel", "Nigeria", "Oman", "Pakistan",
            "Palestinian Territory", "Sri Lanka", "Tajikistan", "Tunisia", "Vietnam",
        ])
}

@Test(arguments: ["+1 415 555 2671", "+44 20 7946 0958", "+33 6 12 34 56 78", "+91 98765 43210", "+20 100 123 4567"])
func availability_forOtherCountries_isAvailable(input: String) throws {
    #expect(SMSRecoveryPolicy().availability(for: try PhoneNumber(parsing: input)) == .available)
}

@Test func availability_forNonGeographicNumbers_isUnsupported() throws {
    let satellite = try PhoneNumber(parsing: "+881 6 1234 5678")
    #expect(SMSRecoveryPolicy().availability(for: satellite) == .nonGeographic)
}

@Test func policy_isConfigurable() throws {
    let policy = SMSRecoveryPolicy(blockedCountryCodes: ["gb"])
    #expect(policy.availability(for: try PhoneNumber(parsing: "+44 20 7946 0958")) != .available)
    #expect(policy.availability(for: try PhoneNumber(parsing: "+84 91 234 56 78")) == .available)
}
