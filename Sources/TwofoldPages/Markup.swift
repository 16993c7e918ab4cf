import TwofoldHTTP

/// Small builders shared by the pages. Every argument that is data (not a literal of this
/// module) is escaped here, so a page body never interpolates an unescaped value.
enum Markup {
    /// Escaped text, safe as element content and inside quoted attribute values.
    static func text(_ value: String) -> String { HTML.escape(value) }

    /// Text a user or an operator chose (an email, an account name), escaped and isolated in
    /// `<bdi>`, so right-to-left text in it cannot reorder what follows it on the page.
    static func userText(_ value: String) -> String { "<bdi>" + HTML.escape(value) + "</bdi>" }

    /// The hidden CSRF field every POST form starts with.
    static func csrfInput(_ csrf: String) -> String {
        #"<input type="hidden" name="csrf" value="\#(text(csrf))">"#
    }

    /// A POST form carrying the CSRF token. `action` is a path built by this module.
    static func form(action: String, csrf: String, className: String? = nil, _ content: String...) -> String {
        let classAttribute = className.map { #" class="\#(text($0))""# } ?? ""
        return #"<form method="post" action="\#(text(action))"\#(classAttribute)>"# + csrfInput(csrf)
            + content.joined() + "</form>"
    }

    enum ButtonStyle: String {
        case primary = "button"
        case secondary = "button secondary"
        case link = "linkbutton"
    }

    static func submit(_ label: String, style: ButtonStyle = .primary) -> String {
        #"<button type="submit" class="\#(style.rawValue)">\#(text(label))</button>"#
    }

    /// The message box: errors interrupt (`role="alert"`), notices are polite (`role="status"`).
    static func messageBox(_ message: PageMessage?) -> String {
        guard let message else { return "" }
        switch message.kind {
        case .error:
            return #"<div class="msg msg-error" role="alert">\#(Icon.alert)<p>\#(text(message.text))</p></div>"#
        case .notice:
            return #"<div class="msg msg-notice" role="status">\#(Icon.check)<p>\#(text(message.text))</p></div>"#
        }
    }

    /// A neutral explanation box (no live region: it is the page's content, not news).
    static func infoBox(_ paragraphs: [String]) -> String {
        #"<div class="msg msg-info">\#(Icon.info)<div>"# + paragraphs.map { "<p>\($0)</p>" }.joined() + "</div></div>"
    }

    /// The "Log out" control: a POST form, since logging out changes state.
    static func logoutForm(csrf: String, label: String = "Log out", style: ButtonStyle = .link) -> String {
        form(action: "/logout", csrf: csrf, className: "inline", submit(label, style: style))
    }

    /// Percent-encodes a path segment (RFC 3986 unreserved characters stay as they are), so a
    /// token from the URL can never break out of the path it is put back into.
    static func pathSegment(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded += "%"
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return encoded
    }
}
