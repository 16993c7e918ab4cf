/// Parses `--name value`, `--name=value`, switches, `--help`/`-h` and (optionally) positional
/// arguments, with values falling back to the environment and then to defaults.
public struct CommandLineParser: Sendable {
    public let command: String
    public let summary: String
    public let options: [OptionSpec]
    /// Names of positional arguments, for help; nil means none are accepted.
    public let positionals: [String]?

    public init(command: String, summary: String, options: [OptionSpec], positionals: [String]? = nil) {
        self.command = command
        self.summary = summary
        self.options = options
        self.positionals = positionals
    }

    public enum Outcome: Sendable {
        case run(ParsedOptions)
        case help(String)
    }

    /// - Parameters:
    ///   - arguments: the arguments after the program name.
    ///   - environment: usually `ProcessInfo.processInfo.environment`; injected for tests.
    public func parse(_ arguments: [String], environment: [String: String] = [:]) throws(ProcessError) -> Outcome {
        var explicit: [String: String] = [:]
        var positional: [String] = []
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                guard positionals != nil else { throw .unexpectedArgument(argument) }
                positional.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            if argument == "-h" || argument == "--help" { return .help(helpText()) }
            guard argument.hasPrefix("--") else { throw .unknownOption(argument) }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let spec = options.first(where: { $0.name == name }) else { throw .unknownOption(argument) }
            switch spec.kind {
            case .flag:
                switch inlineValue {
                case nil, "true", "yes", "1": explicit[name] = "true"
                case "false", "no", "0": explicit[name] = "false"
                default: throw .invalidValue(name, expected: "true or false")
                }
            case .value:
                if let inlineValue {
                    explicit[name] = inlineValue
                } else {
                    guard index < arguments.count else { throw .missingValue(name) }
                    explicit[name] = arguments[index]
                    index += 1
                }
            }
        }
        var values: [String: String] = [:]
        for spec in options {
            if let value = explicit[spec.name] {
                values[spec.name] = value
            } else if let variable = spec.environment, let value = environment[variable] {
                values[spec.name] = value
            } else if let value = spec.defaultValue {
                values[spec.name] = value
            }
        }
        return .run(ParsedOptions(values: values, positionals: positional))
    }

    /// `--help` output in the usual form: usage line, summary, one line per option.
    public func helpText() -> String {
        var usage = "Usage: \(command) [options]"
        if let positionals, !positionals.isEmpty { usage += " " + positionals.joined(separator: " ") }
        var lines = [usage, "", summary, "", "Options:"]
        let rendered =
            options.map { spec -> (String, String) in
                var left = "  --\(spec.name)"
                if case .value(let placeholder) = spec.kind { left += " <\(placeholder)>" }
                var right = spec.help
                if let value = spec.defaultValue { right += " (default: \(value))" }
                if let variable = spec.environment { right += " [env: \(variable)]" }
                return (left, right)
            } + [("  -h, --help", "Show this help and exit.")]
        let width = rendered.map(\.0.count).max() ?? 0
        for (left, right) in rendered {
            lines.append(left + String(repeating: " ", count: width - left.count + 2) + right)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
