import TwofoldIPC
import TwofoldProcess
import TwofoldSystem

extension SMSDaemon {
    /// The sms-sender's command line (`deploy/systemd/twofold-sms.service` uses it).
    public static let commandLine = CommandLineParser(
        command: "sms-sender",
        summary: "Twofold SMS sender: a stub SMS provider that appends messages to a durable outbox.",
        options: [
            .value(
                "socket", placeholder: "path", environment: "TWOFOLD_SMS_SOCKET",
                help: "Unix socket to serve on (required)."),
            .value("socket-group", placeholder: "group", help: "Group to give the socket file to (mode 0660)."),
            .value(
                "allow-groups", placeholder: "g1,g2", help: "Groups whose processes may connect (besides our own user)."
            ),
            .value(
                "allow-users", placeholder: "u1,u2", help: "Users whose processes may connect (besides our own user)."),
            .value(
                "data-dir", placeholder: "path", environment: "TWOFOLD_SMS_DATA_DIR",
                help: "Folder holding outbox.jsonl (required)."),
            .flag("fail-provider", help: "Simulate a failing provider: refuse new messages with sms.provider_failed."),
            .value(
                "log-level", placeholder: "level", default: "info",
                help: "trace, debug, info, notice, warning or error."),
        ])

    /// The log level named by `--log-level`.
    public static func logLevel(from options: ParsedOptions) throws(ProcessError) -> Logger.Level {
        guard let level = Logger.Level(name: options.string("log-level") ?? "info") else {
            throw .invalidValue("log-level", expected: "one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }
}

extension SMSDaemon.Configuration {
    /// Resolves the options: required values present, user and group names known, the data folder
    /// usable (created 0700 if missing).
    public init(options: ParsedOptions) throws(ProcessError) {
        let socketPath = try options.require("socket")
        let dataDirectory = try options.require("data-dir")
        var socketGroup: UInt32?
        if let name = options.string("socket-group") {
            socketGroup = try Self.resolve(name, option: "socket-group", FileSystem.groupID(named:))
        }
        var peers = PeerPolicy()
        for name in options.list("allow-groups") {
            peers.allowedGroupIDs.insert(try Self.resolve(name, option: "allow-groups", FileSystem.groupID(named:)))
        }
        for name in options.list("allow-users") {
            peers.allowedUserIDs.insert(try Self.resolve(name, option: "allow-users", FileSystem.userID(named:)))
        }
        self.init(
            socketPath: socketPath, socketGroup: socketGroup, peers: peers,
            dataDirectory: try DataDirectory.prepare(dataDirectory), failProvider: options.flag("fail-provider"))
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
