import Synchronization
import TwofoldSystem
import TwofoldWire

/// The loop-thread half of `WireClient`: the current connection, ids, back-off and logging.
/// Every method runs on `loop` (checked); completions are called there after the state they
/// depend on is settled, so a completion that calls the client again finds it consistent.
///
/// Not `Sendable`: every member is touched on `loop`'s thread only. `WireClient` holds it as a
/// `LoopBound` and reaches it through `loop.execute`; closures the loop runs later do the same.
final class WireClientCore {
    /// Whether a connection is open; shared with `WireClient`, which reads it from any thread.
    final class ConnectedFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    struct Call: Sendable {
        let operation: String
        let args: [String: JSONValue]
        let timeout: Duration
        let deadlineAt: Int64
        let idempotencyKey: IdempotencyKey?
        let completion: @Sendable (Result<WireResponse, WireError>) -> Void
    }

    let configuration: WireClient.Configuration
    let loop: EventLoop
    let logger: Logger?
    private let isConnected: ConnectedFlag

    private var connection: WireClientConnection?
    private var nextID: UInt64 = 1
    private var failures = 0
    private var retryAt: Deadline?
    /// Ids of calls that timed out recently, so their late answers are told apart from strays.
    private var timedOut = RecentIDs(capacity: 1024)

    /// Repeating events, logged at most once per interval of the loop's clock.
    private let malformed: LogThrottle
    private let strays: LogThrottle
    private let lateAnswers: LogThrottle
    private let refusals: LogThrottle

    init(configuration: WireClient.Configuration, loop: EventLoop, logger: Logger?, connected: ConnectedFlag) {
        self.configuration = configuration
        self.isConnected = connected
        self.loop = loop
        self.logger = logger
        malformed = LogThrottle(clock: loop.clock)
        strays = LogThrottle(clock: loop.clock)
        lateAnswers = LogThrottle(clock: loop.clock)
        refusals = LogThrottle(clock: loop.clock)
    }

    private func assertOnLoop() {
        precondition(loop.inEventLoop, "WireClientCore is confined to its event loop")
    }

    // MARK: Calls

    func start(_ call: Call) {
        assertOnLoop()
        let connection: WireClientConnection
        if let current = self.connection, !current.closed {
            connection = current
        } else {
            do {
                connection = try connect()
            } catch {
                // Connecting to a Unix socket fails at once when nobody listens, so every call
                // tries again: the first call after the peer returns goes through.
                noteFailure()
                call.completion(.failure(.unavailable(retryAfterMs: retryHintMs())))
                return
            }
        }
        guard connection.pending.count < configuration.maxOutstandingCalls,
            connection.queuedByteCount < configuration.maxQueuedBytes
        else {
            refusals.record { count in
                logger?.warning(
                    "calls refused: too many outstanding on the connection",
                    ["socket": .string(configuration.path), "count": .integer(count)])
            }
            call.completion(.failure(.unavailable(retryAfterMs: 100)))
            return
        }
        let id = nextID
        nextID += 1
        let request = WireRequest(
            id: .number(id), operation: call.operation, args: call.args,
            deadlineAt: min(max(call.deadlineAt, 0), WireRequest.maxDeadline), idempotencyKey: call.idempotencyKey,
            anyOrder: true)
        let frame: [UInt8]
        do {
            frame = try FrameEncoder.encode(request.encoded(), maxFrameLength: configuration.maxFrameLength)
        } catch {
            call.completion(.failure(error))
            return
        }
        let core = LoopBound(self, loop: loop)
        let bound = LoopBound(connection, loop: loop)
        let timer = loop.scheduleTask(in: call.timeout) { core.value.timeOut(id, on: bound.value) }
        connection.enqueue(frame, for: id, completion: call.completion, timer: timer)
        if connection.connected { flush(connection) }
    }

    private func timeOut(_ id: UInt64, on connection: WireClientConnection) {
        guard let call = connection.pending.removeValue(forKey: id) else { return }
        timedOut.insert(id)
        call.completion(.failure(.responseTimeout()))
        connection.noteActivity(at: loop.clock.now())
        armIdleTimer(connection)
    }

    /// Closes the current connection, if any; its outstanding calls fail.
    func closeConnection(reason: String) {
        assertOnLoop()
        guard let connection else { return }
        abandon(connection, reason: reason, backoff: false)
    }

    // MARK: Connection lifecycle

    private func connect() throws(SystemError) -> WireClientConnection {
        let (socket, isConnected) = try Socket.connect(to: .unix(path: configuration.path))
        let connection = WireClientConnection(
            socket: socket, connected: isConnected, maxFrameLength: configuration.maxFrameLength,
            now: loop.clock.now())
        do {
            connection.registration = try loop.register(
                socket.descriptor, interest: isConnected ? .readable : [.readable, .writable]
            ) { [self] events in self.handle(events, on: connection) }
        } catch {
            socket.close()
            throw error
        }
        self.connection = connection
        if isConnected { connectionEstablished() }
        return connection
    }

    private func connectionEstablished() {
        failures = 0
        retryAt = nil
        isConnected.value.store(true, ordering: .relaxed)
    }

    private func handle(_ events: IOEvents, on connection: WireClientConnection) {
        guard !connection.closed else { return }
        if !connection.connected {
            guard events.contains(.writable) || events.contains(.error) || events.contains(.hangup) else { return }
            do {
                try connection.socket.finishConnect()
            } catch {
                abandon(connection, reason: "connect failed", backoff: true)
                return
            }
            connection.connected = true
            connectionEstablished()
            flush(connection)
            return
        }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
            readAvailable(connection)
        }
        if events.contains(.writable), !connection.closed { flush(connection) }
    }

    /// Reads and delivers what the server sent, stopping as soon as the connection is given up
    /// (a delivery may abandon it): the socket is never touched after it was closed.
    private func readAvailable(_ connection: WireClientConnection) {
        for _ in 0..<4 {
            guard !connection.closed else { return }
            let result: IOResult<[UInt8]>
            do {
                result = try connection.socket.read(upTo: 64 * 1024)
            } catch {
                abandon(connection, reason: "read failed: \(error.message)", backoff: true)
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(let bytes) where bytes.isEmpty:
                serverClosed(connection)
                return
            case .processed(let bytes):
                connection.noteActivity(at: loop.clock.now())
                connection.decoder.feed(bytes)
                while !connection.closed {
                    let frame: Frame?
                    do {
                        frame = try connection.decoder.next()
                    } catch {
                        protocolViolation(on: connection, "a malformed frame (\(error.code))")
                        return
                    }
                    guard let frame else { break }
                    deliver(frame, on: connection)
                }
                armIdleTimer(connection)
            }
        }
    }

    private func serverClosed(_ connection: WireClientConnection) {
        if connection.decoder.bufferedByteCount > 0 {
            protocolViolation(on: connection, "the connection closed in the middle of a frame")
        } else if !connection.pending.isEmpty {
            protocolViolation(on: connection, "the connection closed with calls unanswered")
        } else {
            // An idle close (the server's idle timeout, or its shutdown): the next call reconnects.
            abandon(connection, reason: "closed by the server", backoff: false)
        }
    }

    private func deliver(_ frame: Frame, on connection: WireClientConnection) {
        let response: WireResponse
        do {
            response = try WireResponse.decode(frame.payload)
        } catch {
            protocolViolation(on: connection, "a malformed answer (\(error.code): \(error.message))")
            return
        }
        switch response.id {
        case .number(let id)?:
            if let call = connection.pending.removeValue(forKey: id) {
                call.timer.cancel()
                call.completion(.success(response))
            } else if timedOut.contains(id) {
                lateAnswers.record { count in
                    logger?.info(
                        "late answers dropped (their calls had timed out)",
                        ["socket": .string(configuration.path), "count": .integer(count)])
                }
            } else {
                stray(response)
            }
        case .string?:
            stray(response)
        case nil:
            refused(with: response, on: connection)
        }
    }

    private func stray(_ response: WireResponse) {
        strays.record { count in
            logger?.warning(
                "answers with an unknown id dropped",
                ["socket": .string(configuration.path), "count": .integer(count)])
        }
    }

    /// An answer with id `null`. The server sends one when it refuses the connection (not an
    /// allowed peer, too many connections) or the stream (a framing error, after answering every
    /// earlier request): no outstanding call was run, and each gets that answer. Anything else
    /// with id `null` means the server could not read one of our requests, which this client
    /// never produces: the outcome of every outstanding call is then unknown.
    private func refused(with response: WireResponse, on connection: WireClientConnection) {
        guard case .failure(let payload) = response.outcome,
            payload.code == "peer.forbidden" || payload.code == "unavailable" || payload.code.hasPrefix("frame.")
        else {
            protocolViolation(on: connection, "an answer with id null that is not a refusal")
            return
        }
        logger?.warning(
            "the server refused the connection", ["socket": .string(configuration.path), "code": .string(payload.code)])
        let calls = connection.close()
        connectionGone(connection, backoff: true)
        for call in calls.values {
            call.timer.cancel()
            call.completion(.success(response))
        }
    }

    private func protocolViolation(on connection: WireClientConnection, _ reason: String) {
        let outstanding = connection.pending.count
        malformed.record { count in
            logger?.warning(
                "the server broke the protocol; outstanding calls failed and the connection was closed",
                [
                    "socket": .string(configuration.path), "reason": .string(reason),
                    "outstanding": .integer(outstanding), "count": .integer(count),
                ])
        }
        abandon(connection, reason: reason, backoff: true)
    }

    /// Closes `connection` and fails its calls: those whose whole frame reached the socket with
    /// `response.invalid` (the server may have run them), the others with `unavailable`.
    private func abandon(_ connection: WireClientConnection, reason: String, backoff: Bool) {
        let written = connection.writtenTotal
        let calls = connection.close()
        connectionGone(connection, backoff: backoff)
        for (_, call) in calls.sorted(by: { $0.key < $1.key }) {
            call.timer.cancel()
            if call.frameEnd <= written {
                call.completion(.failure(.noValidResponse("no valid answer: \(reason); the outcome is unknown")))
            } else {
                call.completion(.failure(.unavailable(retryAfterMs: retryHintMs())))
            }
        }
    }

    private func connectionGone(_ connection: WireClientConnection, backoff: Bool) {
        if let registration = connection.registration {
            loop.deregister(registration)
            connection.registration = nil
        }
        connection.socket.close()
        if self.connection === connection {
            self.connection = nil
            isConnected.value.store(false, ordering: .relaxed)
        }
        if backoff { noteFailure() }
    }

    private func noteFailure() {
        failures += 1
        let factor = 1 << min(failures - 1, 16)
        let delay = min(configuration.initialBackoff * factor, configuration.maximumBackoff)
        retryAt = loop.clock.now() + delay
    }

    /// The `retry_after_ms` hint of a local `unavailable`: what is left of the back-off after
    /// repeated failures (50 ms doubling to the configured maximum), else 100 ms.
    private func retryHintMs() -> Int {
        let now = loop.clock.now()
        guard let retryAt, now < retryAt else { return 100 }
        return Int(WireClient.roundedUpMillis(retryAt - now)) + 1
    }

    // MARK: Writing

    private func flush(_ connection: WireClientConnection) {
        guard !connection.closed, connection.connected else { return }
        switch connection.drain() {
        case .failed(let error):
            abandon(connection, reason: "write failed: \(error.message)", backoff: true)
        case .wouldBlock:
            setInterest([.readable, .writable], on: connection)
        case .drained:
            connection.noteActivity(at: loop.clock.now())
            setInterest(.readable, on: connection)
        }
    }

    private func setInterest(_ interest: IOEvents, on connection: WireClientConnection) {
        guard let registration = connection.registration else { return }
        do {
            try loop.setInterest(interest, for: registration)
        } catch {
            abandon(connection, reason: "epoll failed: \(error.message)", backoff: true)
        }
    }

    // MARK: Idle close

    /// Closes the connection once nothing has been outstanding for `idleTimeout` (re-armed
    /// lazily, like the server's timers).
    private func armIdleTimer(_ connection: WireClientConnection) {
        guard !connection.closed, connection.isIdle, connection.idleTimer == nil else { return }
        let core = LoopBound(self, loop: loop)
        let bound = LoopBound(connection, loop: loop)
        connection.idleTimer = loop.scheduleTask(deadline: connection.lastActivity + configuration.idleTimeout) {
            core.value.idleTimerFired(bound.value)
        }
    }

    private func idleTimerFired(_ connection: WireClientConnection) {
        connection.idleTimer = nil
        guard !connection.closed, connection.isIdle else { return }
        if loop.clock.now() < connection.lastActivity + configuration.idleTimeout {
            armIdleTimer(connection)
        } else {
            abandon(connection, reason: "idle", backoff: false)
        }
    }
}

/// A bounded set of recent ids: the oldest is forgotten first.
struct RecentIDs {
    private var members: Set<UInt64> = []
    private var order: [UInt64] = []
    private var oldest = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ id: UInt64) -> Bool { members.contains(id) }

    mutating func insert(_ id: UInt64) {
        guard members.insert(id).inserted else { return }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[oldest])
            order[oldest] = id
            oldest = (oldest + 1) % capacity
        }
    }
}
