import Testing
import TwofoldHTTP

@Suite struct RequestOriginTests {
    let expected = "https://login.example.co.uk"

    func allowed(origin: String? = nil, referer: String? = nil, requireHeader: Bool = true) -> Bool {
        var headers = HTTPHeaders()
        if let origin { headers.add("Origin", origin) }
        if let referer { headers.add("Referer", referer) }
        return RequestOrigin.isAllowed(headers, expected: expected, requireHeader: requireHeader)
    }

    @Test func origin_mustEqualThePublicOrigin_ignoringASCIICase() {
        #expect(allowed(origin: "https://login.example.co.uk"))
        #expect(allowed(origin: "HTTPS://Login.Example.CO.UK"))
        #expect(!allowed(origin: "https://login.example.co.uk.evil.example"))
        #expect(!allowed(origin: "null", referer: "https://login.example.co.uk/login"))
    }

    @Test func referer_countsOnlyWithoutOrigin_andMustBeThePublicOriginOrUnderIt() {
        #expect(allowed(referer: "https://login.example.co.uk/mfa/setup"))
        #expect(allowed(referer: "https://login.example.co.uk"))
        #expect(!allowed(referer: "https://login.example.co.uker/"))
        #expect(!allowed())
        #expect(allowed(requireHeader: false))
    }

    @Test func origin_withAKelvinSignForK_isRefused() {
        // Found by the http-fields fuzz harness's byte oracle: Unicode lower-casing maps U+212A
        // to "k", so this was accepted as the public origin.
        #expect(!allowed(origin: "https://login.example.co.u\u{212A}"))
        #expect(!allowed(referer: "https://login.example.co.u\u{212A}/login"))
    }

    @Test func referer_whosePathStartsWithACombiningMark_isUnderTheOrigin() {
        // "/" followed by U+0301 is one Character, so a Character-wise prefix test missed it.
        #expect(allowed(referer: "https://login.example.co.uk/\u{301}x"))
    }
}
