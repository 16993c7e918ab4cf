import Synchronization
import TwofoldSystem
import TwofoldWire

/// A Unix-socket server for length-prefixed JSON frames on the project's event loop: many
/// concurrent clients, pipelined requests (answered when done for clients that match answers by
/// id, else in order), peers checked with SO_PEERCRED, the frame size checked before any
/// allocation, requests whose deadline has passed refused unstarted. Malformed JSON or an unknown
/// op is answered with an error and the connection kept; broken framing is answered and that
/// connection alone closed.
///
/// Limits (protocol/README.md, Connections): at most `maxConnections` clients, the next ones are
/// answered `unavailable` and closed; a frame must complete within `frameTimeout`; a connection
/// with nothing in flight is closed after `idleTimeout`. When the process runs out of descriptors
/// (EMFILE/ENFILE) the server stops accepting for a back-off (50 ms doubling to 1 s) instead of
/// spinning on the listener; waiting clients stay in the kernel's backlog. Repeating events are
/// logged once per 10 s with a count.
public final class WireServer: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        /// Socket file mode; 0660 by default (owner and group).
        public var mode: UInt32 = 0o660
        /// Group to give the socket file to, so members can connect.
        public var group: UInt32?
        public var peers = PeerPolicy()
        /// The uid `peers` always admits (see `PeerPolicy`): this process's own. Tests set another
        /// value to exercise a refusal without a second user account.
        public var ownUserID = SystemInfo.userID
        public var maxFrameLength = FrameDecoder.defaultMaxFrameLength
        public var maxConnections = 1024
        /// Requests in flight per connection before the server stops reading from it.
        public var maxInFlightPerConnection = 512
        /// A connection with no request in flight, no answer queued and no partial frame is
        /// closed after this long. Clients reconnect on their next call (`WireClient` closes its
        /// own idle connections sooner, so it never races this close).
        public var idleTimeout: Duration = .seconds(300)
        /// A frame started in either direction (request bytes arriving, answer bytes leaving)
        /// must complete within this; a connection stuck longer is closed.
        public var frameTimeout: Duration = .seconds(10)
        /// Unix time in milliseconds, for requests' `deadline_at` (the wall clock: the one clock
        /// two processes share). Tests inject their own.
        public var wallClockMillis: @Sendable () -> Int64 = {
            Int64(SystemInfo.wallClockNanoseconds() / 1_000_000)
        }

        public init(path: String) { self.path = path }

        /// Descriptors the process needs for this server: the cap, plus room for its own files,
        /// the listener, outgoing connections and an `accept` that has to be refused.
        public var descriptorsNeeded: UInt64 { UInt64(max(0, maxConnections)) + 64 }
    }

    let configuration: Configuration
    let service: any WireService
    let loop: EventLoop
    let logger: Logger
    let reader: WireRequestReader
    /// Loop-thread state, behind a lock only so `Sendable` holds; contention is nil.
    let state = Mutex(State())

    /// Repeating events, logged at most once per interval of the loop's clock (a manual one in tests).
    let acceptFailures: LogThrottle
    let acceptRecoveries: LogThrottle
    let capRefusals: LogThrottle
    let peerRefusals: LogThrottle
    let deadlineRefusals: LogThrottle
    let frameTimeouts: LogThrottle

    struct State {
        var listener: Socket?
        var registration: EventLoop.Registration?
        var connections: [ObjectIdentifier: LoopBound<WireServerConnection>] = [:]
        var shuttingDown = false
        /// The current pause after a failed `accept`; nil while accepting normally.
        var acceptBackoff: Duration?
    }

    public init(configuration: Configuration, service: any WireService, loop: EventLoop, logger: Logger) {
        self.configuration = configuration
        self.service = service
        acceptFailures = LogThrottle(clock: loop.clock)
        acceptRecoveries = LogThrottle(clock: loop.clock)
        capRefusals = LogThrottle(clock: loop.clock)
        peerRefusals = LogThrottle(clock: loop.clock)
        deadlineRefusals = LogThrottle(clock: loop.clock)
        frameTimeouts = LogThrottle(clock: loop.clock)
        self.loop = loop
        self.logger = logger
        self.reader = WireRequestReader(operations: service.operations)
    }

    /// Creates the socket (replacing a stale one) and starts accepting. Call from any thread.
    public func start() async throws {
        let configuration = configuration
        let limit = DescriptorLimit.raiseSoftLimit(toAtLeast: configuration.descriptorsNeeded)
        if limit < configuration.descriptorsNeeded {
            logger.warning(
                "the descriptor limit is below the connection cap plus reserve; raise LimitNOFILE",
                ["limit": .integer(limit), "needed": .integer(configuration.descriptorsNeeded)])
        }
        try await loop.submit {
            let listener = try Socket.listen(on: .unix(path: configuration.path), unixMode: .init(configuration.mode))
            if let group = configuration.group {
                try FileSystem.changeGroup(of: configuration.path, to: group)
            }
            let registration = try self.loop.register(listener.descriptor, interest: .readable) { [self] _ in
                self.acceptAll()
            }
            self.state.withLock {
                $0.listener = listener
                $0.registration = registration
            }
        }
        logger.info("listening", ["socket": .string(configuration.path)])
    }

    /// Number of open connections (for stats and tests).
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Stops accepting, lets connections finish what is in flight (up to `deadline`), then closes them.
    public func shutdown(gracePeriod: Duration = .seconds(5)) async {
        try? await loop.submit {
            let (listener, registration, connections) = self.state.withLock { state in
                state.shuttingDown = true
                defer {
                    state.listener = nil
                    state.registration = nil
                }
                return (state.listener, state.registration, Array(state.connections.values))
            }
            if let registration { self.loop.deregister(registration) }
            listener?.close()
            for connection in connections { connection.value.closeWhenIdle() }
        }
        let deadline = ContinuousClock.now + gracePeriod
        while connectionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await loop.submit {
            for connection in self.state.withLock({ Array($0.connections.values) }) { connection.value.close() }
        }
    }

    private func acceptAll() {
        guard let listener = state.withLock({ $0.listener }) else { return }
        // Bounded per wake-up so the connections on this loop are served too.
        for _ in 0..<64 {
            let accepted: IOResult<Socket>
            do {
                accepted = try listener.accept()
            } catch {
                pauseAccepting(after: error)
                return
            }
            guard case .processed(let socket) = accepted else { return }
            if state.withLock({ $0.acceptBackoff != nil }) { acceptingAgain() }
            admit(socket)
        }
    }

    /// Out of descriptors (or another accept failure): the pending connection stays queued and
    /// level-triggered epoll would report it again at once, so stop watching the listener for a
    /// back-off (50 ms, doubling to 1 s while it keeps failing), then try again.
    private func pauseAccepting(after error: SystemError) {
        acceptFailures.record { count in
            logger.warning(
                "accept failed; pausing accepts",
                ["errno": .integer(error.errno), "error": .string(error.message), "count": .integer(count)])
        }
        let (registration, pause) = state.withLock { state -> (EventLoop.Registration?, Duration) in
            let pause = min((state.acceptBackoff ?? .milliseconds(25)) * 2, .seconds(1))
            state.acceptBackoff = pause
            return (state.registration, pause)
        }
        guard let registration else { return }
        do {
            try loop.setInterest([], for: registration)
        } catch {
            return
        }
        loop.scheduleTask(in: pause) { [self] in
            guard let registration = state.withLock({ $0.registration }) else { return }
            try? loop.setInterest(.readable, for: registration)
        }
    }

    /// Accepting works again; said at most once per 10 s (at the edge of the limit accepts
    /// alternate with failures), with the failures not yet logged.
    private func acceptingAgain() {
        state.withLock { $0.acceptBackoff = nil }
        acceptRecoveries.record { _ in
            acceptFailures.flush { count in
                logger.notice("accepting again", ["failed_accepts_not_yet_logged": .integer(count)])
            }
        }
    }

    private func admit(_ socket: Socket) {
        let peer: PeerCredentials
        do {
            peer = try socket.peerCredentials()
        } catch {
            socket.close()
            return
        }
        guard configuration.peers.admits(peer, ownUserID: configuration.ownUserID) else {
            peerRefusals.record { count in
                logger.warning(
                    "peer refused",
                    [
                        "uid": .integer(peer.userID), "gid": .integer(peer.groupID), "pid": .integer(peer.processID),
                        "count": .integer(count),
                    ])
            }
            let refusal = WireResponse.failure(
                id: nil, WireErrorPayload(code: "peer.forbidden", message: "This process may not use this socket."))
            _ = try? socket.write(refusal.framed())
            socket.close()
            return
        }
        guard connectionCount < configuration.maxConnections else {
            capRefusals.record { count in
                logger.warning(
                    "connections refused: limit reached",
                    ["limit": .integer(configuration.maxConnections), "count": .integer(count)])
            }
            let busy = WireResponse.failure(id: nil, WireError.unavailable(retryAfterMs: 1000))
            _ = try? socket.write(busy.framed())
            socket.close()
            return
        }
        do {
            let connection = try WireServerConnection(socket: socket, peer: peer, server: self)
            let bound = LoopBound(connection, loop: loop)
            state.withLock { $0.connections[ObjectIdentifier(connection)] = bound }
        } catch {
            socket.close()
        }
    }

    func connectionClosed(_ connection: WireServerConnection) {
        state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}
