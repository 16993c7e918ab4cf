import Testing
import TwofoldHTTP

@Suite struct URLEncodedFormTests {
    private func pairs(_ input: String) throws -> [String] {
        try URLEncodedForm(decoding: input).map { "\($0.name)=\($0.value)" }
    }

    @Test(arguments: [
        ("", [String]()),
        ("a=1&b=2", ["a=1", "b=2"]),
        ("a=1&a=2&b=3&a=4", ["a=1", "a=2", "b=3", "a=4"]),
        ("a+b=c+d", ["a b=c d"]),
        ("%41%42=%63", ["AB=c"]),
        ("x=%2B%26%3D%25", ["x=+&=%"]),
        ("flag", ["flag="]),
        ("=v", ["=v"]),
        ("a=", ["a="]),
        ("&&a=1&&", ["a=1"]),
        ("a=b=c", ["a=b=c"]),
        ("e=%C3%A9%e2%82%ac", ["e=é€"]),
        ("email=me%40example.com&password=p%40ss+word", ["email=me@example.com", "password=p@ss word"]),
    ])
    func decode_validInput_givesOrderedPairs(input: String, expected: [String]) throws {
        #expect(try pairs(input) == expected)
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=1&b=%%41"])
    func decode_malformedEscape_throwsInvalidPercentEncoding(input: String) {
        #expect(throws: HTTPError.self) { try URLEncodedForm(decoding: input) }
        do {
            _ = try URLEncodedForm(decoding: input)
        } catch {
            #expect(error.code == "http.invalid_percent_encoding")
            #expect(error.status == .badRequest)
        }
    }

    @Test(arguments: ["a=%FF", "a=%C3", "%80=1", "a=%ED%A0%80"])
    func decode_invalidUTF8_throwsInvalidUTF8(input: String) {
        do {
            _ = try URLEncodedForm(decoding: input)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "http.invalid_utf8")
        }
    }

    @Test func subscriptAndValues_areCaseSensitiveAndOrdered() throws {
        let form = try URLEncodedForm(decoding: "a=1&A=2&a=3")
        #expect(form["a"] == "1")
        #expect(form["A"] == "2")
        #expect(form["b"] == nil)
        #expect(form.values(for: "a") == ["1", "3"])
    }

    @Test func request_queryAndFormParameters_decodeQueryAndBody() throws {
        let request = HTTPRequest(
            head: HTTPRequestHead(method: .post, path: "/login", query: "next=%2Fhome"), body: Array("code=123456".utf8)
        )
        #expect(try request.queryParameters()["next"] == "/home")
        #expect(try request.formParameters()["code"] == "123456")
        #expect(try HTTPRequest(head: HTTPRequestHead(method: .get, path: "/")).queryParameters().isEmpty)
    }
}
