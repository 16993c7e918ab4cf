import TwofoldSystem
import TwofoldWire

/// What a daemon serves over the wire: the operations it knows, and a handler for each request.
///
/// `handle` is called on the server's event loop thread; it must not block. It may answer at once
/// or later, from any thread, by calling `respond` exactly once. The server sends the answer as
/// soon as it comes for a request that said `any_order`, else after every earlier request of the
/// connection has been answered. Requests whose `deadline_at` has passed never reach `handle`;
/// `request.deadlineAt` lets an operation bound its own work (e.g. a call to another daemon).
public protocol WireService: Sendable {
    var operations: Set<String> { get }
    func handle(_ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void)
}
