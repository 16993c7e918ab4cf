import TwofoldSystem
import TwofoldWire

/// What a daemon serves over the wire: the operations it knows, and a handler for each request.
///
/// `handle` is called on the server's event loop thread; it must not block. It may answer at once
/// or later, from any thread, by calling `respond` exactly once. Responses go out in request order
/// on each connection, whatever order the handler answers in.
public protocol WireService: Sendable {
    var operations: Set<String> { get }
    func handle(_ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void)
}
