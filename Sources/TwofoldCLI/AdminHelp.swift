/// `--help` texts of the admin commands, generated from `AdminAction` so they cannot drift.
enum AdminHelp {
    static let commonOptions: [(String, String)] = [
        (
            "  --admin-socket <PATH>",
            "The gateway's admin socket (default: \(AdminInvocation.defaultSocketPath)) "
                + "[env: \(AdminInvocation.socketEnvironmentVariable)]"
        ),
        ("  --json", "Print the result as one line of JSON (for scripts)."),
        ("  -h, --help", "Show this help and exit."),
    ]

    static let footer = """

        Needs root or membership of the gateway's admin group (auth-gateway --admin-group).
        Exit status: 0 ok, 64 usage, 65 invalid data, 66 not found, 69 gateway or vault unavailable
        (the change was not made), 73 conflict, 75 no answer to a change (it may or may not have
        happened: check with the command printed), 77 permission denied, 70 anything else.

        """

    static var overview: String {
        var lines = ["Usage: twofold [--admin-socket PATH] <group> <command> [arguments] [options]", "", "Groups:"]
        lines += aligned(AdminAction.groups.map { ("  \($0.name)", $0.summary) })
        lines += ["", "Commands:"]
        lines += aligned(AdminAction.allCases.map { ("  \(synopsis($0))", $0.summary) })
        lines += ["", "Options:"]
        lines += aligned(commonOptions)
        return lines.joined(separator: "\n") + "\n" + footer
    }

    static func group(_ name: String) -> String {
        let summary = AdminAction.groups.first { $0.name == name }?.summary ?? ""
        var lines = ["Usage: twofold \(name) <command> [arguments] [options]", "", summary, "", "Commands:"]
        lines += aligned(AdminAction.actions(in: name).map { ("  \(synopsis($0))", $0.summary) })
        lines += ["", "Options:"]
        lines += aligned(commonOptions)
        lines += ["", "Run 'twofold \(name) <command> --help' for a command's details."]
        return lines.joined(separator: "\n") + "\n" + footer
    }

    static func action(_ action: AdminAction) -> String {
        var lines = ["Usage: " + synopsis(action) + " [--json] [--admin-socket PATH]", "", action.summary]
        if !action.positionals.isEmpty {
            lines += ["", "Arguments:"]
            lines += aligned(action.positionals.map { ("  \($0)", argumentHelp($0)) })
        }
        lines += ["", "Options:"]
        let specific = action.options.map { option -> (String, String) in
            var left = "  --\(option.name)"
            if let placeholder = option.placeholder { left += " <\(placeholder)>" }
            return (left, option.help + (option.required ? " (required)" : ""))
        }
        lines += aligned(specific + commonOptions)
        return lines.joined(separator: "\n") + "\n" + footer
    }

    /// `twofold invite create --email EMAIL [--account ACCOUNT]...`
    static func synopsis(_ action: AdminAction) -> String {
        var parts = ["twofold", action.group, action.verb] + action.positionals
        for option in action.options {
            var text = "--\(option.name)" + (option.placeholder.map { " \($0)" } ?? "")
            if !option.required { text = "[\(text)]" }
            if option.repeatable { text += "..." }
            parts.append(text)
        }
        return parts.joined(separator: " ")
    }

    private static func argumentHelp(_ name: String) -> String {
        switch name {
        case "USER": "A user id (u-…) or email address."
        case "ACCOUNT": "An account id (a-…) or name."
        case "INVITE": "An invite id (i-…), as shown by 'twofold invite list'."
        case "FILE":
            "CSV with a header row (email, accounts: names or ids separated by ;) or JSON lines "
                + "({\"email\": …, \"accounts\": […]})."
        case "NAME", "NEW_NAME": "The account's name."
        default: ""
        }
    }

    /// Two columns, the second starting two spaces after the widest first one.
    private static func aligned(_ rows: [(String, String)]) -> [String] {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { left, right in
            right.isEmpty ? left : left + String(repeating: " ", count: width - left.count + 2) + right
        }
    }
}
