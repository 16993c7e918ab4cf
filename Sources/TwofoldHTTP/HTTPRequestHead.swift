/// The head of a request as accepted by `HTTPRequestParser`: every field here has already
/// passed the parser's framing and syntax checks.
public struct HTTPRequestHead: Hashable, Sendable {
    public var method: HTTPMethod
    /// The path exactly as sent (still percent-encoded), always starting with `/`, or `*` for
    /// `OPTIONS *`. For an absolute-form target this is the path part of it.
    public var path: String
    /// The raw query after `?` (still percent-encoded), `nil` when the target had no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The Host value (or the authority of an absolute-form target), empty only for an
    /// HTTP/1.0 request that sent none.
    public var host: String
    /// The body length from `Content-Length`, 0 when absent.
    public var contentLength: Int
    /// Whether the connection stays open after the response: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body (HTTP/1.1 only).
    public var expectsContinue: Bool

    public init(
        method: HTTPMethod, path: String, query: String? = nil, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], host: String = "", contentLength: Int = 0, keepAlive: Bool = true,
        expectsContinue: Bool = false
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.host = host
        self.contentLength = contentLength
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }
}
