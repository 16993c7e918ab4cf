/// The OTP module's error type: stable codes, messages that never echo a secret.
public struct OTPError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidBase32 = "otp.invalid_base32"
        case invalidURI = "otp.invalid_uri"
        case unsupportedParameter = "otp.unsupported_parameter"
        case invalidLabel = "otp.invalid_label"
        case missingSecret = "otp.missing_secret"
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

    public var code: String { kind.rawValue }
    public var description: String { "\(code): \(message)" }

    public static func == (lhs: OTPError, rhs: OTPError) -> Bool { lhs.kind == rhs.kind }

    public static func invalidBase32(_ message: String, file: String = #fileID, line: Int = #line) -> OTPError {
        OTPError(.invalidBase32, message, file: file, line: line)
    }
    public static func invalidURI(_ message: String, file: String = #fileID, line: Int = #line) -> OTPError {
        OTPError(.invalidURI, message, file: file, line: line)
    }
    public static func unsupportedParameter(_ message: String, file: String = #fileID, line: Int = #line) -> OTPError {
        OTPError(.unsupportedParameter, message, file: file, line: line)
    }
    public static func invalidLabel(_ message: String, file: String = #fileID, line: Int = #line) -> OTPError {
        OTPError(.invalidLabel, message, file: file, line: line)
    }
    public static func missingSecret(file: String = #fileID, line: Int = #line) -> OTPError {
        OTPError(.missingSecret, "the URI has no secret parameter", file: file, line: line)
    }
}
