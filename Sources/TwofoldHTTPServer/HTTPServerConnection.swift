import TwofoldHTTP
import TwofoldSystem

/// One accepted client, confined to its loop's thread. Reads bytes into the parser, hands
/// complete requests to the handler one at a time (so pipelined requests are answered in order
/// without a reorder buffer), serializes responses, and closes when the exchange is over.
///
/// Reading pauses while a request is being handled and enough of the next ones is buffered, and
/// while too much output is queued: a client that does not read cannot grow our memory.
///
/// Not `Sendable`: every member is used on the loop thread only. A `ResponseWriter` and the
/// timers carry it as a `LoopBound` and hop to the loop before touching it.
final class HTTPServerConnection: PolledConnection {
    let socket: Socket
    let context: LoopContext
    let remoteAddress: SocketAddress?
    private let remoteText: String
    private var registration: EventLoop.Registration?
    private var parser: HTTPRequestParser

    private var output: [UInt8] = []
    private var outputOffset = 0

    private struct InFlight {
        let serial: UInt64
        let head: HTTPRequestHead
        let startedAt: Deadline
    }

    /// The request the handler is working on; nil between requests.
    private var inFlight: InFlight?
    private var nextSerial: UInt64 = 0

    /// No more requests will be read (final response decided, failure, EOF or shutdown).
    private var readClosed = false
    /// The peer sent EOF.
    private var peerClosed = false
    /// Close (after lingering) as soon as the output is flushed.
    private var closeAfterFlush = false
    /// Final response sent and write side shut; discarding input until EOF or the linger deadline.
    private var lingering = false
    private var draining = false
    private(set) var closed = false
    var isClosed: Bool { closed }
    /// Guards against re-entering `process()` when a handler answers synchronously.
    private var processing = false
    /// Event pulling stopped because too much output was queued.
    private var stalledOnOutput = false

    // Timeout bookkeeping (see `desiredDeadline`).
    var requestStartedAt: Deadline?
    /// When the head of the request being received was complete and its body began (after the
    /// `100 Continue`, if one was sent); nil while no body is being received.
    var bodyStartedAt: Deadline?
    var lastReadAt: Deadline
    var idleSince: Deadline
    var lastWriteProgressAt: Deadline
    var lingerDeadline = Deadline.distantFuture
    var timer = DeadlineTimer()

    static let maxQueuedOutput = 1 << 20
    /// Input read ahead (pipelined requests) while a request is being handled.
    static let maxReadAhead = 64 * 1024

    var server: HTTPServerCore { context.server }
    var loop: EventLoop { context.loop }

    /// The connection's slot in the per-address limit, released on close; nil when not counted.
    private let addressKey: String?

    init(socket: Socket, context: LoopContext, remoteAddress: SocketAddress?, addressKey: String?) throws(SystemError) {
        self.socket = socket
        self.context = context
        self.remoteAddress = remoteAddress
        self.addressKey = addressKey
        remoteText = remoteAddress?.description ?? "-"
        parser = HTTPRequestParser(
            limits: context.server.configuration.limits, allowedHosts: context.server.configuration.allowedHosts)
        let now = context.loop.clock.now()
        lastReadAt = now
        idleSince = now
        lastWriteProgressAt = now
        registration = try context.loop.register(socket.descriptor, interest: .readable) { [unowned self] events in
            self.handle(events)
        }
        updateTimer()
    }

    // MARK: Events.

    private func handle(_ events: IOEvents) {
        guard beginWakeUp(events) else { return }
        guard events.contains(.readable) || events.contains(.hangup) else { return }
        if lingering {
            discardInput()
        } else if !readClosed {
            readOnce()
        } else if events.contains(.hangup) {
            // Without read interest only a full hang-up is reported: nothing can be delivered.
            close()
        }
    }

    /// One read per wake-up: level-triggered epoll calls again if more is waiting, and a second
    /// read that would only return EAGAIN is saved on the common one-request-per-packet path.
    private func readOnce() {
        guard let count = readOrClose({ () throws(SystemError) in try socket.read(into: context.readBuffer) }) else {
            return
        }
        if count == 0 {
            peerClosed = true
            readClosed = true
        } else {
            let now = loop.clock.now()
            lastReadAt = now
            if requestStartedAt == nil, inFlight == nil { requestStartedAt = now }
            parser.feed(UnsafeRawBufferPointer(rebasing: context.readBuffer[0..<count]))
        }
        process()
    }

    // MARK: Requests.

    /// Pulls parser events while nothing is in flight, then flushes. Re-entrant calls (a handler
    /// answering synchronously) return at once: the outer call carries on.
    private func process() {
        guard !processing, !closed else { return }
        processing = true
        pullEvents()
        processing = false
        flush()
    }

    private func pullEvents() {
        stalledOnOutput = false
        while !closed, inFlight == nil, !closeAfterFlush {
            if output.count - outputOffset >= Self.maxQueuedOutput {
                stalledOnOutput = true
                return
            }
            guard let event = parser.next() else { break }
            switch event {
            case .continueRequested:
                output.append(contentsOf: HTTPResponse.continueLine)
            case .request(let request):
                bodyStartedAt = nil
                let now = loop.clock.now()
                requestStartedAt = parser.hasPartialRequest ? now : nil
                dispatch(request, at: now)
            case .failure(let error):
                readClosed = true
                let reply = HTTPServer.ErrorReply(
                    status: error.status, code: error.code, message: error.message, path: parser.currentPath)
                serialize(server.errorResponse(reply), for: nil, startedAt: requestStartedAt ?? loop.clock.now())
            }
        }
        if inFlight == nil, !closeAfterFlush, peerClosed {
            // The peer is gone and every complete request is answered; a partial one cannot be.
            _ = parser.finish()
            closeAfterFlush = true
        }
        if bodyStartedAt == nil, inFlight == nil, parser.bodyBytesReceived != nil { bodyStartedAt = loop.clock.now() }
    }

    private func dispatch(_ request: HTTPRequest, at now: Deadline) {
        let serial = nextSerial
        nextSerial &+= 1
        inFlight = InFlight(serial: serial, head: request.head, startedAt: now)
        let writer = ResponseWriter(connection: self, loop: loop, serial: serial)
        let incoming = IncomingRequest(request: request, remoteAddress: remoteAddress, eventLoop: loop, receivedAt: now)
        server.handler.handle(incoming, writer: writer)
    }

    /// A handler's answer, on the loop thread. Stale answers (connection closed meanwhile) are dropped.
    func complete(serial: UInt64, response: HTTPResponse) {
        guard !closed, let current = inFlight, current.serial == serial else { return }
        inFlight = nil
        serialize(response, for: current.head, startedAt: current.startedAt)
        process()
    }

    /// The handler dropped its writer without answering: a 500, shaped like the server's other
    /// answers of its own.
    func completeWithoutAnswer(serial: UInt64) {
        guard !closed, let current = inFlight, current.serial == serial else { return }
        let reply = HTTPServer.ErrorReply(
            status: .internalServerError, code: "http.no_response", message: "Internal server error.",
            path: current.head.path)
        complete(serial: serial, response: server.errorResponse(reply))
    }

    /// Appends `response` to the output; `head` is nil for an answer to an unparseable request.
    func serialize(_ response: HTTPResponse, for head: HTTPRequestHead?, startedAt: Deadline) {
        var response = response
        for field in server.securityFields where !response.headers.contains(field.name) {
            response.headers.add(field.name, field.value)
        }
        let keepAlive = (head?.keepAlive ?? false) && !draining && !peerClosed && !readClosed
        let date = context.dateCache.current()
        let before = output.count
        if let head {
            response.serialize(into: &output, date: date, respondingTo: head, keepAlive: keepAlive)
        } else {
            response.serialize(into: &output, date: date, keepAlive: false)
        }
        if !keepAlive {
            closeAfterFlush = true
            readClosed = true
        }
        let now = loop.clock.now()
        idleSince = now
        if server.configuration.accessLog {
            logAccess(head: head, status: response.status, bytes: output.count - before, duration: now - startedAt)
        }
    }

    /// One line per request. The path only (through `accessLogPath`): the query string may carry
    /// tokens, and cookies and other headers are never logged.
    private func logAccess(head: HTTPRequestHead?, status: HTTPStatus, bytes: Int, duration: Duration) {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        server.logger.info(
            "request",
            [
                "method": .string(head?.method.rawValue ?? "-"),
                "path": .string(head.map { server.configuration.accessLogPath?($0.path) ?? $0.path } ?? "-"),
                "status": .int(Int64(status.code)),
                "bytes": .int(Int64(bytes)),
                "duration_us": .int(micros),
                "remote": .string(remoteText),
            ])
    }

    // MARK: Output.

    func flush() {
        guard !closed else { return }
        let pendingBefore = outputOffset < output.count
        let offsetBefore = outputOffset
        switch socket.drain(output, from: &outputOffset) {
        case .failed:
            close()
            return
        case .wouldBlock:
            if outputOffset > offsetBefore || !pendingBefore { lastWriteProgressAt = loop.clock.now() }
            updateInterest()
            updateTimer()
            return
        case .drained:
            break
        }
        if output.capacity > Self.maxQueuedOutput {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputOffset = 0
        if closeAfterFlush {
            finishExchange()
            return
        }
        if stalledOnOutput, !processing {
            process()
            return
        }
        updateInterest()
        updateTimer()
    }

    /// Everything is answered: close, lingering first if the peer may still be sending.
    private func finishExchange() {
        if peerClosed {
            close()
            return
        }
        lingering = true
        readClosed = true
        try? socket.shutdown(.write)
        lingerDeadline = loop.clock.now() + server.configuration.timeouts.linger
        updateInterest()
        updateTimer()
    }

    private func discardInput() {
        let result = try? socket.read(into: context.readBuffer)
        switch result {
        case .some(.wouldBlock): return
        case .some(.processed(let count)) where count > 0: return
        default: close()
        }
    }

    private func updateInterest() {
        guard let registration, !closed else { return }
        var interest: IOEvents = []
        if lingering {
            interest = .readable
        } else {
            if !readClosed, inFlight == nil || parser.bufferedByteCount < Self.maxReadAhead,
                output.count - outputOffset < Self.maxQueuedOutput
            {
                interest.insert(.readable)
            }
            if outputOffset < output.count { interest.insert(.writable) }
        }
        do {
            try loop.setInterest(interest, for: registration)
        } catch {
            close()
        }
    }

    // MARK: Lifecycle.

    /// Server shutdown: finish the request in flight (answered with `Connection: close`), then close.
    func drain() {
        guard !closed else { return }
        draining = true
        readClosed = true
        if inFlight == nil {
            if outputOffset < output.count {
                closeAfterFlush = true
                updateInterest()
            } else {
                close()
            }
        } else {
            updateInterest()
        }
    }

    /// Slow client: answer 408 if a request was under way, otherwise just close.
    func timedOut() {
        guard !lingering, outputOffset == output.count, inFlight == nil, parser.hasPartialRequest else {
            close()
            return
        }
        readClosed = true
        let timeout = server.errorResponse(
            HTTPServer.ErrorReply(
                status: .requestTimeout, code: "http.request_timeout", message: "Request timed out.",
                path: parser.currentPath))
        serialize(timeout, for: nil, startedAt: requestStartedAt ?? lastReadAt)
        flush()
    }

    func close() {
        guard !closed else { return }
        closed = true
        timer.cancel()
        if let registration { loop.deregister(registration) }
        registration = nil
        socket.close()
        context.connections.removeValue(forKey: ObjectIdentifier(self))
        if let addressKey { server.releaseAddress(addressKey) }
        server.connectionClosed()
    }

    /// The state the timeout logic reads.
    var isLingering: Bool { lingering }
    var hasPendingOutput: Bool { outputOffset < output.count }
    var hasRequestInFlight: Bool { inFlight != nil }
    var hasPartialRequest: Bool { parser.hasPartialRequest }
    var bodyBytesReceived: Int? { parser.bodyBytesReceived }
}
