import Foundation
import Synchronization
import Testing
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldSystem

@Suite struct HTTPServerLoadTests {
    @Test func manyConcurrentConnections_eachSendingSeveralRequests_areAllAnswered() async throws {
        // All from 127.0.0.1: the per-address limit is off here.
        let running = try await RunningServer { $0.maxConnectionsPerAddress = 0 }
        var clients: [TestClient] = []
        for _ in 0..<200 { clients.append(try await running.client()) }
        for round in 0..<5 {
            for (index, client) in clients.enumerated() { try await client.get("/c\(index)/r\(round)") }
            for (index, client) in clients.enumerated() {
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "GET /c\(index)/r\(round) 0")
            }
        }
        #expect(running.server.openConnectionCount == 200)
        await running.stop()
    }

    @Test func connectionCap_whenReached_answers503AndClosesNewConnections() async throws {
        let running = try await RunningServer { $0.maxConnections = 2 }
        let first = try await running.client()
        let second = try await running.client()
        for client in [first, second] {
            try await client.get("/")
            #expect(try await client.readResponse().status == 200)
        }
        let third = try await running.client()
        let refused = try await third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        try await third.waitForClose()

        try await first.close()
        try await running.settle { running.server.openConnectionCount < 2 }
        let fourth = try await running.client()
        try await fourth.get("/again")
        #expect(try await fourth.readResponse().status == 200)
        await running.stop()
    }

    @Test func perAddressLimit_refusesTheNextConnectionFromThatAddress_with429_andFreesTheSlotOnClose() async throws {
        let running = try await RunningServer {
            $0.maxConnections = 100
            $0.maxConnectionsPerAddress = 3
        }
        var clients: [TestClient] = []
        for index in 0..<3 {
            let client = try await running.client()
            try await client.get("/held/\(index)")
            #expect(try await client.readResponse().status == 200)
            clients.append(client)
        }
        let extra = try await running.client()
        let refused = try await extra.readResponse()
        #expect(refused.status == 429)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Connection") == "close")
        #expect(refused.text.contains("Too many connections from your address"))
        try await extra.waitForClose()
        #expect(running.server.openConnectionCount == 3, "the refused connection is not counted")
        #expect(running.log.lines.contains { $0.contains("per-address limit reached") })

        try await clients[0].close()
        try await running.settle { running.server.openConnectionCount < 3 }
        let again = try await running.client()
        try await again.get("/after")
        #expect(try await again.readResponse().status == 200)
        await running.stop()
    }

    @Test func perAddressLimit_ofZero_countsNothing() async throws {
        let running = try await RunningServer { $0.maxConnectionsPerAddress = 0 }
        var clients: [TestClient] = []
        for index in 0..<20 {
            let client = try await running.client()
            try await client.get("/\(index)")
            #expect(try await client.readResponse().status == 200)
            clients.append(client)
        }
        #expect(running.server.openConnectionCount == 20)
        await running.stop()
    }

    @Test func gracefulShutdown_letsTheRequestInFlightFinish_andRefusesNewConnections() async throws {
        let held = HeldWriters()
        let handler = ClosureHandler { request, writer in
            guard request.head.path == "/slow" else {
                writer.respond(text("fast"))
                return
            }
            held.hold("/slow", writer)
        }
        let running = try await RunningServer(handler: handler)
        let idle = try await running.client()
        try await idle.get("/")
        #expect(try await idle.readResponse().text == "fast")
        let busy = try await running.client()
        try await busy.get("/slow")
        let writer = await held.writer(for: "/slow")

        let server = running.server
        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10)) }
        // Idle keep-alive connections are closed at once, after the listener (so no new
        // connection is accepted from then on)...
        try await idle.waitForClose()
        await #expect(throws: SystemError.self) { _ = try await TestClient.connect(running.address) }
        // ...while the request in flight still gets its answer, marked as the last one.
        writer?.respond(text("done"))
        let response = try await busy.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "done")
        #expect(response.header("Connection") == "close")
        try await busy.waitForClose()
        // The server lingers for the client's end of stream before it closes (manual clock: no
        // linger deadline passes here).
        try await busy.close()
        await shutdown.value
        #expect(server.openConnectionCount == 0)
        await running.stopLoops()
    }

    @Test func shutdownDeadline_forceClosesARequestThatDoesNotFinish() async throws {
        let held = HeldWriters()
        let running = try await RunningServer(
            handler: ClosureHandler { request, writer in held.hold(request.head.path, writer) })
        let client = try await running.client()
        try await client.get("/stuck")
        _ = await held.writer(for: "/stuck")
        let server = running.server
        let deadline = running.clock.now() + .seconds(10)
        let shutdown = Task { await server.shutdown(deadline: deadline) }
        try await running.advance(by: .seconds(9))
        #expect(server.openConnectionCount == 1, "the request still has a second")
        try await running.advance(by: .seconds(1))
        await shutdown.value
        #expect(server.openConnectionCount == 0)
        try await client.waitForClose()
        held.drop()
        await running.stopLoops()
    }
}
