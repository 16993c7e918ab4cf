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

    /// The admin operations that change something (each sent with a fresh idempotency key; an
    /// unanswered one is reported as "may or may not have happened").
    public static let stateChangingOperations: Set<String> = [
        "invite.create", "invite.import", "invite.revoke", "user.disable", "user.enable", "user.reset_mfa",
        "account.create", "account.rename", "member.add", "member.remove",
    ]

    public var changesState: Bool { Self.stateChangingOperations.contains(operation) }

    /// What to call this change, and the read-only command that shows whether it happened.
    var unknownOutcomeWording: (change: String, check: String) {
        let user = args["user"].flatMap { if case .string(let text) = $0 { text } else { nil } }
        let showUser = "twofold user show" + (user.map { " " + AdminText.sanitized($0) } ?? "")
        switch operation {
        case "invite.create": return ("the invite", "twofold invite list")
        case "invite.import": return ("this batch of invites", "twofold invite list")
        case "invite.revoke": return ("the revocation", "twofold invite list")
        case "user.disable", "user.enable": return ("the change", showUser)
        case "user.reset_mfa": return ("the reset", showUser)
        case "account.create", "account.rename": return ("the change", "twofold account list")
        case "member.add", "member.remove": return ("the change", showUser)
        default: return ("the command", "twofold --help")
        }
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
