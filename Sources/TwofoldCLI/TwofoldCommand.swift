import Foundation

/// `twofold`: the operator's command line. Subcommands: `up` (start the three daemons locally),
/// `qr` (render a QR code).
public enum TwofoldCommand {
    static let usage = """
        Usage: twofold <command> [options]

        Commands:
          up      Start sms-sender, secret-vault and auth-gateway locally (development launcher).
          qr      Render text as a QR code (SVG, PNG or terminal).

        Run 'twofold <command> --help' for a command's options.

        """

    public static func main(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data(usage.utf8))
            return 64
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "qr": return QRCommand.run(rest)
        case "up": return UpCommand.run(rest)
        case "-h", "--help", "help":
            FileHandle.standardOutput.write(Data(usage.utf8))
            return 0
        default:
            FileHandle.standardError.write(Data("twofold: unknown command '\(command)'\n\n\(usage)".utf8))
            return 64
        }
    }
}
