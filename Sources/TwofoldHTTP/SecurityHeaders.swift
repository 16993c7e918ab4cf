/// The defensive response headers every page carries.
///
/// The default policy allows no script at all (the pages need none), styles and images only
/// from this origin (plus `data:` images for the enrollment QR code), form posts only back to
/// this origin, and no framing (clickjacking on the login and MFA forms).
public struct SecurityHeaders: Hashable, Sendable {
    public var contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    public var referrerPolicy = "no-referrer"
    public var permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    /// `Strict-Transport-Security`, for deployments served over HTTPS; `nil` omits it.
    public var strictTransportSecurity: String?
    /// Adds `Cache-Control: no-store` (auth pages and anything user-specific must never be cached).
    public var noStore: Bool

    public init(noStore: Bool = true, strictTransportSecurity: String? = nil) {
        self.noStore = noStore
        self.strictTransportSecurity = strictTransportSecurity
    }

    /// The fields, in a fixed order.
    public var fields: [HTTPField] {
        var fields = [
            HTTPField(name: "Content-Security-Policy", value: contentSecurityPolicy),
            HTTPField(name: "Referrer-Policy", value: referrerPolicy),
            HTTPField(name: "X-Content-Type-Options", value: "nosniff"),
            HTTPField(name: "X-Frame-Options", value: "DENY"),
            HTTPField(name: "Cross-Origin-Opener-Policy", value: "same-origin"),
            HTTPField(name: "Permissions-Policy", value: permissionsPolicy),
        ]
        if noStore { fields.append(HTTPField(name: "Cache-Control", value: "no-store")) }
        if let strictTransportSecurity {
            fields.append(HTTPField(name: "Strict-Transport-Security", value: strictTransportSecurity))
        }
        return fields
    }

    /// Sets every field on `headers`, replacing same-named ones.
    public func apply(to headers: inout HTTPHeaders) {
        for field in fields { headers.set(field.name, field.value) }
    }
}
