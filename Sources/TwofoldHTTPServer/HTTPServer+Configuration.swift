import TwofoldHTTP
import TwofoldSystem

extension HTTPServer {
    /// Everything that shapes the server's behaviour; the defaults suit the gateway.
    public struct Configuration: Sendable {
        /// TCP (`127.0.0.1:8080`, port 0 picks a free one) or a Unix path (`unix:/run/x.sock`).
        public var address: SocketAddress = .ipv4(host: "127.0.0.1", port: 8080)
        /// Mode of a Unix socket file.
        public var unixSocketMode: UInt32 = 0o660
        public var backlog: Int32 = 511
        /// Request size limits, enforced by the parser (414, 431, 413).
        public var limits = HTTPParserLimits()
        /// Accepted Host values, or nil for any (see `HTTPRequestParser.allowedHosts`).
        public var allowedHosts: [String]?
        /// Open connections beyond which a new one is answered `503` and closed at once (rather
        /// than left in the kernel backlog, where the client could not tell overload from a hang).
        public var maxConnections = 4096
        /// Open connections from one client address (an IPv4 address, or an IPv6 /64) beyond
        /// which a new one from it is answered `429` and closed at once, so one client cannot take
        /// every slot. Unix-socket peers are not counted. 0 disables the limit (behind a reverse
        /// proxy every connection comes from the proxy's address).
        public var maxConnectionsPerAddress = 128
        public var timeouts = Timeouts()
        /// Added to every response that does not set the same field itself; nil adds none.
        public var securityHeaders: SecurityHeaders? = SecurityHeaders()
        /// Writes one JSON line per request through the server's logger (level `info`).
        public var accessLog = true
        /// Rewrites a path before it is logged, to keep secrets that live in paths (invite links'
        /// tokens) out of the access log. Nil logs paths as they are.
        public var accessLogPath: (@Sendable (String) -> String)?
        /// Shapes the answers the server gives on its own, without the handler: a request refused
        /// while parsing (400, 413, 414, 431, …), a request timeout (408), a handler that never
        /// answered (500), a connection over the cap (503) or over the per-address limit (429).
        /// Nil answers them as plain text. The server still adds the security headers, and
        /// `Retry-After: 1` to a 503 or 429 that has none.
        public var errorResponse: (@Sendable (HTTPServer.ErrorReply) -> HTTPResponse)?

        public init(address: SocketAddress = .ipv4(host: "127.0.0.1", port: 8080)) {
            self.address = address
        }
    }

    /// An answer the server gives on its own (see `Configuration.errorResponse`).
    public struct ErrorReply: Sendable, Equatable {
        public var status: HTTPStatus
        /// Stable: `HTTPError`'s code for parse failures (`http.content_too_large`…), else
        /// `http.request_timeout`, `http.no_response` or `http.too_many_connections`.
        public var code: String
        /// For people; never holds request data.
        public var message: String
        /// The request's path when its request line was read, else nil.
        public var path: String?

        public init(status: HTTPStatus, code: String, message: String, path: String?) {
            self.status = status
            self.code = code
            self.message = message
            self.path = path
        }

        /// The plain-text answer used when `errorResponse` is nil.
        public var plainText: HTTPResponse {
            HTTPResponse(
                status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                body: Array((message + "\n").utf8))
        }
    }

    /// Connection deadlines, all enforced with the connection loop's timers (and so driven by
    /// its clock: a `ManualClock` in tests).
    public struct Timeouts: Sendable {
        /// From the first byte of a request until its head is complete: the slow-header
        /// (slowloris) limit.
        public var requestHead: Duration = .seconds(10)
        /// From the first byte of a request until its last body byte: the whole request, head,
        /// body and, for `Expect: 100-continue`, the time after the interim `100 Continue`.
        public var request: Duration = .seconds(30)
        /// Longest silence between two reads while a request is only partly received (slow body).
        public var bodyRead: Duration = .seconds(10)
        /// Slowest body accepted, in bytes per second on average since the head was complete,
        /// after the first `minimumBodyRateGrace`: a client trickling a body slower than this gets
        /// `408` long before `request` runs out. 0 disables the check.
        public var minimumBodyRate = 1024
        /// The head start a body gets before `minimumBodyRate` applies (a slow start, a
        /// retransmission).
        public var minimumBodyRateGrace: Duration = .seconds(5)
        /// How long a keep-alive connection may wait for its next request.
        public var idle: Duration = .seconds(60)
        /// Longest time without write progress while output is queued (a client not reading).
        public var write: Duration = .seconds(10)
        /// After a final `Connection: close` response, how long unread input is drained before
        /// closing, so the close does not turn into a reset that destroys the response.
        public var linger: Duration = .seconds(2)

        public init() {}
    }
}
