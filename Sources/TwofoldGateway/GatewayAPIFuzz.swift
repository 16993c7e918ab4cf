import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldSystem

/// The JSON API as the fuzz harness sees it (`Sources/TwofoldFuzz`, docs/FUZZING.md): the
/// daemon's `/api/v1` routes over a given `AuthService`, reached without a server or a socket.
public struct GatewayAPIFuzz: Sendable {
    public let auth: AuthService
    private let router: Router<GatewayRoute>
    /// Only its clock is read (a request's age for metrics); it never runs.
    private let loop: EventLoop

    public init(auth: AuthService) throws {
        self.auth = auth
        var router = Router<GatewayRoute>()
        APIRoutes(auth: auth, support: WebSupport(settings: auth.settings)).register(into: &router)
        self.router = router
        loop = try EventLoop(name: "gateway-api-fuzz")
    }

    /// A new session of `stage` for `user`, as the flow that reaches that stage issues it; its token.
    public func issue(_ user: UserRecord, stage: SessionStage, purpose: String? = nil) async throws -> String {
        try await auth.issue(user: user, stage: stage, replacing: nil, address: "10.0.0.1", purpose: purpose).token
    }

    /// Routes `request` as the daemon does and returns true, then `respond` gets the answer; false
    /// when no API route takes the method and path (the application answers those itself).
    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) -> Bool {
        guard case .found(let route, let parameters) = router.match(request.head.method, path: request.head.path)
        else { return false }
        let incoming = IncomingRequest(
            request: request, remoteAddress: nil, eventLoop: loop, receivedAt: loop.clock.now())
        route.handler(incoming, parameters, respond)
        return true
    }
}
