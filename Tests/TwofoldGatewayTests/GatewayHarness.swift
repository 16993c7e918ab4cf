import Dispatch
import Foundation
import Synchronization
import TwofoldDirectory
import TwofoldHTTPServer
import TwofoldPasswords
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

@testable import TwofoldGateway

/// Milliseconds since the epoch that move only when a test says so: the directory's clock, and
/// through it the sessions', invites' and login throttle's.
final class TestTime: Sendable {
    private let value = Atomic<Int64>(1_767_225_600_000)  // 2026-01-01
    var now: Int64 { value.load(ordering: .relaxed) }
    func advance(by duration: Duration) {
        value.add(Int64(duration.components.seconds * 1000), ordering: .relaxed)
    }
}

/// `AuthService` as the daemon builds it, but with the fake vault, a real directory in a
/// temporary folder on a `TestTime` clock, fast password hashing on a real worker pool, and the
/// audit log in memory.
final class GatewayHarness: Sendable {
    static let password = "correct horse battery staple"

    let folder: String
    let time = TestTime()
    let vault = FakeVault()
    let directory: Directory
    let pool: WorkerPool
    let auditSink = LogSink.memory()
    let auth: AuthService

    init(
        throttle: LoginThrottle.Policy = LoginThrottle.Policy(), settings: AuthSettings = AuthSettings(),
        directoryOptions: Directory.Options = Directory.Options()
    ) throws {
        folder = NSTemporaryDirectory() + "gateway-tests-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let time = self.time
        directory = try Directory.open(path: folder + "/directory", clock: { time.now }, options: directoryOptions)
        pool = try WorkerPool(threadCount: 2, queueCapacity: 32, name: "test-hash")
        let passwords = PasswordWork(
            hasher: PasswordHasher(parameters: try ScryptParameters(logN: 10, r: 8, p: 1)),
            policy: try PasswordPolicy(minimumLength: 12), pool: pool)
        auth = AuthService(
            directory: directory, vault: vault, passwords: passwords, settings: settings,
            throttle: LoginThrottle(policy: throttle),
            audit: GatewayAudit(logger: Logger(label: "audit", sink: auditSink)))
    }

    /// Closes the directory, stops the pool off the concurrency pool and removes the folder.
    func close() async {
        directory.close()
        let (pool, folder) = (self.pool, self.folder)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                pool.shutdown()
                try? FileManager.default.removeItem(atPath: folder)
                continuation.resume()
            }
        }
    }

    // MARK: Records.

    func addAccount(_ name: String) async throws -> AccountRecord {
        let account = AccountRecord(id: DirectoryToken.identifier("a", bytes: 8), name: name, createdAt: time.now)
        try await directory.update { $0.put(account) }
        return account
    }

    func addUser(
        _ email: String, password: String = GatewayHarness.password, accounts: [AccountRecord] = [],
        disabled: Bool = false
    ) async throws -> UserRecord {
        var user = UserRecord(
            id: DirectoryToken.identifier("u", bytes: 12), email: email,
            passwordHash: try await auth.passwords.hash(password),
            accounts: accounts.map(\.id), createdAt: time.now)
        user.disabled = disabled
        let stored = user
        try await directory.update { $0.put(stored) }
        return user
    }

    /// A session of `stage` for `user`, as the flow that reaches it would issue it.
    func session(for user: UserRecord, stage: SessionStage, purpose: String? = nil) async throws -> IssuedSession {
        try await auth.issue(user: user, stage: stage, replacing: nil, address: "10.0.0.1", purpose: purpose)
    }

    /// The live session of `issued`'s token, as a request carrying it would see it. The lookup
    /// writes back in the background (the last-seen time now and then, or the end of an expired
    /// session): this waits until that write is in the directory, so the next step sees it.
    func live(_ issued: IssuedSession) async -> SessionRecord? {
        let seen = auth.session(forToken: issued.token)
        let id = issued.session.id
        let now = time.now
        while true {
            let stored = directory.session(id: id)
            if seen == nil, stored == nil { break }
            if seen != nil, let stored, now - stored.lastSeenAt <= auth.settings.touchIntervalMs { break }
            await Task.yield()
        }
        return seen
    }

    // MARK: The audit log.

    struct AuditEvent: Equatable {
        let event: String
        let user: String
        let outcome: String
        let detail: String
    }

    var audit: [AuditEvent] {
        auditSink.lines.compactMap { line in
            guard let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return AuditEvent(
                event: object["event"] as? String ?? "", user: object["user"] as? String ?? "",
                outcome: object["outcome"] as? String ?? "", detail: object["detail"] as? String ?? "")
        }
    }

    func audited(_ event: String) -> [AuditEvent] { audit.filter { $0.event == event } }
}

/// The vault results the flows expect, for scripting the fake.
enum VaultResults {
    static func status(enrolled: Bool, smsRecovery: String = "no_phone") -> VaultReply {
        .success([
            "enrolled": .bool(enrolled), "pending": .bool(false), "locked": .bool(false),
            "sms_recovery": .string(smsRecovery),
        ])
    }

    static func outcome(_ outcome: String, _ extra: [String: JSONValue] = [:]) -> VaultReply {
        var result = extra
        result["outcome"] = .string(outcome)
        return .success(result)
    }

    static func enrollment(id: String = "00112233445566778899aabbccddeeff", expiresAt: Int64) -> VaultReply {
        .success([
            "enrollment_id": .string(id), "secret": "JBSWY3DPEHPK3PXP",
            "uri": "otpauth://totp/Twofold:x?secret=JBSWY3DPEHPK3PXP",
            "expires_at": .integer(expiresAt),
        ])
    }
}
