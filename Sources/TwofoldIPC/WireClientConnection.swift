import TwofoldSystem
import TwofoldWire

/// The loop-thread half of `WireClient`: connection lifecycle, pending calls, framing.
enum WireClientConnection {
    struct Pending: @unchecked Sendable {
        let completion: @Sendable (Result<WireResponse, WireError>) -> Void
        let timer: ScheduledTask
    }

    struct State: @unchecked Sendable {
        var socket: Socket?
        var registration: EventLoop.Registration?
        var connected = false
        var decoder = FrameDecoder()
        var output: [UInt8] = []
        var outputOffset = 0
        var pending: [UInt64: Pending] = [:]
        var nextID: UInt64 = 1
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }
}

extension WireClient {
    func start(
        operation: String, args: [String: JSONValue], timeout: Duration,
        completion: @escaping @Sendable (Result<WireResponse, WireError>) -> Void
    ) {
        if state.withLock({ $0.socket == nil }) {
            do {
                try connect()
            } catch {
                // Connecting to a Unix socket fails at once when nobody listens, so every call
                // tries again: the first call after the peer returns goes through.
                disconnect(reason: "connect failed", backoff: true)
                completion(.failure(.unavailable(retryAfterMs: retryHintMs())))
                return
            }
        }
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let request = WireRequest(id: .number(id), operation: operation, args: args)
        let bytes: [UInt8]
        do {
            bytes = try FrameEncoder.encode(request.encoded(), maxFrameLength: configuration.maxFrameLength)
        } catch {
            completion(.failure(error))
            return
        }
        let timer = loop.scheduleTask(in: timeout) { [self] in
            if let call = self.state.withLock({ $0.pending.removeValue(forKey: id) }) {
                call.completion(.failure(.unavailable(retryAfterMs: 1000)))
                // Responses come back in request order, so everything behind the late one is stuck
                // too: drop the connection (failing those calls) and let the next call reconnect.
                self.disconnect(reason: "request timed out", backoff: false)
            }
        }
        state.withLock {
            $0.pending[id] = WireClientConnection.Pending(completion: completion, timer: timer)
            $0.output.append(contentsOf: bytes)
        }
        if state.withLock({ $0.connected }) { flush() }
    }

    private func connect() throws(SystemError) {
        let (socket, isConnected) = try Socket.connect(to: .unix(path: configuration.path))
        let registration = try loop.register(
            socket.descriptor, interest: isConnected ? .readable : [.readable, .writable]
        ) {
            [self] events in self.handle(events)
        }
        state.withLock {
            $0.socket = socket
            $0.registration = registration
            $0.connected = isConnected
            $0.decoder = FrameDecoder(maxFrameLength: configuration.maxFrameLength)
        }
    }

    private func handle(_ events: IOEvents) {
        guard let socket = state.withLock({ $0.socket }) else { return }
        if !state.withLock({ $0.connected }) {
            guard events.contains(.writable) || events.contains(.error) || events.contains(.hangup) else { return }
            do {
                try socket.finishConnect()
            } catch {
                disconnect(reason: "connect failed", backoff: true)
                return
            }
            state.withLock {
                $0.connected = true
                $0.failures = 0
                $0.retryAt = nil
            }
            flush()
            return
        }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) { readAvailable(socket) }
        if events.contains(.writable) { flush() }
    }

    private func readAvailable(_ socket: Socket) {
        for _ in 0..<4 {
            let result: IOResult<[UInt8]>
            do {
                result = try socket.read(upTo: 64 * 1024)
            } catch {
                disconnect(reason: "read failed", backoff: true)
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(let bytes) where bytes.isEmpty:
                disconnect(reason: "server closed the connection", backoff: true)
                return
            case .processed(let bytes):
                state.withLock { $0.decoder.feed(bytes) }
                while true {
                    let frame: Frame?
                    do {
                        frame = try state.withLock { state throws(WireError) in try state.decoder.next() }
                    } catch {
                        disconnect(reason: "broken framing from server", backoff: true)
                        return
                    }
                    guard let frame else { break }
                    deliver(frame)
                }
            }
        }
    }

    private func deliver(_ frame: Frame) {
        guard let response = try? WireResponse.decode(frame.payload) else {
            disconnect(reason: "undecodable response", backoff: true)
            return
        }
        guard case .number(let id)? = response.id else {
            // An error without an id (e.g. peer.forbidden): the server is about to close; fail all.
            failAll(with: response)
            return
        }
        if let call = state.withLock({ $0.pending.removeValue(forKey: id) }) {
            _ = call.timer.cancel()
            call.completion(.success(response))
        }
    }

    private func failAll(with response: WireResponse) {
        let calls = state.withLock { state -> [WireClientConnection.Pending] in
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for call in calls {
            _ = call.timer.cancel()
            call.completion(.success(response))
        }
    }

    private func flush() {
        guard let socket = state.withLock({ $0.socket }) else { return }
        while true {
            let (output, offset) = state.withLock { ($0.output, $0.outputOffset) }
            guard offset < output.count else { break }
            let result = output.withUnsafeBytes { buffer in
                Result { () throws(SystemError) -> IOResult<Int> in
                    try socket.write(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                }
            }
            switch result {
            case .failure:
                disconnect(reason: "write failed", backoff: true)
                return
            case .success(.wouldBlock):
                setInterest([.readable, .writable])
                return
            case .success(.processed(let written)):
                state.withLock { $0.outputOffset += written }
            }
        }
        state.withLock {
            $0.output.removeAll(keepingCapacity: true)
            $0.outputOffset = 0
        }
        setInterest(.readable)
    }

    private func setInterest(_ interest: IOEvents) {
        guard let registration = state.withLock({ $0.registration }) else { return }
        do {
            try loop.setInterest(interest, for: registration)
        } catch {
            disconnect(reason: "epoll failed", backoff: true)
        }
    }

    /// The `retry_after_ms` hint of an `unavailable` answer: the back-off after repeated failures
    /// (50 ms doubling to the configured maximum).
    func retryHintMs() -> Int {
        guard let retryAt = state.withLock({ $0.retryAt }), ContinuousClock.now < retryAt else { return 100 }
        let wait = retryAt - ContinuousClock.now
        return Int(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000) + 1
    }

    /// Drops the connection and fails every pending call with `unavailable`; with `backoff`, the
    /// retry hint grows (50 ms doubling to the configured maximum).
    func disconnect(reason: String, backoff: Bool) {
        let (socket, registration, calls) = state.withLock { state in
            defer {
                state.socket = nil
                state.registration = nil
                state.connected = false
                state.pending.removeAll()
                state.output.removeAll()
                state.outputOffset = 0
                if backoff {
                    state.failures += 1
                    let factor = 1 << min(state.failures - 1, 16)
                    let delay = min(configuration.initialBackoff * factor, configuration.maximumBackoff)
                    state.retryAt = ContinuousClock.now + delay
                }
            }
            return (state.socket, state.registration, Array(state.pending.values))
        }
        if let registration { loop.deregister(registration) }
        socket?.close()
        for call in calls {
            _ = call.timer.cancel()
            call.completion(.failure(.unavailable(retryAfterMs: 100)))
        }
    }
}
