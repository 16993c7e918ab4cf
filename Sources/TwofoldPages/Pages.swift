/// The gateway's server-rendered HTML pages. Each function returns a complete HTML5 document.
///
/// Pages carry no script, no inline style and no `style=` attribute, so they hold under the
/// Content-Security-Policy `default-src 'none'; style-src 'self'`. Every value that comes from
/// a request, the store or the vault is escaped; the only raw markup inserted is the QR code
/// SVG, which the vault renders itself. The caller chooses the HTTP status.
public enum Pages {
    /// Where the gateway serves `stylesheet`.
    public static let stylesheetPath = "/static/twofold.css"

    /// How wide the page's card is: narrow for single forms, wide for My Profile, and for the MFA
    /// setup steps a card that takes two columns on a desktop (QR code and code field side by side).
    enum CardWidth: String {
        case narrow = "card"
        case setup = "card setup"
        case wide = "card wide"
    }

    /// The document around a page's card: head, header (brand and, when signed in, navigation),
    /// the card in `<main>`, and the footer.
    /// `scripts`: paths of same-origin scripts, only for the passkey pages (`Pages+Passkeys`),
    /// which the gateway serves with a policy allowing `script-src 'self'`.
    static func document(
        _ chrome: PageChrome, title: String, width: CardWidth = .narrow, body: String, scripts: [String] = []
    ) -> String {
        let issuer = Markup.text(chrome.issuer)
        let scriptTags = scripts.map { #"<script src="\#(Markup.text($0))" defer></script>"# + "\n" }.joined()
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta name="referrer" content="same-origin">
            <title>\(Markup.text(title)) · \(issuer)</title>
            <link rel="stylesheet" href="\(Markup.text(chrome.stylesheetHref))">
            \(scriptTags)</head>
            <body>
            <header class="topbar">
            <a class="brand" href="/">\(Icon.logo)<span>\(issuer)</span></a>
            \(navigation(chrome))</header>
            <main>
            <div class="\(width.rawValue)">
            \(body)
            </div>
            </main>
            <footer class="footer"><p>\(issuer) protects your login with multi-factor authentication.</p></footer>
            </body>
            </html>

            """
    }

    /// Signed-in navigation: who and which account, then Home, My Profile and Log out.
    private static func navigation(_ chrome: PageChrome) -> String {
        guard let email = chrome.signedInEmail else { return "" }
        var who = Markup.userText(email)
        if let account = chrome.accountName { who += " · " + Markup.userText(account) }
        return #"<nav class="nav" aria-label="Main"><span class="who">\#(who)</span>"#
            + #"<a href="/home">Home</a><a href="/profile">My Profile</a>"#
            + Markup.logoutForm(csrf: chrome.csrf) + "</nav>\n"
    }

    /// The small label above a heading that says where in a flow the page is.
    static func eyebrow(_ text: String?) -> String {
        text.map { #"<p class="eyebrow">\#(Markup.text($0))</p>"# } ?? ""
    }
}
