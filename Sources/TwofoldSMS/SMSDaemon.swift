import Synchronization
import TwofoldIPC
import TwofoldProcess
import TwofoldSystem

/// The whole sms-sender process after option parsing: opens the outbox, serves `SMSService` on a
/// Unix socket from one event loop, tells systemd when it is ready (and feeds its watchdog), logs
/// "reload" on SIGHUP, and on SIGTERM/SIGINT stops accepting, answers what is in flight, syncs and
/// closes the outbox. An outbox whose writes fail (a full disk) is a state, not an exit: the worker
/// answers `unavailable`, reports `degraded` health, and recovers in place when writes succeed.
public struct SMSDaemon: Sendable {
    public struct Configuration: Sendable {
        public var socketPath: String
        /// Group to give the socket file to (mode 0660), so its members can connect.
        public var socketGroup: UInt32?
        public var peers: PeerPolicy
        public var dataDirectory: String
        public var failProvider: Bool
        public var shutdownGracePeriod: Duration = .seconds(10)

        public init(
            socketPath: String, socketGroup: UInt32? = nil, peers: PeerPolicy = PeerPolicy(), dataDirectory: String,
            failProvider: Bool = false
        ) {
            self.socketPath = socketPath
            self.socketGroup = socketGroup
            self.peers = peers
            self.dataDirectory = dataDirectory
            self.failProvider = failProvider
        }
    }

    public let configuration: Configuration
    public let logger: Logger
    public let notifier: SystemdNotifier

    public init(configuration: Configuration, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) {
        self.configuration = configuration
        self.logger = logger
        self.notifier = notifier
    }

    /// Runs until SIGTERM/SIGINT (returns) or a failure (throws). The caller must have blocked
    /// `Signal.handledSignals` before any thread started.
    public func run() async throws {
        let outbox = try Outbox(directory: configuration.dataDirectory, logger: logger)
        logger.info(
            "outbox opened",
            [
                "path": .string(outbox.path), "messages": .integer(outbox.recovery.messageCount),
                "bytes_dropped": .int(outbox.recovery.droppedBytes),
            ])
        let loop = try EventLoop(name: "sms-loop")
        try loop.start()
        defer {
            loop.shutdownGracefully()
            outbox.close()
        }
        let listener = Listener(daemon: self, outbox: outbox, loop: loop)
        let (logger, notifier, failProvider) = (self.logger, self.notifier, configuration.failProvider)
        let readiness = ReadinessService(
            status: "serving on \(configuration.socketPath)", logger: logger, loop: loop, notifier: notifier
        ) {
            logger.info(
                "ready", ["outbox_messages": .integer(outbox.messageCount), "fail_provider": .bool(failProvider)])
        }
        let group = ServiceGroup(
            services: [listener, readiness], loop: loop, gracePeriod: configuration.shutdownGracePeriod)
        let hangups = try await loop.submit {
            try SignalHandler(on: loop, signals: [.hangup]) { _ in
                notifier.reloading()
                logger.info("reload")
                notifier.ready()
            }
        }
        defer { hangups.cancel() }
        try await group.run()
        logger.info("stopped")
    }

    /// The socket server, the outbox writer and the outbox as one `Service`.
    private final class Listener: Service {
        let name = "sms-listener"
        private let daemon: SMSDaemon
        private let writer: OutboxWriter
        private let loop: EventLoop
        private let server = Mutex<WireServer?>(nil)

        init(daemon: SMSDaemon, outbox: Outbox, loop: EventLoop) {
            self.daemon = daemon
            self.writer = OutboxWriter(outbox: outbox, logger: daemon.logger)
            self.loop = loop
        }

        func start(context: ServiceContext) async throws {
            let logger = daemon.logger
            let service = SMSService(
                writer: writer, logger: logger, failProvider: daemon.configuration.failProvider)
            var configuration = WireServer.Configuration(path: daemon.configuration.socketPath)
            configuration.group = daemon.configuration.socketGroup
            configuration.peers = daemon.configuration.peers
            let server = WireServer(configuration: configuration, service: service, loop: loop, logger: logger)
            try await server.start()
            self.server.withLock { $0 = server }
        }

        func shutdown(deadline: Deadline) async throws {
            daemon.logger.info("shutting down")
            let grace = max(deadline - loop.clock.now(), .zero)
            await server.withLock { $0 }?.shutdown(gracePeriod: grace)
            writer.drain()
            writer.outbox.close()
        }
    }
}
