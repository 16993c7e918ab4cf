import TwofoldSystem

/// The options of a daemon that serves a Unix socket to other local processes (`secret-vault`,
/// `sms-sender`): where the socket is, which group owns the file, and whose processes may connect
/// (checked against the credentials the kernel reports, SO_PEERCRED and SO_PEERGROUPS).
public struct SocketServerOptions: Sendable, Equatable {
    public var path: String
    /// The group the socket file is given to (mode 0660); nil keeps the process's own.
    public var groupID: UInt32?
    /// Users, and groups (primary or supplementary), whose processes may connect besides the
    /// daemon's own user.
    public var allowedUserIDs: Set<UInt32>
    public var allowedGroupIDs: Set<UInt32>

    /// `--socket` (also from `socketEnvironment`; required), `--socket-group`, `--allow-users`
    /// and `--allow-groups`; `clients` says who the socket is for, in `--socket`'s help.
    public static func specs(socketEnvironment: String, clients: String) -> [OptionSpec] {
        [
            .value(
                "socket", placeholder: "path", environment: socketEnvironment,
                help: "Unix socket to serve \(clients) on (required)."),
            .value(
                "socket-group", placeholder: "group",
                help:
                    "Group to give the socket file to (mode 0660): its members can reach the socket, and the peer "
                    + "check below still decides whom the daemon answers."),
            .value(
                "allow-users", placeholder: "u1,u2",
                help: "Users (names or uids) whose processes may connect, besides the daemon's own."),
            .value(
                "allow-groups", placeholder: "g1,g2",
                help: "Groups (names or gids; primary or supplementary) whose processes may connect."),
        ]
    }

    /// Reads the options of `specs`: the socket path present, every user and group name known.
    public init(options: ParsedOptions) throws(ProcessError) {
        path = try options.require("socket")
        groupID = try options.string("socket-group").map { name throws(ProcessError) in
            try Self.resolve(name, option: "socket-group", FileSystem.groupID(named:))
        }
        allowedUserIDs = []
        for name in options.list("allow-users") {
            allowedUserIDs.insert(try Self.resolve(name, option: "allow-users", FileSystem.userID(named:)))
        }
        allowedGroupIDs = []
        for name in options.list("allow-groups") {
            allowedGroupIDs.insert(try Self.resolve(name, option: "allow-groups", FileSystem.groupID(named:)))
        }
    }

    private static func resolve(
        _ name: String, option: String, _ lookup: (String) throws(SystemError) -> UInt32
    ) throws(ProcessError) -> UInt32 {
        do {
            return try lookup(name)
        } catch {
            throw .invalidValue(option, expected: "names or numbers of existing accounts")
        }
    }
}
