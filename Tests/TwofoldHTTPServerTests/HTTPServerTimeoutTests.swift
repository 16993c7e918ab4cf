import Testing
import TwofoldHTTP
import TwofoldHTTPServer

/// Every deadline is driven by the loops' `ManualClock`: the test moves time and then looks at
/// what the server did, so nothing depends on how fast the machine is. Unix sockets, so that
/// what a test sent has reached the server before it moves the clock (see `RunningServer`).
@Suite struct HTTPServerTimeoutTests {
    @Test func slowHeaders_whenTheHeadIsNotCompleteInTime_get408AndTheConnectionIsClosed() async throws {
        let running = try await RunningServer(unixSocket: true) {
            $0.timeouts.requestHead = .seconds(10)
            $0.timeouts.bodyRead = .seconds(30)
        }
        let client = try await running.client()
        try await client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        try await running.advance(by: .seconds(9))
        try await client.send("still coming")
        try await running.advance(by: .milliseconds(999))
        #expect(try await client.bufferedByteCount == 0, "not before the head's 10 s")
        try await running.advance(by: .milliseconds(1))
        let response = try await client.readResponse()
        #expect(response.status == 408)
        #expect(response.header("Connection") == "close")
        try await client.waitForClose()
        await running.stop()
    }

    @Test func slowBody_whenTheClientStopsSending_gets408AndTheConnectionIsClosed() async throws {
        let running = try await RunningServer(unixSocket: true) {
            $0.timeouts.bodyRead = .seconds(3)
            $0.timeouts.requestHead = .seconds(30)
        }
        let client = try await running.client()
        try await client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        try await running.advance(by: .milliseconds(2_999))
        #expect(try await client.bufferedByteCount == 0)
        try await running.advance(by: .milliseconds(1))
        #expect(try await client.readResponse().status == 408)
        try await client.waitForClose()
        await running.stop()
    }

    @Test func wholeRequestDeadline_coversTheBody_evenWhenEveryPauseIsShort() async throws {
        let running = try await RunningServer(unixSocket: true) {
            $0.timeouts.requestHead = .seconds(10)
            $0.timeouts.request = .seconds(30)
            $0.timeouts.bodyRead = .seconds(10)
            $0.timeouts.minimumBodyRate = 0
        }
        let client = try await running.client()
        try await client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n")
        // One byte every 5 s: each pause is under bodyRead, but the whole request is not done in 30 s.
        for _ in 0..<5 {
            try await running.advance(by: .seconds(5))
            try await client.send("x")
        }
        try await running.advance(by: .milliseconds(4_999))
        #expect(try await client.bufferedByteCount == 0, "29.999 s after the first byte: still receiving")
        try await running.advance(by: .milliseconds(1))
        #expect(try await client.readResponse().status == 408)
        try await client.waitForClose()
        await running.stop()
    }

    @Test func wholeRequestDeadline_coversTheTimeAfter100Continue() async throws {
        let running = try await RunningServer(unixSocket: true) {
            $0.timeouts.requestHead = .seconds(10)
            $0.timeouts.request = .seconds(20)
            $0.timeouts.bodyRead = .seconds(10)
            $0.timeouts.minimumBodyRate = 0
        }
        let client = try await running.client()
        try await client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\nExpect: 100-continue\r\n\r\n")
        #expect(try await client.readResponse().status == 100)
        for _ in 0..<3 {
            try await running.advance(by: .seconds(6))
            try await client.send("y")
        }
        try await running.advance(by: .milliseconds(1_999))
        #expect(try await client.bufferedByteCount == 0)
        try await running.advance(by: .milliseconds(1))
        #expect(try await client.readResponse().status == 408)
        try await client.waitForClose()
        await running.stop()
    }

    @Test func minimumBodyRate_cutsATrickleLongBeforeTheWholeRequestDeadline() async throws {
        let running = try await RunningServer(unixSocket: true) {
            $0.timeouts.request = .seconds(300)
            $0.timeouts.bodyRead = .seconds(60)
            $0.timeouts.minimumBodyRate = 100
            $0.timeouts.minimumBodyRateGrace = .seconds(5)
        }
        let client = try await running.client()
        try await client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n")
        // 200 bytes arrive at once: on time until 5 s + 200 / 100 B/s = 7 s after the head.
        try await client.send(String(repeating: "z", count: 200))
        try await running.advance(by: .milliseconds(6_999))
        #expect(try await client.bufferedByteCount == 0)
        try await running.advance(by: .milliseconds(1))
        #expect(try await client.readResponse().status == 408)
        try await client.waitForClose()
        await running.stop()
    }

    @Test func minimumBodyRate_letsABodyThatKeepsUpFinish() async throws {
        let running = try await RunningServer(unixSocket: true) {
            $0.timeouts.request = .seconds(300)
            $0.timeouts.bodyRead = .seconds(60)
            $0.timeouts.minimumBodyRate = 100
            $0.timeouts.minimumBodyRateGrace = .seconds(5)
        }
        let client = try await running.client()
        try await client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
        // A 4 s pause inside the grace, then 100 bytes a second, every second.
        try await running.advance(by: .seconds(4))
        for _ in 0..<10 {
            try await client.send(String(repeating: "k", count: 100))
            try await running.advance(by: .seconds(1))
        }
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "POST /form 1000")
        await running.stop()
    }

    @Test func idleKeepAlive_whenNoNextRequestComes_isClosedSilently() async throws {
        let running = try await RunningServer(unixSocket: true) { $0.timeouts.idle = .seconds(60) }
        let client = try await running.client()
        try await client.get("/")
        #expect(try await client.readResponse().status == 200)
        try await running.advance(by: .seconds(59))
        try await client.get("/again")
        #expect(try await client.readResponse().status == 200, "each request restarts the idle time")
        try await running.advance(by: .seconds(60))
        try await client.waitForClose()
        #expect(try await client.bufferedByteCount == 0)
        try await running.settle { running.server.openConnectionCount == 0 }
        await running.stop()
    }

    @Test func idleTimeout_doesNotCloseAConnectionThatKeepsSendingRequests() async throws {
        let running = try await RunningServer(unixSocket: true) { $0.timeouts.idle = .milliseconds(400) }
        let client = try await running.client()
        for _ in 0..<6 {
            try await client.get("/")
            #expect(try await client.readResponse().status == 200)
            try await running.advance(by: .milliseconds(300))
        }
        #expect(running.server.openConnectionCount == 1)
        await running.stop()
    }
}
