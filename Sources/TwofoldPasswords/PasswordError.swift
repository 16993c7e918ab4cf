/// The passwords module's error type: stable codes, messages that never echo a password or hash.
public struct PasswordError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidParameters = "password.invalid_parameters"
        case tooLong = "password.too_long"
        case hashingFailed = "password.hashing_failed"
        case unreadableBlocklist = "password.unreadable_blocklist"
    }

    private let kind: Code
    public let message: String
    public let file: String
    public let line: Int

    private init(_ kind: Code, _ message: String, file: String, line: Int) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
    }

    /// A stable machine-readable code such as `password.invalid_parameters`.
    public var code: String { kind.rawValue }
    public var description: String { "\(code): \(message)" }

    public static func == (lhs: PasswordError, rhs: PasswordError) -> Bool { lhs.kind == rhs.kind }

    /// scrypt cost parameters or policy limits outside the accepted ranges (a configuration error).
    public static func invalidParameters(_ message: String, file: String = #fileID, line: Int = #line)
        -> PasswordError
    {
        PasswordError(.invalidParameters, message, file: file, line: line)
    }

    /// The input is over `PasswordPolicy.maximumBytes`; it was refused without being hashed.
    public static func tooLong(file: String = #fileID, line: Int = #line) -> PasswordError {
        PasswordError(
            .tooLong, "the password is longer than \(PasswordPolicy.maximumBytes) bytes", file: file, line: line)
    }

    /// The KDF failed (OpenSSL error or out of memory); the message carries the crypto error's code.
    public static func hashingFailed(_ message: String, file: String = #fileID, line: Int = #line) -> PasswordError {
        PasswordError(.hashingFailed, message, file: file, line: line)
    }

    /// A blocklist file could not be read or is not UTF-8 text.
    public static func unreadableBlocklist(_ message: String, file: String = #fileID, line: Int = #line)
        -> PasswordError
    {
        PasswordError(.unreadableBlocklist, message, file: file, line: line)
    }
}
