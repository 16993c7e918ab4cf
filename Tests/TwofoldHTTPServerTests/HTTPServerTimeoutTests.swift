import Foundation
import Testing
import TwofoldHTTPServer

/// Timeouts are configured short; margins are generous and nothing asserts exact timing.
@Suite struct HTTPServerTimeoutTests {
    @Test func slowHeaders_whenTheHeadIsNotCompleteInTime_get408AndTheConnectionIsClosed() async throws {
        let running = try await RunningServer {
            $0.timeouts.requestHead = .milliseconds(300)
            $0.timeouts.bodyRead = .seconds(30)
        }
        let client = try running.client()
        let started = Date()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        let response = try client.readResponse(seconds: 10)
        #expect(response.status == 408)
        #expect(client.waitForClose(seconds: 10))
        #expect(Date().timeIntervalSince(started) >= 0.25)
        await running.stop()
    }

    @Test func slowBody_whenTheClientStopsSending_gets408AndTheConnectionIsClosed() async throws {
        let running = try await RunningServer {
            $0.timeouts.bodyRead = .milliseconds(300)
            $0.timeouts.requestHead = .seconds(30)
        }
        let client = try running.client()
        try client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try client.readResponse(seconds: 10).status == 408)
        #expect(client.waitForClose(seconds: 10))
        await running.stop()
    }

    @Test func idleKeepAlive_whenNoNextRequestComes_isClosedSilently() async throws {
        let running = try await RunningServer { $0.timeouts.idle = .milliseconds(300) }
        let client = try running.client()
        try client.get("/")
        #expect(try client.readResponse().status == 200)
        #expect(client.waitForClose(seconds: 10))
        #expect(client.bufferedByteCount == 0)
        #expect(eventually { running.server.openConnectionCount == 0 })
        await running.stop()
    }

    @Test func idleTimeout_doesNotCloseAConnectionThatKeepsSendingRequests() async throws {
        let running = try await RunningServer { $0.timeouts.idle = .milliseconds(400) }
        let client = try running.client()
        for _ in 0..<6 {
            try client.get("/")
            #expect(try client.readResponse().status == 200)
            usleep(150_000)
        }
        await running.stop()
    }
}
