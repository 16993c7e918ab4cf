import TwofoldSystem
import TwofoldWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why an admin command failed, grouped by what the operator (or a script) should do about it:
/// each group has a stable code and a sysexits(3) exit status. Server refusals keep the server's
/// message; the gateway never puts secrets in messages and neither does this type.
public struct AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case usage = "admin.usage"
        case dataError = "admin.data_error"
        case notFound = "admin.not_found"
        case unavailable = "admin.unavailable"
        case conflict = "admin.conflict"
        case permission = "admin.permission"
        case software = "admin.software"
        case outcomeUnknown = "admin.outcome_unknown"
    }

    private let code: Code
    /// One line for stderr, without the `twofold: ` prefix.
    public let message: String
    public let file: String
    public let line: Int

    private init(_ code: Code, _ message: String, file: String, line: Int) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// A change was sent but no answer came back: it may or may not have been carried out.
    public var isOutcomeUnknown: Bool { code == .outcomeUnknown }

    /// A stable machine code, e.g. `admin.not_found`.
    public var stableCode: String { code.rawValue }

    /// The process exit status, from sysexits(3).
    public var exitStatus: Int32 {
        switch code {
        case .usage: 64  // EX_USAGE
        case .dataError: 65  // EX_DATAERR
        case .notFound: 66  // EX_NOINPUT
        case .unavailable: 69  // EX_UNAVAILABLE
        case .conflict: 73  // EX_CANTCREAT
        case .permission: 77  // EX_NOPERM
        case .software: 70  // EX_SOFTWARE
        case .outcomeUnknown: 75  // EX_TEMPFAIL: check, then retry if it did not happen
        }
    }

    public var description: String { "AdminError(\(code.rawValue)): \(message) at \(file):\(line)" }

    /// Equal when code and message are equal; the call site is diagnostic only.
    public static func == (lhs: AdminError, rhs: AdminError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}

extension AdminError {
    /// The command line is wrong (unknown command or option, missing argument).
    public static func usage(_ message: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.usage, message, file: file, line: line)
    }

    /// The gateway's refusal (`error` of a failure response), mapped by its code; codes this
    /// version does not know are `software` (exit 70), as protocol/README.md asks.
    public static func server(_ payload: WireErrorPayload, file: String = #fileID, line: Int = #line) -> AdminError {
        let code: Code
        switch payload.code {
        case "admin.invalid", "request.invalid": code = .dataError
        case "admin.not_found": code = .notFound
        case "vault.unavailable", "unavailable": code = .unavailable
        case "admin.conflict", "invite.not_pending": code = .conflict
        case "peer.forbidden": code = .permission
        case "vault.outcome_unknown": code = .outcomeUnknown
        default: code = .software
        }
        let message = payload.message.isEmpty ? "the gateway refused: \(payload.code)" : payload.message
        return AdminError(code, AdminText.sanitized(message), file: file, line: line)
    }

    /// Connecting to the admin socket failed. `EACCES`/`EPERM` mean the socket file's mode or
    /// group keep this user out, which needs different advice from a gateway that is not running.
    public static func connectFailed(
        path: String, error: SystemError, file: String = #fileID, line: Int = #line
    ) -> AdminError {
        switch error.errno {
        case EACCES, EPERM:
            return AdminError(
                .permission,
                "permission denied: run as root or as a member of the admin group (socket \(path))",
                file: file, line: line)
        case ENAMETOOLONG:
            return AdminError(
                .usage, "--admin-socket: the path is longer than \(SocketAddress.maxUnixPathLength) bytes",
                file: file, line: line)
        case EINVAL:
            return AdminError(.usage, "--admin-socket: not a usable socket path", file: file, line: line)
        case ENOENT, ECONNREFUSED:
            return AdminError(
                .unavailable, "cannot reach the gateway at \(path) (\(error.message)); is auth-gateway running?",
                file: file, line: line)
        default:
            return AdminError(
                .unavailable, "cannot reach the gateway at \(path) (\(error.message))", file: file, line: line)
        }
    }

    /// The call failed locally after connecting: timed out, or the connection dropped.
    public static func noAnswer(path: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(
            .unavailable, "the gateway at \(path) did not answer in time or closed the connection",
            file: file, line: line)
    }

    /// Input data (a file's contents) is unusable (exit 65).
    public static func dataError(_ message: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.dataError, message, file: file, line: line)
    }

    /// An input file cannot be read (exit 66).
    public static func noInput(_ message: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.notFound, message, file: file, line: line)
    }

    /// An output file cannot be created (exit 73).
    public static func cannotCreate(_ message: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.conflict, message, file: file, line: line)
    }

    /// The gateway could not be used, with `message` saying what that means (exit 69).
    public static func unavailable(_ message: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.unavailable, message, file: file, line: line)
    }

    /// The same error with `context` before its message.
    public func prefixed(_ context: String) -> AdminError {
        AdminError(code, context + ": " + message, file: file, line: line)
    }

    /// The same error, its outcome unknown, with `message` saying what to check (exit 75).
    public func outcomeUnknown(_ message: String) -> AdminError {
        AdminError(.outcomeUnknown, message, file: file, line: line)
    }

    /// A change was sent but no answer came (the call timed out, or the connection broke after
    /// the request left): it may or may not have happened. Never reported as "nothing changed";
    /// the message names the command that shows whether it did.
    public static func outcomeUnknown(
        _ request: AdminRequest, path: String, file: String = #fileID, line: Int = #line
    ) -> AdminError {
        let (change, check) = request.unknownOutcomeWording
        return AdminError(
            .outcomeUnknown,
            "the gateway at \(path) did not answer; \(change) may or may not have happened: run `\(check)`",
            file: file, line: line)
    }

    /// The gateway answered something this version cannot read.
    public static func unexpectedAnswer(_ detail: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.software, "unexpected answer from the gateway: \(detail)", file: file, line: line)
    }

    /// A local failure that is nobody's input (e.g. no event loop could be started).
    public static func local(_ detail: String, file: String = #fileID, line: Int = #line) -> AdminError {
        AdminError(.software, detail, file: file, line: line)
    }
}
