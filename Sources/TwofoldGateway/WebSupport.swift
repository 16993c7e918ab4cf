import TwofoldCrypto
import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages
import TwofoldSystem
import TwofoldWire

/// Request-side helpers shared by the HTML pages and the JSON API: where the session token is,
/// who the client is, whether a form post is genuine, and response builders.
public struct WebSupport: Sendable {
    public let settings: AuthSettings
    public let sessionCookie: String
    public let csrfCookie: String

    public init(settings: AuthSettings) {
        self.settings = settings
        let prefix = settings.securedCookies ? "__Host-" : ""
        sessionCookie = prefix + "twofold"
        csrfCookie = prefix + "twofold-csrf"
    }

    /// The client's address without the port (the throttling and audit key). Behind a reverse
    /// proxy (`--trust-proxy`), a request from a loopback peer is keyed by the last address the
    /// proxy appended to `X-Forwarded-For`; otherwise every user would share the proxy's address.
    func clientAddress(_ request: IncomingRequest) -> String? {
        let peer: String?
        var loopback = false
        switch request.remoteAddress {
        case .ipv4(let host, _)?:
            peer = host
            loopback = host.hasPrefix("127.")
        case .ipv6(let host, _)?:
            peer = host
            loopback = host == "::1"
        case .unix?:
            peer = "unix"
            loopback = true
        case nil: peer = nil
        }
        if settings.trustProxy, loopback, let forwarded = request.head.headers.values(for: "X-Forwarded-For").last,
            let last = forwarded.split(separator: ",").last.map({ String($0).trimmingWhitespace() }), !last.isEmpty,
            last.utf8.count <= 64
        {
            return last
        }
        return peer
    }

    func cookieToken(_ request: IncomingRequest) -> String? { request.request.cookies[sessionCookie] }

    static func bearerToken(_ request: IncomingRequest) -> String? {
        guard let value = request.head.headers["Authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingWhitespace()
    }

    /// Whether a state-changing request comes from our own pages: `Origin` equal to the public
    /// origin, or without `Origin` a `Referer` under it. `requireHeader` is false for the JSON API
    /// (no ambient credentials): a present `Origin` must still match.
    func originAllowed(_ request: IncomingRequest, requireHeader: Bool) -> Bool {
        let expected = settings.publicOrigin
        if let origin = request.head.headers["Origin"] {
            return origin.lowercased() == expected
        }
        if let referer = request.head.headers["Referer"] {
            let lowered = referer.lowercased()
            return lowered == expected || lowered.hasPrefix(expected + "/")
        }
        return !requireHeader
    }

    // MARK: Cookies.

    func sessionSetCookie(_ token: String) -> String {
        let cookie = try? SetCookie(
            name: sessionCookie, value: token, path: "/", secure: settings.securedCookies, httpOnly: true,
            sameSite: .lax)
        return cookie?.headerValue ?? ""
    }

    func sessionDeleteCookie() -> String {
        (try? SetCookie.deleting(name: sessionCookie, secure: settings.securedCookies))?.headerValue ?? ""
    }

    func csrfSetCookie(_ token: String) -> String {
        let cookie = try? SetCookie(
            name: csrfCookie, value: token, path: "/", secure: settings.securedCookies, httpOnly: true,
            sameSite: .lax)
        return cookie?.headerValue ?? ""
    }

    /// What the user typed, to fill a form in again after a refusal: without the characters the
    /// `UserText` rule forbids (a NUL or a direction override has no business in a page), and
    /// not at all when it is longer than any acceptable value could be.
    static func refill(_ typed: String, maximumBytes: Int) -> String {
        guard typed.utf8.count <= maximumBytes else { return "" }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: typed.unicodeScalars.filter { !UserText.isForbidden($0) })
        return String(kept)
    }

    // MARK: Responses.

    static func html(_ status: HTTPStatus, _ page: String, cookies: [String] = []) -> HTTPResponse {
        var response = HTTPResponse(
            status: status, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
            body: Array(page.utf8))
        for cookie in cookies where !cookie.isEmpty { response.headers.add("Set-Cookie", cookie) }
        return response
    }

    static func redirect(_ location: String, cookies: [String] = []) -> HTTPResponse {
        var response = HTTPResponse(
            status: .seeOther, headers: ["Location": location, "Cache-Control": "no-store"])
        for cookie in cookies where !cookie.isEmpty { response.headers.add("Set-Cookie", cookie) }
        return response
    }

    static func json(_ status: HTTPStatus, _ object: [String: JSONValue]) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
            body: JSONValue.object(object).jsonBytes)
    }

    static func json(error: AuthError) -> HTTPResponse {
        var fields: [String: JSONValue] = ["code": .string(error.code), "message": .string(error.message)]
        if let retry = error.retryAfterMs { fields["retry_after_ms"] = .integer(retry) }
        if let left = error.attemptsLeft { fields["attempts_left"] = .integer(Int64(left)) }
        var response = json(error.status, ["error": .object(fields)])
        if let retry = AuthError.boundedWait(error.retryAfterMs), error.status.code == 503 || error.status.code == 429 {
            response.headers.set("Retry-After", String(max(1, (retry + 999) / 1000)))
        }
        return response
    }
}

/// Comparing secrets (CSRF tokens) without an early exit.
enum ConstantTimeText {
    static func equals(_ lhs: String, _ rhs: String) -> Bool {
        ConstantTime.equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}

/// The answers the HTTP server gives on its own (a request refused while parsing, a timeout, a
/// handler that never answered, too many connections), in the gateway's two faces: the API's JSON
/// error for `/api/` paths, as `protocol/openapi.json` describes it, and a page for everything else.
enum ServerErrorPages {
    static func response(_ reply: HTTPServer.ErrorReply, issuer: String) -> HTTPResponse {
        if let path = reply.path, isAPI(path) { return WebSupport.json(error: apiError(reply)) }
        let chrome = PageChrome(issuer: issuer, csrf: "")
        let page = Pages.message(
            chrome, title: title(reply.status), text: reply.message, link: (href: "/", label: "Continue"))
        return WebSupport.html(reply.status, page)
    }

    static func isAPI(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }

    /// The API's code for each kind of refusal (the codes `protocol/openapi.json` lists).
    static func apiError(_ reply: HTTPServer.ErrorReply) -> AuthError {
        switch reply.status.code {
        case 404: AuthError("not_found", reply.status, reply.message)
        case 405: AuthError("method", reply.status, reply.message)
        case 413: AuthError("payload.too_large", reply.status, reply.message)
        case 503: AuthError("server.busy", reply.status, reply.message, retryAfterMs: 1000)
        case 500...: AuthError("internal", reply.status, reply.message)
        default: AuthError("request.invalid", reply.status, reply.message)
        }
    }

    static func title(_ status: HTTPStatus) -> String {
        switch status.code {
        case 404: "Page not found"
        case 405: "Not allowed here"
        case 408: "Request timed out"
        case 413: "Too much data"
        case 429: "Too many connections"
        case 503: "Temporarily unavailable"
        case 500...: "Something went wrong"
        default: "Bad request"
        }
    }
}
