import TwofoldHTTP

/// The gateway's embedded static content. Pages carry no script and no inline style, so the
/// default Content-Security-Policy (`default-src 'none'; style-src 'self'`) holds for them.
enum GatewayAssets {
    static let stylesheetPath = "/static/twofold.css"

    static let stylesheet = """
        :root { color-scheme: light dark; --accent: #2457c5; }
        * { box-sizing: border-box; }
        body {
          margin: 0; min-height: 100vh; display: grid; place-items: center;
          font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          background: Canvas; color: CanvasText;
        }
        main { width: min(28rem, 100% - 2rem); padding: 2rem; border: 1px solid #8884; border-radius: .75rem; }
        h1 { margin: 0 0 .5rem; font-size: 1.5rem; }
        a { color: var(--accent); }
        .muted { opacity: .75; font-size: .875rem; }

        """

    static let indexPage = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Twofold</title>
        <link rel="stylesheet" href="\(stylesheetPath)">
        </head>
        <body>
        <main>
        <h1>Twofold</h1>
        <p>Twofold is running.</p>
        <p class="muted">Sign-in pages will appear here.</p>
        </main>
        </body>
        </html>

        """

    static let stylesheetResponse = HTTPResponse(
        status: .ok,
        headers: ["Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600"],
        body: Array(stylesheet.utf8))

    static let indexResponse = HTTPResponse(
        status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(indexPage.utf8))

    static let helloResponse = HTTPResponse(
        status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array("hello".utf8))

    static func textResponse(_ status: HTTPStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }
}
