/// One admin subcommand (`twofold <group> <verb>`): its words, arguments, options and help. The
/// table of all of them drives parsing, `--help` and dispatch, so adding a command is one case.
public enum AdminAction: String, CaseIterable, Sendable {
    case inviteCreate = "invite create"
    case inviteImport = "invite import"
    case inviteList = "invite list"
    case inviteRevoke = "invite revoke"
    case userList = "user list"
    case userShow = "user show"
    case userDisable = "user disable"
    case userEnable = "user enable"
    case userResetMFA = "user reset-mfa"
    case accountCreate = "account create"
    case accountList = "account list"
    case accountRename = "account rename"
    case accountAddMember = "account add-member"
    case accountRemoveMember = "account remove-member"

    /// An option a subcommand accepts (`--json` and `--admin-socket` are accepted by all).
    public struct Option: Sendable, Equatable {
        public let name: String
        /// Nil for a switch; the value's placeholder in help otherwise.
        public let placeholder: String?
        public let required: Bool
        public let repeatable: Bool
        public let help: String
    }

    /// The command groups, in help order, with a one-line summary each.
    public static let groups: [(name: String, summary: String)] = [
        ("invite", "Invite people: create, import, list and revoke sign-up invites."),
        ("user", "Users: list, show, disable, enable, reset MFA."),
        ("account", "Accounts and their members."),
    ]

    public var group: String { String(rawValue.prefix { $0 != " " }) }
    public var verb: String { String(rawValue.drop { $0 != " " }.dropFirst()) }

    /// The admin socket operation this command performs.
    public var operation: String {
        switch self {
        case .inviteCreate: "invite.create"
        case .inviteImport: "invite.import"
        case .inviteList: "invite.list"
        case .inviteRevoke: "invite.revoke"
        case .userList: "user.list"
        case .userShow: "user.show"
        case .userDisable: "user.disable"
        case .userEnable: "user.enable"
        case .userResetMFA: "user.reset_mfa"
        case .accountCreate: "account.create"
        case .accountList: "account.list"
        case .accountRename: "account.rename"
        case .accountAddMember: "member.add"
        case .accountRemoveMember: "member.remove"
        }
    }

    /// Positional arguments, by their help names; each is required.
    public var positionals: [String] {
        switch self {
        case .inviteCreate, .inviteList, .userList, .accountList: []
        case .inviteRevoke: ["INVITE"]
        case .inviteImport: ["FILE"]
        case .userShow, .userDisable, .userEnable, .userResetMFA: ["USER"]
        case .accountCreate: ["NAME"]
        case .accountRename: ["ACCOUNT", "NEW_NAME"]
        case .accountAddMember, .accountRemoveMember: ["ACCOUNT", "USER"]
        }
    }

    public var options: [Option] {
        switch self {
        case .inviteCreate:
            [
                Option(
                    name: "email", placeholder: "EMAIL", required: true, repeatable: false,
                    help: "Email address of the person to invite."),
                Option(
                    name: "account", placeholder: "ACCOUNT", required: false, repeatable: true,
                    help: "Account (id or name) the user joins on sign-up; repeat for several."),
                Option(
                    name: "expires", placeholder: "DURATION", required: false, repeatable: false,
                    help: "How long the link stays valid, e.g. 30m, 12h, 7d (1 minute to 90 days; "
                        + "default: the gateway's --invite-ttl)."),
            ]
        case .inviteImport:
            [
                Option(
                    name: "output", placeholder: "FILE", required: false, repeatable: false,
                    help: "Write the links and temporary passwords to FILE, created new with mode 0600 "
                        + "(default: standard output)."),
                Option(
                    name: "format", placeholder: "FORMAT", required: false, repeatable: false,
                    help: "csv or jsonl (default: from the file name's .csv, .jsonl or .ndjson)."),
                Option(
                    name: "expires", placeholder: "DURATION", required: false, repeatable: false,
                    help: "How long the links stay valid, e.g. 7d (default: the gateway's --invite-ttl)."),
                Option(
                    name: "batch", placeholder: "N", required: false, repeatable: false,
                    help: "Rows per request, 1 to 1000 (default 200)."),
            ]
        case .userResetMFA:
            [
                Option(
                    name: "reason", placeholder: "TEXT", required: true, repeatable: false,
                    help: "Why, for the audit log (e.g. how the user's identity was checked).")
            ]
        default: []
        }
    }

    public var summary: String {
        switch self {
        case .inviteCreate: "Create an invite; prints the sign-up link and temporary password (shown once)."
        case .inviteImport:
            "Invite everyone in a CSV (email,accounts) or JSON-lines file; one line per refused row; "
                + "links and temporary passwords written once."
        case .inviteList: "List invites, newest first."
        case .inviteRevoke: "Revoke a pending invite so its link stops working."
        case .userList: "List users."
        case .userShow: "Show a user (id or email), with their MFA state from the vault."
        case .userDisable: "Disable a user and end their sessions."
        case .userEnable: "Enable a disabled user."
        case .userResetMFA: "Remove a user's authenticator; they set up MFA again at their next login."
        case .accountCreate: "Create an account."
        case .accountList: "List accounts."
        case .accountRename: "Rename an account (given by id or name)."
        case .accountAddMember: "Add a user (id or email) to an account."
        case .accountRemoveMember: "Remove a user from an account."
        }
    }

    /// The command named by `group` and `verb`, if any.
    public static func named(group: String, verb: String) -> AdminAction? {
        AdminAction(rawValue: group + " " + verb)
    }

    /// The commands of `group`, in declaration order.
    public static func actions(in group: String) -> [AdminAction] {
        allCases.filter { $0.group == group }
    }
}
