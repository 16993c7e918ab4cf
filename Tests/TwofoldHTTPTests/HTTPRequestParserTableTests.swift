import Testing
import TwofoldHTTP

/// One row of the strictness table: an input and the exact verdict it must get, both when fed
/// whole and when fed one byte at a time.
struct ParserCase: CustomTestStringConvertible, Sendable {
    let name: String
    let input: [UInt8]
    let expected: Verdict

    init(_ name: String, _ input: String, _ expected: Verdict) {
        self.name = name
        self.input = Array(input.utf8)
        self.expected = expected
    }

    init(_ name: String, bytes: [UInt8], _ expected: Verdict) {
        self.name = name
        self.input = bytes
        self.expected = expected
    }

    var testDescription: String { name }
}

private let ok = Verdict.accepted()
private let okClose = Verdict.accepted(keepAlive: false)
private func bad(_ code: String) -> Verdict { .refused(400, code) }
private let host = "Host: example.com\r\n"

/// Request line, Host and the given extra header lines, then the empty line.
private func get(_ extra: String = "", version: String = "HTTP/1.1") -> String {
    "GET / \(version)\r\n\(host)\(extra)\r\n"
}

private func bytes(_ parts: [UInt8]...) -> [UInt8] { parts.flatMap { $0 } }
private func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

private let acceptedCases: [ParserCase] = [
    ParserCase("plain GET 1.1 keeps alive", get(), ok),
    ParserCase("1.1 with Connection: close closes", get("Connection: close\r\n"), okClose),
    ParserCase("1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", okClose),
    ParserCase("1.0 with keep-alive keeps alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", ok),
    ParserCase("1.0 Connection tokens are case-insensitive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", ok),
    ParserCase(
        "1.0 keep-alive and close means close", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", okClose),
    ParserCase("1.1 close inside a list closes", get("Connection: Upgrade ,CLOSE\r\n"), okClose),
    ParserCase(
        "1.1 close in a second Connection field closes", get("Connection: foo\r\nConnection: close\r\n"), okClose),
    ParserCase("1.1 keep-alive token is a no-op", get("Connection: keep-alive\r\n"), ok),
    ParserCase("1.2 is handled as 1.1", get(version: "HTTP/1.2"), ok),
    ParserCase("1.0 without Host is accepted", "GET /x HTTP/1.0\r\n\r\n", okClose),
    ParserCase("one empty line before the request is skipped", "\r\n" + get(), ok),
    ParserCase("sixteen empty lines before the request are skipped", String(repeating: "\r\n", count: 16) + get(), ok),
    ParserCase(
        "Content-Length surrounded by whitespace is trimmed",
        "POST / HTTP/1.1\r\n\(host)Content-Length:  5 \r\n\r\nhello", ok),
    ParserCase("Content-Length with leading zeros", "POST / HTTP/1.1\r\n\(host)Content-Length: 0005\r\n\r\nhello", ok),
    ParserCase("Content-Length zero", "POST / HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n", ok),
    ParserCase("GET with a body is read", "GET / HTTP/1.1\r\n\(host)Content-Length: 3\r\n\r\nabc", ok),
    ParserCase("body of exactly the limit", "POST / HTTP/1.1\r\n\(host)Content-Length: 16\r\n\r\n0123456789abcdef", ok),
    ParserCase("absolute-form for the own host", "GET http://example.com/a?b HTTP/1.1\r\n\(host)\r\n", ok),
    ParserCase("absolute-form scheme and host ignore case", "GET HTTPS://EXAMPLE.com HTTP/1.1\r\n\(host)\r\n", ok),
    ParserCase("absolute-form in 1.0 without Host", "GET http://example.com/ HTTP/1.0\r\n\r\n", okClose),
    ParserCase("OPTIONS *", "OPTIONS * HTTP/1.1\r\n\(host)\r\n", ok),
    ParserCase("Host with port", "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", ok),
    ParserCase("Host as IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", ok),
    ParserCase("empty Host in 1.1", "GET / HTTP/1.1\r\nHost:\r\n\r\n", ok),
    ParserCase("header names are case-insensitive", "GET / HTTP/1.1\r\nhOsT: example.com\r\n\r\n", ok),
    ParserCase("tab inside a value", get("X-A: a\tb\r\n"), ok),
    ParserCase("empty value", get("X-Empty:\r\n"), ok),
    ParserCase("obs-text in a value", get("X-Name: caf\u{E9}\r\n"), ok),
    ParserCase("every tchar in a name", get("!#$%&'*+-.^_`|~09AZaz: v\r\n"), ok),
    ParserCase("query with every allowed visible character", "GET /a?x=\"<>{}|\\^`[] HTTP/1.1\r\n\(host)\r\n", ok),
    ParserCase("100-continue without a body needs no interim answer", get("Expect: 100-continue\r\n"), ok),
    ParserCase(
        "100-continue is case-insensitive",
        "POST / HTTP/1.1\r\n\(host)Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nx", ok),
    ParserCase(
        "100-continue in 1.0 is ignored", "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
        okClose),
    ParserCase("eight headers are within the limit", get(String(repeating: "X: y\r\n", count: 7)), ok),
]

private let framingCases: [ParserCase] = [
    ParserCase("bare LF ends the request line", "GET / HTTP/1.1\n\(host)\r\n", bad("http.invalid_line_ending")),
    ParserCase(
        "bare LF ends a header line", "GET / HTTP/1.1\r\nHost: example.com\n\r\n", bad("http.invalid_line_ending")),
    ParserCase("bare LF ends the header section", "GET / HTTP/1.1\r\n\(host)\n", bad("http.invalid_line_ending")),
    ParserCase("only bare LFs", "GET / HTTP/1.1\nHost: example.com\n\n", bad("http.invalid_line_ending")),
    ParserCase("bare LF before the request line", "\nGET / HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_line_ending")),
    ParserCase(
        "bare CR inside the request line", "GET / HTTP/1.1\rHost: example.com\r\n\r\n", bad("http.invalid_version")),
    ParserCase("bare CR inside a header value", get("X-A: a\rb\r\n"), bad("http.invalid_header_value")),
    ParserCase("bare CR as a header line", "GET / HTTP/1.1\r\n\(host)\r\r\n\r\n", bad("http.invalid_header_name")),
    ParserCase(
        "seventeen empty lines before the request", String(repeating: "\r\n", count: 17) + get(),
        bad("http.too_many_empty_lines")),
    ParserCase("obs-fold with a space", get("X-A: a\r\n b\r\n"), bad("http.obsolete_line_folding")),
    ParserCase("obs-fold with a tab", get("X-A: a\r\n\tb\r\n"), bad("http.obsolete_line_folding")),
    ParserCase(
        "whitespace before the first header", "GET / HTTP/1.1\r\n Host: example.com\r\n\r\n",
        bad("http.obsolete_line_folding")),
    ParserCase(
        "space between name and colon", "GET / HTTP/1.1\r\nHost : example.com\r\n\r\n",
        bad("http.whitespace_before_colon")),
    ParserCase("tab between name and colon", get("X-A\t: b\r\n"), bad("http.whitespace_before_colon")),
    ParserCase(
        "space before colon on Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length : 1\r\n\r\nx",
        bad("http.whitespace_before_colon")),
    ParserCase(
        "space before colon on Transfer-Encoding", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding : chunked\r\n\r\n",
        bad("http.whitespace_before_colon")),
    ParserCase("empty header name", get(": v\r\n"), bad("http.invalid_header_name")),
    ParserCase("header line without colon", get("X-A v\r\n"), bad("http.invalid_header_name")),
    ParserCase("separator in a header name", get("X(A): v\r\n"), bad("http.invalid_header_name")),
    ParserCase("space inside a header name", get("X A: v\r\n"), bad("http.invalid_header_name")),
    ParserCase("non-ASCII in a header name", get("X-\u{E9}: v\r\n"), bad("http.invalid_header_name")),
    ParserCase("NUL in a header name", get("X\u{0}A: v\r\n"), bad("http.invalid_header_name")),
    ParserCase("NUL in a header value", get("X-A: a\u{0}b\r\n"), bad("http.invalid_header_value")),
    ParserCase("DEL in a header value", get("X-A: a\u{7F}b\r\n"), bad("http.invalid_header_value")),
    ParserCase("control character in a header value", get("X-A: a\u{1}b\r\n"), bad("http.invalid_header_value")),
    ParserCase("escape character in a header value", get("X-A: \u{1B}[31m\r\n"), bad("http.invalid_header_value")),
]

private let requestLineCases: [ParserCase] = [
    ParserCase(
        "lowercase method is a different, unknown method", "get / HTTP/1.1\r\n\(host)\r\n",
        .refused(501, "http.method_not_implemented")),
    ParserCase(
        "unknown well-formed method", "FOO / HTTP/1.1\r\n\(host)\r\n", .refused(501, "http.method_not_implemented")),
    ParserCase(
        "CONNECT is not implemented", "CONNECT example.com:443 HTTP/1.1\r\n\(host)\r\n",
        .refused(501, "http.method_not_implemented")),
    ParserCase("TRACE is parsed, for the router to refuse with 405", "TRACE / HTTP/1.1\r\n\(host)\r\n", ok),
    ParserCase("QUERY is parsed, for the router to refuse with 405", "QUERY / HTTP/1.1\r\n\(host)\r\n", ok),
    ParserCase("separator in the method", "G@T / HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_method")),
    ParserCase("non-ASCII method", "G\u{C9}T / HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_method")),
    ParserCase("NUL in the method", "GE\u{0}T / HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_method")),
    ParserCase("tab instead of space after the method", "GET\t/ HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_method")),
    ParserCase("request line starting with a space", " GET / HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_method")),
    ParserCase("two spaces after the method", "GET  / HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("space inside the target", "GET /a b HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_version")),
    ParserCase("HTTP/0.9 request line without version", "GET /\r\n\r\n", bad("http.invalid_request_line")),
    ParserCase("request line without any space", "GET\r\n\r\n", bad("http.invalid_request_line")),
    ParserCase("NUL in the target", "GET /a\u{0}b HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("tab in the target", "GET /a\tb HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("fragment in the target", "GET /a#b HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("raw non-ASCII in the target", "GET /caf\u{E9} HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("DEL in the target", "GET /a\u{7F} HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("relative target", "GET index.html HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase("asterisk target for GET", "GET * HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase(
        "authority-form target for GET", "GET example.com:443 HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase(
        "absolute-form for another host", "GET http://evil/ HTTP/1.1\r\n\(host)\r\n", bad("http.host_not_allowed")),
    ParserCase(
        "absolute-form with userinfo", "GET http://user@example.com/ HTTP/1.1\r\n\(host)\r\n",
        bad("http.invalid_target")),
    ParserCase(
        "absolute-form with empty authority", "GET http:///a HTTP/1.1\r\n\(host)\r\n", bad("http.invalid_target")),
    ParserCase(
        "absolute-form with another scheme", "GET ftp://example.com/ HTTP/1.1\r\n\(host)\r\n",
        bad("http.invalid_target")),
    ParserCase("HTTP/2.0 is not supported", get(version: "HTTP/2.0"), .refused(505, "http.version_not_supported")),
    ParserCase("HTTP/3.0 is not supported", get(version: "HTTP/3.0"), .refused(505, "http.version_not_supported")),
    ParserCase(
        "HTTP/0.9 as a version is not supported", get(version: "HTTP/0.9"), .refused(505, "http.version_not_supported")),
    ParserCase("HTTP/1.1x", get(version: "HTTP/1.1x"), bad("http.invalid_version")),
    ParserCase("lowercase protocol name", get(version: "http/1.1"), bad("http.invalid_version")),
    ParserCase("version without a dot", get(version: "HTTP/11"), bad("http.invalid_version")),
    ParserCase("two-digit minor version", get(version: "HTTP/1.10"), bad("http.invalid_version")),
    ParserCase("trailing space after the version", get(version: "HTTP/1.1 "), bad("http.invalid_version")),
    ParserCase("empty version", get(version: ""), bad("http.invalid_version")),
    ParserCase("bad syntax wins over an unknown method", "FOO / HTTP/1.1x\r\n\(host)\r\n", bad("http.invalid_version")),
    ParserCase(
        "505 wins over an unknown method", "FOO / HTTP/2.0\r\n\(host)\r\n", .refused(505, "http.version_not_supported")),
    ParserCase(
        "request line over the limit", "GET /\(String(repeating: "a", count: 60)) HTTP/1.1\r\n\(host)\r\n",
        .refused(414, "http.request_line_too_long")),
]

private let headCases: [ParserCase] = [
    ParserCase("1.1 without Host", "GET / HTTP/1.1\r\n\r\n", bad("http.missing_host")),
    ParserCase("two Host fields", get("Host: example.com\r\n"), bad("http.invalid_host")),
    ParserCase("space inside Host", "GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n", bad("http.invalid_host")),
    ParserCase("slash inside Host", "GET / HTTP/1.1\r\nHost: example.com/evil\r\n\r\n", bad("http.invalid_host")),
    ParserCase("userinfo in Host", "GET / HTTP/1.1\r\nHost: a@example.com\r\n\r\n", bad("http.invalid_host")),
    ParserCase(
        "Content-Length -1", "POST / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n", bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length +5", "POST / HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\nhello",
        bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length with inner space", "POST / HTTP/1.1\r\n\(host)Content-Length: 5 5\r\n\r\nhello",
        bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length as a list", "POST / HTTP/1.1\r\n\(host)Content-Length: 5,5\r\n\r\nhello",
        bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length in hex", "POST / HTTP/1.1\r\n\(host)Content-Length: 0x5\r\n\r\nhello",
        bad("http.invalid_content_length")),
    ParserCase(
        "empty Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n", bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length of 20 digits", "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999\r\n\r\n",
        bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length just over Int.max", "POST / HTTP/1.1\r\n\(host)Content-Length: 9223372036854775808\r\n\r\n",
        bad("http.invalid_content_length")),
    ParserCase(
        "Content-Length of Int.max is too large, not malformed",
        "POST / HTTP/1.1\r\n\(host)Content-Length: 9223372036854775807\r\n\r\n", .refused(413, "http.content_too_large")
    ),
    ParserCase(
        "identical duplicate Content-Length",
        "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        bad("http.duplicate_content_length")),
    ParserCase(
        "conflicting Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\ncontent-length: 6\r\n\r\nhello!",
        bad("http.duplicate_content_length")),
    ParserCase(
        "Content-Length then Transfer-Encoding",
        "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        bad("http.content_length_with_transfer_encoding")),
    ParserCase(
        "Transfer-Encoding then Content-Length",
        "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        bad("http.content_length_with_transfer_encoding")),
    ParserCase(
        "Transfer-Encoding chunked alone", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        .refused(501, "http.transfer_encoding_not_implemented")),
    ParserCase(
        "Transfer-Encoding with odd casing", "POST / HTTP/1.1\r\n\(host)tRaNsFeR-eNcOdInG: ChUnKeD\r\n\r\n",
        .refused(501, "http.transfer_encoding_not_implemented")),
    ParserCase(
        "Transfer-Encoding chunked, identity", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, identity\r\n\r\n",
        .refused(501, "http.transfer_encoding_not_implemented")),
    ParserCase(
        "Transfer-Encoding identity", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: identity\r\n\r\n",
        .refused(501, "http.transfer_encoding_not_implemented")),
    ParserCase(
        "empty Transfer-Encoding", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding:\r\n\r\n",
        .refused(501, "http.transfer_encoding_not_implemented")),
    ParserCase(
        "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        bad("http.transfer_encoding_in_http10")),
    ParserCase(
        "body over the limit", "POST / HTTP/1.1\r\n\(host)Content-Length: 17\r\n\r\n",
        .refused(413, "http.content_too_large")),
    ParserCase(
        "unknown expectation", "POST / HTTP/1.1\r\n\(host)Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
        .refused(417, "http.expectation_failed")),
    ParserCase(
        "too many headers", get(String(repeating: "X: y\r\n", count: 8)), .refused(431, "http.too_many_headers")),
    ParserCase(
        "header section over the limit", get("X-Big: \(String(repeating: "b", count: 250))\r\n"),
        .refused(431, "http.headers_too_large")),
]

@Suite struct HTTPRequestParserTableTests {
    static let allCases = acceptedCases + framingCases + requestLineCases + headCases

    @Test func table_hasAtLeastEightyMalformedOrEdgeCases() {
        #expect(Self.allCases.count >= 80)
        #expect(Self.allCases.filter { $0.expected.status != 200 }.count >= 80)
    }

    @Test(arguments: allCases)
    func parse_wholeInput_givesExactVerdict(_ testCase: ParserCase) {
        let verdict = Verdict(ParserHarness.events([testCase.input]))
        #expect(verdict == testCase.expected)
    }

    @Test(arguments: allCases)
    func parse_byteAtATime_givesSameVerdictAsWholeInput(_ testCase: ParserCase) {
        let verdict = Verdict(ParserHarness.bytewise(testCase.input))
        #expect(verdict == testCase.expected)
    }

    @Test(arguments: allCases.filter { $0.expected.status != 200 })
    func parse_afterRefusal_isFinishedAndReportsNothingMore(_ testCase: ParserCase) {
        var parser = HTTPRequestParser(limits: ParserHarness.smallLimits)
        parser.feed(testCase.input)
        var sawFailure = false
        while let event = parser.next() {
            #expect(!sawFailure, "nothing may follow a failure")
            if case .failure = event { sawFailure = true }
        }
        #expect(sawFailure)
        #expect(parser.isFinished)
        parser.feed(Array(get().utf8))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }
}
