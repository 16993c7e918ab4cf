import Dispatch
import Foundation
import Synchronization
import TwofoldDirectory
import TwofoldGateway
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPasswords
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

extension FuzzHarness {
    /// Issue 15's entry point 8: the gateway's JSON API, request to response.
    static let gatewayAPI = FuzzHarness(
        name: "gateway-api",
        summary: "a JSON API request (route, bearer session of any stage, Origin, body) through the gateway's "
            + "API routes and AuthService, with a real directory and a vault whose every answer the input scripts "
            + "(down, any error, results with missing, wrong or hostile fields): one answer, a JSON object, an "
            + "error object with a stable code on every 4xx/5xx, a whole-second Retry-After"
    ) { input throws(FuzzFailure) in
        try GatewayAPIHarness.run(&input)
    }
}

/// Sends one request to the API routes of a gateway built once per process: a directory in a
/// temporary folder (in memory where `/dev/shm` exists) holding a user with an account, sessions
/// of every stage (re-issued when a request ended them) and an invite. The fake vault answers
/// each call as the rest of the input says.
enum GatewayAPIHarness {
    static let routes: [(HTTPMethod, String)] = [
        (.post, "/login"), (.post, "/login/code"), (.get, "/recovery"), (.post, "/recovery/send"),
        (.post, "/recovery/verify"), (.post, "/mfa/setup"), (.post, "/mfa/confirm"), (.post, "/mfa/reset"),
        (.get, "/me"), (.post, "/accounts/select"), (.put, "/phone"), (.delete, "/phone"), (.post, "/password"),
        (.post, "/logout"), (.post, "/invites/INVITE/accept"), (.post, "/invites/x/accept"),
        (.post, "/password/forgot"), (.post, "/password/forgot/code"), (.post, "/password/forgot/sms/send"),
        (.post, "/password/forgot/sms"), (.post, "/password/forgot/password"),
        (.post, "/reset-links/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/accept"), (.put, "/profile/name"),
        (.get, "/backup-codes"), (.post, "/backup-codes"), (.post, "/recovery/backup-code"),
    ]

    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        guard let fixture = GatewayFixture.shared else {
            throw FuzzFailure(message: "the gateway fixture does not start", file: #fileID, line: #line)
        }
        let (method, pattern) = input.pick(routes)
        let path = "/api/v1" + pattern.replacingOccurrences(of: "INVITE", with: fixture.inviteToken)
        var headers: HTTPHeaders = ["Host": "login.example.com", "Content-Type": "application/json"]
        let stage = input.byte()
        if stage % 6 < 4 {
            let token = fixture.token([.password, .setup, .recovery, .full][Int(stage % 6)])
            headers.add("Authorization", "Bearer " + token)
        } else if stage % 6 == 4 {
            headers.add("Authorization", "Bearer " + String(decoding: VaultHarness.field(&input), as: UTF8.self))
        }
        switch input.byte() % 4 {
        case 0: break
        case 1: headers.add("Origin", "https://login.example.com")
        case 2: headers.add("Origin", "https://evil.example")
        default: headers.add("Origin", "null")
        }
        var body: [UInt8] = []
        for _ in 0..<Int(input.uint16() % 2048) { body.append(input.byte()) }
        fixture.vault.script(input.rest())

        let request = HTTPRequest(
            head: HTTPRequestHead(
                method: method, path: path, headers: headers, host: "login.example.com", contentLength: body.count),
            body: body)
        let answers = Mutex<[HTTPResponse]>([])
        let answered = DispatchSemaphore(value: 0)
        let routed = fixture.api.handle(request) { response in
            answers.withLock { $0.append(response) }
            answered.signal()
        }
        try check(routed, "\(method) \(path) is no API route")
        try check(
            answered.wait(timeout: .now() + FuzzHarness.hangGuard) == .success, "\(method) \(pattern): no answer (hung)"
        )
        let all = answers.withLock { $0 }
        try check(all.count == 1, "\(method) \(pattern): \(all.count) answers")
        try checkResponse(all[0], "\(method) \(pattern)")
    }

    /// A JSON object (none for 204), with `error: {code, message}` exactly when the status is an error.
    static func checkResponse(_ response: HTTPResponse, _ route: String) throws(FuzzFailure) {
        let status = response.status.code
        let text = String(decoding: response.body, as: UTF8.self)
        try check((200..<600).contains(status), "\(route): status \(status)")
        if status == 204 {
            try check(response.body.isEmpty, "\(route): 204 with a body: \(text)")
            return
        }
        try check(
            response.headers["Content-Type"] == "application/json", "\(route): \(status) is not JSON: \(text)")
        guard case .object(let object)? = try? JSONValue.parse(response.body) else {
            throw FuzzFailure(
                message: "\(route): \(status) body is no JSON object: \(text)", file: #fileID, line: #line)
        }
        if status >= 400 {
            guard case .object(let error)? = object["error"], case .string(let code)? = error["code"],
                case .string(let message)? = error["message"]
            else {
                throw FuzzFailure(
                    message: "\(route): \(status) without an error object: \(text)", file: #fileID, line: #line)
            }
            try check(
                !code.isEmpty && code.utf8.allSatisfy { $0 == 0x2E || $0 == 0x5F || (0x61...0x7A).contains($0) },
                "\(route): unstable error code '\(code)'")
            try check(!message.isEmpty, "\(route): error \(code) without a message")
        } else {
            try check(object["error"] == nil, "\(route): \(status) carries an error: \(text)")
        }
        if let retry = response.headers["Retry-After"] {
            try check(
                !retry.isEmpty && retry.utf8.allSatisfy { (0x30...0x39).contains($0) }
                    && Int(retry).map { $0 > 0 } == true,
                "\(route): Retry-After '\(retry)'")
        }
    }
}

/// The gateway the harness talks to, built once per process and removed at exit.
final class GatewayFixture: Sendable {
    static let password = "correct horse battery staple"
    static let temporaryPassword = "temporary password 1234"
    static let shared: GatewayFixture? = try? GatewayFixture()

    let folder: String
    let vault = ScriptedVault()
    let api: GatewayAPIFuzz
    let user: UserRecord
    let inviteToken: String
    private let tokens = Mutex<[SessionStage: String]>([:])

    private init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let folder = base + "twofold-fuzz-gateway-\(getpid())"
        self.folder = folder
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        fixtureFolder.withLock { $0 = folder }
        atexit {
            if let folder = fixtureFolder.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: folder) }
        }
        let directory = try Directory.open(path: folder + "/directory") { 1_767_225_600_000 }
        let hasher = PasswordHasher(parameters: try ScryptParameters(logN: 10, r: 8, p: 1))
        let passwords = PasswordWork(
            hasher: hasher, policy: try PasswordPolicy(minimumLength: 12),
            pool: try WorkerPool(threadCount: 1, queueCapacity: 64, name: "fuzz-hash"))
        var throttle = LoginThrottle.Policy()
        throttle.freeFailuresPerEmail = Int.max
        throttle.freeFailuresPerAddress = Int.max
        var settings = AuthSettings()
        settings.publicURL = "https://login.example.com"
        let auth = AuthService(
            directory: directory, vault: vault, passwords: passwords, settings: settings,
            throttle: LoginThrottle(policy: throttle),
            audit: GatewayAudit(logger: Logger(label: "audit", sink: .memory())))
        api = try GatewayAPIFuzz(auth: auth)
        let account = AccountRecord(id: "a-0123456789abcdef", name: "Fuzz Ltd", createdAt: directory.now)
        user = UserRecord(
            id: "u-0123456789abcdef01234567", email: "fuzz@example.com", passwordHash: try hasher.hash(Self.password),
            accounts: [account.id], createdAt: directory.now)
        inviteToken = DirectoryToken.make()
        let invite = InviteRecord(
            id: "i-0123456789abcdef", tokenHash: DirectoryToken.hash(inviteToken), email: "new@example.com",
            accounts: [account.id], temporaryPasswordHash: try hasher.hash(Self.temporaryPassword),
            createdAt: directory.now, expiresAt: directory.now + 86_400_000, createdBy: "fuzz")
        let user = self.user
        try blockingAwait {
            try await directory.update { transaction in
                transaction.put(account)
                transaction.put(user)
                transaction.put(invite)
            }
        }
    }

    /// A live session of `stage` for the user: the last one issued, or a new one if it ended.
    func token(_ stage: SessionStage) -> String {
        if let token = tokens.withLock({ $0[stage] }), api.auth.session(forToken: token) != nil { return token }
        let (api, user) = (self.api, self.user)
        let purpose = stage == .setup ? "reset" : nil
        guard let token = try? blockingAwait({ try await api.issue(user, stage: stage, purpose: purpose) }) else {
            return "ended"
        }
        tokens.withLock { $0[stage] = token }
        return token
    }
}

private let fixtureFolder = Mutex<String?>(nil)

/// A vault whose answers are read from a script, one per call: down, an error (any code the
/// gateway knows, or another), or a result whose fields are each absent, right, wrong in type or
/// hostile. Past the script's end it is down.
final class ScriptedVault: VaultAPI {
    private let remaining = Mutex(FuzzInput([]))

    func script(_ bytes: [UInt8]) { remaining.withLock { $0 = FuzzInput(bytes) } }

    static let codes = [
        "user.invalid", "request.invalid", "enroll.not_pending", "enroll.expired", "totp.not_enrolled",
        "totp.code_required", "totp.code_rejected", "phone.invalid", "recovery.no_phone",
        "recovery.unsupported_country", "recovery.cooldown", "recovery.quota", "sms.unavailable",
        "reset.reason_required", "unavailable", "internal", "deadline.exceeded", "response.invalid", "op.unknown",
        "",
    ]
    static let details: [String?] = [nil, "replayed", "locked", "invalid", "not_enrolled", "storage.failed", ""]
    static let waits: [Int?] = [nil, 0, 1, 30_000, -1, Int.max]
    static let fields: [(String, [JSONValue])] = [
        ("outcome", ["accepted", "replayed", "locked", "invalid", "expired", "confirmed", "stale_setup", "x", 1]),
        ("enrolled", [true, false, "true", .null]),
        ("step", [1, -1, .integer(.max), "1"]),
        ("retry_after_ms", [0, 1500, -1, .integer(.max), .integer(.min), .double(1.5)]),
        ("failures", [0, 3, -1]),
        ("attempts_left", [0, 2, -1, .integer(.max)]),
        ("enrollment_id", ["0123456789abcdef0123456789abcdef", "x", ""]),
        ("secret", ["JBSWY3DPEHPK3PXP", "", "1"]),
        (
            "uri",
            [
                "otpauth://totp/Twofold:fuzz%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Twofold", "", "\u{0}",
                "otpauth://<script>alert(1)</script>", .string("otpauth://" + String(repeating: "9", count: 4_000)),
            ]
        ),
        ("expires_at", [1_767_225_900_000, -1, .integer(.max), 0]),
        (
            "backup_codes",
            [
                .array((0..<10).map { .string("k7qd-3mzt-9hv\($0)") }), .array([]), .array([1, .null]),
                .array([.string(String(repeating: "x", count: 5_000))]), "k7qd-3mzt-9hvw",
            ]
        ),
        ("backup_codes_withheld", [true, false, 1]),
        ("backup_codes_left", [0, 9, -1, .integer(.max)]),
        ("phone_masked", ["+49 •••••••78", "", "\u{202E}87"]),
        ("sms_recovery", ["available", "no_phone", "unsupported_country", "x"]),
        ("phone_country_name", ["Germany", "", "<b>"]),
    ]

    func call(_ operation: String, _ args: [String: JSONValue], retryKey: IdempotencyKey?) async -> VaultReply {
        remaining.withLock { input in
            switch input.byte() % 5 {
            case 0: return .unavailable
            case 4: return .outcomeUnknown
            case 1:
                return .failure(
                    WireErrorPayload(
                        code: input.pick(Self.codes), message: "vault says no", detail: input.pick(Self.details),
                        retryAfterMs: input.pick(Self.waits)))
            default:
                var result: [String: JSONValue] = [:]
                for (key, values) in Self.fields {
                    let choice = Int(input.byte()) % (values.count + 1)
                    if choice < values.count { result[key] = values[choice] }
                }
                return .success(result)
            }
        }
    }
}
