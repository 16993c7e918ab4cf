import TwofoldHTTP
import TwofoldPages

/// The gateway's embedded static content: the pages' stylesheet (from `TwofoldPages`) and the
/// fixed answers of the core routes. Pages carry no script and no inline style, so the default
/// Content-Security-Policy (`default-src 'none'; style-src 'self'`) holds for them.
enum GatewayAssets {
    static let stylesheetPath = "/static/twofold.css"

    static let stylesheet = Pages.stylesheet

    static let stylesheetResponse = HTTPResponse(
        status: .ok,
        headers: ["Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600"],
        body: Array(stylesheet.utf8))

    static let helloResponse = HTTPResponse(
        status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array("hello".utf8))
}
