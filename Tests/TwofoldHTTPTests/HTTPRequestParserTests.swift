import Testing
import TwofoldHTTP

@Suite struct HTTPRequestParserTests {
    private let pipelined = Array(
        ("GET /a?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"
            + "POST /login HTTP/1.1\r\nHost: example.com\r\nContent-Length: 7\r\n\r\nuser=me"
            + "GET /c HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n").utf8)

    @Test func parse_simpleGet_exposesMethodPathQueryVersionAndHeaders() throws {
        let events = ParserHarness.events(
            "GET /a/b?x=1&y HTTP/1.1\r\nHost: Example.com\r\nAccept: text/html\r\nX-Two: 1\r\nx-two: 2\r\n\r\n")
        let request = try #require(ParserHarness.requests(events).first)
        let head = request.head
        #expect(head.method == .get)
        #expect(head.path == "/a/b")
        #expect(head.query == "x=1&y")
        #expect(head.version == .http1_1)
        #expect(head.host == "Example.com")
        #expect(head.contentLength == 0)
        #expect(head.keepAlive)
        #expect(!head.expectsContinue)
        #expect(head.headers.map(\.name) == ["Host", "Accept", "X-Two", "x-two"])
        #expect(head.headers["accept"] == "text/html")
        #expect(head.headers.values(for: "X-TWO") == ["1", "2"])
        #expect(request.body.isEmpty)
    }

    @Test func parse_targetWithoutQuestionMark_hasNilQuery_andEmptyQueryIsEmpty() throws {
        let plain = try #require(ParserHarness.requests(ParserHarness.events("GET /a HTTP/1.0\r\n\r\n")).first)
        let empty = try #require(ParserHarness.requests(ParserHarness.events("GET /a? HTTP/1.0\r\n\r\n")).first)
        #expect(plain.head.query == nil)
        #expect(empty.head.query == "")
    }

    @Test func parse_absoluteForm_takesPathQueryAndHostFromTarget() throws {
        let events = ParserHarness.events("GET http://example.com?q=1 HTTP/1.0\r\n\r\n")
        let head = try #require(ParserHarness.requests(events).first).head
        #expect(head.path == "/")
        #expect(head.query == "q=1")
        #expect(head.host == "example.com")
    }

    @Test func parse_headerValue_isTrimmedOfSurroundingWhitespaceOnly() throws {
        let events = ParserHarness.events("GET / HTTP/1.1\r\nHost: a\r\nX-A: \t a  b \t\r\n\r\n")
        let head = try #require(ParserHarness.requests(events).first).head
        #expect(head.headers["X-A"] == "a  b")
    }

    @Test func parse_threePipelinedRequestsInOneChunk_yieldsThemInOrder() {
        let requests = ParserHarness.requests(ParserHarness.events([pipelined]))
        #expect(requests.map(\.head.path) == ["/a", "/login", "/c"])
        #expect(requests.map(\.head.method) == [.get, .post, .get])
        #expect(requests.map(\.body) == [[], Array("user=me".utf8), []])
        #expect(requests.map(\.head.keepAlive) == [true, true, false])
    }

    @Test func parse_pipelinedRequests_splitAtEveryByteBoundary_yieldSameEvents() {
        let whole = ParserHarness.events([pipelined])
        for split in ParserHarness.allSplits(pipelined) {
            #expect(ParserHarness.events(split) == whole, "split at \(split[0].count)")
        }
        #expect(ParserHarness.bytewise(pipelined) == whole)
    }

    @Test func parse_continueRequest_splitAtEveryByteBoundary_yieldsSameEvents() {
        let input = Array("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody".utf8)
        let whole = ParserHarness.events([input])
        #expect(whole.count == 2)
        for split in ParserHarness.allSplits(input) {
            #expect(ParserHarness.events(split) == whole, "split at \(split[0].count)")
        }
    }

    @Test func parse_afterClosingRequest_ignoresFurtherPipelinedRequests() {
        let input = "GET /1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
        var parser = HTTPRequestParser()
        parser.feed(Array(input.utf8))
        let first = parser.next()
        #expect(ParserHarness.requests([first].compactMap { $0 }).map(\.head.path) == ["/1"])
        #expect(parser.next() == nil)
        #expect(parser.isFinished)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func parse_http10KeepAlive_allowsASecondRequest() {
        let input = "GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\nGET /3 HTTP/1.0\r\n\r\n"
        let requests = ParserHarness.requests(ParserHarness.events(input))
        #expect(requests.map(\.head.path) == ["/1", "/2"])
        #expect(requests.map(\.head.keepAlive) == [true, false])
    }

    @Test(arguments: [
        ("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false),
        ("HTTP/1.1", "Connection: keep-alive\r\n", true), ("HTTP/1.1", "Connection: TE, Close\r\n", false),
        ("HTTP/1.0", "", false), ("HTTP/1.0", "Connection: keep-alive\r\n", true),
        ("HTTP/1.0", "Connection: close\r\n", false), ("HTTP/1.0", "Connection: foo, KEEP-ALIVE\r\n", true),
    ])
    func parse_keepAliveMatrix(version: String, connection: String, keepAlive: Bool) throws {
        let events = ParserHarness.events("GET / \(version)\r\nHost: h\r\n\(connection)\r\n")
        let head = try #require(ParserHarness.requests(events).first).head
        #expect(head.keepAlive == keepAlive)
    }

    @Test func parse_expectContinue_reportsContinueBeforeBodyThenRequest() {
        var parser = HTTPRequestParser()
        parser.feed(Array("POST /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        let first = parser.next()
        guard case .continueRequested(let head) = first else {
            Issue.record("expected continueRequested")
            return
        }
        #expect(head.expectsContinue)
        #expect(head.contentLength == 3)
        #expect(parser.next() == nil)
        #expect(parser.hasPartialRequest)
        parser.feed(Array("a=b".utf8))
        let second = parser.next()
        guard case .request(let request) = second else {
            Issue.record("expected request")
            return
        }
        #expect(request.head == head)
        #expect(request.body == Array("a=b".utf8))
        #expect(!parser.hasPartialRequest)
    }

    @Test func parse_expectContinueOver413_isRefusedWithoutContinue() {
        let events = ParserHarness.events(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n")
        #expect(events.count == 1)
        #expect(Verdict(events) == .refused(413, "http.content_too_large"))
    }

    @Test func parse_requestLineOverLimit_isRefusedBeforeItsEndArrives() {
        var parser = HTTPRequestParser(limits: ParserHarness.smallLimits)
        parser.feed(Array("GET /".utf8) + Array(repeating: UInt8(ascii: "a"), count: 60))
        #expect(parser.next() == nil)
        parser.feed(Array("aaa".utf8))
        #expect(Verdict([parser.next()].compactMap { $0 }) == .refused(414, "http.request_line_too_long"))
    }

    @Test func parse_headerSectionOverLimit_isRefusedBeforeItsEndArrives() {
        var parser = HTTPRequestParser(limits: ParserHarness.smallLimits)
        parser.feed(Array("GET / HTTP/1.1\r\nX: ".utf8) + Array(repeating: UInt8(ascii: "b"), count: 300))
        #expect(Verdict([parser.next()].compactMap { $0 }) == .refused(431, "http.headers_too_large"))
    }

    @Test func parse_allowedHosts_acceptsListedHostsIgnoringCaseAndRefusesOthers() {
        let allowed = ["login.example.com", "localhost:8080"]
        let ok = ParserHarness.events(
            [Array("GET / HTTP/1.1\r\nHost: LOGIN.example.com\r\n\r\n".utf8)], allowedHosts: allowed)
        let other = ParserHarness.events(
            [Array("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n".utf8)], allowedHosts: allowed)
        let noHost = ParserHarness.events([Array("GET / HTTP/1.0\r\n\r\n".utf8)], allowedHosts: allowed)
        #expect(Verdict(ok) == .accepted())
        #expect(Verdict(other) == .refused(400, "http.host_not_allowed"))
        #expect(Verdict(noHost) == .refused(400, "http.missing_host"))
    }

    @Test func finish_midRequest_reportsIncompleteRequest() {
        var parser = HTTPRequestParser()
        parser.feed(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab".utf8))
        #expect(parser.next() == nil)
        #expect(Verdict([parser.finish()].compactMap { $0 }) == .refused(400, "http.incomplete_request"))
        #expect(parser.isFinished)
        #expect(parser.finish() == nil)
    }

    @Test func finish_betweenRequests_reportsNothing() {
        var parser = HTTPRequestParser()
        parser.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(parser.next() != nil)
        #expect(!parser.hasPartialRequest)
        #expect(parser.finish() == nil)
        #expect(parser.isFinished)
    }

    @Test func feed_unsafeRawBufferPointer_isEquivalentToArray() {
        var parser = HTTPRequestParser()
        Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8).withUnsafeBytes { parser.feed($0) }
        #expect(ParserHarness.requests([parser.next()].compactMap { $0 }).count == 1)
    }

    @Test func parse_manyPipelinedRequests_keepsBufferBounded() {
        var parser = HTTPRequestParser()
        let request = Array("GET /x HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        var count = 0
        for _ in 0..<2000 {
            parser.feed(request + request[..<10])
            while case .request = parser.next() { count += 1 }
            parser.feed(Array(request[10...]))
            while case .request = parser.next() { count += 1 }
        }
        #expect(count == 4000)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func parse_binaryBody_isPassedThroughUntouched() throws {
        let body: [UInt8] = [0, 13, 10, 255, 0x7F, 13]
        let input = Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\n".utf8) + body
        let request = try #require(ParserHarness.requests(ParserHarness.events([input])).first)
        #expect(request.body == body)
    }
}
