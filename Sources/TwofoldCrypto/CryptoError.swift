internal import CLibCrypto

/// The crypto module's one error type: a stable code, a message without secret material, the
/// OpenSSL error code when OpenSSL failed, and the call site.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: String, Sendable {
        case authenticationFailed = "crypto.authentication_failed"
        case invalidParameter = "crypto.invalid_parameter"
        case invalidLength = "crypto.invalid_length"
        case invalidKey = "crypto.invalid_key"
        case opensslFailure = "crypto.openssl_failure"
    }

    private let kind: Code
    public let message: String
    /// `ERR_get_error()` of the failing OpenSSL call, or 0.
    public let opensslCode: UInt
    public let file: String
    public let line: Int

    private init(_ kind: Code, _ message: String, opensslCode: UInt = 0, file: String, line: Int) {
        self.kind = kind
        self.message = message
        self.opensslCode = opensslCode
        self.file = file
        self.line = line
    }

    /// A stable machine-readable code such as `crypto.authentication_failed`.
    public var code: String { kind.rawValue }

    public var description: String {
        opensslCode == 0 ? "\(code): \(message)" : "\(code): \(message) (OpenSSL error \(opensslCode))"
    }

    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.kind == rhs.kind }

    /// The ciphertext, tag, nonce, key or associated data do not match.
    public static func authenticationFailed(file: String = #fileID, line: Int = #line) -> CryptoError {
        CryptoError(.authenticationFailed, "authentication failed", file: file, line: line)
    }

    static func invalidParameter(_ message: String, file: String = #fileID, line: Int = #line) -> CryptoError {
        CryptoError(.invalidParameter, message, file: file, line: line)
    }

    static func invalidLength(_ message: String, file: String = #fileID, line: Int = #line) -> CryptoError {
        CryptoError(.invalidLength, message, file: file, line: line)
    }

    /// A public key that is malformed or fails OpenSSL's checks (a point off the curve, a modulus too
    /// small). When OpenSSL refused it, its error code is kept and its queue drained.
    static func invalidKey(_ message: String, fromOpenSSL: Bool = false, file: String = #fileID, line: Int = #line)
        -> CryptoError
    {
        guard fromOpenSSL else { return CryptoError(.invalidKey, message, file: file, line: line) }
        let code = ERR_get_error()
        ERR_clear_error()
        return CryptoError(.invalidKey, message, opensslCode: code, file: file, line: line)
    }

    /// Wraps the oldest error on OpenSSL's queue (and drains the rest, so it cannot leak into a
    /// later, unrelated call's report).
    static func openssl(_ call: String, file: String = #fileID, line: Int = #line) -> CryptoError {
        let code = ERR_get_error()
        var reason = "unknown reason"
        if code != 0, let text = ERR_reason_error_string(code) { reason = String(cString: text) }
        ERR_clear_error()
        return CryptoError(.opensslFailure, "\(call) failed: \(reason)", opensslCode: code, file: file, line: line)
    }
}
