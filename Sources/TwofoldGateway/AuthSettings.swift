import TwofoldDirectory

/// The rules of the login flows that an operator may configure.
public struct AuthSettings: Sendable {
    /// Shown in authenticator apps and on the pages.
    public var issuer = "Twofold"
    /// Where users reach the gateway (`https://login.example.com`); the origin of every form
    /// post must be this one, and invite links start with it.
    public var publicURL = "http://127.0.0.1:8080"
    public var inviteLifetimeMs: Int64 = 7 * 24 * 3600 * 1000
    public var sessionIdleMs: Int64 = 30 * 60 * 1000
    public var sessionAbsoluteMs: Int64 = 12 * 3600 * 1000
    /// How long a password-verified session may wait for the code.
    public var passwordStageMs: Int64 = 5 * 60 * 1000
    /// How often a session's last-seen time is written back (idle timeouts are this coarse).
    public var touchIntervalMs: Int64 = 60 * 1000

    /// When a session is over; the session check and the directory's compaction share it.
    public var sessionLifetime: SessionLifetime {
        SessionLifetime(idleMs: sessionIdleMs, absoluteMs: sessionAbsoluteMs, passwordStageMs: passwordStageMs)
    }

    /// Behind a reverse proxy on the same host: key throttling and audit by `X-Forwarded-For`.
    public var trustProxy = false

    public init() {}

    /// scheme://host[:port] of `publicURL`, lower-cased, without a path.
    public var publicOrigin: String {
        var text = publicURL.lowercased()
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            if let slash = rest.firstIndex(of: "/") { text = String(text[..<slash]) }
        }
        return text
    }

    /// Whether browsers will keep a `Secure` cookie for this origin: TLS, or a loopback host
    /// (which browsers treat as a secure context).
    public var securedCookies: Bool {
        let origin = publicOrigin
        if origin.hasPrefix("https://") { return true }
        let host = origin.dropFirst("http://".count)
        return host.hasPrefix("127.") || host.hasPrefix("localhost") || host.hasPrefix("[::1]")
    }
}
