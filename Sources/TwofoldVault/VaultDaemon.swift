import Foundation
import TwofoldIPC
import TwofoldOTP
import TwofoldPhone
import TwofoldProcess
import TwofoldStore
import TwofoldSystem
import TwofoldWebAuthn

/// Wires the `secret-vault` process: master key, store replay, audit log, the SMS client, the
/// socket server and signal handling. `main.swift` only parses options and calls `run`.
public enum VaultDaemon {
    public static let parser = CommandLineParser(
        command: "secret-vault",
        summary: "Twofold secret vault: stores TOTP seeds sealed, verifies codes, sends SMS recovery codes.",
        options: SocketServerOptions.specs(socketEnvironment: "TWOFOLD_VAULT_SOCKET", clients: "the gateway") + [
            .value(
                "data-dir", placeholder: "path", environment: "TWOFOLD_VAULT_DATA_DIR",
                help: "Folder for the sealed store and the audit log (required)."),
            .value(
                "master-key-file", placeholder: "path", environment: "TWOFOLD_VAULT_MASTER_KEY_FILE",
                help: "32-byte master key, mode 0600 (default: $CREDENTIALS_DIRECTORY/master-key)."),
            .value(
                "previous-master-key-file", placeholder: "path",
                help: "During a key rotation: the key the store is sealed with now; every record is re-sealed at start."
            ),
            .value(
                "sms-socket", placeholder: "path", environment: "TWOFOLD_SMS_SOCKET", help: "The sms-sender's socket."),
            .value(
                "sms-timeout", placeholder: "duration", default: "2s",
                help: "How long a send may wait for the sms-sender (less if the request's deadline is nearer)."),
            .value("issuer", placeholder: "name", default: "Twofold", help: "Issuer shown in authenticator apps."),
            .value(
                "public-url", placeholder: "URL", environment: "TWOFOLD_PUBLIC_URL",
                help:
                    "The gateway's --public-url: its origin is the one passkeys are accepted from, its host the RP ID "
                    + "(a domain name; https, or http://localhost). Without one, passkeys are off."),
            .value(
                "sms-blocked-countries", placeholder: "CC,CC",
                help: "ISO country codes SMS recovery refuses (default: the help article's 13)."),
            .logLevel,
        ])

    public static func run(_ options: ParsedOptions) -> Never {
        let command = parser.command
        do {
            try SignalHandler.block(Signal.handledSignals)
        } catch {
            CommandLineTool.fail(command: command, "cannot block signals: \(error)")
        }
        SignalHandler.ignoreBrokenPipe()
        do {
            let logger = Logger(label: "secret-vault", minimumLevel: try options.logLevel())
            let socket = try SocketServerOptions(options: options)
            let dataDirectory = try DataDirectory.prepare(try options.require("data-dir"))
            let keyPath = try masterKeyPath(options)
            let masterKey: [UInt8]
            do {
                masterKey = try MasterKey.load(path: keyPath)
            } catch {
                CommandLineTool.fail(command: command, error.message, status: 78)
            }
            var previousKey: [UInt8]?
            if let previousPath = options.string("previous-master-key-file"), !previousPath.isEmpty {
                do {
                    previousKey = try MasterKey.load(path: previousPath)
                } catch {
                    CommandLineTool.fail(command: command, error.message, status: 78)
                }
            }
            var policy = VaultPolicy()
            policy.issuer = options.string("issuer") ?? "Twofold"
            do {
                try OTPAuthURI.validateLabelPart(policy.issuer)
            } catch {
                throw ProcessError.invalidValue("issuer", expected: "a non-empty name without ':'")
            }
            let blocked = options.list("sms-blocked-countries")
            if !blocked.isEmpty { policy.smsRecovery = SMSRecoveryPolicy(blockedCountryCodes: Set(blocked)) }

            let relyingParty = Self.relyingParty(options.string("public-url"), logger: logger)

            let loop = try EventLoop(name: "vault")
            let smsTimeout = (try? options.duration("sms-timeout")) ?? .seconds(2)
            let smsClient = WireClient(
                configuration: {
                    var configuration = WireClient.Configuration(
                        path: options.string("sms-socket") ?? "/run/twofold-sms/sms.sock")
                    configuration.timeout = smsTimeout
                    return configuration
                }(), loop: loop, logger: logger.withLabel("sms-client"))
            let sms = WireSMSDispatcher(client: smsClient, timeout: smsTimeout)
            let crypto = try VaultCrypto(masterKey: masterKey, previousMasterKey: previousKey)
            let audit = VaultAudit(sink: try LogSink.appendingFile(dataDirectory + "/audit.jsonl"))
            let (vault, opened) = try openStore(dataDirectory + "/store", command: command, logger: logger) { store in
                Vault(
                    crypto: crypto, persistence: StorePersistence(store: store), clock: SystemVaultClock(), sms: sms,
                    policy: policy, audit: audit, relyingParty: relyingParty)
            }
            checkKeys(vault, opened: opened, rotating: previousKey != nil, command: command, logger: logger)
            // Keep the log proportional to live state: compact when it is mostly superseded records.
            // A failure (a full disk) is logged and the vault serves anyway.
            if opened.records.count > 1000, opened.records.count > 2 * vault.userCount {
                if let error = wait({ vault.compact(completion: $0) }) {
                    logger.warning("start-up compaction failed; serving anyway", ["error": .string("\(error)")])
                }
            }
            logger.info(
                "store opened", ["records": .integer(opened.records.count), "users": .integer(vault.userCount)])

            var serverConfiguration = WireServer.Configuration(path: socket.path)
            serverConfiguration.group = socket.groupID
            serverConfiguration.peers = PeerPolicy(
                allowedUserIDs: socket.allowedUserIDs, allowedGroupIDs: socket.allowedGroupIDs)
            // After a delete, compact so the sealed record leaves the disk. Submitting takes the
            // vault's lock for the snapshot only; the compaction runs on the store's thread.
            let service = VaultService(vault: vault) {
                // Off the store's writer thread, which runs the delete's completion: the snapshot
                // is O(users) and the writer has group commits to do.
                DispatchQueue.global().async {
                    vault.compact { error in
                        if let error {
                            logger.error("compaction after delete failed", ["error": .string("\(error)")])
                        } else {
                            logger.info("store compacted after a user delete", ["users": .integer(vault.userCount)])
                        }
                    }
                }
            }
            let server = WireServer(configuration: serverConfiguration, service: service, loop: loop, logger: logger)

            try loop.start()
            // Started, signalled, announced to systemd (READY=1, watchdog) and stopped like the
            // other two daemons: one ServiceGroup, SIGTERM/SIGINT through it, SIGHUP logged.
            let hangups = try blockingAwait {
                try await loop.submit {
                    try SignalHandler(on: loop, signals: [.hangup]) { _ in
                        logger.notice("reload requested: the vault has no reloadable settings yet")
                    }
                }
            }
            let readiness = ReadinessService(
                status: "serving \(socket.path), \(vault.userCount) users", logger: logger, loop: loop
            ) {
                logger.info(
                    "ready",
                    [
                        "socket": .string(socket.path), "users": .integer(vault.userCount),
                        "passkeys_rp_id": .string(relyingParty?.id ?? "-"),
                    ])
            }
            let listener = VaultListener(server: server, socketPath: socket.path, sms: sms, loop: loop, logger: logger)
            let group = ServiceGroup(services: [listener, readiness], loop: loop, gracePeriod: .seconds(5))
            do {
                try blockingAwait { try await group.run() }
            } catch {
                CommandLineTool.fail(command: command, "\(error)")
            }
            hangups.cancel()
            opened.store.close()
            loop.shutdownGracefully()
            logger.info("stopped")
            exit(0)
        } catch let error as ProcessError {
            CommandLineTool.exit(command: command, error)
        } catch {
            CommandLineTool.fail(command: command, "\(error)")
        }
    }

    /// The relying party of `--public-url`, or nil (passkeys off, with a warning) when there is none
    /// or it cannot be a WebAuthn origin (an IP address, plain http on another host than localhost).
    static func relyingParty(_ url: String?, logger: Logger) -> RelyingParty? {
        guard let url, !url.isEmpty else { return nil }
        do {
            return try RelyingParty(publicURL: url)
        } catch {
            logger.warning(
                "passkeys are off: the public URL cannot be a WebAuthn origin",
                ["url": .string(url), "reason": .string(error.message)])
            return nil
        }
    }

    static func masterKeyPath(_ options: ParsedOptions) throws(ProcessError) -> String {
        if let path = options.string("master-key-file"), !path.isEmpty, !path.contains("${") { return path }
        if let directory = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"] {
            return directory + "/master-key"
        }
        throw .missingValue("master-key-file")
    }
}

/// The vault's socket server as a service of the daemon's `ServiceGroup`.
struct VaultListener: Service {
    let name = "vault-listener"
    let server: WireServer
    let socketPath: String
    let sms: WireSMSDispatcher
    let loop: EventLoop
    let logger: Logger

    func start(context: ServiceContext) async throws {
        do {
            try await server.start()
        } catch {
            throw VaultListenFailure(description: "cannot listen on \(socketPath): \(error)")
        }
        sms.probe()
    }

    func shutdown(deadline: Deadline) async throws {
        logger.info("shutting down")
        await server.shutdown(gracePeriod: max(deadline - loop.clock.now(), .zero))
    }
}

/// Why the vault could not start serving (its message is the daemon's last line).
struct VaultListenFailure: Error, CustomStringConvertible {
    let description: String
}
