import TwofoldCrypto

/// Who credentials are scoped to: the RP ID (a domain) whose SHA-256 the authenticator signs, and
/// the one origin whose pages may run the ceremonies.
public struct RelyingParty: Sendable, Equatable {
    /// The RP ID, e.g. `example.org` (WebAuthn §5.1.2: the origin's host or a suffix of it).
    public let id: String
    /// The serialized origin, e.g. `https://login.example.org` or `http://localhost:8080`, compared
    /// byte for byte with the client data's origin.
    public let origin: String
    /// SHA-256 of the RP ID, as the authenticator data carries it.
    public let idHash: [UInt8]

    /// Checks that `origin` is a secure context (https, or http on localhost) without path, query
    /// or credentials, and that `id` is its host or a parent domain of it; IP addresses cannot be
    /// RP IDs.
    public init(id: String, origin: String) throws(WebAuthnError) {
        let host = try Self.host(ofOrigin: origin)
        guard Self.isDomain(id) else { throw .malformed("the RP ID \(id) is not a lowercase domain name") }
        guard host == id || host.hasSuffix("." + id) else {
            throw .malformed("the RP ID \(id) is neither the origin's host nor a parent of it")
        }
        self.id = id
        self.origin = origin
        idHash = SHA256.hash(Array(id.utf8))
    }

    /// The relying party of a public URL's origin, its RP ID being the URL's host
    /// (`https://login.example.org/` → RP ID `login.example.org`, origin without the slash).
    public init(publicURL: String) throws(WebAuthnError) {
        var origin = Substring(publicURL)
        if origin.hasSuffix("/") { origin = origin.dropLast() }
        try self.init(id: try Self.host(ofOrigin: String(origin)), origin: String(origin))
    }

    private static func host(ofOrigin origin: String) throws(WebAuthnError) -> String {
        let rest: Substring
        let secure: Bool
        if origin.hasPrefix("https://") {
            rest = origin.dropFirst("https://".count)
            secure = true
        } else if origin.hasPrefix("http://") {
            rest = origin.dropFirst("http://".count)
            secure = false
        } else {
            throw .malformed("an origin starts with https:// (or http:// on localhost)")
        }
        let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = String(parts[0])
        if parts.count == 2 {
            let port = parts[1]
            guard !port.isEmpty, port.utf8.count <= 5, port.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                port.first != "0", let number = Int(port), number <= 65535
            else { throw .malformed("the origin's port is not a number from 1 to 65535") }
        }
        guard isDomain(host) else { throw .malformed("the origin's host is not a lowercase domain name") }
        guard secure || host == "localhost" || host.hasSuffix(".localhost") else {
            throw .malformed("WebAuthn needs a secure context: https, or http on localhost")
        }
        return host
    }

    /// Lowercase LDH labels separated by dots, not all digits in the last label (not an IPv4 address).
    private static func isDomain(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...253).contains(bytes.count) else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
            else { return false }
        }
        return !(labels.last ?? []).allSatisfy { (0x30...0x39).contains($0) }
    }
}
