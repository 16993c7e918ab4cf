import TwofoldStore
import TwofoldSystem

/// Errors of the gateway's directory: a stable code and a message safe to show an operator.
/// Never carries a password, a token or a hash, nor a source location.
public struct DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "admin.not_found"
        case conflict = "admin.conflict"
        case invalid = "admin.invalid"
        case inviteNotPending = "invite.not_pending"
        /// The storage is failing: the request was refused at once (nothing done), or the change's
        /// write failed (the change is dropped when the directory rebuilds from disk).
        case storage = "storage.failed"
        /// The directory's files cannot be read back as written (open fails; never a request's answer).
        case corrupt = "storage.corrupt"
        case requestInvalid = "request.invalid"
        /// A listing's cursor belongs to an earlier run of the directory (a restart or a rebuild
        /// from disk renumbered its records): start the listing again.
        case cursorExpired = "admin.cursor_expired"
        /// The gateway's password-hashing pool is full: nothing was done.
        case busy = "server.busy"
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

    /// A file operation failed while `activity` (the error's text, never a source location).
    static func storageIO(_ activity: String, _ error: any Error) -> DirectoryError {
        let cause = (error as? SystemError).map { "\($0.call) failed: \($0.message)" } ?? "\(error)"
        return DirectoryError(.storage, "The directory failed \(activity): \(cause)")
    }

    /// A request refused because the storage is failing: nothing was done.
    static func refused(_ failure: StoreError) -> DirectoryError {
        DirectoryError(
            .storage,
            "The gateway's storage is failing (\(Directory.reason(failure))); nothing was done. "
                + "The gateway recovers by itself once its disk takes writes again: try again later.")
    }

    /// A change whose write failed: the store drops it when it recovers, and the directory
    /// rebuilds without it.
    static func notSaved(_ error: StoreError) -> DirectoryError {
        DirectoryError(
            .storage,
            "The gateway could not save the change (its storage failed: \(Directory.reason(error))), so the "
                + "change was not made. The gateway recovers by itself once its disk takes writes again: try again later."
        )
    }
}
