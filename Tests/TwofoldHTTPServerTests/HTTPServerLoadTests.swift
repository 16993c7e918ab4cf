import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldSystem

@Suite struct HTTPServerLoadTests {
    @Test func manyConcurrentConnections_eachSendingSeveralRequests_areAllAnswered() async throws {
        let running = try await RunningServer()
        let clients = try (0..<200).map { _ in try running.client() }
        for round in 0..<5 {
            for (index, client) in clients.enumerated() { try client.get("/c\(index)/r\(round)") }
            for (index, client) in clients.enumerated() {
                let response = try client.readResponse(seconds: 20)
                #expect(response.status == 200)
                #expect(response.text == "GET /c\(index)/r\(round) 0")
            }
        }
        #expect(running.server.openConnectionCount == 200)
        await running.stop()
    }

    @Test func connectionCap_whenReached_answers503AndClosesNewConnections() async throws {
        let running = try await RunningServer { $0.maxConnections = 2 }
        let first = try running.client()
        let second = try running.client()
        for client in [first, second] {
            try client.get("/")
            #expect(try client.readResponse().status == 200)
        }
        let third = try running.client()
        let refused = try third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(third.waitForClose())

        first.socket.close()
        #expect(eventually { running.server.openConnectionCount < 2 })
        let fourth = try running.client()
        try fourth.get("/again")
        #expect(try fourth.readResponse().status == 200)
        await running.stop()
    }

    @Test func gracefulShutdown_letsTheRequestInFlightFinish_andRefusesNewConnections() async throws {
        let started = DispatchSemaphore(value: 0)
        let held = Mutex<ResponseWriter?>(nil)
        let handler = ClosureHandler { request, writer in
            guard request.head.path == "/slow" else {
                writer.respond(text("fast"))
                return
            }
            held.withLock { $0 = writer }
            started.signal()
        }
        let running = try await RunningServer(handler: handler)
        let idle = try running.client()
        try idle.get("/")
        #expect(try idle.readResponse().text == "fast")
        let busy = try running.client()
        try busy.get("/slow")
        #expect(started.wait(timeout: .now() + 5) == .success)

        let server = running.server
        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10)) }
        // Idle keep-alive connections are closed at once, and no new connection is accepted...
        #expect(idle.waitForClose())
        #expect(eventually { (try? TestClient(running.address)) == nil })
        // ...while the request in flight still gets its answer, marked as the last one.
        held.withLock { $0 }?.respond(text("done"))
        let response = try busy.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "done")
        #expect(response.header("Connection") == "close")
        #expect(busy.waitForClose())
        await shutdown.value
        #expect(server.openConnectionCount == 0)
        running.group.shutdownGracefully()
    }

    @Test func shutdownDeadline_forceClosesARequestThatDoesNotFinish() async throws {
        let running = try await RunningServer(
            handler: ClosureHandler { _, writer in
                // Held until the test ends: the handler "never" answers.
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(30)) { writer.respond(text("too late")) }
            })
        let client = try running.client()
        try client.get("/stuck")
        #expect(eventually { running.server.openConnectionCount == 1 })
        await running.server.shutdown(gracePeriod: .milliseconds(200))
        #expect(running.server.openConnectionCount == 0)
        #expect(client.waitForClose())
        running.group.shutdownGracefully()
    }
}
