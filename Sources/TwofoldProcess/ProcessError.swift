/// The error type of process plumbing: bad options, unusable folders, bad configuration. Its
/// `message` is one line meant for the operator; it never contains secret values.
public struct ProcessError: Error, CustomStringConvertible, Sendable {
    private enum Code: String, Sendable {
        case unknownOption = "usage.unknown_option"
        case missingValue = "usage.missing_value"
        case invalidValue = "usage.invalid_value"
        case unexpectedArgument = "usage.unexpected_argument"
        case unusableDirectory = "config.unusable_directory"
        case unusableFile = "config.unusable_file"
    }

    private let code: Code
    public let message: String
    public let file: String
    public let line: Int

    private init(_ code: Code, _ message: String, file: String, line: Int) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// A stable machine-readable code, e.g. `usage.unknown_option`.
    public var stableCode: String { code.rawValue }

    /// Usage errors exit with `EX_USAGE` (64), configuration errors with `EX_CONFIG` (78).
    public var exitStatus: Int32 { code.rawValue.hasPrefix("usage.") ? 64 : 78 }

    public var description: String { message }

    public static func unknownOption(_ option: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.unknownOption, "unknown option '\(option)' (see --help)", file: file, line: line)
    }
    public static func missingValue(_ option: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.missingValue, "option '--\(option)' needs a value", file: file, line: line)
    }
    /// `value` is deliberately not echoed: an option may carry a secret by mistake.
    public static func invalidValue(
        _ option: String, expected: String, file: String = #fileID, line: Int = #line
    ) -> Self {
        Self(.invalidValue, "option '--\(option)' expects \(expected)", file: file, line: line)
    }
    public static func unexpectedArgument(_ argument: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.unexpectedArgument, "unexpected argument '\(argument)' (see --help)", file: file, line: line)
    }
    public static func unusableDirectory(
        _ path: String, reason: String, file: String = #fileID, line: Int = #line
    ) -> Self {
        Self(.unusableDirectory, "data folder '\(path)' is unusable: \(reason)", file: file, line: line)
    }
    public static func unusableFile(_ path: String, reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.unusableFile, "file '\(path)' is unusable: \(reason)", file: file, line: line)
    }
}
