import TwofoldSystem

/// The last service of a daemon's `ServiceGroup`: once every service before it has started, it
/// logs `ready` (which the `twofold up` launcher waits for), tells systemd `READY=1` with a status
/// line, and feeds the watchdog from the event loop; at shutdown it sends `STOPPING=1`.
public struct ReadinessService: Service {
    public let name = "readiness"
    let status: String
    let logger: Logger
    let loop: EventLoop
    let notifier: SystemdNotifier
    let announce: (@Sendable () -> Void)?

    /// - Parameter announce: logs the `ready` line with the daemon's own fields; by default the
    ///   line carries `status`.
    public init(
        status: String, logger: Logger, loop: EventLoop, notifier: SystemdNotifier = SystemdNotifier(),
        announce: (@Sendable () -> Void)? = nil
    ) {
        self.status = status
        self.logger = logger
        self.loop = loop
        self.notifier = notifier
        self.announce = announce
    }

    public func start(context: ServiceContext) async throws {
        notifier.status(status)
        notifier.ready()
        if let interval = notifier.watchdogInterval { Self.feedWatchdog(notifier, on: loop, every: interval) }
        if let announce { announce() } else { logger.info("ready", ["status": .string(status)]) }
    }

    public func shutdown(deadline: Deadline) async throws {
        notifier.stopping()
    }

    /// Pings the watchdog from the loop thread, so a wedged loop gets the daemon restarted.
    public static func feedWatchdog(_ notifier: SystemdNotifier, on loop: EventLoop, every interval: Duration) {
        notifier.watchdog()
        _ = loop.scheduleTask(in: interval) { feedWatchdog(notifier, on: loop, every: interval) }
    }
}
