import Synchronization
import TwofoldHTTP
import TwofoldProcess

/// What every loop of one server shares: its configuration, handler and logger, the count of
/// open connections (for the cap and the metrics) and the shutdown state. Any thread.
final class HTTPServerCore: Sendable {
    let configuration: HTTPServer.Configuration
    let handler: any HTTPHandler
    let logger: Logger
    /// The security fields, computed once.
    let securityFields: [HTTPField]

    private let open = Atomic<Int>(0)
    private let shuttingDown = Atomic<Bool>(false)
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    init(configuration: HTTPServer.Configuration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        securityFields = configuration.securityHeaders?.fields ?? []
    }

    /// The server's own answer for `reply`, shaped by `Configuration.errorResponse`.
    func errorResponse(_ reply: HTTPServer.ErrorReply) -> HTTPResponse {
        var response = configuration.errorResponse?(reply) ?? reply.plainText
        response.status = reply.status
        if reply.status == .serviceUnavailable, response.headers["Retry-After"] == nil {
            response.headers.set("Retry-After", "1")
        }
        return response
    }

    var openConnections: Int { open.load(ordering: .relaxed) }
    var isShuttingDown: Bool { shuttingDown.load(ordering: .acquiring) }

    /// Counts a new connection unless the cap is reached.
    func reserveConnection() -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if now <= configuration.maxConnections { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    /// Called exactly once for each reserved connection, when it is closed.
    func connectionClosed() {
        let remaining = open.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue
        if remaining == 0 { resumeWaitersIfDrained() }
    }

    func beginShutdown() {
        shuttingDown.store(true, ordering: .releasing)
    }

    /// Returns once no connection is open.
    func waitUntilNoConnections() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiters.withLock { $0.append(continuation) }
            resumeWaitersIfDrained()
        }
    }

    private func resumeWaitersIfDrained() {
        let ready = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            guard open.load(ordering: .acquiring) == 0 else { return [] }
            defer { waiters = [] }
            return waiters
        }
        for waiter in ready { waiter.resume() }
    }
}
