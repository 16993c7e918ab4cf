import TwofoldSystem
import TwofoldWire

/// One accepted client. Lives on the server's loop thread only: reads frames, hands requests to
/// the service, and writes each answer back when it is ready. A request that says `any_order`
/// is answered as soon as it is done; any other waits until every request that arrived before
/// it has been answered (a v1 client that counts answers by position keeps working). Reads
/// pause while too much is in flight or queued for writing.
///
/// Timeouts (by the loop's clock): a frame started in either direction must complete within
/// `frameTimeout`, and a connection with nothing in flight is closed after `idleTimeout`.
///
/// Not `Sendable`: every member is touched on `server.loop`'s thread only. Closures that the
/// loop or the service run later carry it as a `LoopBound`, which checks that thread on access.
final class WireServerConnection: PolledConnection {
    private let socket: Socket
    private let peer: PeerCredentials
    private unowned let server: WireServer
    private var registration: EventLoop.Registration?
    private var decoder: FrameDecoder

    /// Arrival sequence of the next request frame.
    private var nextSequence: UInt64 = 0
    /// The oldest request whose answer has not been written to `output` yet.
    private var head: UInt64 = 0
    /// Requests not yet answered into `output`, by sequence: in arrival order ones hold their
    /// finished answer until `head` reaches them; `any_order` ones leave as soon as they finish.
    private var unanswered: [UInt64: Slot] = [:]
    private var inFlight = 0
    private var output: [UInt8] = []
    private var outputOffset = 0
    /// The peer sent end-of-stream (it may still read our answers: a half-close).
    private var inputEnded = false
    /// No further requests are taken (framing broken, or shutdown); buffered ones are dropped.
    private var refusingRequests = false
    private var closed = false
    var isClosed: Bool { closed }
    /// A flush is queued for the end of this loop turn, so answers finished in the same turn
    /// (a group commit completes many at once) leave in one `send`.
    private var flushScheduled = false

    /// Last read or write progress, for the idle timeout.
    private var lastActivity: Deadline
    /// Since when a partial frame has been waiting for its remaining bytes.
    private var partialFrameSince: Deadline?
    /// Since when queued output has made no progress.
    private var writeStalledSince: Deadline?
    private var timer = DeadlineTimer()

    private struct Slot {
        let anyOrder: Bool
        var answer: [UInt8]?
    }

    private static let readChunk = 64 * 1024
    private static let maxQueuedOutput = 4 * 1024 * 1024

    init(socket: Socket, peer: PeerCredentials, server: WireServer) throws(SystemError) {
        self.socket = socket
        self.peer = peer
        self.server = server
        self.decoder = FrameDecoder(maxFrameLength: server.configuration.maxFrameLength)
        self.lastActivity = server.loop.clock.now()
        registration = try server.loop.register(socket.descriptor, interest: .readable) { [self] events in
            self.handle(events)
        }
        updateTimer()
    }

    private func handle(_ events: IOEvents) {
        guard beginWakeUp(events) else { return }
        if events.contains(.hangup) {
            // The peer closed its side, perhaps only for writing (a half-close): take everything it
            // sent, answer it, then close. A hang-up stays reported while the descriptor is
            // watched, so stop watching it; answers are written directly as they complete.
            readAvailable(untilEndOfStream: true)
            if !closed, let registration {
                server.loop.deregister(registration)
                self.registration = nil
            }
            if !closeIfDone() { updateTimer() }
            return
        }
        if events.contains(.readable) { readAvailable(untilEndOfStream: false) }
        updateTimer()
    }

    private func readAvailable(untilEndOfStream: Bool) {
        guard !inputEnded else { return }
        // Bounded work per wake-up keeps one busy client from starving the others.
        for _ in 0..<(untilEndOfStream ? 1024 : 4) {
            guard let bytes = readOrClose({ () throws(SystemError) in try socket.read(upTo: Self.readChunk) }) else {
                return
            }
            if bytes.isEmpty {
                peerFinished()
                return
            }
            lastActivity = server.loop.clock.now()
            decoder.feed(bytes)
            drainFrames()
            if refusingRequests || closed || (isBackpressured && !untilEndOfStream) { return }
        }
    }

    private func drainFrames() {
        var completed = false
        defer { notePartialFrame(afterCompletingOne: completed) }
        while !refusingRequests, !isBackpressured {
            let frame: Frame?
            do {
                frame = try decoder.next()
            } catch {
                // Broken framing: answer once, then close this connection only.
                refusingRequests = true
                answer(take(anyOrder: false), WireResponse.failure(id: nil, error).framed())
                return
            }
            guard let frame else { return }
            completed = true
            dispatch(frame)
        }
    }

    /// A frame must complete within `frameTimeout` of its first byte (or of the previous frame's
    /// completion, when bytes of the next one came in the same read).
    private func notePartialFrame(afterCompletingOne completed: Bool) {
        if decoder.bufferedByteCount == 0 {
            partialFrameSince = nil
        } else if completed || partialFrameSince == nil {
            partialFrameSince = server.loop.clock.now()
        }
    }

    private func dispatch(_ frame: Frame) {
        switch server.reader.read(frame.payload) {
        case .failure(let rejection):
            answer(
                take(anyOrder: false),
                rejection.response.framed(maxFrameLength: server.configuration.maxFrameLength))
        case .success(let request):
            let sequence = take(anyOrder: request.anyOrder)
            let maxFrame = server.configuration.maxFrameLength
            if request.deadlinePassed(nowMillis: server.configuration.wallClockMillis()) {
                // The caller has given up (or will before an answer could reach it): starting the
                // work now would change state behind its back.
                server.deadlineRefusals.record { count in
                    server.logger.warning(
                        "requests refused: their deadline had passed",
                        ["op": .string(request.operation), "count": .integer(count)])
                }
                answer(sequence, WireResponse.failure(id: request.id, WireError.deadlineExceeded()).framed())
                return
            }
            inFlight += 1
            let loop = server.loop
            let connection = LoopBound(self, loop: loop)
            server.service.handle(request, peer: peer) { response in
                let bytes = response.framed(maxFrameLength: maxFrame)
                loop.execute {
                    connection.value.inFlight -= 1
                    connection.value.answer(sequence, bytes)
                }
            }
        }
    }

    private func take(anyOrder: Bool) -> UInt64 {
        defer { nextSequence += 1 }
        unanswered[nextSequence] = Slot(anyOrder: anyOrder, answer: nil)
        return nextSequence
    }

    private var isBackpressured: Bool {
        inFlight >= server.configuration.maxInFlightPerConnection || output.count - outputOffset > Self.maxQueuedOutput
    }

    /// Queues the answer to request `sequence`: at once for an `any_order` request, else once
    /// every earlier request has been answered.
    private func answer(_ sequence: UInt64, _ bytes: [UInt8]) {
        guard !closed, var slot = unanswered[sequence] else { return }
        if slot.anyOrder {
            unanswered[sequence] = nil
            output.append(contentsOf: bytes)
        } else {
            slot.answer = bytes
            unanswered[sequence] = slot
        }
        while head < nextSequence {
            if let slot = unanswered[head] {
                guard let bytes = slot.answer else { break }
                output.append(contentsOf: bytes)
                unanswered[head] = nil
            }
            head += 1
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        let connection = LoopBound(self, loop: server.loop)
        server.loop.execute {
            connection.value.flushScheduled = false
            connection.value.flush()
            connection.value.updateTimer()
        }
    }

    func flush() {
        guard !closed else { return }
        let before = outputOffset
        let outcome = socket.drain(output, from: &outputOffset)
        if outputOffset > before {
            lastActivity = server.loop.clock.now()
            writeStalledSince = nil
        }
        switch outcome {
        case .failed:
            close()
            return
        case .wouldBlock:
            if writeStalledSince == nil { writeStalledSince = server.loop.clock.now() }
            if registration == nil { watchAgain() }
            updateInterest()
            return
        case .drained:
            break
        }
        writeStalledSince = nil
        output.removeAll(keepingCapacity: output.capacity <= 1 << 16)
        outputOffset = 0
        // Requests held back by backpressure (or buffered when the input ended) go out now.
        if !isBackpressured, !refusingRequests, decoder.bufferedByteCount > 0 { drainFrames() }
        if closeIfDone() { return }
        updateInterest()
    }

    /// Closes once no more requests can come and every answer has been written.
    @discardableResult
    private func closeIfDone() -> Bool {
        guard !closed else { return true }
        // After end-of-stream, whatever complete frames are buffered are still requests; what is
        // left after draining them is a partial frame that can never complete.
        if inputEnded, !refusingRequests, !isBackpressured, decoder.bufferedByteCount > 0 { drainFrames() }
        let moreRequestsPossible = !refusingRequests && (!inputEnded || isBackpressured)
        guard !moreRequestsPossible, head == nextSequence, outputOffset == output.count else { return false }
        close()
        return true
    }

    /// Watches the descriptor again for writability (after a hang-up detached it).
    private func watchAgain() {
        registration = try? server.loop.register(socket.descriptor, interest: .writable) { [self] events in
            if events.contains(.error) { close() } else if events.contains(.writable) { flush() }
        }
        if registration == nil { close() }
    }

    private func updateInterest() {
        guard let registration, !closed else { return }
        var interest: IOEvents = []
        if !inputEnded, !refusingRequests, !isBackpressured { interest.insert(.readable) }
        if outputOffset < output.count { interest.insert(.writable) }
        do {
            try server.loop.setInterest(interest, for: registration)
        } catch {
            close()
        }
    }

    private func peerFinished() {
        inputEnded = true
        // Complete frames already buffered are still answered; a partial one cannot be.
        if closeIfDone() { return }
        updateInterest()
    }

    /// For shutdown: stop reading new requests; close once what is in flight has been answered.
    func closeWhenIdle() {
        refusingRequests = true
        if !closeIfDone() { updateInterest() }
    }

    func close() {
        guard !closed else { return }
        closed = true
        timer.cancel()
        if let registration { server.loop.deregister(registration) }
        registration = nil
        socket.close()
        server.connectionClosed(self)
    }

    // MARK: Timeouts

    private enum Expiry {
        case frameIn, frameOut, idle
    }

    /// What the connection is waiting for and until when; nil while only the service's own work
    /// is outstanding (bounding that is the service's business, and the client has its deadline).
    private func nextExpiry() -> (Expiry, Deadline)? {
        let configuration = server.configuration
        if let since = writeStalledSince, outputOffset < output.count {
            return (.frameOut, since + configuration.frameTimeout)
        }
        if let since = partialFrameSince, !refusingRequests, !inputEnded, !isBackpressured {
            return (.frameIn, since + configuration.frameTimeout)
        }
        guard inFlight == 0, head == nextSequence, outputOffset == output.count, !inputEnded else { return nil }
        return (.idle, lastActivity + configuration.idleTimeout)
    }

    /// Arms the connection's one `DeadlineTimer` for the nearest expiry.
    private func updateTimer() {
        guard !closed, let (_, deadline) = nextExpiry(), !timer.isArmed(by: deadline) else { return }
        let connection = LoopBound(self, loop: server.loop)
        timer.arm(at: deadline, on: server.loop) { connection.value.timerFired() }
    }

    private func timerFired() {
        timer.fired()
        guard !closed, let (expiry, deadline) = nextExpiry() else { return }
        if deadline > server.loop.clock.now() {
            updateTimer()
            return
        }
        let seconds = Int(server.configuration.frameTimeout.components.seconds)
        switch expiry {
        case .idle:
            close()
        case .frameIn:
            // The byte stream cannot be resynchronised: say why (best effort), then close.
            server.frameTimeouts.record { count in
                server.logger.warning(
                    "closed connections stuck in the middle of a frame",
                    ["timeout_s": .integer(seconds), "count": .integer(count)])
            }
            refusingRequests = true
            var offset = 0
            let notice = WireResponse.failure(id: nil, WireError.frameTimeout(seconds: seconds)).framed()
            if outputOffset == output.count { _ = socket.drain(notice, from: &offset) }
            close()
        case .frameOut:
            server.frameTimeouts.record { count in
                server.logger.warning(
                    "closed connections that stopped reading their answers",
                    ["timeout_s": .integer(seconds), "count": .integer(count)])
            }
            close()
        }
    }
}
