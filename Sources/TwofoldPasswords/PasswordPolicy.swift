/// What a new password must satisfy: a length range and not being common or the user's email.
///
/// Lengths count `Character`s (what a user sees as one symbol) after NFKC normalisation.
public struct PasswordPolicy: Sendable {
    /// Hard cap on the UTF-8 size of any password, checked before normalisation so an
    /// oversized input is refused without further work (also enforced by `PasswordHasher`).
    public static let maximumBytes = 1024
    /// Accepted `minimumLength` values; 8 is NIST SP 800-63B's floor when a second factor is used.
    public static let minimumLengthRange = 8...64
    /// Accepted `maximumLength` values: at least 64 characters are always allowed, and the
    /// longest allowed password still fits `maximumBytes` when every character is 4 bytes.
    public static let maximumLengthRange = 64...(maximumBytes / 4)

    public let minimumLength: Int
    public let maximumLength: Int
    public let blocklist: PasswordBlocklist

    /// Minimum 12 (ASVS V2.1.1), maximum 128, the shipped list of common passwords.
    public static let standard = PasswordPolicy(checkedMinimum: 12, maximum: 128, blocklist: .common)

    /// Throws `invalidParameters` when a length is outside `minimumLengthRange` /
    /// `maximumLengthRange` (an operator's configuration error, reported at startup).
    public init(
        minimumLength: Int = 12, maximumLength: Int = 128, blocklist: PasswordBlocklist = .common
    ) throws(PasswordError) {
        guard Self.minimumLengthRange.contains(minimumLength) else {
            throw .invalidParameters("the minimum password length must be 8...64")
        }
        guard Self.maximumLengthRange.contains(maximumLength) else {
            throw .invalidParameters("the maximum password length must be 64...\(Self.maximumLengthRange.upperBound)")
        }
        self.init(checkedMinimum: minimumLength, maximum: maximumLength, blocklist: blocklist)
    }

    private init(checkedMinimum minimum: Int, maximum: Int, blocklist: PasswordBlocklist) {
        minimumLength = minimum
        maximumLength = maximum
        self.blocklist = blocklist
    }

    /// nil when `password` is acceptable, else the first problem in this order: too long
    /// (bytes, then characters), too short, common, the email address or its local part
    /// (compared case-insensitively, after NFKC, also with surrounding whitespace trimmed).
    public func problem(with password: String, email: String?) -> PasswordProblem? {
        guard password.utf8.count <= Self.maximumBytes else { return .tooLong(maximum: maximumLength) }
        let normalized = PasswordNormalization.normalize(password)
        let length = normalized.count
        if length > maximumLength { return .tooLong(maximum: maximumLength) }
        if length < minimumLength { return .tooShort(minimum: minimumLength) }
        if blocklist.containsNormalized(normalized) { return .common }
        if let email, Self.isEmail(normalized, email) { return .containsEmail }
        return nil
    }

    private static func isEmail(_ normalizedPassword: String, _ email: String) -> Bool {
        let address = PasswordBlocklist.key(PasswordNormalization.normalize(email))
        guard !address.isEmpty else { return false }
        let candidate = PasswordBlocklist.key(normalizedPassword)
        if candidate.contains(address) { return true }
        guard let at = address.lastIndex(of: "@") else { return false }
        let localPart = address[..<at]
        return !localPart.isEmpty && candidate == localPart
    }
}
