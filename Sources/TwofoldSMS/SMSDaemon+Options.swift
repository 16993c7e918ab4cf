import TwofoldIPC
import TwofoldProcess
import TwofoldSystem

extension SMSDaemon {
    /// The sms-sender's command line (`deploy/systemd/twofold-sms.service` uses it).
    public static let commandLine = CommandLineParser(
        command: "sms-sender",
        summary: "Twofold SMS sender: a stub SMS provider that appends messages to a durable outbox.",
        options: SocketServerOptions.specs(socketEnvironment: "TWOFOLD_SMS_SOCKET", clients: "the vault") + [
            .value(
                "data-dir", placeholder: "path", environment: "TWOFOLD_SMS_DATA_DIR",
                help: "Folder holding outbox.jsonl (required)."),
            .flag("fail-provider", help: "Simulate a failing provider: refuse new messages with sms.provider_failed."),
            .logLevel,
        ])
}

extension SMSDaemon.Configuration {
    /// Resolves the options: required values present, user and group names known, the data folder
    /// usable (created 0700 if missing).
    public init(options: ParsedOptions) throws(ProcessError) {
        let socket = try SocketServerOptions(options: options)
        let dataDirectory = try options.require("data-dir")
        self.init(
            socketPath: socket.path, socketGroup: socket.groupID,
            peers: PeerPolicy(allowedUserIDs: socket.allowedUserIDs, allowedGroupIDs: socket.allowedGroupIDs),
            dataDirectory: try DataDirectory.prepare(dataDirectory), failProvider: options.flag("fail-provider"))
    }
}
