import Testing

@testable import TwofoldLoad

@Suite struct HTTPResponseParserTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func contentLengthBody_completesWhenAllBytesArrived() throws {
        var parser = HTTPResponseParser()
        #expect(try parser.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhel")) == .needMore)
        guard case .complete(let response) = try parser.feed(bytes("lo")) else {
            Issue.record("not complete")
            return
        }
        #expect(response.status == 200)
        #expect(response.body == bytes("hello"))
        #expect(response.headers["x-a"] == "b")
        #expect(response.keepAlive)
    }

    @Test func chunkedBody_isDecoded() throws {
        var parser = HTTPResponseParser()
        let event = try parser.feed(
            bytes("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"))
        #expect(
            event
                == .complete(
                    HTTPClientResponse(
                        status: 201, headers: ["transfer-encoding": "chunked"], body: bytes("abcde"), keepAlive: true)))
    }

    @Test func noContent_hasNoBodyAndConnectionClose_isNotKeptAlive() throws {
        var parser = HTTPResponseParser()
        guard
            case .complete(let response) = try parser.feed(
                bytes("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))
        else {
            Issue.record("not complete")
            return
        }
        #expect(response.body.isEmpty)
        #expect(!response.keepAlive)
    }

    @Test func bodyUntilClose_completesAtEndOfStream() throws {
        var parser = HTTPResponseParser()
        #expect(try parser.feed(bytes("HTTP/1.0 200 OK\r\n\r\npartial")) == .needMore)
        let response = try parser.finish()
        #expect(response.body == bytes("partial"))
        #expect(!response.keepAlive)
    }

    @Test func closeBeforeAnyByte_andMidBody_areClosedErrors() {
        var empty = HTTPResponseParser()
        #expect(!empty.hasStarted)
        #expect(throws: LoadError.closed("the server closed the connection")) { try empty.finish() }
        var cut = HTTPResponseParser()
        _ = try? cut.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        #expect(cut.hasStarted)
        #expect(throws: LoadError.closed("the server closed mid-body")) { try cut.finish() }
    }

    @Test(arguments: [
        "HTTX/1.1 200 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    func malformedResponses_areProtocolErrors(text: String) {
        var parser = HTTPResponseParser()
        #expect {
            try parser.feed(Array(text.utf8))
        } throws: { error in
            (error as? LoadError)?.code == "protocol"
        }
    }

    @Test func oversizedHead_isRefused() {
        var parser = HTTPResponseParser()
        let head = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: HTTPResponseParser.maxHeadLength)
        #expect { try parser.feed(Array(head.utf8)) } throws: { ($0 as? LoadError)?.code == "protocol" }
    }

    @Test func request_isSerializedWithHostBearerAndLength() {
        let request = HTTPClientRequest(method: "POST", path: "/api/v1/login", bearer: "t0k", json: .object(["a": "b"]))
        let text = String(decoding: request.serialized(host: "127.0.0.1:8080"), as: UTF8.self)
        #expect(text.hasPrefix("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"))
        #expect(text.contains("Authorization: Bearer t0k\r\n"))
        #expect(text.contains("Content-Length: 9\r\n"))
        #expect(text.hasSuffix("\r\n\r\n{\"a\":\"b\"}"))
        #expect(request.name == "POST /api/v1/login")
    }
}
