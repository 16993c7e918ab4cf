import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldSystem

@Suite struct HTTPServerTests {
    @Test func keepAlive_whenSeveralRequestsShareAConnection_answersEachAndStaysOpen() async throws {
        let running = try await RunningServer()
        let client = try await running.client()
        for index in 0..<3 {
            try await client.get("/item/\(index)")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "GET /item/\(index) 0")
            #expect(response.header("Connection") == nil)
        }
        #expect(running.server.openConnectionCount == 1)
        await running.stop()
    }

    @Test func pipelining_whenThreeRequestsArriveInOneWrite_answersThemInRequestOrder() async throws {
        // The first answer comes last, from the test's task; the others from other threads at once.
        let held = HeldWriters()
        let handler = ClosureHandler { request, writer in
            let path = request.head.path
            if path == "/a" {
                held.hold(path, writer)
            } else {
                DispatchQueue.global().async { writer.respond(text(path)) }
            }
        }
        let running = try await RunningServer(handler: handler)
        let client = try await running.client()
        try await client.send(
            "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\nGET /c HTTP/1.1\r\nHost: t\r\n\r\n")
        let first = await held.writer(for: "/a")
        // Nothing may overtake the unanswered first request.
        try await running.settle()
        #expect(try await client.bufferedByteCount == 0)
        first?.respond(text("/a"))
        #expect(try await client.readResponse().text == "/a")
        #expect(try await client.readResponse().text == "/b")
        #expect(try await client.readResponse().text == "/c")
        await running.stop()
    }

    @Test func http10_withoutKeepAlive_isAnsweredWithConnectionCloseAndClosed() async throws {
        let running = try await RunningServer()
        let client = try await running.client()
        try await client.send("GET /old HTTP/1.0\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        try await client.waitForClose()
        await running.stop()
    }

    @Test func http10_withKeepAlive_staysOpenForTheNextRequest() async throws {
        let running = try await RunningServer()
        let client = try await running.client()
        for _ in 0..<2 {
            try await client.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "keep-alive")
        }
        await running.stop()
    }

    @Test func expectContinue_sendsTheInterimResponseBeforeTheBodyIsSent() async throws {
        let running = try await RunningServer()
        let client = try await running.client()
        try await client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await client.readResponse()
        #expect(interim.status == 100)
        try await client.send("hello")
        let final = try await client.readResponse()
        #expect(final.status == 200)
        #expect(final.text == "POST /upload 5")
        await running.stop()
    }

    static let limitCases: [(name: String, request: String, status: Int)] = [
        ("request line", "GET /\(String(repeating: "a", count: 400)) HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        (
            "header section",
            "GET / HTTP/1.1\r\nHost: t\r\n"
                + (0..<20).map { "X-Filler-\($0): \(String(repeating: "v", count: 40))\r\n" }
                .joined() + "\r\n", 431
        ),
        (
            "body", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "b", count: 2000),
            413
        ),
    ]

    @Test(arguments: 0..<3)
    func limits_whenExceeded_areAnsweredWithTheirStatusAndTheConnectionIsClosed(caseIndex: Int) async throws {
        let (name, request, status) = Self.limitCases[caseIndex]
        let running = try await RunningServer { configuration in
            configuration.limits = HTTPParserLimits(
                maxRequestLineLength: 256, maxHeaderCount: 64, maxHeaderBytes: 512, maxBodySize: 1024)
        }
        let client = try await running.client()
        try await client.send(request)
        let response = try await client.readResponse()
        #expect(response.status == status, "\(name)")
        #expect(response.header("Connection") == "close", "\(name)")
        try await client.waitForClose()
        await running.stop()
    }

    @Test func errorResponse_shapesTheServersOwnAnswers_withThePathOfTheRefusedRequest() async throws {
        let replies = Mutex<[HTTPServer.ErrorReply]>([])
        let running = try await RunningServer(handler: ClosureHandler { _, _ in }) { configuration in
            configuration.limits = HTTPParserLimits(
                maxRequestLineLength: 256, maxHeaderCount: 64, maxHeaderBytes: 512, maxBodySize: 1024)
            configuration.errorResponse = { reply in
                replies.withLock { $0.append(reply) }
                return HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/json"],
                    body: Array(#"{"code":"\#(reply.code)"}"#.utf8))
            }
        }
        // Too large: the head was read, so the hook sees the path; the status stays the server's.
        let large = try await running.client()
        try await large.send("POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n")
        let refused = try await large.readResponse()
        #expect(refused.status == 413)
        #expect(refused.header("Content-Type") == "application/json")
        #expect(refused.text == #"{"code":"http.content_too_large"}"#)
        #expect(refused.header("X-Content-Type-Options") == "nosniff", "security headers are still added")
        // Unparseable request line: no path.
        let garbled = try await running.client()
        try await garbled.send("GET /\r\n\r\n")
        #expect(try await garbled.readResponse().status == 400)
        // A handler that drops its writer: 500 through the hook, with the request's path.
        let dropped = try await running.client()
        try await dropped.get("/api/v1/me")
        let fallback = try await dropped.readResponse()
        #expect(fallback.status == 500)
        #expect(fallback.text == #"{"code":"http.no_response"}"#)
        let seen = replies.withLock { $0 }
        #expect(seen.map(\.path) == ["/api/v1/login", nil, "/api/v1/me"])
        #expect(seen.map(\.status.code) == [413, 400, 500])
        #expect(seen.allSatisfy { !$0.message.isEmpty })
        await running.stop()
    }

    @Test func malformedRequest_isAnswered400AndClosed() async throws {
        let running = try await RunningServer()
        let client = try await running.client()
        try await client.send("GET /\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 400)
        try await client.waitForClose()
        await running.stop()
    }

    @Test func asyncHandler_answeringFromAnotherThread_isDeliveredOnTheConnection() async throws {
        let answeredOffLoop = Atomic<Bool>(false)
        let handler = ClosureHandler { request, writer in
            let loop = request.eventLoop
            DispatchQueue.global().async {
                answeredOffLoop.store(!loop.inEventLoop, ordering: .relaxed)
                writer.respond(text("later", status: .accepted))
            }
        }
        let running = try await RunningServer(handler: handler)
        let client = try await running.client()
        try await client.get("/work")
        let response = try await client.readResponse()
        #expect(response.status == 202)
        #expect(response.text == "later")
        let offLoop = answeredOffLoop.load(ordering: .relaxed)
        #expect(offLoop)
        await running.stop()
    }

    @Test func handlerThatNeverAnswers_getsA500WhenItsWriterIsReleased() async throws {
        let running = try await RunningServer(handler: ClosureHandler { _, _ in })
        let client = try await running.client()
        try await client.get("/forgotten")
        #expect(try await client.readResponse().status == 500)
        await running.stop()
    }

    @Test func securityHeaders_areAddedUnlessTheResponseSetsTheFieldItself() async throws {
        let handler = ClosureHandler { _, writer in
            var response = text("css")
            response.headers.set("Cache-Control", "public, max-age=60")
            writer.respond(response)
        }
        let running = try await RunningServer(handler: handler)
        let client = try await running.client()
        try await client.get("/")
        let response = try await client.readResponse()
        let policy = try #require(response.header("Content-Security-Policy"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(response.header("Referrer-Policy") == "no-referrer")
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        #expect(response.header("Cache-Control") == "public, max-age=60")
        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        await running.stop()
    }

    @Test func accessLog_recordsMethodPathAndStatus_butNeverTheQueryOrCookies() async throws {
        let running = try await RunningServer()
        let client = try await running.client()
        try await client.get("/login?token=sekrit-token", headers: ["Cookie: session=sekrit-cookie"])
        _ = try await client.readResponse()
        await running.stop()
        let lines = running.log.lines.filter { $0.contains("\"msg\":\"request\"") }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.contains("\"method\":\"GET\""))
        #expect(line.contains("\"path\":\"/login\""))
        #expect(line.contains("\"status\":200"))
        #expect(line.contains("\"duration_us\":"))
        #expect(line.contains("\"remote\":\"127.0.0.1:"))
        #expect(!line.contains("sekrit"))
    }

    @Test func unixSocket_servesRequestsAndRemovesItsFileOnShutdown() async throws {
        let path = "/tmp/tf-http-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let running = try await RunningServer { $0.address = .unix(path: path) }
        let client = try await running.client()
        try await client.get("/over-unix")
        #expect(try await client.readResponse().text == "GET /over-unix 0")
        await running.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func start_whenTheAddressIsTaken_throwsListenFailed() async throws {
        let running = try await RunningServer()
        let group = try EventLoopGroup(loopCount: 1)
        var configuration = HTTPServer.Configuration(address: running.address)
        configuration.accessLog = false
        let second = HTTPServer(
            configuration: configuration, group: group, logger: .init(label: "t", sink: .memory()), handler: echoHandler
        )
        await #expect(throws: HTTPServerError.self) { try await second.start() }
        try await offThePool { group.shutdownGracefully() }
        await running.stop()
    }
}
