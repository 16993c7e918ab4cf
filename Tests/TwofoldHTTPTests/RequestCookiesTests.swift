import Testing
import TwofoldHTTP

@Suite struct RequestCookiesTests {
    private func pairs(_ header: String) -> [String] {
        RequestCookies(headerValue: header).map { "\($0.name)=\($0.value)" }
    }

    @Test(arguments: [
        ("a=1; b=2", ["a=1", "b=2"]),
        ("a=1;b=2", ["a=1", "b=2"]),
        ("  a = 1 ;\tb=2  ", ["a=1", "b=2"]),
        ("sid=\"quoted\"", ["sid=quoted"]),
        ("sid=\"", ["sid=\""]),
        ("a=", ["a="]),
        ("novalue; a=1", ["a=1"]),
        ("bad name=1; a=1", ["a=1"]),
        ("=1; a=1", ["a=1"]),
        ("a=1; a=2", ["a=1", "a=2"]),
        ("a=x=y", ["a=x=y"]),
        ("", [String]()),
        (";;", [String]()),
    ])
    func parse_cookieHeader_givesOrderedPairsSkippingMalformed(header: String, expected: [String]) {
        #expect(pairs(header) == expected)
    }

    @Test func init_fromHeaders_readsEveryCookieFieldAndFirstWins() {
        let headers: HTTPHeaders = [
            "Cookie": "__Host-sid=abc; theme=dark", "Accept": "*/*", "cookie": "__Host-sid=old",
        ]
        let cookies = RequestCookies(headers: headers)
        #expect(cookies.count == 3)
        #expect(cookies["__Host-sid"] == "abc")
        #expect(cookies["theme"] == "dark")
        #expect(cookies["missing"] == nil)
        #expect(HTTPRequest(head: HTTPRequestHead(method: .get, path: "/", headers: headers)).cookies == cookies)
    }
}
