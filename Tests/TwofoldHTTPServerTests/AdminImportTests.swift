import Foundation
import Testing
import TwofoldDirectory
import TwofoldGateway
import TwofoldHTTPServer
import TwofoldIPC
import TwofoldPasswords
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

/// `invite.import` on the admin service with a real directory in a temporary folder: every row
/// gets its own outcome, the accepted ones are one durable change, and a mistyped request
/// changes nothing.
@Suite struct AdminImportTests {
    final class Fixture: Sendable {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)").path
        let directory: Directory
        let admin: AdminService
        let passwords: PasswordWork
        let pool: WorkerPool
        let group: EventLoopGroup

        init() throws {
            var options = Directory.Options()
            options.compactsAutomatically = false
            directory = try Directory.open(path: folder, clock: { 1_800_000_000_000 }, options: options)
            pool = try WorkerPool(threadCount: 1, queueCapacity: 16)
            passwords = PasswordWork(
                hasher: PasswordHasher(parameters: try ScryptParameters(logN: 10, r: 8, p: 1)),
                policy: try PasswordPolicy(), pool: pool)
            group = try EventLoopGroup(loopCount: 1)
            // No vault: invites never ask it.
            let vault = VaultConnection(
                client: WireClient(configuration: .init(path: "/nonexistent/vault.sock"), loop: group.loops[0]))
            let audit = GatewayAudit(logger: Logger(label: "audit", sink: .memory()))
            let auth = AuthService(
                directory: directory, vault: vault, passwords: passwords, settings: AuthSettings(), audit: audit)
            admin = AdminService(auth: auth, audit: audit)
        }

        func call(_ operation: String, _ args: [String: JSONValue]) async -> WireResponse.Outcome {
            let response = await withCheckedContinuation { (continuation: CheckedContinuation<WireResponse, Never>) in
                admin.handle(
                    WireRequest(id: .number(1), operation: operation, args: args),
                    peer: PeerCredentials(processID: 1, userID: 0, groupID: 0)
                ) { continuation.resume(returning: $0) }
            }
            return response.outcome
        }

        func close() {
            directory.close()
            pool.shutdown()
            group.shutdownGracefully()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// `value[key]` of an object, else nil.
    static func member(_ value: JSONValue?, _ key: String) -> JSONValue? {
        guard case .object(let fields)? = value else { return nil }
        return fields[key]
    }

    static func text(_ value: JSONValue?) -> String? {
        guard case .string(let text)? = value else { return nil }
        return text
    }

    static func row(_ email: String, _ accounts: [String] = []) -> JSONValue {
        .object(["email": .string(email), "accounts": .array(accounts.map { .string($0) })])
    }

    @Test func rowsAreRefusedOneByOne_andTheOthersCreatedDurably() async throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        guard case .success = await fixture.call("account.create", ["name": "Acme"]) else {
            Issue.record("account.create failed")
            return
        }
        try await fixture.directory.update { transaction in
            transaction.put(
                UserRecord(
                    id: "u-000000000000000000000001", email: "taken@example.com", passwordHash: "$scrypt$x",
                    accounts: [], createdAt: 1))
        }
        guard
            case .success = await fixture.call(
                "invite.create", ["email": "pending@example.com", "accounts": .array([])])
        else {
            Issue.record("invite.create failed")
            return
        }

        let rows: [JSONValue] = [
            Self.row("One@Example.com", ["acme"]), Self.row("not an email"), Self.row("taken@example.com"),
            Self.row("pending@example.com"), Self.row("one@example.com"), Self.row("two@example.com", ["Nope"]),
            Self.row("three@example.com"),
        ]
        guard case .success(let result) = await fixture.call("invite.import", ["invites": .array(rows)]),
            case .array(let results)? = result["results"]
        else {
            Issue.record("invite.import failed")
            return
        }
        let errors = results.map { Self.member($0, "error") }
        let codes = errors.map { Self.text(Self.member($0, "code")) }
        #expect(
            codes == [
                nil, "admin.invalid", "admin.conflict", "admin.conflict", "admin.conflict", "admin.not_found", nil,
            ])
        #expect(Self.text(Self.member(errors[5], "detail")) == "account")
        #expect(Self.text(Self.member(errors[4], "message"))?.contains("more than once") == true)

        // The created invites carry their accounts, and their temporary passwords verify.
        let created = fixture.directory.invites().filter { $0.status(at: 1_800_000_000_000) == .pending }
        #expect(Set(created.map(\.email)) == ["one@example.com", "three@example.com", "pending@example.com"])
        let acme = fixture.directory.account(named: "acme")?.id
        #expect(created.first { $0.email == "one@example.com" }?.accounts == [acme].compactMap { $0 })
        let password = Self.text(Self.member(results[0], "temporary_password")) ?? ""
        let stored = created.first { $0.email == "one@example.com" }?.temporaryPasswordHash ?? ""
        #expect(fixture.passwords.hasher.verify(password, against: stored) == .match(needsRehash: false))
        #expect(stored.hasPrefix("$scrypt$ln=10,"), "temporary passwords at scrypt's lowest cost")

        // One durable change: all there after reopening.
        fixture.directory.close()
        var options = Directory.Options()
        options.compactsAutomatically = false
        let reopened = try Directory.open(path: fixture.folder, clock: { 1_800_000_000_000 }, options: options)
        defer { reopened.close() }
        #expect(Set(reopened.invites().map(\.email)) == Set(fixture.directory.invites().map(\.email)))
    }

    @Test func aMistypedRow_refusesTheWholeRequest_andCreatesNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let rows: [JSONValue] = [Self.row("a@example.com"), .object(["email": 7])]
        guard case .failure(let error) = await fixture.call("invite.import", ["invites": .array(rows)]) else {
            Issue.record("a mistyped row was accepted")
            return
        }
        #expect(error.code == "request.invalid")
        #expect(error.message.contains("args.invites[1].email"))
        #expect(fixture.directory.invites().isEmpty)
        for count in [0, 1001] {
            let many = Array(repeating: Self.row("a@example.com"), count: count)
            guard case .failure(let error) = await fixture.call("invite.import", ["invites": .array(many)]) else {
                Issue.record("\(count) rows were accepted")
                continue
            }
            #expect(error.code == "admin.invalid")
        }
    }
}
