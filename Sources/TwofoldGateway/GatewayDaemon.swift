import Dispatch
import Synchronization
import TwofoldHTTPServer
import TwofoldIPC
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
        let status = Mutex<Int32>(1)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result = await run(options: options, logger: logger)
            status.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return status.withLock { $0 }
    }

    /// Returns the process exit status: 0 after a graceful shutdown, 1 if start-up or shutdown failed.
    /// The caller has blocked the shutdown signals before creating any thread.
    public static func run(options: GatewayOptions, logger: Logger) async -> Int32 {
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(loopCount: options.loops)
        } catch {
            logger.critical("cannot start event loops", ["error": .string(error.description)])
            return 1
        }
        defer { group.shutdownGracefully() }
        let pool = WorkerPool(threadCount: options.workers, queueCapacity: options.workerQueue, name: "hash-worker")
        defer { pool.shutdown() }
        let vault = WireClient(configuration: WireClient.Configuration(path: options.vaultSocket), loop: group.loops[0])
        defer { vault.close() }

        let application = GatewayApplication(vault: vault, workerPool: pool)
        var configuration = HTTPServer.Configuration(address: options.listen)
        configuration.maxConnections = options.maxConnections
        configuration.timeouts = options.timeouts
        configuration.accessLog = options.accessLog
        let server = HTTPServer(
            configuration: configuration, group: group, logger: logger.withLabel("http"), handler: application)
        application.attach(server)

        let readiness = ReadinessService(
            status: "serving http on \(options.listen)", logger: logger, loop: group.loops[0])
        let services = ServiceGroup(
            services: [server, readiness], loop: group.loops[0], gracePeriod: options.shutdownGrace)
        do {
            try await services.run()
        } catch {
            logger.error("stopped with an error", ["error": .string(String(describing: error))])
            return 1
        }
        logger.info("stopped")
        return 0
    }
}
