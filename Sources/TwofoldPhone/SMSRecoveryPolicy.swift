/// Which phone numbers may receive a recovery SMS. The default list is the help article's: numbers
/// from these 13 countries are kept on file but recovery by SMS is refused, and the user is told
/// to contact their representative.
public struct SMSRecoveryPolicy: Sendable, Equatable {
    public enum Availability: Sendable, Equatable {
        case available
        case unsupportedCountry(Country)
        case nonGeographic

        public var isAvailable: Bool { self == .available }

        /// A stable code for the wire and the pages.
        public var code: String {
            switch self {
            case .available: "available"
            case .unsupportedCountry: "unsupported_country"
            case .nonGeographic: "unsupported_number"
            }
        }
    }

    /// ISO 3166-1 alpha-2 codes of countries SMS recovery refuses.
    public let blockedCountryCodes: Set<String>

    public init(blockedCountryCodes: Set<String> = SMSRecoveryPolicy.helpArticleBlockedCountries) {
        self.blockedCountryCodes = Set(blockedCountryCodes.map { $0.uppercased() })
    }

    /// Algeria, Azerbaijan, Bangladesh, Indonesia, Israel, Nigeria, Oman, Pakistan, Palestinian
    /// Territory, Sri Lanka, Tajikistan, Tunisia, Vietnam.
    public static let helpArticleBlockedCountries: Set<String> = [
        "DZ", "AZ", "BD", "ID", "IL", "NG", "OM", "PK", "PS", "LK", "TJ", "TN", "VN",
    ]

    public func availability(for number: PhoneNumber) -> Availability {
        if number.country == .nonGeographic { return .nonGeographic }
        if blockedCountryCodes.contains(number.country.code) { return .unsupportedCountry(number.country) }
        return .available
    }
}
