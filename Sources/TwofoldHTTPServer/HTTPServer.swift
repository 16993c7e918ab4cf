import Synchronization
import TwofoldHTTP
import TwofoldSystem

#if canImport(Glibc)
    import Glibc
#endif

/// An event-driven HTTP/1.1 server on the project's own event loops.
///
/// One loop (the group's first) accepts; connections are handed round-robin to the group's loops
/// and stay on theirs for life. Keep-alive, pipelining (answered in order), HTTP/1.0, `Expect:
/// 100-continue`, the parser's size limits, per-connection timeouts and a connection cap; see
/// `Configuration`. Over the cap a new connection gets a canned `503` with `Retry-After: 1` and
/// is closed at once, so overload is visible to clients instead of hanging in the backlog.
///
/// Graceful shutdown (`shutdown(deadline:)`, or a `ServiceGroup`): stop accepting, close idle
/// connections, let requests in flight finish with `Connection: close`, force-close whatever
/// remains at the deadline, then return.
public final class HTTPServer: Service, Sendable {
    public let name = "http-server"
    let core: HTTPServerCore
    private let contexts: [LoopBound<LoopContext>]
    private let acceptLoop: EventLoop
    private let cursor = Atomic<Int>(0)
    private let listener = Mutex(ListenerState())
    /// Accept failures and cap refusals come in floods: one log line per 10 s, with a count.
    private let acceptFailures: LogThrottle
    private let acceptRecoveries: LogThrottle
    private let capRefusals: LogThrottle

    private struct ListenerState {
        enum Phase { case idle, running, stopped }
        var phase = Phase.idle
        var socket: Socket?
        var registration: EventLoop.Registration?
        var localAddress: SocketAddress?
        /// The current pause after a failed `accept`; nil while accepting normally.
        var acceptBackoff: Duration?
    }

    /// - Parameters:
    ///   - group: the loops connections are spread over; its first loop also accepts.
    ///   - logger: for the access log and server events.
    public init(configuration: Configuration, group: EventLoopGroup, logger: Logger, handler: any HTTPHandler) {
        let core = HTTPServerCore(configuration: configuration, handler: handler, logger: logger)
        self.core = core
        contexts = group.loops.map { LoopBound(handingOver: LoopContext(loop: $0, server: core), loop: $0) }
        acceptLoop = group.loops[0]
        acceptFailures = LogThrottle(clock: acceptLoop.clock)
        acceptRecoveries = LogThrottle(clock: acceptLoop.clock)
        capRefusals = LogThrottle(clock: acceptLoop.clock)
    }

    public var configuration: Configuration { core.configuration }

    /// The bound address (with the real port when configured with port 0); nil before `start()`.
    public var localAddress: SocketAddress? { listener.withLock { $0.localAddress } }

    /// Connections currently open (including those being handed to their loop).
    public var openConnectionCount: Int { core.openConnections }

    /// Binds, listens and starts accepting. Throws `HTTPServerError.listenFailed` or `.alreadyStarted`.
    public func start() async throws {
        let configuration = core.configuration
        // systemd's default soft limit (1024) is below a cap of 1024 plus the gateway's own files.
        let needed = UInt64(max(0, configuration.maxConnections)) + 128
        if DescriptorLimit.raiseSoftLimit(toAtLeast: needed) < needed {
            core.logger.warning(
                "the descriptor limit is below the connection cap plus reserve; raise LimitNOFILE",
                ["limit": .integer(DescriptorLimit.current().soft), "needed": .integer(needed)])
        }
        let address = try await acceptLoop.submit { [self] () throws(HTTPServerError) -> SocketAddress in
            try listener.withLock { state throws(HTTPServerError) in
                guard state.phase == .idle else { throw .alreadyStarted() }
            }
            let socket: Socket
            let registration: EventLoop.Registration
            let bound: SocketAddress
            do throws(SystemError) {
                socket = try Socket.listen(
                    on: configuration.address, backlog: configuration.backlog,
                    unixMode: mode_t(configuration.unixSocketMode))
                bound = (try? socket.localAddress()) ?? configuration.address
                registration = try acceptLoop.register(socket.descriptor, interest: .readable) { [self] _ in
                    acceptAll()
                }
            } catch {
                throw .listenFailed(error)
            }
            listener.withLock {
                $0.phase = .running
                $0.socket = socket
                $0.registration = registration
                $0.localAddress = bound
            }
            return bound
        }
        core.logger.info("listening", ["address": .string(address.description), "loops": .integer(contexts.count)])
    }

    public func start(context: ServiceContext) async throws {
        try await start()
    }

    /// Graceful shutdown, finishing by `deadline` (by the loops' clock). Idempotent.
    public func shutdown(deadline: Deadline) async {
        core.beginShutdown()
        try? await acceptLoop.submit { [self] in stopAccepting() }
        for context in contexts { context.loop.execute { context.value.drainAll() } }
        let contexts = self.contexts
        let forceClose = acceptLoop.scheduleTask(deadline: deadline) {
            for context in contexts { context.loop.execute { context.value.closeAll() } }
        }
        await core.waitUntilNoConnections()
        forceClose.cancel()
        core.logger.info("stopped")
    }

    /// Graceful shutdown within `gracePeriod` from now.
    public func shutdown(gracePeriod: Duration) async {
        await shutdown(deadline: acceptLoop.clock.now() + gracePeriod)
    }

    // MARK: Accepting (accept loop only).

    private func stopAccepting() {
        let (socket, registration, wasRunning) = listener.withLock { state in
            defer {
                state.phase = .stopped
                state.socket = nil
                state.registration = nil
            }
            return (state.socket, state.registration, state.phase == .running)
        }
        if let registration { acceptLoop.deregister(registration) }
        socket?.close()
        if wasRunning, case .unix(let path) = core.configuration.address, !path.hasPrefix("@") {
            _ = unlink(path)
        }
    }

    private func acceptAll() {
        guard let socket = listener.withLock({ $0.socket }) else { return }
        // Bounded per wake-up so the accept loop's own connections are served too.
        for _ in 0..<64 {
            let accepted: IOResult<Socket>
            do {
                accepted = try socket.accept()
            } catch {
                pauseAccepting(after: error)
                return
            }
            guard case .processed(let connection) = accepted else { return }
            if listener.withLock({ $0.acceptBackoff != nil }) { acceptingAgain() }
            admit(connection)
        }
    }

    /// Out of descriptors (or another accept failure): the pending connection stays queued and
    /// level-triggered epoll would report it again at once, so stop watching for a back-off
    /// (50 ms, doubling to 1 s while it keeps failing). Logged once per 10 s with a count.
    private func pauseAccepting(after error: SystemError) {
        acceptFailures.record { count in
            core.logger.warning(
                "accept failed; pausing accepts",
                ["error": .string(error.message), "errno": .integer(error.errno), "count": .integer(count)])
        }
        let (registration, pause) = listener.withLock { state -> (EventLoop.Registration?, Duration) in
            let pause = min((state.acceptBackoff ?? .milliseconds(25)) * 2, .seconds(1))
            state.acceptBackoff = pause
            return (state.registration, pause)
        }
        guard let registration else { return }
        try? acceptLoop.setInterest([], for: registration)
        acceptLoop.scheduleTask(in: pause) { [self] in
            guard let registration = listener.withLock({ $0.registration }) else { return }
            try? acceptLoop.setInterest(.readable, for: registration)
        }
    }

    /// Accepting works again; said at most once per 10 s (at the edge of the limit accepts
    /// alternate with failures), with the failures not yet logged.
    private func acceptingAgain() {
        listener.withLock { $0.acceptBackoff = nil }
        acceptRecoveries.record { _ in
            acceptFailures.flush { count in
                core.logger.notice("accepting again", ["failed_accepts_not_yet_logged": .integer(count)])
            }
        }
    }

    private func admit(_ socket: Socket) {
        guard !core.isShuttingDown else {
            socket.close()
            return
        }
        guard core.reserveConnection() else {
            refuse(socket)
            return
        }
        if case .unix = core.configuration.address {} else { try? socket.setNoDelay(true) }
        let ticket = UInt(bitPattern: cursor.wrappingAdd(1, ordering: .relaxed).oldValue)
        let context = contexts[Int(ticket % UInt(contexts.count))]
        if context.loop === acceptLoop {
            context.value.adopt(socket)
        } else {
            context.loop.execute { context.value.adopt(socket) }
        }
    }

    /// Over the connection cap: one best-effort write of a fixed 503, then close.
    private func refuse(_ socket: Socket) {
        var bytes: [UInt8] = []
        var response = core.errorResponse(
            ErrorReply(
                status: .serviceUnavailable, code: "http.too_many_connections",
                message: "Server busy, try again shortly.", path: nil))
        for field in core.securityFields where !response.headers.contains(field.name) {
            response.headers.add(field.name, field.value)
        }
        response.serialize(
            into: &bytes, date: HTTPDate(secondsSince1970: SystemInfo.wallClockSeconds()).imfFixdate, keepAlive: false)
        _ = try? socket.write(bytes)
        socket.close()
        capRefusals.record { count in
            core.logger.warning(
                "connections refused: limit reached",
                ["limit": .integer(core.configuration.maxConnections), "count": .integer(count)])
        }
    }
}
