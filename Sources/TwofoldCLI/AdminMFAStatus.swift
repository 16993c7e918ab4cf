/// A user's MFA state: the vault's `status` result, relayed by the gateway in `user.show`.
public struct AdminMFAStatus: Decodable, Sendable, Equatable {
    public let enrolled: Bool
    /// An unexpired authenticator setup awaits confirmation.
    public let pending: Bool
    public let locked: Bool
    public let phoneMasked: String?
    public let phoneCountryName: String?
    /// `available`, `no_phone`, `unsupported_country` or `unsupported_number`.
    public let smsRecovery: String
    /// Unused backup codes; nil from a vault that does not count them.
    public let backupCodesLeft: Int?
    /// Registered passkeys; nil from a vault without passkeys.
    public let passkeys: Int?

    enum CodingKeys: String, CodingKey {
        case enrolled, pending, locked
        case phoneMasked = "phone_masked"
        case phoneCountryName = "phone_country_name"
        case smsRecovery = "sms_recovery"
        case backupCodesLeft = "backup_codes_left"
        case passkeys
    }
}
