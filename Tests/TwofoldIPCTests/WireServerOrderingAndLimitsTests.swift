import Foundation
import Synchronization
import Testing
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

@testable import TwofoldIPC

/// `gate` answers only when the test opens it; `echo` answers at once; `big` answers with about
/// 256 KiB; every started operation is counted.
final class GatedService: WireService, @unchecked Sendable {
    let operations: Set<String> = ["gate", "echo", "big"]
    let started = Mutex<[String]>([])
    private let held = Mutex<[@Sendable () -> Void]>([])

    func handle(_ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void) {
        started.withLock { $0.append(request.operation) }
        switch request.operation {
        case "gate": held.withLock { $0.append { respond(.success(id: request.id, result: ["gate": true])) } }
        case "big":
            respond(.success(id: request.id, result: ["blob": .string(String(repeating: "x", count: 256 * 1024))]))
        default: respond(.success(id: request.id, result: request.args))
        }
    }

    var heldCount: Int { held.withLock { $0.count } }

    func open() {
        let answers = held.withLock { list in
            defer { list = [] }
            return list
        }
        for answer in answers { answer() }
    }
}

/// A wall clock that stands still unless a test moves it.
final class WallClock: Sendable {
    private let value: Mutex<Int64>
    init(_ millis: Int64) { value = Mutex(millis) }
    var millis: Int64 { value.withLock { $0 } }
}

/// A real `WireServer` whose loop runs on a manual clock and whose wall clock the test sets.
final class ServerHarness: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "ipc-srv-\(UUID().uuidString.prefix(8))"
    var path: String { directory + "/s.sock" }
    let clock = ManualClock(start: Deadline(nanoseconds: 1_000_000_000_000))
    let wallClock = WallClock(1_800_000_000_000)
    let serverLoop: EventLoop
    let clientLoop: EventLoop
    let service = GatedService()
    let server: WireServer
    let client: WireClient
    let logs = LogSink.memory()

    init(maxConnections: Int = 1024) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        serverLoop = try EventLoop(name: "server", clock: clock)
        clientLoop = try EventLoop(name: "client")
        try serverLoop.start()
        try clientLoop.start()
        var configuration = WireServer.Configuration(path: directory + "/s.sock")
        configuration.maxConnections = maxConnections
        let wallClock = wallClock
        configuration.wallClockMillis = { wallClock.millis }
        server = WireServer(
            configuration: configuration, service: service, loop: serverLoop,
            logger: Logger(label: "test", sink: logs))
        try await server.start()
        var clientConfiguration = WireClient.Configuration(path: directory + "/s.sock")
        clientConfiguration.timeout = .seconds(30)
        clientConfiguration.wallClockMillis = { wallClock.millis }
        client = WireClient(configuration: clientConfiguration, loop: clientLoop)
    }

    /// Moves the server's clock and lets its loop run the timers that came due.
    func advance(by duration: Duration) async throws {
        clock.advance(by: duration)
        try await serverLoop.submit {}
    }

    func raw() throws -> RawPeer { RawPeer(try Socket.connect(to: .unix(path: path), timeout: .seconds(5))) }

    deinit {
        client.close()
        service.open()
        serverLoop.shutdownGracefully()
        clientLoop.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A client that writes raw bytes, for what `WireClient` never sends. Reads never block: they
/// poll the non-blocking socket between short sleeps, a bounded number of times.
final class RawPeer: @unchecked Sendable {
    let socket: Socket
    var decoder = FrameDecoder()

    init(_ socket: Socket) { self.socket = socket }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            if case .processed(let written) = try socket.write(Array(bytes[offset...])) { offset += written }
        }
    }

    func send(_ request: WireRequest) throws { try send(FrameEncoder.encode(request.encoded())) }

    /// The next answer, or nil if the server closed the connection first.
    func receive() async throws -> WireResponse? {
        for _ in 0..<10_000 {
            if let frame = try decoder.next() { return try WireResponse.decode(frame.payload) }
            switch try socket.read(upTo: 65536) {
            case .processed(let bytes) where bytes.isEmpty: return nil
            case .processed(let bytes): decoder.feed(bytes)
            case .wouldBlock: try await Task.sleep(for: .milliseconds(5))
            }
        }
        Issue.record("no answer and no close")
        return nil
    }

    /// True once the server has closed the connection (answers before the close are skipped).
    func closedByServer() async throws -> Bool {
        while try await receive() != nil {}
        return true
    }
}

@Suite struct WireServerOrderingAndLimitsTests {
    @Test func slowOperation_doesNotDelayAFastOneOnTheSameConnection() async throws {
        let harness = try await ServerHarness()
        async let slow = harness.client.call("gate")
        // Wait until the slow call is in the service, then a fast one on the same connection.
        for _ in 0..<10_000 where harness.service.heldCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let fast = await harness.client.call("echo", args: ["n": 1])
        guard case .success(let response) = fast, case .success(let fields) = response.outcome else {
            Issue.record("the fast call did not complete while the slow one was held: \(fast)")
            return
        }
        #expect(fields["n"] == 1)
        #expect(harness.service.heldCount == 1, "the slow call is still in flight")
        harness.service.open()
        guard case .success(let gated) = await slow, case .success = gated.outcome else {
            Issue.record("the slow call failed")
            return
        }
        #expect(harness.server.connectionCount == 1)
    }

    @Test func requestsWithoutAnyOrder_areStillAnsweredInArrivalOrder() async throws {
        let harness = try await ServerHarness()
        let peer = try harness.raw()
        try peer.send(WireRequest(id: 1, operation: "gate"))
        try peer.send(WireRequest(id: 2, operation: "echo"))
        try peer.send(WireRequest(id: 3, operation: "echo", anyOrder: true))
        // The any-order request overtakes; the in-order echo waits for the gate before it.
        #expect(try await peer.receive()?.id == 3)
        for _ in 0..<10_000 where harness.service.heldCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        harness.service.open()
        #expect(try await peer.receive()?.id == 1)
        #expect(try await peer.receive()?.id == 2)
    }

    @Test func requestWhoseDeadlineHasPassed_isRefusedUnstarted() async throws {
        let harness = try await ServerHarness()
        let now = harness.wallClock.millis
        let peer = try harness.raw()
        try peer.send(WireRequest(id: 1, operation: "echo", deadlineAt: now - 1))
        try peer.send(WireRequest(id: 2, operation: "echo", deadlineAt: now))
        try peer.send(WireRequest(id: 3, operation: "echo", deadlineAt: now + 1))
        for expected in [(1, "deadline.exceeded"), (2, "deadline.exceeded"), (3, nil)] {
            let response = try #require(try await peer.receive())
            #expect(response.id == .number(UInt64(expected.0)))
            if case .failure(let payload) = response.outcome {
                #expect(payload.code == expected.1)
            } else {
                #expect(expected.1 == nil)
            }
        }
        #expect(harness.service.started.withLock { $0 } == ["echo"], "only the request still in time started")
        #expect(harness.logs.lines.joined().contains("deadline had passed"))
    }

    @Test func client_whoseCallArrivesTooLate_getsDeadlineExceeded() async throws {
        let harness = try await ServerHarness()
        // The client's deadline is computed from its clock; the server's clock is past it.
        var configuration = WireClient.Configuration(path: harness.path)
        configuration.wallClockMillis = { 1_000 }
        let late = WireClient(configuration: configuration, loop: harness.clientLoop)
        defer { late.close() }
        guard case .success(let response) = await late.call("echo"), case .failure(let payload) = response.outcome
        else {
            Issue.record("expected deadline.exceeded")
            return
        }
        #expect(payload.code == "deadline.exceeded")
        #expect(harness.service.started.withLock { $0 }.isEmpty)
    }

    @Test func idleConnection_isClosedAfterTheIdleTimeout() async throws {
        let harness = try await ServerHarness()
        let peer = try harness.raw()
        try peer.send(WireRequest(id: 1, operation: "echo"))
        #expect(try await peer.receive()?.id == 1)
        try await harness.advance(by: .seconds(299))
        #expect(harness.server.connectionCount == 1)
        try await harness.advance(by: .seconds(2))
        #expect(try await peer.closedByServer())
        #expect(harness.server.connectionCount == 0)
    }

    @Test func connectionStuckInTheMiddleOfAFrame_getsFrameTimeout_andIsClosed() async throws {
        let harness = try await ServerHarness()
        let peer = try harness.raw()
        try peer.send([0, 0])  // half a header, then nothing
        // Move the clock until the server, having read the two bytes, gives up on the frame.
        for _ in 0..<200 where !harness.logs.lines.joined().contains("stuck in the middle of a frame") {
            try await Task.sleep(for: .milliseconds(10))
            try await harness.advance(by: .seconds(11))
        }
        let notice = try #require(try await peer.receive())
        #expect(notice.id == nil)
        guard case .failure(let payload) = notice.outcome else {
            Issue.record("expected frame.timeout")
            return
        }
        #expect(payload.code == "frame.timeout")
        #expect(try await peer.closedByServer())
        #expect(harness.logs.lines.joined().contains("stuck in the middle of a frame"))
    }

    @Test func connectionThatStopsReadingItsAnswers_isClosedAfterTheFrameTimeout() async throws {
        let harness = try await ServerHarness()
        let peer = try harness.raw()
        for id in 0..<16 { try peer.send(WireRequest(id: .number(UInt64(id)), operation: "big")) }
        // The answers (4 MiB) cannot all fit in the socket buffers: the server's writes stall.
        var closed = false
        for _ in 0..<200 where !closed {
            try await Task.sleep(for: .milliseconds(10))
            try await harness.advance(by: .seconds(11))
            closed = harness.server.connectionCount == 0
        }
        #expect(closed)
        #expect(harness.logs.lines.joined().contains("stopped reading their answers"))
    }

    @Test func connectionsOverTheCap_areAnsweredUnavailable_andLoggedOncePerInterval() async throws {
        let harness = try await ServerHarness(maxConnections: 2)
        let kept = try [harness.raw(), harness.raw()]
        for _ in 0..<10_000 where harness.server.connectionCount < 2 { try await Task.sleep(for: .milliseconds(1)) }
        for _ in 0..<30 {
            let refused = try harness.raw()
            let answer = try #require(try await refused.receive())
            #expect(answer.id == nil)
            guard case .failure(let payload) = answer.outcome else {
                Issue.record("expected unavailable")
                continue
            }
            #expect(payload.code == "unavailable")
            #expect(payload.retryAfterMs == 1000)
            #expect(try await refused.closedByServer())
        }
        let lines = harness.logs.lines.filter { $0.contains("limit reached") }
        #expect(lines.count == 1, "30 refusals, one line: \(lines)")
        _ = kept
    }
}
