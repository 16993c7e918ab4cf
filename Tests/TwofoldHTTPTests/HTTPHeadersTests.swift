import Testing
import TwofoldHTTP

@Suite struct HTTPHeadersTests {
    @Test func addSetRemove_keepOrderAndIgnoreCase() {
        var headers = HTTPHeaders()
        headers.add("Vary", "Cookie")
        headers.add("X-A", "1")
        headers.add("vary", "Accept")
        #expect(headers.values(for: "VARY") == ["Cookie", "Accept"])
        headers.set("VARY", "*")
        #expect(headers.map(\.name) == ["X-A", "VARY"])
        #expect(headers["vary"] == "*")
        headers.remove("x-a")
        #expect(!headers.contains("X-A"))
        #expect(headers.count == 1)
    }

    @Test(arguments: [
        ("X-A", "v", true), ("X-A", "", true), ("X-A", "a\tb", true), ("X A", "v", false), ("", "v", false),
        ("X-A", "a\rb", false), ("X-A", "a\nb", false), ("X-A", "a\u{0}b", false), ("X:A", "v", false),
    ])
    func isValid_refusesWhatCouldBreakFraming(name: String, value: String, valid: Bool) {
        #expect(HTTPHeaders.isValid(name: name, value: value) == valid)
    }
}
