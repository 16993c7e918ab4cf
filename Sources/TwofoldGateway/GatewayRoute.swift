import TwofoldHTTP
import TwofoldHTTPServer

/// A route handler of the gateway: answers through `respond` exactly once, from any thread.
/// `name` is the route's pattern, used as the metrics label.
public struct GatewayRoute: Sendable {
    public typealias Respond = @Sendable (HTTPResponse) -> Void
    public typealias Handler = @Sendable (IncomingRequest, RouteParameters, @escaping Respond) -> Void

    public let name: String
    public let handler: Handler

    public init(name: String, handler: @escaping Handler) {
        self.name = name
        self.handler = handler
    }
}
