import Testing
import TwofoldHTTP

@Suite struct SetCookieTests {
    private func code(_ build: () throws(HTTPError) -> SetCookie) -> String? {
        do {
            _ = try build()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func headerValue_withEveryAttribute_isByteExact() throws {
        let cookie = try SetCookie(
            name: "__Secure-pref", value: "v1", path: "/app", domain: "example.com", maxAge: 3600,
            expires: HTTPDate(secondsSince1970: 784_111_777), secure: true, httpOnly: true, sameSite: .strict)
        #expect(
            cookie.headerValue
                == "__Secure-pref=v1; Path=/app; Domain=example.com; Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT; "
                + "Secure; HttpOnly; SameSite=Strict")
    }

    @Test func defaults_areSecureHttpOnlyLaxRootPath() throws {
        #expect(
            try SetCookie(name: "__Host-sid", value: "abc").headerValue
                == "__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax")
    }

    @Test func sameSiteNone_withSecure_isWritten() throws {
        #expect(
            try SetCookie(name: "a", value: "b", sameSite: SetCookie.SameSite.none).headerValue
                == "a=b; Path=/; Secure; HttpOnly; SameSite=None")
    }

    @Test func deleting_expiresImmediately() throws {
        #expect(
            try SetCookie.deleting(name: "__Host-sid").headerValue
                == "__Host-sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax"
        )
    }

    @Test func hostPrefix_withoutSecure_isRefused() {
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "__Host-sid", value: "a", secure: false) }
                == "http.cookie_prefix_violation")
    }

    @Test func hostPrefix_withOtherPath_isRefused() {
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "__Host-sid", value: "a", path: "/app") }
                == "http.cookie_prefix_violation")
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "__Host-sid", value: "a", path: nil) }
                == "http.cookie_prefix_violation")
    }

    @Test func hostPrefix_withDomain_isRefused() {
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "__host-sid", value: "a", domain: "example.com") }
                == "http.cookie_prefix_violation")
    }

    @Test func securePrefix_withoutSecure_isRefused() {
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "__Secure-x", value: "a", secure: false) }
                == "http.cookie_prefix_violation")
    }

    @Test func sameSiteNone_withoutSecure_isRefused() {
        #expect(
            code { () throws(HTTPError) in
                try SetCookie(name: "a", value: "b", secure: false, sameSite: SetCookie.SameSite.none)
            } == "http.cookie_prefix_violation")
    }

    @Test(arguments: [
        ("", "v"), ("a b", "v"), ("a;b", "v"), ("a=b", "v"), ("a\u{0}", "v"),
        ("a", "v w"), ("a", "v;w"), ("a", "v,w"), ("a", "\"v\""), ("a", "v\\w"), ("a", "v\r\nX: y"), ("a", "caf\u{E9}"),
    ])
    func invalidNameOrValue_isRefused(name: String, value: String) {
        #expect(code { () throws(HTTPError) in try SetCookie(name: name, value: value) } == "http.invalid_cookie")
    }

    @Test func invalidAttributes_areRefused() {
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "a", value: "b", path: "/a;Domain=evil") }
                == "http.invalid_cookie")
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "a", value: "b", path: "") } == "http.invalid_cookie")
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "a", value: "b", domain: "evil.com; x") }
                == "http.invalid_cookie")
        #expect(
            code { () throws(HTTPError) in try SetCookie(name: "a", value: "b", maxAge: -1) } == "http.invalid_cookie")
    }

    @Test func errors_areServerSide() {
        do {
            _ = try SetCookie(name: "__Host-a", value: "b", secure: false)
        } catch {
            #expect(error.status == .internalServerError)
        }
    }

    @Test func description_neverContainsTheValue() throws {
        let cookie = try SetCookie(name: "__Host-sid", value: "s3cr3tSessionToken")
        #expect(!String(describing: cookie).contains("s3cr3t"))
    }
}
