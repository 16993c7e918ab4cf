import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

@testable import TwofoldIPC

/// Echoes `args` back; `slow` answers after a delay from another thread; `never` never answers.
final class EchoService: WireService {
    let operations: Set<String> = ["echo", "slow", "never"]
    /// Its own serial queue, not the global one: Swift's cooperative pool runs there, and a test
    /// elsewhere that blocks it must not delay these answers.
    static let slowAnswers = DispatchQueue(label: "echo-slow")
    /// How many requests reached the service.
    let received = Atomic<Int>(0)
    func handle(_ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void) {
        received.wrappingAdd(1, ordering: .relaxed)
        switch request.operation {
        case "echo": respond(.success(id: request.id, result: request.args))
        case "slow":
            Self.slowAnswers.asyncAfter(deadline: .now() + .milliseconds(200)) {
                respond(.success(id: request.id, result: request.args))
            }
        default: break
        }
    }
}

final class Harness: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "ipc-\(UUID().uuidString.prefix(8))"
    var path: String { directory + "/s.sock" }
    let serverLoop: EventLoop
    let clientLoop: EventLoop
    var server: WireServer
    let client: WireClient
    let service = EchoService()

    // Generous by default: the full suite runs many tests at once on 2 cores.
    init(timeout: Duration = .seconds(15), policy: PeerPolicy = PeerPolicy()) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        serverLoop = try EventLoop(name: "server")
        clientLoop = try EventLoop(name: "client")
        try serverLoop.start()
        try clientLoop.start()
        var configuration = WireServer.Configuration(path: directory + "/s.sock")
        configuration.peers = policy
        server = WireServer(
            configuration: configuration, service: service, loop: serverLoop,
            logger: Logger(label: "test", sink: .memory()))
        try await server.start()
        var clientConfiguration = WireClient.Configuration(path: directory + "/s.sock")
        clientConfiguration.timeout = timeout
        clientConfiguration.initialBackoff = .milliseconds(20)
        clientConfiguration.maximumBackoff = .milliseconds(100)
        client = WireClient(configuration: clientConfiguration, loop: clientLoop)
    }

    func restartServer() async throws {
        await server.shutdown(gracePeriod: .milliseconds(100))
        server = WireServer(
            configuration: WireServer.Configuration(path: path), service: EchoService(), loop: serverLoop,
            logger: Logger(label: "test", sink: .memory()))
        try await server.start()
    }

    deinit {
        client.close()
        serverLoop.shutdownGracefully()
        clientLoop.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

@Test func pipelinedCalls_allComeBackToTheirCallers() async throws {
    let harness = try await Harness()
    try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<200 {
            group.addTask {
                let op = index % 3 == 0 ? "slow" : "echo"
                let result = await harness.client.call(op, args: ["n": .integer(Int64(index))])
                guard case .success(let response) = result, case .success(let fields) = response.outcome else {
                    return false
                }
                return fields["n"] == .integer(Int64(index))
            }
        }
        for try await ok in group { #expect(ok) }
    }
}

@Test func socketFile_hasMode0660() async throws {
    let harness = try await Harness()
    #expect(try FileSystem.status(of: harness.path).mode == 0o660)
}

@Test func call_withoutAnswer_timesOutWithAnUnknownOutcome_andKeepsTheConnection() async throws {
    let harness = try await Harness(timeout: .milliseconds(200))
    let result = await harness.client.call("never")
    guard case .failure(let error) = result else {
        Issue.record("expected a timeout")
        return
    }
    #expect(error.code == "response.timeout")
    #expect(error.isOutcomeUnknown, "the request was sent: it may have been carried out")
    // The same connection serves the next call.
    guard case .success = await harness.client.call("echo") else {
        Issue.record("echo after timeout failed")
        return
    }
    #expect(harness.server.connectionCount == 1)
}

@Test func serverDown_failsFast_andClientRecoversWhenItReturns() async throws {
    let harness = try await Harness()
    guard case .success = await harness.client.call("echo") else {
        Issue.record("first echo failed")
        return
    }
    await harness.server.shutdown(gracePeriod: .milliseconds(50))
    for _ in 0..<3 {
        guard case .failure(let error) = await harness.client.call("echo") else {
            Issue.record("expected unavailable while down")
            return
        }
        // At once, not after the 15 s deadline: nothing listens, so the request never left.
        #expect(error.code == "unavailable")
        #expect(!error.isOutcomeUnknown)
    }
    try await harness.restartServer()
    var recovered = false
    for _ in 0..<50 where !recovered {
        if case .success = await harness.client.call("echo") {
            recovered = true
        } else {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
    #expect(recovered)
}

@Test func unknownOperation_isAnsweredAndTheConnectionKept() async throws {
    let harness = try await Harness()
    guard case .success(let response) = await harness.client.call("nope"), case .failure(let payload) = response.outcome
    else {
        Issue.record("expected an error response")
        return
    }
    #expect(payload.code == "op.unknown")
    guard case .success = await harness.client.call("echo") else {
        Issue.record("connection should stay usable")
        return
    }
}

@Test func peerPolicy_admitsOwnUserListedUsersAndGroupsOnly() {
    let policy = PeerPolicy(allowedUserIDs: [1001], allowedGroupIDs: [2002])
    #expect(policy.admits(PeerCredentials(processID: 1, userID: 500, groupID: 500), ownUserID: 500))
    #expect(policy.admits(PeerCredentials(processID: 1, userID: 1001, groupID: 9), ownUserID: 500))
    #expect(policy.admits(PeerCredentials(processID: 1, userID: 9, groupID: 2002), ownUserID: 500))
    #expect(!policy.admits(PeerCredentials(processID: 1, userID: 9, groupID: 9), ownUserID: 500))
    // A member of the group through its supplementary groups (an operator in twofold-admin).
    #expect(
        policy.admits(
            PeerCredentials(processID: 1, userID: 9, groupID: 9, supplementaryGroupIDs: [4, 2002]), ownUserID: 500))
    let outsider = PeerCredentials(processID: 1, userID: 9, groupID: 9, supplementaryGroupIDs: [4])
    #expect(!policy.admits(outsider, ownUserID: 500))
}

@Test func shutdown_finishesInFlightRequestsFirst() async throws {
    let harness = try await Harness()
    async let slow = harness.client.call("slow", args: ["n": 1])
    for _ in 0..<10_000 where harness.service.received.load(ordering: .relaxed) == 0 {
        try await Task.sleep(for: .milliseconds(1))
    }
    // Returns as soon as the slow answer has gone out; the period only bounds a stuck shutdown.
    await harness.server.shutdown(gracePeriod: .seconds(60))
    guard case .success(let response) = await slow, case .success(let fields) = response.outcome else {
        Issue.record("in-flight request should complete")
        return
    }
    #expect(fields["n"] == 1)
}

@Test func halfClose_afterPipelinedRequests_stillGetsEveryAnswer() async throws {
    let harness = try await Harness()
    let socket = try Socket.connect(to: .unix(path: harness.path), timeout: .seconds(2))
    var frames: [UInt8] = []
    for index in 0..<20 {
        let op = index % 4 == 0 ? "slow" : "echo"
        frames += try FrameEncoder.encode(
            WireRequest(id: .number(UInt64(index)), operation: op, args: ["n": .integer(Int64(index))]).encoded())
    }
    var offset = 0
    while offset < frames.count {
        if case .processed(let written) = try socket.write(Array(frames[offset...])) { offset += written }
    }
    try socket.shutdown(.write)
    var decoder = FrameDecoder()
    var ids: [RequestID] = []
    reading: for _ in 0..<20_000 {
        switch try socket.read(upTo: 65536) {
        case .processed(let bytes) where bytes.isEmpty: break reading
        case .processed(let bytes):
            decoder.feed(bytes)
            while let frame = try decoder.next() { ids.append(try WireResponse.decode(frame.payload).id!) }
        case .wouldBlock: try await Task.sleep(for: .milliseconds(5))
        }
    }
    #expect(ids == (0..<20).map { RequestID.number(UInt64($0)) })
}
