/// Why a new password is refused. Length and blocklist only: there are deliberately no
/// composition rules (NIST SP 800-63B 5.1.1.2, ASVS V2.1.9).
public enum PasswordProblem: Sendable, Equatable {
    case tooShort(minimum: Int)
    case tooLong(maximum: Int)
    /// On the blocklist of common passwords.
    case common
    /// The email address, or its local part, used as the password.
    case containsEmail

    /// The stable code of the gateway's API. `containsEmail` shares `password.common`: an
    /// email is one of the first guesses of anyone who knows it.
    public var code: String {
        switch self {
        case .tooShort: "password.too_short"
        case .tooLong: "password.too_long"
        case .common, .containsEmail: "password.common"
        }
    }

    /// A sentence to show the user.
    public var message: String {
        switch self {
        case .tooShort(let minimum): "Use at least \(minimum) characters."
        case .tooLong(let maximum): "Use at most \(maximum) characters."
        case .common: "That password is too common; choose another."
        case .containsEmail: "Do not use your email address as your password; choose another."
        }
    }
}
