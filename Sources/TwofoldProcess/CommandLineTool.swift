import Foundation

/// The shared `main` shape of every executable: parse options (printing help or a one-line
/// error with the right exit status), then run.
public enum CommandLineTool {
    /// Parses `CommandLine.arguments` against `parser`; on `--help` prints and exits 0; on a usage
    /// error prints `"<command>: <message>"` to stderr and exits with `EX_USAGE`.
    public static func parseOrExit(_ parser: CommandLineParser) -> ParsedOptions {
        do {
            switch try parser.parse(
                Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
            {
            case .help(let text):
                FileHandle.standardOutput.write(Data(text.utf8))
                Foundation.exit(0)
            case .run(let options):
                return options
            }
        } catch {
            exit(command: parser.command, error)
        }
    }

    /// Prints `"<command>: <message>"` on stderr and exits with the error's status.
    public static func exit(command: String, _ error: ProcessError) -> Never {
        FileHandle.standardError.write(Data("\(command): \(error.message)\n".utf8))
        Foundation.exit(error.exitStatus)
    }

    /// For failures that are not `ProcessError` (e.g. a store that will not open): one line, exit 1.
    public static func fail(command: String, _ message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("\(command): \(message)\n".utf8))
        Foundation.exit(status)
    }
}
