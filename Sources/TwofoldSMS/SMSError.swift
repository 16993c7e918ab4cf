import TwofoldStore
import TwofoldSystem
import TwofoldWire

/// The one error type of the SMS worker. `code` is stable (sent on the wire for the client-facing
/// cases, matched by tests and alerts); `message` names fields and rules, never a message's text or
/// phone number.
public struct SMSError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalid = "sms.invalid"
        case providerFailed = "sms.provider_failed"
        case outboxCorrupt = "sms.outbox_corrupt"
        case outboxLocked = "sms.outbox_locked"
        case outboxIO = "sms.outbox_io"
        case outboxFailed = "sms.outbox_failed"
    }

    private let codeValue: Code
    /// One line, safe to log and (for `sms.invalid` / `sms.provider_failed`) to send.
    public let message: String
    /// The failing syscall, for the outbox I/O cases.
    public let systemError: SystemError?
    public let file: String
    public let line: Int

    private init(_ code: Code, _ message: String, systemError: SystemError? = nil, file: String, line: Int) {
        self.codeValue = code
        self.message = message
        self.systemError = systemError
        self.file = file
        self.line = line
    }

    /// The stable machine code, e.g. `"sms.invalid"`.
    public var code: String { codeValue.rawValue }

    /// Code and message; `file` and `line` are for logs, not for operators' screens.
    public var description: String { "\(code): \(message)" }

    /// How long a client should wait before sending again while the outbox recovers.
    public static let retryAfterMillis = 5_000

    /// What the client is told. An outbox that cannot be written is a dependency down: the
    /// envelope's `unavailable` with `detail` `sms.outbox_failed` and `retry_after_ms`; the
    /// error itself stays in the worker's log. Corrupt and locked outboxes only stop a start.
    public var wirePayload: WireErrorPayload {
        switch codeValue {
        case .invalid, .providerFailed: WireErrorPayload(code: code, message: message)
        case .outboxIO, .outboxFailed:
            WireErrorPayload(
                code: "unavailable", message: "the outbox cannot be written right now; try again later",
                detail: Code.outboxFailed.rawValue, retryAfterMs: Self.retryAfterMillis)
        case .outboxCorrupt, .outboxLocked: WireError.internal().payload
        }
    }

    /// An argument of `sms.send` breaks a rule; `field` is a path such as `args.to`.
    public static func invalid(field: String, problem: String, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(.invalid, "field '\(field)' \(problem)", file: file, line: line)
    }

    /// Arguments that did not decode (missing field, wrong type): the wire layer's message is kept,
    /// under this module's code.
    static func invalid(_ error: WireError, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(.invalid, error.message, file: file, line: line)
    }

    /// The simulated provider is switched to fail (`--fail-provider`).
    public static func providerFailed(file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(.providerFailed, "the SMS provider refused the message (simulated failure)", file: file, line: line)
    }

    /// A line other than the last one in the outbox is unreadable: opening stops rather than drop it.
    static func outboxCorrupt(lineNumber: Int, offset: Int64, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(
            .outboxCorrupt, "outbox line \(lineNumber) at byte offset \(offset) is not a valid message record",
            file: file, line: line)
    }

    /// Another process (or another `Outbox` in this one) holds the outbox's folder.
    static func outboxLocked(path: String, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(.outboxLocked, "the outbox folder '\(path)' is in use by another sms-sender", file: file, line: line)
    }

    /// A syscall on the outbox failed.
    static func outboxIO(_ error: SystemError, _ what: String, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(
            .outboxIO, "\(what): \(error.call) failed: \(error.message)", systemError: error, file: file, line: line)
    }

    /// The store layer (the folder lock, the space probe) failed.
    static func outboxProbe(_ error: StoreError, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(.outboxIO, error.detail, systemError: error.systemError, file: file, line: line)
    }

    /// The outbox refuses appends: after a failed write or sync until it has recovered (durability
    /// cannot be promised meanwhile), or for good once closed.
    static func outboxFailed(closed: Bool, file: String = #fileID, line: Int = #line) -> SMSError {
        SMSError(
            .outboxFailed,
            closed ? "the outbox is closed" : "the outbox failed earlier and refuses messages until it recovers",
            file: file, line: line)
    }
}
