import TwofoldIPC
import TwofoldSystem
import TwofoldWire

/// The vault's operations on the wire (`protocol/vault.md`): decodes arguments, calls `Vault`, and
/// encodes results. Holds no state of its own. A state-changing request's `idempotency_key`
/// becomes the operation's `IdempotencyClaim` (scoped by the peer's uid and the user).
public struct VaultService: WireService {
    let vault: Vault
    /// Called after a user is deleted; the daemon compacts the store so the sealed record leaves
    /// the disk (crypto-shredding: no copy remains for a future holder of the master key).
    let afterDelete: (@Sendable () -> Void)?

    public init(vault: Vault, afterDelete: (@Sendable () -> Void)? = nil) {
        self.vault = vault
        self.afterDelete = afterDelete
    }

    public let operations: Set<String> = Set([
        "health", "stats", "enroll.begin", "enroll.confirm", "totp.verify", "status", "reset", "phone.set",
        "phone.clear", "recovery.start", "recovery.verify", "user.delete", "notice.send", "backup.generate",
        "backup.verify",
    ]).union(Self.webauthnOperations)

    struct UserArgs: Decodable { let user: String }
    struct BeginArgs: Decodable {
        let user: String
        let accountName: String
        enum CodingKeys: String, CodingKey {
            case user
            case accountName = "account_name"
        }
    }
    struct ConfirmArgs: Decodable {
        let user: String
        let enrollmentID: String?
        let code: String
        enum CodingKeys: String, CodingKey {
            case user, code
            case enrollmentID = "enrollment_id"
        }
    }
    struct CodeArgs: Decodable {
        let user: String
        let code: String
    }
    struct OptionalCodeArgs: Decodable {
        let user: String
        let code: String?
    }
    struct PhoneArgs: Decodable {
        let user: String
        let phone: String
        let code: String?
    }
    struct ResetArgs: Decodable {
        let user: String
        let actor: String
        let reason: String
    }
    struct DeleteArgs: Decodable {
        let user: String
        let actor: String
    }
    struct NoticeArgs: Decodable {
        let user: String
        let event: String
    }

    public func handle(
        _ request: WireRequest, peer: PeerCredentials, respond: @escaping @Sendable (WireResponse) -> Void
    ) {
        let id = request.id
        @Sendable func reply(_ result: Result<[String: JSONValue], VaultError>) {
            switch result {
            case .success(let fields): respond(.success(id: id, result: fields))
            case .failure(let error): respond(.failure(id: id, Self.payload(error)))
            }
        }
        do throws(VaultError) {
            switch request.operation {
            case "health":
                let health = vault.health()
                var fields: [String: JSONValue] = [
                    "status": .string(health.degradedReason == nil ? "ok" : "degraded"),
                    "users": .integer(Int64(health.users)), "sms_reachable": .bool(health.smsReachable),
                    "sms_blocked_countries": .array(health.smsBlockedCountries.map { .string($0) }),
                    "idempotency_retention_ms": .integer(health.idempotencyRetentionMillis),
                ]
                if let reason = health.degradedReason { fields["reason"] = .string(reason) }
                reply(.success(fields))
            case "stats":
                let stats = vault.stats()
                reply(
                    .success([
                        "users": .integer(Int64(stats.users)),
                        "operations": .object(stats.operations.mapValues { .integer(Int64($0)) }),
                        "outcomes": .object(stats.outcomes.mapValues { .integer(Int64($0)) }),
                    ]))
            case "enroll.begin":
                let args = try decode(request, BeginArgs.self)
                let user = try user(args.user)
                vault.beginEnrollment(
                    user: user, accountName: args.accountName, idempotency: claim(request, peer, user)
                ) { result in
                    reply(
                        result.map { start in
                            [
                                "enrollment_id": .string(start.enrollmentID), "secret": .string(start.secretBase32),
                                "uri": .string(start.uri), "expires_at": .integer(start.expiresAtMillis),
                            ]
                        })
                }
            case "enroll.confirm":
                let args = try decode(request, ConfirmArgs.self)
                let user = try user(args.user)
                vault.confirmEnrollment(
                    user: user, enrollmentID: args.enrollmentID, code: args.code,
                    idempotency: claim(request, peer, user)
                ) { result in reply(result.map(Self.fields(of:))) }
            case "totp.verify":
                let args = try decode(request, CodeArgs.self)
                let user = try user(args.user)
                vault.verify(user: user, code: args.code, idempotency: claim(request, peer, user)) { result in
                    reply(result.map(Self.fields(of:)))
                }
            case "status":
                let args = try decode(request, UserArgs.self)
                let status = try vault.status(user: try user(args.user))
                var fields: [String: JSONValue] = [
                    "enrolled": .bool(status.enrolled), "pending": .bool(status.pending),
                    "sms_recovery": .string(status.smsRecovery), "locked": .bool(status.locked),
                ]
                if let masked = status.phoneMasked { fields["phone_masked"] = .string(masked) }
                if let country = status.phoneCountry { fields["phone_country"] = .string(country) }
                if let name = status.phoneCountryName { fields["phone_country_name"] = .string(name) }
                if let wait = status.lockedRetryAfterMillis { fields["retry_after_ms"] = .integer(wait) }
                fields["backup_codes_left"] = .integer(Int64(status.backupCodesLeft))
                fields["passkeys"] = .integer(Int64(status.passkeys))
                reply(.success(fields))
            case "reset":
                let args = try decode(request, ResetArgs.self)
                let user = try user(args.user)
                vault.reset(
                    user: user, actor: args.actor, reason: args.reason, idempotency: claim(request, peer, user)
                ) { result in reply(result.map { [:] }) }
            case "phone.set":
                let args = try decode(request, PhoneArgs.self)
                let user = try user(args.user)
                vault.setPhone(
                    user: user, phone: args.phone, code: args.code, idempotency: claim(request, peer, user)
                ) { result in
                    reply(
                        result.map { status in
                            [
                                "phone_masked": .string(status.masked), "country": .string(status.country),
                                "country_name": .string(status.countryName),
                                "sms_recovery": .string(status.smsRecovery),
                            ]
                        })
                }
            case "phone.clear":
                let args = try decode(request, OptionalCodeArgs.self)
                let user = try user(args.user)
                vault.clearPhone(user: user, code: args.code, idempotency: claim(request, peer, user)) { result in
                    reply(result.map { [:] })
                }
            case "recovery.start":
                let args = try decode(request, UserArgs.self)
                let user = try user(args.user)
                vault.startRecovery(
                    user: user, deadlineAt: request.deadlineAt, idempotency: claim(request, peer, user)
                ) { result in
                    reply(
                        result.map { start in
                            [
                                "phone_masked": .string(start.phoneMasked),
                                "expires_at": .integer(start.expiresAtMillis),
                                "delivery": .string(start.delivery == .sent ? "sent" : "unknown"),
                            ]
                        })
                }
            case "recovery.verify":
                let args = try decode(request, CodeArgs.self)
                let user = try user(args.user)
                vault.verifyRecovery(user: user, code: args.code, idempotency: claim(request, peer, user)) { result in
                    reply(
                        result.map { outcome in
                            var fields: [String: JSONValue] = ["outcome": .string(outcome.name)]
                            if case .invalid(let left) = outcome { fields["attempts_left"] = .integer(Int64(left)) }
                            return fields
                        })
                }
            case "notice.send":
                let args = try decode(request, NoticeArgs.self)
                let subject = try user(args.user)
                guard let event = NoticeEvent(rawValue: args.event) else {
                    throw VaultError(
                        .invalidArguments,
                        "event must be one of " + NoticeEvent.allCases.map(\.rawValue).joined(separator: ", "))
                }
                let queued = try vault.sendNotice(user: subject, event: event)
                reply(.success(["queued": .bool(queued)]))
            case "backup.generate":
                let args = try decode(request, OptionalCodeArgs.self)
                let user = try user(args.user)
                vault.generateBackupCodes(user: user, code: args.code, idempotency: claim(request, peer, user)) {
                    result in reply(result.map { Self.fields(of: $0) })
                }
            case "backup.verify":
                let args = try decode(request, CodeArgs.self)
                let user = try user(args.user)
                vault.verifyBackupCode(user: user, code: args.code, idempotency: claim(request, peer, user)) {
                    result in reply(result.map(Self.fields(of:)))
                }
            case "user.delete":
                let args = try decode(request, DeleteArgs.self)
                vault.deleteUser(user: try user(args.user), actor: args.actor) { [afterDelete] result in
                    if case .success = result { afterDelete?() }
                    reply(result.map { [:] })
                }
            case let operation where Self.webauthnOperations.contains(operation):
                try handleWebAuthn(request, peer: peer, reply: reply)
            default:
                respond(.failure(id: id, WireError.unknownOperation()))
            }
        } catch {
            reply(.failure(error))
        }
    }

    static func fields(of outcome: VerifyOutcome) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["outcome": .string(outcome.name)]
        switch outcome {
        case .accepted(let step): fields["step"] = .integer(Int64(step))
        case .invalid(let failures, let wait):
            fields["failures"] = .integer(Int64(failures))
            if let wait { fields["retry_after_ms"] = .integer(wait) }
        case .locked(let wait): if let wait { fields["retry_after_ms"] = .integer(wait) }
        case .replayed, .notEnrolled: break
        }
        return fields
    }

    static func fields(of outcome: ConfirmOutcome) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["outcome": .string(outcome.name)]
        switch outcome {
        case .confirmed(let step, let codes):
            fields["step"] = .integer(Int64(step))
            fields.merge(Self.fields(of: codes)) { $1 }
        case .invalid(let wait), .locked(let wait):
            if let wait { fields["retry_after_ms"] = .integer(wait) }
        case .staleSetup: break
        }
        return fields
    }

    /// `backup_codes` (formatted, shown once) or `backup_codes_withheld` (a recorded answer).
    static func fields(of codes: IssuedBackupCodes) -> [String: JSONValue] {
        switch codes {
        case .shown(let codes): ["backup_codes": .array(codes.map { .string($0.formatted) })]
        case .withheld: ["backup_codes_withheld": .bool(true)]
        }
    }

    static func fields(of outcome: BackupVerifyOutcome) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["outcome": .string(outcome.name)]
        switch outcome {
        case .accepted(let left): fields["backup_codes_left"] = .integer(Int64(left))
        case .invalid(let failures, let wait):
            fields["failures"] = .integer(Int64(failures))
            if let wait { fields["retry_after_ms"] = .integer(wait) }
        case .locked(let wait): if let wait { fields["retry_after_ms"] = .integer(wait) }
        case .noCodes: break
        }
        return fields
    }

    /// The claim of a state-changing request that carries an idempotency key, or nil.
    func claim(_ request: WireRequest, _ peer: PeerCredentials, _ user: UserID) -> IdempotencyClaim? {
        request.idempotencyKey.map { key in
            vault.idempotencyClaim(
                peer: peer.userID, user: user, key: key.rawValue, operation: request.operation,
                arguments: JSONValue.object(request.args).jsonBytes)
        }
    }

    func decode<T: Decodable>(_ request: WireRequest, _ type: T.Type) throws(VaultError) -> T {
        do {
            return try request.decodeArgs(type)
        } catch {
            throw VaultError(.invalidArguments, error.message)
        }
    }

    func user(_ raw: String) throws(VaultError) -> UserID {
        guard let user = UserID(raw) else {
            throw VaultError(.invalidUser, "user must be 1–128 characters of letters, digits and . _ : @ -")
        }
        return user
    }

    static func payload(_ error: VaultError) -> WireErrorPayload {
        WireErrorPayload(
            code: error.code.rawValue, message: error.message, detail: error.detail,
            retryAfterMs: error.retryAfterMillis.map { Int(clamping: $0) })
    }
}
