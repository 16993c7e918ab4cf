import TwofoldSystem
import TwofoldWire

/// One accepted client. Lives on the server's loop thread only: reads frames, hands requests to
/// the service, and writes responses back in request order (a reorder buffer keyed by arrival
/// sequence), pausing reads while too much is in flight or queued for writing.
final class WireServerConnection: @unchecked Sendable {
    private let socket: Socket
    private let peer: PeerCredentials
    private unowned let server: WireServer
    private var registration: EventLoop.Registration?
    private var decoder: FrameDecoder

    private var nextSequence: UInt64 = 0
    private var nextToSend: UInt64 = 0
    private var finished: [UInt64: [UInt8]] = [:]
    private var inFlight = 0
    private var output: [UInt8] = []
    private var outputOffset = 0
    /// The peer sent end-of-stream (it may still read our answers: a half-close).
    private var inputEnded = false
    /// No further requests are taken (framing broken, or shutdown); buffered ones are dropped.
    private var refusingRequests = false
    private var closed = false
    /// A flush is queued for the end of this loop turn, so responses finished in the same turn
    /// (a group commit completes many at once) leave in one `send`.
    private var flushScheduled = false

    private static let readChunk = 64 * 1024
    private static let maxQueuedOutput = 4 * 1024 * 1024

    init(socket: Socket, peer: PeerCredentials, server: WireServer) throws(SystemError) {
        self.socket = socket
        self.peer = peer
        self.server = server
        self.decoder = FrameDecoder(maxFrameLength: server.configuration.maxFrameLength)
        registration = try server.loop.register(socket.descriptor, interest: .readable) { [self] events in
            self.handle(events)
        }
    }

    private func handle(_ events: IOEvents) {
        guard !closed else { return }
        if events.contains(.error) {
            close()
            return
        }
        if events.contains(.writable) { flush() }
        if events.contains(.hangup) {
            // The peer closed its side, perhaps only for writing (a half-close): take everything it
            // sent, answer it, then close. A hang-up stays reported while the descriptor is
            // watched, so stop watching it; answers are written directly as they complete.
            readAvailable(untilEndOfStream: true)
            if !closed, let registration {
                server.loop.deregister(registration)
                self.registration = nil
            }
            closeIfDone()
            return
        }
        if events.contains(.readable) { readAvailable(untilEndOfStream: false) }
    }

    private func readAvailable(untilEndOfStream: Bool) {
        guard !inputEnded else { return }
        // Bounded work per wake-up keeps one busy client from starving the others.
        for _ in 0..<(untilEndOfStream ? 1024 : 4) {
            let result: IOResult<[UInt8]>
            do {
                result = try socket.read(upTo: Self.readChunk)
            } catch {
                close()
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(let bytes) where bytes.isEmpty:
                peerFinished()
                return
            case .processed(let bytes):
                decoder.feed(bytes)
                drainFrames()
                if refusingRequests || closed || (isBackpressured && !untilEndOfStream) { return }
            }
        }
    }

    private func drainFrames() {
        while !refusingRequests, !isBackpressured {
            let frame: Frame?
            do {
                frame = try decoder.next()
            } catch {
                // Broken framing: answer once, then close this connection only.
                refusingRequests = true
                complete(sequence: take(), bytes: WireResponse.failure(id: nil, error).framed())
                return
            }
            guard let frame else { return }
            dispatch(frame)
        }
    }

    private func dispatch(_ frame: Frame) {
        let sequence = take()
        switch server.reader.read(frame.payload) {
        case .failure(let rejection):
            complete(
                sequence: sequence,
                bytes: rejection.response.framed(maxFrameLength: server.configuration.maxFrameLength))
        case .success(let request):
            inFlight += 1
            let loop = server.loop
            let maxFrame = server.configuration.maxFrameLength
            server.service.handle(request, peer: peer) { [self] response in
                let bytes = response.framed(maxFrameLength: maxFrame)
                loop.execute {
                    self.inFlight -= 1
                    self.complete(sequence: sequence, bytes: bytes)
                }
            }
        }
    }

    private func take() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    private var isBackpressured: Bool {
        inFlight >= server.configuration.maxInFlightPerConnection || output.count - outputOffset > Self.maxQueuedOutput
    }

    private func complete(sequence: UInt64, bytes: [UInt8]) {
        guard !closed else { return }
        finished[sequence] = bytes
        while let next = finished.removeValue(forKey: nextToSend) {
            output.append(contentsOf: next)
            nextToSend += 1
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        server.loop.execute { [self] in
            flushScheduled = false
            flush()
        }
    }

    private func flush() {
        switch socket.drain(output, from: &outputOffset) {
        case .failed:
            close()
            return
        case .wouldBlock:
            if registration == nil { watchAgain() }
            updateInterest()
            return
        case .drained:
            break
        }
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
        guard !moreRequestsPossible, nextToSend == nextSequence, outputOffset == output.count else { return false }
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
        if let registration { server.loop.deregister(registration) }
        registration = nil
        socket.close()
        server.connectionClosed(self)
    }
}
