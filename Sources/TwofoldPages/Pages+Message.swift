extension Pages {
    /// A page with a title, one paragraph and an optional link: for 403, 404, 410, 429, 503 and
    /// the like. `link.href` must be a path chosen by the caller, never request data.
    public static func message(
        _ chrome: PageChrome, title: String, text: String, link: (href: String, label: String)?
    ) -> String {
        let linkHTML =
            link.map { #"<p><a class="button" href="\#(Markup.text($0.href))">\#(Markup.text($0.label))</a></p>"# }
            ?? ""
        let body = """
            <h1>\(Markup.text(title))</h1>
            <p>\(Markup.text(text))</p>
            \(linkHTML)
            """
        return document(chrome, title: title, body: body)
    }
}
