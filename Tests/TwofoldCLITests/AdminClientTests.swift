import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldIPC
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

@testable import TwofoldCLI

/// A stand-in for the gateway's admin socket: canned answers for a few users and accounts,
/// and every request it got, so a test can see exactly what the CLI sent.
final class StubAdminService: WireService {
    let operations: Set<String> = Set(AdminAction.allCases.map(\.operation))
    let received = Mutex<[WireRequest]>([])

    func handle(_ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void) {
        received.withLock { $0.append(request) }
        let answer: WireResponse
        switch (request.operation, request.args["user"]) {
        case ("invite.create", _):
            answer = .success(
                id: request.id,
                result: [
                    "invite": Fixtures.invite(), "link": "https://login.example.com/invite/tok_abc",
                    "temporary_password": "Wobbly-Lantern-42",
                ])
        case ("user.show", "silent@example.com"):
            return
        case ("user.show", "nobody@example.com"):
            answer = .failure(
                id: request.id, WireErrorPayload(code: "admin.not_found", message: "No such user.", detail: "user"))
        case ("user.show", _):
            answer = .success(id: request.id, result: ["user": Fixtures.user(), "mfa": .null])
        case ("account.create", _):
            answer = .failure(
                id: request.id, WireErrorPayload(code: "admin.conflict", message: "An account with that name exists."))
        case ("user.reset_mfa", _):
            // Like the real gateway while the vault is down: never answers in time.
            return
        default:
            answer = .failure(id: request.id, WireError.internal())
        }
        respond(answer)
    }
}

/// A `WireServer` with the stub service on a temporary socket.
final class StubGateway: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "admin-cli-\(UUID().uuidString.prefix(8))"
    var path: String { directory + "/admin.sock" }
    let service = StubAdminService()
    let loop: EventLoop
    let server: WireServer

    init(admitOwnUser: Bool = true) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        loop = try EventLoop(name: "stub-gateway")
        try loop.start()
        var configuration = WireServer.Configuration(path: directory + "/admin.sock")
        // Refusing our own uid needs no second account: pretend the server runs as someone else.
        if !admitOwnUser { configuration.ownUserID = SystemInfo.userID &+ 1 }
        server = WireServer(
            configuration: configuration, service: service, loop: loop, logger: Logger(label: "test", sink: .memory()))
        try await server.start()
    }

    /// Runs the CLI on a plain thread: `AdminClient` blocks while it waits for the answer.
    func run(_ arguments: [String], timeout: Duration = .seconds(15)) async -> AdminCommand.Output {
        let path = path
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let output = AdminCommand.execute(["--admin-socket", path] + arguments, environment: [:]) {
                    AdminClient(path: $0, timeout: timeout)
                }
                continuation.resume(returning: output)
            }
        }
    }

    deinit {
        // Deinit is synchronous: a Dispatch thread joins the loop instead of the test's thread.
        let loop = self.loop
        DispatchQueue.global().async { loop.shutdownGracefully() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

@Test func inviteCreate_overTheSocket_sendsTheArguments_andPrintsTheAnswer() async throws {
    let gateway = try await StubGateway()
    let output = await gateway.run([
        "invite", "create", "--email", "bob@example.com", "--account", "Acme", "--expires", "12h",
    ])
    #expect(output.status == 0, "\(output.standardError)")
    #expect(output.standardOutput.contains("Temporary password:  Wobbly-Lantern-42"))
    let requests = gateway.service.received.withLock { $0 }
    #expect(requests.map(\.operation) == ["invite.create"])
    #expect(requests.first?.idempotencyKey != nil, "a change carries a fresh idempotency key")
    #expect(requests.first?.deadlineAt != nil)
    #expect(requests.first?.args == ["email": "bob@example.com", "accounts": .array(["Acme"]), "ttl_ms": 43_200_000])
}

@Test func json_overTheSocket_isTheResultObject() async throws {
    let gateway = try await StubGateway()
    let output = await gateway.run(["user", "show", "ann@example.com", "--json"])
    #expect(output.status == 0)
    let parsed = try JSONValue.parse(Array(output.standardOutput.utf8))
    #expect(parsed == .object(["user": Fixtures.user(), "mfa": .null]))
}

@Test func serverRefusals_overTheSocket_keepTheirMessageAndStatus() async throws {
    let gateway = try await StubGateway()
    let missing = await gateway.run(["user", "show", "nobody@example.com"])
    #expect(missing.status == 66)
    #expect(missing.standardError == "twofold: No such user.\n")
    let taken = await gateway.run(["account", "create", "Acme"])
    #expect(taken.status == 73)
    #expect(taken.standardError == "twofold: An account with that name exists.\n")
    let broken = await gateway.run(["account", "list"])
    #expect(broken.status == 70)
    #expect(broken.standardError == "twofold: internal error\n")
}

@Test func refusedPeer_exitsWithNoPermission() async throws {
    let gateway = try await StubGateway(admitOwnUser: false)
    let output = await gateway.run(["user", "list"])
    #expect(output.status == 77, "\(output.standardError)")
    #expect(output.standardError == "twofold: This process may not use this socket.\n")
    #expect(gateway.service.received.withLock { $0.isEmpty })
}

@Test func unansweredChange_isReportedAsMayOrMayNotHaveHappened_withItsOwnStatus() async throws {
    let gateway = try await StubGateway()
    let output = await gateway.run(["user", "reset-mfa", "u-1", "--reason", "lost phone"], timeout: .milliseconds(300))
    #expect(output.status == 75)
    #expect(output.standardError.contains("the reset may or may not have happened: run `twofold user show u-1`"))
    #expect(!output.standardError.contains("nothing"))
    #expect(gateway.service.received.withLock { $0.first?.args } == ["user": "u-1", "reason": "lost phone"])
}

@Test func unansweredQuery_isUnavailable() async throws {
    let gateway = try await StubGateway()
    let output = await gateway.run(["user", "show", "silent@example.com"], timeout: .milliseconds(300))
    #expect(output.status == 69)
    #expect(output.standardError.contains("did not answer in time"))
}

@Test func missingSocket_andStaleSocketFile_areUnavailable() async throws {
    let gateway = try await StubGateway()
    let directory = gateway.directory
    // AdminClient blocks its thread: on a Dispatch thread, not in this async test.
    let missing = await offThePool {
        AdminClient(path: directory + "/absent.sock").perform(AdminRequest(operation: "user.list"))
    }
    #expect(missing.failure?.exitStatus == 69)
    #expect(missing.failure?.message.contains("is auth-gateway running?") == true)
    await gateway.server.shutdown(gracePeriod: .milliseconds(50))
    // A listener that went away can leave its file behind; connecting to it is refused.
    let stale = try Socket.listen(on: .unix(path: gateway.directory + "/stale.sock"), unixMode: 0o600)
    stale.close()
    let refused = await offThePool {
        AdminClient(path: directory + "/stale.sock").perform(AdminRequest(operation: "user.list"))
    }
    #expect(refused.failure?.exitStatus == 69)
}

/// Runs a call that blocks its thread on a Dispatch thread and awaits its result.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}

extension Result {
    var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}
