/// A parsed admin command line: which command, where the admin socket is, its arguments.
///
/// Grammar: `twofold [--admin-socket PATH] GROUP VERB [ARG]... [--option VALUE]... [--json]`.
/// Options may come anywhere (before the group, between the words, after them), as `--name VALUE`
/// or `--name=VALUE`; `--` ends them, so a name starting with `-` can still be given. `-h`/`--help`
/// anywhere shows the help of the deepest level named (all commands, a group, or one command).
public struct AdminInvocation: Sendable, Equatable {
    public static let defaultSocketPath = "/run/twofold-gateway/admin.sock"
    public static let socketEnvironmentVariable = "TWOFOLD_ADMIN_SOCKET"

    public enum Outcome: Sendable, Equatable {
        case run(AdminInvocation)
        case help(String)
    }

    public let action: AdminAction
    public let socketPath: String
    /// Print the result as one line of JSON instead of text.
    public let json: Bool
    public let positionals: [String]
    /// Option values by name (without dashes), in command-line order.
    public let values: [String: [String]]

    public init(
        action: AdminAction, socketPath: String = defaultSocketPath, json: Bool = false, positionals: [String] = [],
        values: [String: [String]] = [:]
    ) {
        self.action = action
        self.socketPath = socketPath
        self.json = json
        self.positionals = positionals
        self.values = values
    }

    /// The single value of option `name`, if given.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// - Parameters:
    ///   - arguments: everything after the program name, starting with the group or an option.
    ///   - environment: supplies `TWOFOLD_ADMIN_SOCKET`; injected for tests.
    /// - Throws: `usage` (exit 64) naming what is wrong; never echoes option values.
    public static func parse(_ arguments: [String], environment: [String: String] = [:]) throws(AdminError)
        -> Outcome
    {
        let tokens = try tokenize(arguments)
        if tokens.help { return .help(helpText(for: tokens.words)) }
        guard let group = tokens.words.first else {
            throw .usage("missing command (see 'twofold --help')")
        }
        guard AdminAction.groups.contains(where: { $0.name == group }) else {
            throw .usage("unknown command '\(AdminText.sanitized(group))' (see 'twofold --help')")
        }
        guard tokens.words.count >= 2 else {
            throw .usage("'twofold \(group)' needs a command (see 'twofold \(group) --help')")
        }
        let verb = tokens.words[1]
        guard let action = AdminAction.named(group: group, verb: verb) else {
            throw .usage(
                "unknown \(group) command '\(AdminText.sanitized(verb))' (see 'twofold \(group) --help')")
        }
        let seeHelp = "(see 'twofold \(action.rawValue) --help')"
        var socketPath: String?
        var json = false
        var values: [String: [String]] = [:]
        for (name, value) in tokens.options {
            switch name {
            case "admin-socket": socketPath = value
            case "json": json = true
            default:
                guard let option = action.options.first(where: { $0.name == name }) else {
                    throw .usage("option '--\(name)' does not apply to 'twofold \(action.rawValue)' \(seeHelp)")
                }
                guard option.repeatable || values[name] == nil else {
                    throw .usage("option '--\(name)' is given more than once \(seeHelp)")
                }
                values[name, default: []].append(value ?? "")
            }
        }
        for option in action.options where option.required && values[option.name] == nil {
            throw .usage("'twofold \(action.rawValue)' needs --\(option.name) \(seeHelp)")
        }
        let positionals = Array(tokens.words.dropFirst(2))
        if positionals.count < action.positionals.count {
            let missing = action.positionals[positionals.count...].joined(separator: " ")
            throw .usage("'twofold \(action.rawValue)' needs \(missing) \(seeHelp)")
        }
        if positionals.count > action.positionals.count {
            let extra = AdminText.sanitized(positionals[action.positionals.count])
            throw .usage("unexpected argument '\(extra)' \(seeHelp)")
        }
        let fromEnvironment = environment[socketEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        return .run(
            AdminInvocation(
                action: action, socketPath: socketPath ?? fromEnvironment ?? defaultSocketPath, json: json,
                positionals: positionals, values: values))
    }

    /// Options that take a value, across all commands; every other option is a switch.
    static let valueOptions: Set<String> = Set(
        ["admin-socket"] + AdminAction.allCases.flatMap { $0.options.filter { $0.placeholder != nil }.map(\.name) })
    static let switchOptions: Set<String> = ["json"]

    private struct Tokens {
        var words: [String] = []
        var options: [(name: String, value: String?)] = []
        var help = false
    }

    /// Splits the arguments into words and options. With `-h`/`--help` present, unknown options
    /// and missing values are not errors: the help is what was asked for.
    private static func tokenize(_ arguments: [String]) throws(AdminError) -> Tokens {
        var tokens = Tokens()
        tokens.help = arguments.prefix { $0 != "--" }.contains { $0 == "-h" || $0 == "--help" }
        var index = 0
        var onlyWords = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyWords || !argument.hasPrefix("-") || argument == "-" {
                tokens.words.append(argument)
                continue
            }
            if argument == "--" {
                onlyWords = true
                continue
            }
            if argument == "-h" || argument == "--help" { continue }
            let body = argument.hasPrefix("--") ? argument.dropFirst(2) : ""
            let name = String(body.prefix { $0 != "=" })
            let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            if valueOptions.contains(name) {
                if let inline {
                    tokens.options.append((name, inline))
                } else if index < arguments.count {
                    tokens.options.append((name, arguments[index]))
                    index += 1
                } else if !tokens.help {
                    throw .usage("option '--\(name)' needs a value")
                }
            } else if switchOptions.contains(name), inline == nil {
                tokens.options.append((name, nil))
            } else if !tokens.help {
                let shown = AdminText.sanitized(String(argument.prefix { $0 != "=" }))
                throw .usage("unknown option '\(shown)' (see --help)")
            }
        }
        return tokens
    }

    private static func helpText(for words: [String]) -> String {
        guard let group = words.first, AdminAction.groups.contains(where: { $0.name == group }) else {
            return AdminHelp.overview
        }
        guard words.count >= 2, let action = AdminAction.named(group: group, verb: words[1]) else {
            return AdminHelp.group(group)
        }
        return AdminHelp.action(action)
    }
}
