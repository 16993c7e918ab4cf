import TwofoldProcess
import TwofoldWire

/// What to send on the admin socket for one command: the operation and its arguments. The CLI
/// never sends an actor: the gateway derives it from the peer's credentials.
public struct AdminRequest: Sendable, Equatable {
    public let operation: String
    public let args: [String: JSONValue]

    public init(operation: String, args: [String: JSONValue] = [:]) {
        self.operation = operation
        self.args = args
    }

    /// The request for `invocation`.
    /// - Throws: `usage` for an `--expires` that is not a duration (its range is the gateway's
    ///   to check, so the rule lives in one place).
    public init(_ invocation: AdminInvocation) throws(AdminError) {
        let action = invocation.action
        // `parse` guarantees the count; an invocation built in code with too few gets "".
        let positionals = invocation.positionals
        let argument = { (index: Int) -> JSONValue in .string(index < positionals.count ? positionals[index] : "") }
        var args: [String: JSONValue] = [:]
        switch action {
        case .inviteCreate:
            args["email"] = .string(invocation.value("email") ?? "")
            args["accounts"] = .array((invocation.values["account"] ?? []).map { .string($0) })
            if let expires = invocation.value("expires") {
                args["ttl_ms"] = .integer(try Self.milliseconds(expires))
            }
        case .inviteList, .userList, .accountList:
            break
        case .inviteImport:
            // Sent in batches by `InviteImport`, which reads the file.
            break
        case .inviteRevoke:
            args["invite"] = argument(0)
        case .userShow, .userDisable, .userEnable:
            args["user"] = argument(0)
        case .userResetMFA:
            args["user"] = argument(0)
            args["reason"] = .string(invocation.value("reason") ?? "")
        case .accountCreate:
            args["name"] = argument(0)
        case .accountRename:
            args["account"] = argument(0)
            args["name"] = argument(1)
        case .accountAddMember, .accountRemoveMember:
            args["account"] = argument(0)
            args["user"] = argument(1)
        }
        self.init(operation: action.operation, args: args)
    }

    /// `30m`, `12h`, `7d` (and `s`/`ms`) as milliseconds.
    static func milliseconds(_ text: String) throws(AdminError) -> Int64 {
        let duration: Duration?
        do {
            duration = try ParsedOptions(values: ["expires": text]).duration("expires")
        } catch {
            throw .usage(error.message)
        }
        guard let duration else { throw .usage("option '--expires' needs a value") }
        let (seconds, attoseconds) = duration.components
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw .usage("option '--expires' is too long") }
        return millis + attoseconds / 1_000_000_000_000_000
    }
}
