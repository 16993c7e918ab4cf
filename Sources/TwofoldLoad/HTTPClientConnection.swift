import TwofoldSystem

/// A response with the loop-thread timestamps of the exchange (monotonic ns): when the request
/// was handed to the connection and when the last byte of the response was parsed, so the task
/// hop back to the scenario is not counted as server latency.
public struct HTTPExchange: Sendable {
    public let response: HTTPClientResponse
    public let sentAt: UInt64
    public let completedAt: UInt64
}

/// One HTTP/1.1 keep-alive connection on an event loop, one request at a time (no pipelining,
/// like a browser's connection). Connects lazily, reconnects after the server closes, and
/// retries once on a fresh connection when a reused one turns out to have been closed before the
/// first response byte (the keep-alive race). A request not answered within `timeout` fails and
/// closes the connection, since a late answer would be mistaken for the next one's.
public final class HTTPClientConnection: Sendable {
    public let loop: EventLoop
    private let core: LoopBound<HTTPClientConnectionCore>

    public init(loop: EventLoop, address: SocketAddress, timeout: Duration) {
        self.loop = loop
        core = LoopBound(
            handingOver: HTTPClientConnectionCore(loop: loop, address: address, timeout: timeout), loop: loop)
    }

    /// Sends `request` and waits for its response. Never call twice at once on one connection.
    public func send(_ request: HTTPClientRequest) async -> Result<HTTPExchange, LoadError> {
        await withCheckedContinuation { continuation in
            loop.execute { [core] in core.value.start(request, continuation) }
        }
    }

    /// Closes the socket (on the loop); a later `send` reconnects.
    public func close() {
        loop.execute { [core] in core.value.closeSocket() }
    }
}

/// The loop-thread half of `HTTPClientConnection`. Not `Sendable`: every mutable field is
/// touched only on `loop`'s thread, and the connection reaches it as a `LoopBound`.
final class HTTPClientConnectionCore {
    let loop: EventLoop
    let address: SocketAddress
    let host: String
    let timeout: Duration

    private struct Call {
        let request: HTTPClientRequest
        let continuation: CheckedContinuation<Result<HTTPExchange, LoadError>, Never>
        let sentAt: UInt64
        var timer: ScheduledTask?
        var retried: Bool
    }

    private var socket: Socket?
    private var registration: EventLoop.Registration?
    private var connected = false
    /// Whether the current socket already carried a response (so a close may be the race).
    private var reused = false
    private var parser = HTTPResponseParser()
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var call: Call?
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)

    init(loop: EventLoop, address: SocketAddress, timeout: Duration) {
        self.loop = loop
        self.address = address
        self.host = address.description
        self.timeout = timeout
    }

    // MARK: Loop thread.

    func start(
        _ request: HTTPClientRequest, _ continuation: CheckedContinuation<Result<HTTPExchange, LoadError>, Never>
    ) {
        precondition(call == nil, "one request at a time per HTTPClientConnection")
        call = Call(
            request: request, continuation: continuation, sentAt: SystemInfo.monotonicNanoseconds(), timer: nil,
            retried: false)
        let core = LoopBound(self, loop: loop)
        call?.timer = loop.scheduleTask(in: timeout) {
            core.value.fail(.timeout(request.name))
        }
        transmit()
    }

    private func transmit() {
        guard let call else { return }
        parser = HTTPResponseParser(headRequest: call.request.method == "HEAD")
        output = call.request.serialized(host: host)
        outputOffset = 0
        if socket == nil {
            do {
                let (socket, isConnected) = try Socket.connect(to: address)
                self.socket = socket
                connected = isConnected
                reused = false
                registration = try loop.register(
                    socket.descriptor, interest: isConnected ? .readable : [.readable, .writable]
                ) { [self] events in self.handle(events) }
                if isConnected { try? socket.setNoDelay(true) }
            } catch {
                closeSocket()
                fail(.connect("cannot connect to \(address): \(error)"))
                return
            }
        }
        if connected { flush() }
    }

    private func handle(_ events: IOEvents) {
        guard let socket else { return }
        if !connected {
            guard !events.isDisjoint(with: [.writable, .error, .hangup]) else { return }
            do {
                try socket.finishConnect()
            } catch {
                closeSocket()
                fail(.connect("cannot connect to \(address): \(error)"))
                return
            }
            connected = true
            try? socket.setNoDelay(true)
            flush()
            return
        }
        if !events.isDisjoint(with: [.readable, .hangup, .error]) { readAvailable(socket) }
        if events.contains(.writable), self.socket != nil { flush() }
    }

    private func readAvailable(_ socket: Socket) {
        while true {
            let result = readBuffer.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) -> IOResult<Int> in try socket.read(into: buffer) }
            }
            switch result {
            case .failure(let error):
                endOfStream(error: "read failed: \(error)")
                return
            case .success(.wouldBlock):
                return
            case .success(.processed(0)):
                endOfStream(error: nil)
                return
            case .success(.processed(let count)):
                guard call != nil else {
                    // Bytes nobody asked for: the connection is out of step; drop it.
                    closeSocket()
                    return
                }
                do {
                    if case .complete(let response) = try parser.feed(readBuffer[0..<count]) {
                        complete(response)
                        return
                    }
                } catch {
                    closeSocket()
                    fail(error)
                    return
                }
            }
        }
    }

    private func endOfStream(error: String?) {
        let wasReused = reused
        closeSocket()
        guard var current = call else { return }
        if !parser.hasStarted, wasReused, !current.retried {
            current.retried = true
            call = current
            transmit()
            return
        }
        if let error {
            fail(.closed(error))
            return
        }
        do {
            complete(try parser.finish())
        } catch {
            fail(error)
        }
    }

    private func flush() {
        guard let socket else { return }
        switch socket.drain(output, from: &outputOffset) {
        case .drained:
            setInterest(.readable)
        case .wouldBlock:
            setInterest([.readable, .writable])
        case .failed(let error):
            endOfStream(error: "write failed: \(error)")
        }
    }

    private func setInterest(_ interest: IOEvents) {
        guard let registration else { return }
        do {
            try loop.setInterest(interest, for: registration)
        } catch {
            endOfStream(error: "epoll failed: \(error)")
        }
    }

    private func complete(_ response: HTTPClientResponse) {
        guard let current = call else { return }
        call = nil
        _ = current.timer?.cancel()
        let completedAt = SystemInfo.monotonicNanoseconds()
        reused = true
        if !response.keepAlive { closeSocket() }
        current.continuation.resume(
            returning: .success(HTTPExchange(response: response, sentAt: current.sentAt, completedAt: completedAt)))
    }

    private func fail(_ error: LoadError) {
        guard let current = call else { return }
        call = nil
        _ = current.timer?.cancel()
        closeSocket()
        current.continuation.resume(returning: .failure(error))
    }

    func closeSocket() {
        if let registration { loop.deregister(registration) }
        socket?.close()
        socket = nil
        registration = nil
        connected = false
        reused = false
    }
}
