/// What every page shares: the product name, the CSRF token its forms carry, who is signed in,
/// and where the stylesheet is served.
public struct PageChrome: Sendable {
    /// The product name shown in the header and titles (the vault's TOTP issuer).
    public var issuer: String
    /// The token every `<form method="post">` of the page carries as the hidden `csrf` field.
    public var csrf: String
    /// Set only for sessions of stage `full`: the header then shows "email · account" and the
    /// Home, My Profile and Log out navigation. Pages of earlier stages carry their own way out.
    public var signedInEmail: String?
    /// The account being viewed, shown next to the email in the header.
    public var accountName: String?
    /// The stylesheet's URL; a relative file name when pages are rendered to disk for review.
    public var stylesheetHref: String

    public init(
        issuer: String = "Twofold", csrf: String, signedInEmail: String? = nil, accountName: String? = nil,
        stylesheetHref: String = Pages.stylesheetPath
    ) {
        self.issuer = issuer
        self.csrf = csrf
        self.signedInEmail = signedInEmail
        self.accountName = accountName
        self.stylesheetHref = stylesheetHref
    }
}
