import Testing
import TwofoldHTTP

@Suite struct SecurityHeadersTests {
    @Test func fields_byDefault_areTheLockedDownSet() {
        let fields = SecurityHeaders().fields.map { "\($0.name): \($0.value)" }
        #expect(
            fields == [
                "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                    + "frame-ancestors 'none'; base-uri 'none'",
                "Referrer-Policy: no-referrer",
                "X-Content-Type-Options: nosniff",
                "X-Frame-Options: DENY",
                "Cross-Origin-Opener-Policy: same-origin",
                "Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()",
                "Cache-Control: no-store",
            ])
    }

    @Test func contentSecurityPolicy_allowsNoScript() {
        let policy = SecurityHeaders().contentSecurityPolicy
        #expect(!policy.contains("script-src"))
        #expect(policy.hasPrefix("default-src 'none'"))
        #expect(!policy.contains("unsafe"))
    }

    @Test func options_dropNoStoreAndAddHSTS() {
        let names = SecurityHeaders(noStore: false, strictTransportSecurity: "max-age=63072000").fields.map(\.name)
        #expect(!names.contains("Cache-Control"))
        #expect(names.last == "Strict-Transport-Security")
    }

    @Test func apply_replacesExistingFieldsOfTheSameName() {
        var headers: HTTPHeaders = ["cache-control": "public", "Content-Type": "text/html"]
        SecurityHeaders().apply(to: &headers)
        #expect(headers.values(for: "Cache-Control") == ["no-store"])
        #expect(headers["Content-Type"] == "text/html")
        #expect(headers.count == 8)
    }
}
