import Testing
import TwofoldCrypto

@testable import TwofoldWebAuthn

@Test func relyingParty_hashesItsID_andDerivesItFromAPublicURL() throws {
    let party = try RelyingParty(id: "example.org", origin: "https://example.org")
    #expect(party.idHash == SHA256.hash(Array("example.org".utf8)))
    // The W3C examples' authenticator data starts with this hash.
    #expect(hex(party.idHash) == "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5")

    let derived = try RelyingParty(publicURL: "https://login.example.org/")
    #expect(derived.id == "login.example.org")
    #expect(derived.origin == "https://login.example.org")
    let local = try RelyingParty(publicURL: "http://localhost:8080")
    #expect(local.id == "localhost")
    #expect(local.origin == "http://localhost:8080")
    #expect(
        try RelyingParty(id: "example.org", origin: "https://a.b.example.org:8443").origin
            == "https://a.b.example.org:8443")
}

@Test(arguments: [
    ("example.org", "http://example.org", "http outside localhost"),
    ("127.0.0.1", "http://127.0.0.1:8080", "an IP address"),
    ("example.org", "https://example.org/login", "a path"),
    ("example.org", "https://user@example.org", "credentials"),
    ("example.org", "https://Example.org", "uppercase"),
    ("example.com", "https://example.org", "an RP ID that is not the host's"),
    ("ample.org", "https://example.org", "a suffix that is not a parent domain"),
    ("login.example.org", "https://example.org", "a child of the host"),
    ("example.org", "https://example.org:0", "port 0"),
    ("example.org", "https://example.org:65536", "a port out of range"),
    ("example.org", "https://example.org:", "an empty port"),
    ("example.org", "https://example.org:08443", "a port with a leading zero"),
    ("example.org", "ftp://example.org", "another scheme"),
    ("example.org", "https://exa mple.org", "a space"),
    ("", "https://example.org", "an empty RP ID"),
    ("example..org", "https://example..org", "an empty label"),
    ("-example.org", "https://-example.org", "a label starting with a hyphen"),
])
func relyingParty_refusesOriginsThatAreNotSecureContextsOrRPIDsThatDoNotMatch(id: String, origin: String, why: String) {
    #expect(errorCode { try RelyingParty(id: id, origin: origin) } == "webauthn.malformed", "\(why)")
}
