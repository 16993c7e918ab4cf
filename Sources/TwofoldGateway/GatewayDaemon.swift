import Dispatch
import Synchronization
import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldIPC
import TwofoldPasswords
import TwofoldProcess
import TwofoldSystem

/// Wires the gateway's parts (loops, worker pool, vault client, application, server) and runs
/// them until SIGTERM/SIGINT. The vault may be absent: the gateway still starts and `/healthz`
/// reports it down until it appears.
public enum GatewayDaemon {
    /// `run` for a synchronous `main`: blocks the calling thread until the gateway has stopped.
    ///
    /// A `main` with top-level `await` would start the concurrency runtime's threads before its
    /// first line, and those would not block SIGTERM (which would then kill the process instead
    /// of reaching the signalfd). So `main` blocks the signals first, then calls this.
    public static func runBlocking(options: GatewayOptions, logger: Logger) -> Int32 {
        waitForCompletion { exited in
            Task { exited(await run(options: options, logger: logger)) }
        }
    }

    /// Returns the process exit status: 0 after a graceful shutdown, 1 if start-up or shutdown failed.
    /// The caller has blocked the shutdown signals before creating any thread.
    public static func run(options: GatewayOptions, logger: Logger) async -> Int32 {
        if options.rewriteFormat1 { return rewriteFormat1(options: options, logger: logger) }
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(loopCount: options.loops)
        } catch {
            logger.critical("cannot start event loops", ["error": .string(error.description)])
            return 1
        }
        defer { group.shutdownGracefully() }
        let pool: WorkerPool
        do {
            pool = try WorkerPool(threadCount: options.workers, queueCapacity: options.workerQueue, name: "hash-worker")
        } catch {
            logger.critical("cannot start the password-hashing workers", ["error": .string(error.description)])
            return 1
        }
        defer { pool.shutdown() }
        var vaultConfiguration = WireClient.Configuration(path: options.vaultSocket)
        // Back on its feet as soon as the vault returns: retry connecting at least every 250 ms.
        vaultConfiguration.maximumBackoff = .milliseconds(250)
        let vault = WireClient(
            configuration: vaultConfiguration, loop: group.loops[0], logger: logger.withLabel("vault-client"))
        defer { vault.close() }

        let auth: AuthService
        let directory: Directory
        do {
            (auth, directory) = try makeAuthService(options: options, vault: vault, pool: pool, logger: logger)
        } catch {
            logger.critical("cannot open the gateway's data", ["error": .string("\(error)")])
            return 1
        }
        defer { directory.close() }
        let web = WebRoutes(auth: auth, support: WebSupport(settings: auth.settings))
        let api = APIRoutes(auth: auth, support: WebSupport(settings: auth.settings))
        let application = GatewayApplication(
            vault: vault, workerPool: pool, directory: directory, issuer: auth.settings.issuer,
            benchmarkRoutes: options.benchmarkRoutes
        ) { router in
            web.register(into: &router)
            api.register(into: &router)
        }
        var configuration = HTTPServer.Configuration(address: options.listen)
        configuration.maxConnections = options.maxConnections
        configuration.maxConnectionsPerAddress = options.maxConnectionsPerAddress
        configuration.timeouts = options.timeouts
        configuration.accessLog = options.accessLog
        configuration.accessLogPath = GatewayDaemon.redactingTokens
        let issuer = auth.settings.issuer
        configuration.errorResponse = { reply in ServerErrorPages.response(reply, issuer: issuer) }
        let server = HTTPServer(
            configuration: configuration, group: group, logger: logger.withLabel("http"), handler: application)
        application.attach(server)
        var services: [any Service] = [server]
        if let address = options.metricsListen {
            services.append(metricsServer(address, application: application, group: group, logger: logger))
        }

        let readiness = ReadinessService(
            status: "serving http on \(options.listen)", logger: logger, loop: group.loops[0])
        let admin: WireServer
        do {
            var adminConfiguration = WireServer.Configuration(path: options.adminSocket)
            if let name = options.adminGroup {
                let gid = try FileSystem.groupID(named: name)
                adminConfiguration.group = gid
                adminConfiguration.peers = PeerPolicy(allowedUserIDs: [0], allowedGroupIDs: [gid])
            } else {
                adminConfiguration.mode = 0o600
                adminConfiguration.peers = PeerPolicy(allowedUserIDs: [0])
            }
            admin = WireServer(
                configuration: adminConfiguration, service: AdminService(auth: auth, audit: auth.audit),
                loop: group.loops[0], logger: logger.withLabel("admin"))
        } catch {
            logger.critical("cannot set up the admin socket", ["error": .string("\(error)")])
            return 1
        }
        // SIGHUP re-reads what can change without a restart: the operator's password blocklist.
        let hangups: SignalHandler
        do {
            let loop = group.loops[0]
            hangups = try await loop.submit {
                try SignalHandler(on: loop, signals: [.hangup]) { _ in
                    let notifier = SystemdNotifier()
                    notifier.reloading()
                    reloadPasswordPolicy(options: options, into: auth, logger: logger)
                    notifier.ready()
                }
            }
        } catch {
            logger.critical("cannot watch SIGHUP", ["error": .string("\(error)")])
            return 1
        }
        defer { hangups.cancel() }
        services += [AdminSocketService(server: admin), readiness]
        let serviceGroup = ServiceGroup(services: services, loop: group.loops[0], gracePeriod: options.shutdownGrace)
        do {
            try await serviceGroup.run()
        } catch {
            logger.error("stopped with an error", ["error": .string(String(describing: error))])
            return 1
        }
        logger.info("stopped")
        return 0
    }

    /// The metrics listener: a small server of its own (a scrape at a time, no access log), so
    /// `/metrics` never shares the public listener's address or connection slots.
    static func metricsServer(
        _ address: SocketAddress, application: GatewayApplication, group: EventLoopGroup, logger: Logger
    ) -> HTTPServer {
        var configuration = HTTPServer.Configuration(address: address)
        configuration.unixSocketMode = 0o660
        configuration.maxConnections = 16
        configuration.maxConnectionsPerAddress = 0
        configuration.accessLog = false
        configuration.limits = HTTPParserLimits(maxBodySize: 0)
        return HTTPServer(
            configuration: configuration, group: group, logger: logger.withLabel("metrics"),
            handler: application.metricsEndpoint)
    }

    static func passwordPolicy(_ options: GatewayOptions) throws -> PasswordPolicy {
        var blocklist = PasswordBlocklist.common
        if let path = options.passwordBlocklist {
            blocklist = blocklist.union(try PasswordBlocklist(contentsOfFile: path))
        }
        return try PasswordPolicy(minimumLength: options.passwordMinimumLength, blocklist: blocklist)
    }

    /// SIGHUP: the blocklist file again; a file that cannot be read keeps the current policy.
    static func reloadPasswordPolicy(options: GatewayOptions, into auth: AuthService, logger: Logger) {
        do {
            let policy = try passwordPolicy(options)
            auth.passwords.replacePolicy(policy)
            logger.notice("reloaded the password policy", ["blocklist": .integer(policy.blocklist.count)])
        } catch {
            logger.error("reload failed; keeping the current password policy", ["error": .string("\(error)")])
        }
    }

    /// Invite and password-reset links carry their bearer token in the path: the access log shows
    /// `/invite/…` and `/reset/…`.
    @Sendable static func redactingTokens(_ path: String) -> String {
        for prefix in ["/invite/", "/api/v1/invites/", "/reset/", "/api/v1/reset-links/"] where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            let tail = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
            return prefix + "…" + tail
        }
        return path
    }

    /// `--rewrite-format-1`: the rollback path of deploy/README.md.
    static func rewriteFormat1(options: GatewayOptions, logger: Logger) -> Int32 {
        let path = options.dataDirectory + "/directory"
        do {
            let records = try Directory.rewriteInFormat1(path: path)
            logger.notice(
                "rewrote the directory in format 1; a build from before issue 21 can open it now",
                ["path": .string(path), "records": .integer(Int64(records))])
            return 0
        } catch {
            logger.critical("cannot rewrite the directory", ["path": .string(path), "error": .string("\(error)")])
            return 1
        }
    }

    /// The directory's retention and session rules, and its compactions in the daemon's log.
    static func directoryOptions(_ options: GatewayOptions, logger: Logger) -> Directory.Options {
        var directoryOptions = Directory.Options()
        directoryOptions.inviteRetentionMs = options.inviteRetentionMs
        directoryOptions.sessionLifetime = options.auth.sessionLifetime
        let log = logger.withLabel("directory")
        directoryOptions.events = { event in
            switch event {
            case .compacted(let report):
                log.info(
                    "compacted",
                    [
                        "users": .integer(Int64(report.users)), "invites": .integer(Int64(report.invites)),
                        "sessions": .integer(Int64(report.sessions)),
                        "dropped_invites": .integer(Int64(report.droppedInvites)),
                        "dropped_sessions": .integer(Int64(report.droppedSessions)),
                        "snapshot_bytes": .integer(report.snapshotBytes), "ms": .integer(report.milliseconds),
                    ])
            case .compactionFailed(let error):
                log.error("compaction failed", ["error": .string(error.description)])
            case .storageFailed(let error):
                log.error(
                    "storage failed; refusing requests until it recovers",
                    [
                        "code": .string(error.code.description), "error": .string(error.detail),
                        "errno": .integer(Int64(error.systemError?.errno ?? 0)),
                    ])
            case .storageStillFailing(let error, let refused):
                log.warning(
                    "storage still failing",
                    [
                        "code": .string(error.code.description), "error": .string(error.detail),
                        "refused": .integer(Int64(refused)),
                    ])
            case .storageRecovered(let refused):
                log.notice("storage recovered; serving again", ["refused": .integer(Int64(refused))])
            case .rebuilt(let report):
                log.info("rebuilt the directory from disk", ["load": .string(report.description)])
            case .rebuildFailed(let error):
                log.error(
                    "cannot rebuild the directory from disk; still refusing", ["error": .string(error.description)])
            }
        }
        return directoryOptions
    }

    /// Opens the directory, loads the password rules and builds the flows.
    static func makeAuthService(options: GatewayOptions, vault: WireClient, pool: WorkerPool, logger: Logger) throws
        -> (AuthService, Directory)
    {
        let data = try DataDirectory.prepare(options.dataDirectory)
        let directory = try Directory.open(
            path: data + "/directory", clock: { Int64(SystemInfo.wallClockNanoseconds() / 1_000_000) },
            options: directoryOptions(options, logger: logger))
        var blocklist = PasswordBlocklist.common
        if let path = options.passwordBlocklist {
            blocklist = blocklist.union(try PasswordBlocklist(contentsOfFile: path))
        }
        let policy = try PasswordPolicy(minimumLength: options.passwordMinimumLength, blocklist: blocklist)
        let hasher = PasswordHasher(parameters: try ScryptParameters(logN: options.scryptLogN, r: 8, p: 1))
        let audit = GatewayAudit(
            logger: Logger(
                label: "audit", minimumLevel: .info,
                sink: try LogSink.appendingFile(options.auditLog ?? data + "/audit.jsonl")))
        let auth = AuthService(
            directory: directory, vault: VaultConnection(client: vault, timeout: options.vaultTimeout),
            passwords: PasswordWork(hasher: hasher, policy: policy, pool: pool), settings: options.auth, audit: audit)
        if let failure = directory.openReport.storeFailure {
            logger.error(
                "the directory cannot be read; serving degraded until its storage recovers",
                ["reason": .string(failure), "path": .string(data + "/directory")])
        }
        logger.info(
            "directory opened",
            [
                "users": .integer(Int64(directory.userCount)), "invites": .integer(Int64(directory.inviteCount)),
                "sessions": .integer(Int64(directory.sessionCount)),
                "scrypt_log_n": .integer(Int64(options.scryptLogN)),
                "load": .string(directory.openReport.description),
            ])
        if !options.auth.securedCookies {
            logger.warning(
                "public URL is plain http on a non-loopback host: session cookies are sent without Secure; put TLS in front"
            )
        }
        return (auth, directory)
    }
}

/// The admin socket as a service of the daemon's group.
struct AdminSocketService: Service {
    let server: WireServer
    var name: String { "admin-socket" }
    func start(context: ServiceContext) async throws { try await server.start() }
    func shutdown(deadline: Deadline) async throws { await server.shutdown(gracePeriod: .seconds(2)) }
}
