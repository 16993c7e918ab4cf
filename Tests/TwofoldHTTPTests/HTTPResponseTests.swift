import Testing
import TwofoldHTTP

@Suite struct HTTPResponseTests {
    private let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    private func text(
        _ response: HTTPResponse, keepAlive: Bool = true, version: HTTPVersion = .http1_1,
        omitBody: Bool = false
    ) -> String {
        var out: [UInt8] = []
        response.serialize(into: &out, date: date, keepAlive: keepAlive, requestVersion: version, omitBody: omitBody)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func serialize_okWithBody_isByteExact() {
        let response = HTTPResponse(
            status: .ok, headers: ["Content-Type": "text/plain"], body: Array("hi".utf8))
        #expect(
            text(response)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nDate: \(date)\r\n\r\nhi")
    }

    @Test func serialize_withoutKeepAlive_addsConnectionClose() {
        #expect(
            text(HTTPResponse(status: .notFound), keepAlive: false)
                == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nDate: \(date)\r\nConnection: close\r\n\r\n")
    }

    @Test func serialize_keepAliveForHTTP10_saysKeepAlive() {
        #expect(
            text(HTTPResponse(status: .ok), version: .http1_0)
                == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: \(date)\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func serialize_forHead_keepsContentLengthButOmitsBody() {
        #expect(
            text(HTTPResponse(status: .ok, body: Array("hello".utf8)), omitBody: true)
                == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: \(date)\r\n\r\n")
    }

    @Test func serialize_noContent_hasNeitherContentLengthNorBody() {
        #expect(
            text(HTTPResponse(status: .noContent, body: Array("x".utf8)))
                == "HTTP/1.1 204 No Content\r\nDate: \(date)\r\n\r\n")
    }

    @Test func serialize_notModified_hasNeitherContentLengthNorBody() {
        #expect(text(HTTPResponse(status: .notModified)) == "HTTP/1.1 304 Not Modified\r\nDate: \(date)\r\n\r\n")
    }

    @Test func serialize_managedFieldsFromCaller_areReplacedBySerializerOwn() {
        let response = HTTPResponse(
            status: .ok,
            headers: [
                "content-length": "99", "Date": "yesterday", "Connection": "upgrade", "Transfer-Encoding": "chunked",
                "X-A": "1",
            ])
        #expect(text(response) == "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 0\r\nDate: \(date)\r\n\r\n")
    }

    @Test func serialize_fieldsThatWouldSplitTheResponse_areLeftOut() {
        let response = HTTPResponse(
            status: .seeOther,
            headers: ["Location": "/a\r\nSet-Cookie: evil=1", "X-Nul": "a\u{0}b", "Bad Name": "v", "X-Ok": "fine"])
        #expect(text(response) == "HTTP/1.1 303 See Other\r\nX-Ok: fine\r\nContent-Length: 0\r\nDate: \(date)\r\n\r\n")
    }

    @Test func serialize_repeatedFields_areKeptInOrder() throws {
        var headers = HTTPHeaders()
        headers.add(try SetCookie(name: "a", value: "1"))
        headers.add(try SetCookie(name: "b", value: "2", path: nil, secure: false, httpOnly: false, sameSite: nil))
        #expect(
            text(HTTPResponse(status: .ok, headers: headers))
                == "HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/; Secure; HttpOnly; SameSite=Lax\r\nSet-Cookie: b=2\r\n"
                + "Content-Length: 0\r\nDate: \(date)\r\n\r\n")
    }

    @Test func serialize_appendsToExistingBytes() {
        var out = Array("prefix".utf8)
        HTTPResponse(status: .ok).serialize(into: &out, date: date, keepAlive: true)
        #expect(String(decoding: out, as: UTF8.self).hasPrefix("prefixHTTP/1.1 200 OK\r\n"))
    }

    @Test func serialize_respondingToHeadRequestOf10Client_usesItsVersionMethodAndKeepAlive() {
        let head = HTTPRequestHead(method: .head, path: "/", version: .http1_0, keepAlive: true)
        var out: [UInt8] = []
        HTTPResponse(status: .ok, body: Array("abc".utf8)).serialize(into: &out, date: date, respondingTo: head)
        #expect(
            String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nDate: \(date)\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func serialize_respondingToKeepAliveHead_canStillForceClose() {
        let head = HTTPRequestHead(method: .get, path: "/")
        var out: [UInt8] = []
        HTTPResponse(status: .ok).serialize(into: &out, date: date, respondingTo: head, keepAlive: false)
        #expect(String(decoding: out, as: UTF8.self).contains("Connection: close\r\n"))
    }

    @Test func continueLine_isTheInterimResponse() {
        #expect(HTTPResponse.continueLine == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
    }

    @Test func initError_answersStatusWithFixedMessage() throws {
        var parser = HTTPRequestParser()
        parser.feed(Array("GET / HTTP/2.0\r\n\r\n".utf8))
        let event = parser.next()
        guard case .failure(let error) = event else {
            Issue.record("expected a failure")
            return
        }
        #expect(
            text(HTTPResponse(error: error), keepAlive: false)
                == "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 28\r\nDate: \(date)\r\nConnection: close\r\n\r\nHTTP version not supported.\n")
    }

    @Test(arguments: [
        (100, "Continue"), (200, "OK"), (303, "See Other"), (413, "Content Too Large"), (429, "Too Many Requests"),
        (431, "Request Header Fields Too Large"), (503, "Service Unavailable"), (299, "Success"), (499, "Client Error"),
    ])
    func reasonPhrase_followsRFC9110(code: Int, phrase: String) {
        #expect(HTTPStatus(code: code).reasonPhrase == phrase)
    }
}
