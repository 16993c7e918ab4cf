import Synchronization
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

/// A Unix-socket server for length-prefixed JSON frames on the project's event loop: many
/// concurrent clients, pipelined requests answered in order, peers checked with SO_PEERCRED, the
/// frame size checked before any allocation. Malformed JSON or an unknown op is answered with an
/// error and the connection kept; broken framing is answered and that connection alone closed.
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

        public init(path: String) { self.path = path }
    }

    let configuration: Configuration
    let service: any WireService
    let loop: EventLoop
    let logger: Logger
    let reader: WireRequestReader
    /// Loop-thread state, behind a lock only so `Sendable` holds; contention is nil.
    let state = Mutex(State())

    struct State: @unchecked Sendable {
        var listener: Socket?
        var registration: EventLoop.Registration?
        var connections: [ObjectIdentifier: WireServerConnection] = [:]
        var shuttingDown = false
    }

    public init(configuration: Configuration, service: any WireService, loop: EventLoop, logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.loop = loop
        self.logger = logger
        self.reader = WireRequestReader(operations: service.operations)
    }

    /// Creates the socket (replacing a stale one) and starts accepting. Call from any thread.
    public func start() async throws {
        let configuration = configuration
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
            for connection in connections { connection.closeWhenIdle() }
        }
        let deadline = ContinuousClock.now + gracePeriod
        while connectionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await loop.submit {
            for connection in self.state.withLock({ Array($0.connections.values) }) { connection.close() }
        }
    }

    private func acceptAll() {
        guard let listener = state.withLock({ $0.listener }) else { return }
        while true {
            let accepted: IOResult<Socket>
            do {
                accepted = try listener.accept()
            } catch {
                // EMFILE and friends: log, and let level-triggered epoll retry on the next turn.
                logger.warning("accept failed", ["error": .string(error.description)])
                return
            }
            guard case .processed(let socket) = accepted else { return }
            admit(socket)
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
            logger.warning(
                "peer refused",
                ["uid": .integer(peer.userID), "gid": .integer(peer.groupID), "pid": .integer(peer.processID)])
            let refusal = WireResponse.failure(
                id: nil, WireErrorPayload(code: "peer.forbidden", message: "This process may not use this socket."))
            _ = try? socket.write(refusal.framed())
            socket.close()
            return
        }
        guard connectionCount < configuration.maxConnections else {
            let busy = WireResponse.failure(id: nil, WireError.unavailable(retryAfterMs: 1000))
            _ = try? socket.write(busy.framed())
            socket.close()
            return
        }
        do {
            let connection = try WireServerConnection(socket: socket, peer: peer, server: self)
            state.withLock { $0.connections[ObjectIdentifier(connection)] = connection }
        } catch {
            socket.close()
        }
    }

    func connectionClosed(_ connection: WireServerConnection) {
        state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}
