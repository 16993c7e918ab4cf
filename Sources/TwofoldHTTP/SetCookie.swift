/// A validated `Set-Cookie` value (RFC 6265 §4.1, with the RFC 6265bis prefixes and SameSite).
///
/// Every rule is checked in `init`, so a value that exists can be written: the name is a token,
/// the value uses only cookie-octets (no whitespace, `"`, `,`, `;`, `\` or controls), Path and
/// Domain hold no `;` or controls, Max-Age is not negative. Prefixes are enforced because the
/// browser would otherwise silently drop the cookie: `__Host-` needs Secure, `Path=/` and no
/// Domain; `__Secure-` needs Secure; `SameSite=None` needs Secure. Violations are programmer
/// errors surfaced as a thrown 500-class `HTTPError`, never a trap.
public struct SetCookie: Hashable, Sendable, CustomStringConvertible {
    public enum SameSite: String, Hashable, Sendable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    public let name: String
    public let value: String
    public let path: String?
    public let domain: String?
    /// Lifetime in seconds; 0 deletes the cookie.
    public let maxAge: Int?
    public let expires: HTTPDate?
    public let secure: Bool
    public let httpOnly: Bool
    public let sameSite: SameSite?

    public init(
        name: String, value: String, path: String? = "/", domain: String? = nil, maxAge: Int? = nil,
        expires: HTTPDate? = nil, secure: Bool = true, httpOnly: Bool = true, sameSite: SameSite? = .lax
    ) throws(HTTPError) {
        guard ASCII.isToken(name.utf8), value.utf8.allSatisfy(Self.isCookieOctet) else { throw .invalidCookie() }
        if let path, path.isEmpty || !path.utf8.allSatisfy(Self.isAttributeOctet) { throw .invalidCookie() }
        if let domain, domain.isEmpty || !domain.utf8.allSatisfy(Self.isDomainOctet) { throw .invalidCookie() }
        if let maxAge, maxAge < 0 { throw .invalidCookie() }
        if ASCII.hasPrefixIgnoringCase(name, "__Host-"), !secure || path != "/" || domain != nil {
            throw .cookiePrefixViolation()
        }
        if ASCII.hasPrefixIgnoringCase(name, "__Secure-"), !secure { throw .cookiePrefixViolation() }
        if sameSite == SameSite.none, !secure { throw .cookiePrefixViolation() }
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.maxAge = maxAge
        self.expires = expires
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
    }

    /// A cookie that makes the browser delete `name` (same Path/Domain/flags as when it was set).
    public static func deleting(
        name: String, path: String? = "/", domain: String? = nil, secure: Bool = true, httpOnly: Bool = true,
        sameSite: SameSite? = .lax
    ) throws(HTTPError) -> SetCookie {
        try SetCookie(
            name: name, value: "", path: path, domain: domain, maxAge: 0, expires: HTTPDate(secondsSince1970: 0),
            secure: secure, httpOnly: httpOnly, sameSite: sameSite)
    }

    /// The field value for a `Set-Cookie` header.
    public var headerValue: String {
        var text = "\(name)=\(value)"
        if let path { text += "; Path=\(path)" }
        if let domain { text += "; Domain=\(domain)" }
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if let expires { text += "; Expires=\(expires.imfFixdate)" }
        if secure { text += "; Secure" }
        if httpOnly { text += "; HttpOnly" }
        if let sameSite { text += "; SameSite=\(sameSite.rawValue)" }
        return text
    }

    /// The name and attributes only: cookie values are often session secrets, so they are never
    /// part of a description that may reach a log.
    public var description: String { "SetCookie(\(name), value redacted)" }

    /// cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
    private static func isCookieOctet(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x2B, 0x2D...0x3A, 0x3C...0x5B, 0x5D...0x7E: true
        default: false
        }
    }

    /// av-octet: any CHAR except controls and `;`.
    private static func isAttributeOctet(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: ";")
    }

    private static func isDomainOctet(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."): true
        default: false
        }
    }
}

extension HTTPHeaders {
    /// Appends a `Set-Cookie` field (never merged with others, as RFC 6265 requires).
    public mutating func add(_ cookie: SetCookie) {
        add("Set-Cookie", cookie.headerValue)
    }
}
