import Foundation

/// `twofold`: the operator's command line. Subcommands: `up` (start the three daemons locally),
/// `qr` (render a QR code), and the administration groups `invite`, `user` and `account`
/// (see `AdminCommand`).
public enum TwofoldCommand {
    static let usage = """
        Usage: twofold <command> [options]

        Commands:
          up       Start sms-sender, secret-vault and auth-gateway locally (development launcher).
          qr       Render text as a QR code (SVG, PNG or terminal).
          invite   Create, import, list and revoke sign-up invites.
          user     List, show, disable and enable users; reset a user's MFA.
          account  Create, list and rename accounts; add and remove members.

        The invite, user and account commands talk to the gateway's admin socket
        ([--admin-socket PATH], env TWOFOLD_ADMIN_SOCKET, default /run/twofold-gateway/admin.sock).
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
        case "invite", "user", "account": return AdminCommand.run(arguments)
        case let option where option == "--admin-socket" || option.hasPrefix("--admin-socket="):
            return AdminCommand.run(arguments)
        case "-h", "--help", "help":
            FileHandle.standardOutput.write(Data(usage.utf8))
            return 0
        default:
            FileHandle.standardError.write(Data("twofold: unknown command '\(command)'\n\n\(usage)".utf8))
            return 64
        }
    }
}
