/// The one error type of the wire layer: framing, JSON and envelope failures.
///
/// `code` is the stable machine code sent to the peer (see `protocol/README.md`); `message` is
/// human text that never contains values taken from the input (they may be secrets), only field
/// names and byte offsets.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case frameEmpty = "frame.empty"
        case frameTooLarge = "frame.too_large"
        case frameTruncated = "frame.truncated"
        case invalidUTF8 = "json.invalid_utf8"
        case malformedJSON = "json.malformed"
        case notObject = "request.not_object"
        case invalidRequest = "request.invalid"
        case unsupportedVersion = "version.unsupported"
        case unknownOperation = "op.unknown"
        case `internal` = "internal"
        case unavailable = "unavailable"
        case deadlineExceeded = "deadline.exceeded"
        case frameTimeout = "frame.timeout"
        case invalidResponse = "response.invalid"
        case responseTimeout = "response.timeout"
    }

    private let codeValue: Code
    /// Set only by `nestingTooDeep`, a `json.malformed` that a reader with its own error codes
    /// may want to report as a limit rather than as bad syntax.
    private let exceedsNestingLimit: Bool
    /// Human-readable detail; safe to send and to log.
    public let message: String
    /// For `unavailable`: how long the client should wait before retrying.
    public let retryAfterMs: Int?
    public let file: String
    public let line: Int

    private init(
        _ code: Code, _ message: String, retryAfterMs: Int? = nil, exceedsNestingLimit: Bool = false, file: String,
        line: Int
    ) {
        self.codeValue = code
        self.exceedsNestingLimit = exceedsNestingLimit
        self.message = message
        self.retryAfterMs = retryAfterMs
        self.file = file
        self.line = line
    }

    /// The stable machine code, e.g. `"frame.too_large"`.
    public var code: String { codeValue.rawValue }

    /// Whether the connection must be closed after answering: true for framing errors, after
    /// which the byte stream can no longer be split into frames.
    public var closesConnection: Bool {
        switch codeValue {
        case .frameEmpty, .frameTooLarge, .frameTruncated, .frameTimeout: true
        default: false
        }
    }

    /// Client side: whether the request may have been carried out although no valid answer came
    /// (`response.invalid`, `response.timeout`). A caller must then report the outcome as
    /// unknown, never as "nothing happened". Every other error means the server did not run it:
    /// `unavailable` raised locally means it was never sent.
    public var isOutcomeUnknown: Bool { codeValue == .invalidResponse || codeValue == .responseTimeout }

    /// Whether this is the parser's refusal of arrays and objects nested deeper than its limit.
    public var isNestingTooDeep: Bool { exceedsNestingLimit }

    /// Whether an error response can be sent for it (`frame.truncated` means the peer is gone).
    public var isAnswerable: Bool { codeValue != .frameTruncated }

    /// The error object to put in a failure response.
    public var payload: WireErrorPayload {
        WireErrorPayload(code: code, message: message, retryAfterMs: retryAfterMs)
    }

    /// Equal when code, message and retry hint are equal; the call site is diagnostic only.
    public static func == (lhs: WireError, rhs: WireError) -> Bool {
        lhs.codeValue == rhs.codeValue && lhs.message == rhs.message && lhs.retryAfterMs == rhs.retryAfterMs
    }

    public var description: String { "WireError(\(code)): \(message) at \(file):\(line)" }
}

extension WireError {
    /// A frame header announced a length of zero.
    public static func frameEmpty(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.frameEmpty, "frame length is zero", file: file, line: line)
    }

    /// A frame header announced more than the configured maximum.
    public static func frameTooLarge(limit: Int, file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.frameTooLarge, "frame length exceeds the maximum of \(limit) bytes", file: file, line: line)
    }

    /// The input ended in the middle of a frame.
    public static func frameTruncated(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.frameTruncated, "input ended in the middle of a frame", file: file, line: line)
    }

    /// The payload is not well-formed UTF-8.
    public static func invalidUTF8(offset: Int, file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.invalidUTF8, "payload is not valid UTF-8 (byte offset \(offset))", file: file, line: line)
    }

    /// The payload is not one well-formed JSON value; `reason` names the rule, never the input.
    public static func malformedJSON(
        offset: Int, reason: String, file: String = #fileID, line: Int = #line
    ) -> WireError {
        WireError(.malformedJSON, "malformed JSON at byte offset \(offset): \(reason)", file: file, line: line)
    }

    /// Arrays and objects nested deeper than `limit` (a `json.malformed`, so the stack stays bounded).
    public static func nestingTooDeep(offset: Int, limit: Int, file: String = #fileID, line: Int = #line) -> WireError {
        WireError(
            .malformedJSON, "malformed JSON at byte offset \(offset): nesting deeper than \(limit) levels",
            exceedsNestingLimit: true, file: file, line: line)
    }

    /// The payload is valid JSON but not an object.
    public static func notObject(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.notObject, "a request must be a JSON object", file: file, line: line)
    }

    /// A request field is missing or has the wrong type or range; `field` is a path such as
    /// `"args.code"` and `problem` describes the rule that failed (never the value).
    public static func invalidRequest(
        field: String, problem: String, file: String = #fileID, line: Int = #line
    ) -> WireError {
        WireError(.invalidRequest, "field '\(field)' \(problem)", file: file, line: line)
    }

    /// The request's `v` is an integer this server does not speak.
    public static func unsupportedVersion(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.unsupportedVersion, "protocol version not supported (supported: 1)", file: file, line: line)
    }

    /// The request names an operation this server does not offer.
    public static func unknownOperation(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.unknownOperation, "operation not supported by this server", file: file, line: line)
    }

    /// Anything the client cannot act on; the detail belongs in the server's log, not here.
    public static func `internal`(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.internal, "internal error", file: file, line: line)
    }

    /// A dependency of the server is down; the client may retry after `retryAfterMs` (clamped to
    /// be non-negative).
    public static func unavailable(
        retryAfterMs: Int, file: String = #fileID, line: Int = #line
    ) -> WireError {
        WireError(
            .unavailable, "temporarily unavailable", retryAfterMs: max(0, retryAfterMs), file: file, line: line)
    }

    /// The request's `deadline_at` had passed when the server would have started it; the server
    /// did not run it.
    public static func deadlineExceeded(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.deadlineExceeded, "the request's deadline passed before it was started", file: file, line: line)
    }

    /// A frame was started but not completed in time (either direction); the connection is closed.
    public static func frameTimeout(seconds: Int, file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.frameTimeout, "a frame was not completed within \(seconds) s", file: file, line: line)
    }

    /// Client side only (never sent): a response frame does not follow the envelope rules.
    public static func invalidResponse(
        field: String, problem: String, file: String = #fileID, line: Int = #line
    ) -> WireError {
        WireError(.invalidResponse, "response field '\(field)' \(problem)", file: file, line: line)
    }

    /// Client side only (never sent): no valid answer can come any more for a request that was
    /// sent; `reason` says why (a malformed answer, the connection closed). The outcome is unknown.
    public static func noValidResponse(_ reason: String, file: String = #fileID, line: Int = #line) -> WireError {
        WireError(.invalidResponse, reason, file: file, line: line)
    }

    /// Client side only (never sent): no answer before the call's deadline. The request may still
    /// run (or have run); the outcome is unknown.
    public static func responseTimeout(file: String = #fileID, line: Int = #line) -> WireError {
        WireError(
            .responseTimeout, "no answer before the deadline; the request may or may not have been carried out",
            file: file, line: line)
    }
}
