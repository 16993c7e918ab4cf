/// The one error type of the HTTP module: why a request (or a value built for a response) was
/// refused, the status to answer with, and where the refusal was decided.
///
/// `code` is a stable machine code for logs and tests; `message` is a fixed, client-safe text
/// that never echoes request bytes (so nothing an attacker sent, and no secret, ends up in it).
public struct HTTPError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Hashable, Sendable {
        // Framing and syntax of the request head.
        case invalidLineEnding = "http.invalid_line_ending"
        case tooManyEmptyLines = "http.too_many_empty_lines"
        case invalidRequestLine = "http.invalid_request_line"
        case requestLineTooLong = "http.request_line_too_long"
        case invalidMethod = "http.invalid_method"
        case methodNotImplemented = "http.method_not_implemented"
        case invalidTarget = "http.invalid_target"
        case invalidVersion = "http.invalid_version"
        case versionNotSupported = "http.version_not_supported"
        case obsoleteLineFolding = "http.obsolete_line_folding"
        case invalidHeaderName = "http.invalid_header_name"
        case whitespaceBeforeColon = "http.whitespace_before_colon"
        case invalidHeaderValue = "http.invalid_header_value"
        case tooManyHeaders = "http.too_many_headers"
        case headersTooLarge = "http.headers_too_large"
        // Semantics of the head.
        case missingHost = "http.missing_host"
        case invalidHost = "http.invalid_host"
        case hostNotAllowed = "http.host_not_allowed"
        case invalidContentLength = "http.invalid_content_length"
        case duplicateContentLength = "http.duplicate_content_length"
        case contentLengthWithTransferEncoding = "http.content_length_with_transfer_encoding"
        case transferEncodingNotImplemented = "http.transfer_encoding_not_implemented"
        case transferEncodingInHTTP10 = "http.transfer_encoding_in_http10"
        case contentTooLarge = "http.content_too_large"
        case expectationFailed = "http.expectation_failed"
        case incompleteRequest = "http.incomplete_request"
        // Decoding of targets, forms and paths.
        case invalidPercentEncoding = "http.invalid_percent_encoding"
        case invalidUTF8 = "http.invalid_utf8"
        case invalidPath = "http.invalid_path"
        // Values built by the server itself (programmer-supplied, hence 500).
        case invalidCookie = "http.invalid_cookie"
        case cookiePrefixViolation = "http.cookie_prefix_violation"
    }

    private let _code: Code
    /// The source file that decided the refusal (for logs).
    public let file: String
    /// The line in `file`.
    public let line: Int

    private init(_ code: Code, file: String, line: Int) {
        self._code = code
        self.file = file
        self.line = line
    }

    /// The stable machine code, e.g. `"http.invalid_content_length"`.
    public var code: String { _code.rawValue }

    /// The status to answer with.
    public var status: HTTPStatus {
        switch _code {
        case .requestLineTooLong: .uriTooLong
        case .methodNotImplemented, .transferEncodingNotImplemented: .notImplemented
        case .versionNotSupported: .httpVersionNotSupported
        case .tooManyHeaders, .headersTooLarge: .requestHeaderFieldsTooLarge
        case .contentTooLarge: .contentTooLarge
        case .expectationFailed: .expectationFailed
        case .invalidCookie, .cookiePrefixViolation: .internalServerError
        default: .badRequest
        }
    }

    /// A fixed, client-safe explanation (never contains request data).
    public var message: String {
        switch _code {
        case .invalidLineEnding: "Lines must end with CRLF."
        case .tooManyEmptyLines: "Too many empty lines before the request line."
        case .invalidRequestLine: "Malformed request line."
        case .requestLineTooLong: "Request line too long."
        case .invalidMethod: "Malformed request method."
        case .methodNotImplemented: "Request method not implemented."
        case .invalidTarget: "Malformed request target."
        case .invalidVersion: "Malformed HTTP version."
        case .versionNotSupported: "HTTP version not supported."
        case .obsoleteLineFolding: "Folded header lines are not accepted."
        case .invalidHeaderName: "Malformed header field name."
        case .whitespaceBeforeColon: "Whitespace between header field name and colon."
        case .invalidHeaderValue: "Malformed header field value."
        case .tooManyHeaders: "Too many header fields."
        case .headersTooLarge: "Header section too large."
        case .missingHost: "Missing Host header field."
        case .invalidHost: "Malformed or repeated Host header field."
        case .hostNotAllowed: "Request is not for this host."
        case .invalidContentLength: "Malformed Content-Length."
        case .duplicateContentLength: "Repeated Content-Length."
        case .contentLengthWithTransferEncoding: "Both Content-Length and Transfer-Encoding present."
        case .transferEncodingNotImplemented: "Transfer-Encoding on requests is not supported."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not valid in HTTP/1.0."
        case .contentTooLarge: "Request content too large."
        case .expectationFailed: "Only the 100-continue expectation is supported."
        case .incompleteRequest: "Connection closed before the request was complete."
        case .invalidPercentEncoding: "Malformed percent-encoding."
        case .invalidUTF8: "Decoded text is not valid UTF-8."
        case .invalidPath: "Path not acceptable."
        case .invalidCookie: "Invalid cookie name, value or attribute."
        case .cookiePrefixViolation: "Cookie violates the rules of its name prefix."
        }
    }

    public var description: String { "\(code) (\(status.code)): \(message) at \(file):\(line)" }

    public static func == (lhs: HTTPError, rhs: HTTPError) -> Bool { lhs._code == rhs._code }
    public func hash(into hasher: inout Hasher) { hasher.combine(_code) }

    // Factories capture the deciding call site; equality compares codes only.
    static func invalidLineEnding(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidLineEnding, file: file, line: line)
    }
    static func tooManyEmptyLines(file: String = #fileID, line: Int = #line) -> Self {
        Self(.tooManyEmptyLines, file: file, line: line)
    }
    static func invalidRequestLine(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidRequestLine, file: file, line: line)
    }
    static func requestLineTooLong(file: String = #fileID, line: Int = #line) -> Self {
        Self(.requestLineTooLong, file: file, line: line)
    }
    static func invalidMethod(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidMethod, file: file, line: line)
    }
    static func methodNotImplemented(file: String = #fileID, line: Int = #line) -> Self {
        Self(.methodNotImplemented, file: file, line: line)
    }
    static func invalidTarget(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidTarget, file: file, line: line)
    }
    static func invalidVersion(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidVersion, file: file, line: line)
    }
    static func versionNotSupported(file: String = #fileID, line: Int = #line) -> Self {
        Self(.versionNotSupported, file: file, line: line)
    }
    static func obsoleteLineFolding(file: String = #fileID, line: Int = #line) -> Self {
        Self(.obsoleteLineFolding, file: file, line: line)
    }
    static func invalidHeaderName(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidHeaderName, file: file, line: line)
    }
    static func whitespaceBeforeColon(file: String = #fileID, line: Int = #line) -> Self {
        Self(.whitespaceBeforeColon, file: file, line: line)
    }
    static func invalidHeaderValue(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidHeaderValue, file: file, line: line)
    }
    static func tooManyHeaders(file: String = #fileID, line: Int = #line) -> Self {
        Self(.tooManyHeaders, file: file, line: line)
    }
    static func headersTooLarge(file: String = #fileID, line: Int = #line) -> Self {
        Self(.headersTooLarge, file: file, line: line)
    }
    static func missingHost(file: String = #fileID, line: Int = #line) -> Self {
        Self(.missingHost, file: file, line: line)
    }
    static func invalidHost(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidHost, file: file, line: line)
    }
    static func hostNotAllowed(file: String = #fileID, line: Int = #line) -> Self {
        Self(.hostNotAllowed, file: file, line: line)
    }
    static func invalidContentLength(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidContentLength, file: file, line: line)
    }
    static func duplicateContentLength(file: String = #fileID, line: Int = #line) -> Self {
        Self(.duplicateContentLength, file: file, line: line)
    }
    static func contentLengthWithTransferEncoding(file: String = #fileID, line: Int = #line) -> Self {
        Self(.contentLengthWithTransferEncoding, file: file, line: line)
    }
    static func transferEncodingNotImplemented(file: String = #fileID, line: Int = #line) -> Self {
        Self(.transferEncodingNotImplemented, file: file, line: line)
    }
    static func transferEncodingInHTTP10(file: String = #fileID, line: Int = #line) -> Self {
        Self(.transferEncodingInHTTP10, file: file, line: line)
    }
    static func contentTooLarge(file: String = #fileID, line: Int = #line) -> Self {
        Self(.contentTooLarge, file: file, line: line)
    }
    static func expectationFailed(file: String = #fileID, line: Int = #line) -> Self {
        Self(.expectationFailed, file: file, line: line)
    }
    static func incompleteRequest(file: String = #fileID, line: Int = #line) -> Self {
        Self(.incompleteRequest, file: file, line: line)
    }
    static func invalidPercentEncoding(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidPercentEncoding, file: file, line: line)
    }
    static func invalidUTF8(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidUTF8, file: file, line: line)
    }
    static func invalidPath(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidPath, file: file, line: line)
    }
    static func invalidCookie(file: String = #fileID, line: Int = #line) -> Self {
        Self(.invalidCookie, file: file, line: line)
    }
    static func cookiePrefixViolation(file: String = #fileID, line: Int = #line) -> Self {
        Self(.cookiePrefixViolation, file: file, line: line)
    }
}
