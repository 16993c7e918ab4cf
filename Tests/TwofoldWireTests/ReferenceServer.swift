import Foundation
import TwofoldWire

/// The minimal server the golden files assume (see "Golden frames" in `protocol/README.md`): it offers one
/// operation, `health`, answered with `{"status":"ok"}` unless the request's `deadline_at` has
/// passed by the real clock, and follows the envelope rules for everything else. It drives the real decoder and reader, so replaying a golden request through
/// it checks the library end to end, minus the socket.
struct ReferenceServer {
    private var decoder = FrameDecoder()
    private let reader = WireRequestReader(operations: ["health"])
    /// Bytes written to the client so far.
    private(set) var output: [UInt8] = []
    /// Set once the server has decided to close the connection.
    private(set) var closed = false

    /// Handles bytes received from the client.
    mutating func receive(_ bytes: some Collection<UInt8>) {
        guard !closed else { return }
        decoder.feed(bytes)
        drain()
    }

    /// Handles the client closing its side.
    mutating func receiveEnd() {
        guard !closed else { return }
        do {
            try decoder.finish()
        } catch {
            fail(error)
        }
        closed = true
    }

    private mutating func drain() {
        while !closed {
            let frame: Frame?
            do {
                frame = try decoder.next()
            } catch {
                fail(error)
                return
            }
            guard let frame else { return }
            switch reader.read(frame.payload) {
            case .success(let request)
            where request.deadlinePassed(nowMillis: Int64(Date().timeIntervalSince1970 * 1000)):
                output += WireResponse.failure(id: request.id, WireError.deadlineExceeded()).framed()
            case .success(let request):
                output += WireResponse.success(id: request.id, result: ["status": .string("ok")]).framed()
            case .failure(let rejection):
                output += rejection.response.framed()
            }
        }
    }

    private mutating func fail(_ error: WireError) {
        if error.isAnswerable { output += WireResponse.failure(id: nil, error).framed() }
        closed = error.closesConnection || closed
    }
}
