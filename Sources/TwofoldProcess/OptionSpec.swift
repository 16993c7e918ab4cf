/// One command-line option: its long name, the environment variable that may supply it, a default,
/// and the help text. Values come from, in order of precedence: the command line, the environment,
/// the default.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A boolean switch: present means true (`--fresh`); `--fresh=false` is also accepted.
        case flag
        /// Takes a value (`--listen 127.0.0.1:8080` or `--listen=127.0.0.1:8080`).
        case value(placeholder: String)
    }

    public let name: String
    public let kind: Kind
    public let environment: String?
    public let defaultValue: String?
    public let help: String

    public init(
        _ name: String, _ kind: Kind, environment: String? = nil, default defaultValue: String? = nil, help: String
    ) {
        precondition(!name.hasPrefix("-"), "option names are given without dashes")
        self.name = name
        self.kind = kind
        self.environment = environment
        self.defaultValue = defaultValue
        self.help = help
    }

    public static func flag(_ name: String, environment: String? = nil, help: String) -> OptionSpec {
        OptionSpec(name, .flag, environment: environment, help: help)
    }

    public static func value(
        _ name: String, placeholder: String, environment: String? = nil, default defaultValue: String? = nil,
        help: String
    ) -> OptionSpec {
        OptionSpec(name, .value(placeholder: placeholder), environment: environment, default: defaultValue, help: help)
    }
}
