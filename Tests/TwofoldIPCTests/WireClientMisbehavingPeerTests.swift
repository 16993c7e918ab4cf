import Foundation
import Synchronization
import Testing
import TwofoldProcess
import TwofoldSystem
import TwofoldTestSupport
import TwofoldWire

@testable import TwofoldIPC

/// A `WireClient` against a scripted peer over a real socket. The client's loop runs on a manual
/// clock, so deadlines pass when the test says so, never by sleeping.
final class MisbehavingPeerHarness: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "ipc-peer-\(UUID().uuidString.prefix(8))"
    let clock = ManualClock(start: Deadline(nanoseconds: 1_000_000_000_000))
    let loop: EventLoop
    let client: WireClient
    let peer: FakeWirePeer
    let logs = LogSink.memory()

    init(script: @escaping @Sendable (FakeWirePeer.Received) -> FakeWirePeer.Answer) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        peer = try FakeWirePeer(path: directory + "/peer.sock", script: script)
        loop = try EventLoop(name: "client", clock: clock)
        try loop.start()
        var configuration = WireClient.Configuration(path: directory + "/peer.sock")
        configuration.timeout = .seconds(1)
        client = WireClient(
            configuration: configuration, loop: loop, logger: Logger(label: "client", minimumLevel: .debug, sink: logs))
    }

    /// Makes a call whose deadline is passed by moving the clock once the peer holds the request.
    func callPastItsDeadline(_ operation: String, requestsBefore: Int) async -> Result<WireResponse, WireError> {
        async let result = client.call(operation)
        await peer.waitForRequests(requestsBefore + 1)
        clock.advance(by: .seconds(2))
        loop.execute {}  // wake the loop so it sees the new time
        return await result
    }

    deinit {
        client.close()
        peer.stop()
        loop.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The peer answers `good` correctly and everything else as `misbehave` says.
private func script(
    _ misbehave: @escaping @Sendable (FakeWirePeer.Received) -> FakeWirePeer.Answer
) -> @Sendable (FakeWirePeer.Received) -> FakeWirePeer.Answer {
    { request in
        request.operation == "good"
            ? .bytes(FakeWirePeer.success(request, result: #"{"fine":true}"#)) : misbehave(request)
    }
}

private func expectGoodAnswer(_ result: Result<WireResponse, WireError>, _ comment: Comment) {
    guard case .success(let response) = result, case .success(let fields) = response.outcome else {
        Issue.record("expected a correct answer, got \(result): \(comment)")
        return
    }
    #expect(fields == ["fine": .bool(true)], comment)
}

@Suite struct WireClientMisbehavingPeerTests {
    @Test(arguments: PeerMisbehaviour.malformed)
    func malformedAnswer_failsTheCallAsInvalid_logsTheReason_andTheNextCallReconnects(
        bad: PeerMisbehaviour
    ) async throws {
        let harness = try MisbehavingPeerHarness(script: script(bad.answer))
        let failed = await harness.client.call("bad")
        guard case .failure(let error) = failed else {
            Issue.record("\(bad): expected a failure, got \(failed)")
            return
        }
        #expect(error.code == "response.invalid", "\(bad)")
        #expect(error.isOutcomeUnknown, "\(bad): the request was sent, so its outcome is unknown")

        expectGoodAnswer(await harness.client.call("good"), "\(bad): the next call")
        #expect(harness.peer.connectionCount == 2, "\(bad): the broken connection was replaced")
        let lines = harness.logs.lines.joined()
        #expect(lines.contains("broke the protocol"), "\(bad): the reason is logged")
        #expect(!lines.contains("hello") && !lines.contains("not json"), "\(bad): never the payload")
    }

    @Test(arguments: PeerMisbehaviour.unmatched)
    func unmatchedAnswer_isDropped_theCallTimesOut_andTheConnectionIsKept(
        unmatched: PeerMisbehaviour
    ) async throws {
        let harness = try MisbehavingPeerHarness(script: script(unmatched.answer))
        let timedOut = await harness.callPastItsDeadline("bad", requestsBefore: 0)
        guard case .failure(let error) = timedOut else {
            Issue.record("\(unmatched): an answer with another id was taken for this call: \(timedOut)")
            return
        }
        #expect(error.code == "response.timeout", "\(unmatched)")
        #expect(error.isOutcomeUnknown)

        expectGoodAnswer(await harness.client.call("good"), "\(unmatched): the next call")
        #expect(harness.peer.connectionCount == 1, "\(unmatched): one slow or stray answer never costs the connection")
        if unmatched != .silence {
            #expect(harness.logs.lines.joined().contains("unknown id"), "\(unmatched): the stray answer is logged")
        }
    }

    @Test func correctAnswerAfterTheDeadline_isDroppedAsLate_andTheConnectionServesTheNextCall() async throws {
        let harness = try MisbehavingPeerHarness(script: script { _ in .silence })
        let timedOut = await harness.callPastItsDeadline("slow", requestsBefore: 0)
        #expect(timedOut.failureCode == "response.timeout")
        let late = try #require(harness.peer.received.first)
        harness.peer.send(FakeWirePeer.success(late, result: #"{"fine":true}"#), to: late)
        // The next call's correct answer arrives after the late one on the same connection.
        expectGoodAnswer(await harness.client.call("good"), "after a late answer")
        #expect(harness.peer.connectionCount == 1)
        #expect(harness.logs.lines.joined().contains("late answers dropped"))
    }

    @Test func answersInAnyOrder_eachReachItsOwnCaller() async throws {
        let harness = try MisbehavingPeerHarness(script: script { _ in .silence })
        async let first = harness.client.call("first")
        async let second = harness.client.call("second")
        await harness.peer.waitForRequests(2)
        let requests = harness.peer.received
        for request in requests.reversed() {
            harness.peer.send(
                FakeWirePeer.success(request, result: #"{"op":"\#(request.operation ?? "")"}"#), to: request)
        }
        let answers = await [first, second]
        for (answer, operation) in zip(answers, ["first", "second"]) {
            guard case .success(let response) = answer, case .success(let fields) = response.outcome else {
                Issue.record("\(operation): \(answer)")
                continue
            }
            #expect(fields["op"] == .string(operation))
        }
    }

    @Test func requests_carryTheirDeadline_theIdempotencyKey_andAnyOrder() async throws {
        let harness = try MisbehavingPeerHarness(script: script { _ in .silence })
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let key = IdempotencyKey(randomBytes: Array(repeating: 7, count: 16))
        harness.client.call("change", args: [:], timeout: .seconds(30), idempotencyKey: key) { _ in }
        await harness.peer.waitForRequests(1)
        let envelope = try #require(harness.peer.received.first?.envelope)
        guard case .integer(let deadline)? = envelope["deadline_at"] else {
            Issue.record("no deadline_at in \(envelope)")
            return
        }
        #expect(deadline >= before + 30_000)
        #expect(envelope["idempotency_key"] == .string(key.rawValue))
        #expect(envelope["any_order"] == .bool(true))
    }

    @Test func refusalWithNullID_reachesEveryOutstandingCall() async throws {
        let refusal = #"{"v":1,"id":null,"ok":false,"error":{"code":"peer.forbidden","message":"no"}}"#
        let harness = try MisbehavingPeerHarness(script: { _ in .bytesThenClose(FakeWirePeer.frame(refusal)) })
        guard case .success(let response) = await harness.client.call("any"),
            case .failure(let payload) = response.outcome
        else {
            Issue.record("expected the server's refusal")
            return
        }
        #expect(payload.code == "peer.forbidden")
    }

    @Test func idleConnection_isClosedByTheClient_beforeTheServersIdleTimeout() async throws {
        let harness = try MisbehavingPeerHarness(script: script { _ in .silence })
        expectGoodAnswer(await harness.client.call("good"), "first call")
        #expect(harness.client.isConnected)
        harness.clock.advance(by: .seconds(61))
        try await harness.loop.submit {}
        try await harness.loop.submit {}
        #expect(!harness.client.isConnected)
        expectGoodAnswer(await harness.client.call("good"), "after the idle close")
        #expect(harness.peer.connectionCount == 2)
    }
}

extension Result where Failure == WireError {
    var failureCode: String? {
        guard case .failure(let error) = self else { return nil }
        return error.code
    }
}
