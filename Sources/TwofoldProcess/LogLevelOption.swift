import TwofoldSystem

extension OptionSpec {
    /// `--log-level`, also from `TWOFOLD_LOG_LEVEL`: the same option, default and help in every daemon.
    public static let logLevel = OptionSpec.value(
        "log-level", placeholder: "level", environment: "TWOFOLD_LOG_LEVEL", default: "info",
        help: "trace, debug, info, notice, warning, error or critical.")
}

extension ParsedOptions {
    /// The level `OptionSpec.logLevel` names (info when absent); an unknown name is a usage error,
    /// not silently info.
    public func logLevel() throws(ProcessError) -> Logger.Level {
        guard let level = Logger.Level(name: string("log-level") ?? "info") else {
            throw .invalidValue("log-level", expected: "trace, debug, info, notice, warning, error or critical")
        }
        return level
    }
}
