/// Errors of the gateway's directory: a stable code and a message safe to show an operator.
/// Never carries a password, a token or a hash.
public struct DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "admin.not_found"
        case conflict = "admin.conflict"
        case invalid = "admin.invalid"
        case inviteNotPending = "invite.not_pending"
        case storage = "storage.failed"
        /// The directory's files cannot be read back as written (open fails; never a request's answer).
        case corrupt = "storage.corrupt"
        case requestInvalid = "request.invalid"
        case vaultUnavailable = "vault.unavailable"
        /// The vault did not answer a change in time: it may or may not have happened.
        case vaultOutcomeUnknown = "vault.outcome_unknown"
    }

    public let code: Code
    public let message: String
    /// For `notFound`: what was not found (`user`, `invite`, `account`).
    public let detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func notFound(_ what: String) -> DirectoryError {
        DirectoryError(.notFound, "No such \(what).", detail: what)
    }

    /// The directory's files are damaged or were written by a newer build: `what` names the
    /// file and the place, never a record's contents.
    static func corrupt(_ what: String) -> DirectoryError { DirectoryError(.corrupt, what) }

    /// A file operation failed while `activity`.
    static func storageIO(_ activity: String, _ error: any Error) -> DirectoryError {
        DirectoryError(.storage, "The directory failed \(activity): \(error)")
    }
}
