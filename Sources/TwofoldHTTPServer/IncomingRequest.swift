import TwofoldHTTP
import TwofoldSystem

/// A complete request as a handler sees it: the parsed request plus where it came from.
public struct IncomingRequest: Sendable {
    public let request: HTTPRequest
    /// The peer's address (`unix:` with an empty path for an unnamed Unix client), nil if unknown.
    public let remoteAddress: SocketAddress?
    /// The loop that owns the connection; completing on it saves a thread hop.
    public let eventLoop: EventLoop
    /// When the request was complete, by `eventLoop.clock`.
    public let receivedAt: Deadline

    public init(request: HTTPRequest, remoteAddress: SocketAddress?, eventLoop: EventLoop, receivedAt: Deadline) {
        self.request = request
        self.remoteAddress = remoteAddress
        self.eventLoop = eventLoop
        self.receivedAt = receivedAt
    }

    public var head: HTTPRequestHead { request.head }
}
