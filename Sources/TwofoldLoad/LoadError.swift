/// The load driver's error: a stable code (used as the "kind" in the error counts of a summary)
/// and a human message. Messages never carry passwords, seeds, codes or session tokens.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case usage
        case connect
        case timeout
        case closed
        case protocolViolation = "protocol"
        case http
        case unexpected
        case poolExhausted = "pool_exhausted"
        case overloaded
        case setup
        case smsMissing = "sms_missing"
    }

    private let codeValue: Code
    /// For `http`: the method, path template, status and the API's error code; otherwise empty.
    private let detail: String
    public let message: String
    public let file: String
    public let line: Int

    private init(_ code: Code, detail: String = "", _ message: String, file: String, line: Int) {
        codeValue = code
        self.detail = detail
        self.message = message
        self.file = file
        self.line = line
    }

    /// The stable code, e.g. `timeout` or `http`.
    public var code: String { codeValue.rawValue }

    /// How errors are grouped in the summary: the code, plus for HTTP answers the request and
    /// the status and error code (`http POST /api/v1/login/code 401 code.replayed`).
    public var kind: String { detail.isEmpty ? code : "\(code) \(detail)" }

    /// Whether the failure is the driver's (pool too small, too many in flight), not the server's.
    public var isDriverSide: Bool { codeValue == .poolExhausted || codeValue == .overloaded }

    /// Whether the scenario found no user free to act as (nothing was sent).
    public var isPoolExhausted: Bool { codeValue == .poolExhausted }

    public var description: String { "\(kind): \(message)" }

    public static func == (lhs: LoadError, rhs: LoadError) -> Bool {
        lhs.codeValue == rhs.codeValue && lhs.detail == rhs.detail && lhs.message == rhs.message
    }

    public static func usage(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.usage, message, file: file, line: line)
    }

    public static func connect(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.connect, message, file: file, line: line)
    }

    public static func timeout(_ what: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.timeout, detail: what, "no answer in time to \(what)", file: file, line: line)
    }

    public static func closed(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.closed, message, file: file, line: line)
    }

    public static func protocolViolation(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.protocolViolation, message, file: file, line: line)
    }

    /// A response other than the one the scenario expects; `request` is e.g. `POST /api/v1/login`.
    public static func http(
        request: String, status: Int, apiCode: String?, file: String = #fileID, line: Int = #line
    ) -> LoadError {
        let detail = "\(request) \(status)" + (apiCode.map { " \($0)" } ?? "")
        return LoadError(.http, detail: detail, "unexpected answer \(detail)", file: file, line: line)
    }

    /// A well-formed answer with the wrong content (a vault outcome, a stage, a missing field).
    public static func unexpected(_ what: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.unexpected, detail: what, "the answer is not what the scenario expects", file: file, line: line)
    }

    public static func poolExhausted(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.poolExhausted, message, file: file, line: line)
    }

    public static func overloaded(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.overloaded, message, file: file, line: line)
    }

    public static func setup(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.setup, message, file: file, line: line)
    }

    public static func smsMissing(_ message: String, file: String = #fileID, line: Int = #line) -> LoadError {
        LoadError(.smsMissing, message, file: file, line: line)
    }
}
