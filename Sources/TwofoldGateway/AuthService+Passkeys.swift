import TwofoldDirectory
import TwofoldWire

/// A passkey ceremony the vault started: its challenge id (posted back with the answer) and the
/// options for `navigator.credentials.create/get` in their JSON form (WebAuthn Level 3
/// `PublicKeyCredentialCreationOptionsJSON` / `RequestOptionsJSON`: binary values base64url).
public struct PasskeyCeremonyStart: Sendable {
    public let challengeID: String
    public let options: JSONValue
}

/// What the browser returns from `navigator.credentials.get()`, base64url, as posted.
public struct PasskeyAssertion: Sendable {
    public var challengeID: String
    public var credentialID: String
    public var clientDataJSON: String
    public var authenticatorData: String
    public var signature: String
    public var userHandle: String?

    public init(
        challengeID: String, credentialID: String, clientDataJSON: String, authenticatorData: String,
        signature: String, userHandle: String?
    ) {
        self.challengeID = challengeID
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
    }
}

/// What the browser returns from `navigator.credentials.create()`, base64url, as posted.
public struct PasskeyRegistration: Sendable {
    public var challengeID: String
    public var clientDataJSON: String
    public var attestationObject: String
    public var transports: [String]
    public var name: String?

    public init(
        challengeID: String, clientDataJSON: String, attestationObject: String, transports: [String], name: String?
    ) {
        self.challengeID = challengeID
        self.clientDataJSON = clientDataJSON
        self.attestationObject = attestationObject
        self.transports = transports
        self.name = name
    }
}

/// A registered passkey as the Security tab and the API list it (never its key).
public struct PasskeyInfo: Sendable, Equatable {
    public let id: String
    public let name: String
    public let createdAt: Int64
    public let lastUsedAt: Int64?
}

/// Passkeys (issue 18). The gateway relays; the vault decides: it issues every challenge, checks
/// every answer and keeps the credentials. The gateway checks the session's stage, asks for the
/// password before a passkey is added (the vault asks for a current code too), and turns an
/// accepted assertion into a session, as it does an accepted code.
extension AuthService {
    /// Whether passkeys can work at this public URL: a domain name (an IP address cannot be an RP
    /// ID) in a secure context (https, or http on localhost). The vault decides again; this only
    /// keeps the buttons away where they could never work.
    public var passkeysOffered: Bool {
        let origin = settings.publicOrigin
        let host: Substring
        if origin.hasPrefix("https://") {
            host = origin.dropFirst("https://".count).split(separator: ":").first ?? ""
        } else if origin.hasPrefix("http://") {
            host = origin.dropFirst("http://".count).split(separator: ":").first ?? ""
            guard host == "localhost" || host.hasSuffix(".localhost") else { return false }
        } else {
            return false
        }
        guard let last = host.split(separator: ".").last else { return false }
        return !last.allSatisfy(\.isNumber) && !host.contains("[")
    }

    /// Bounds on what a browser may post (base64url of the vault's own limits, with room).
    static let maximumPasskeyFieldBytes = 12_000
    static let maximumAttestationBytes = 40_000

    // MARK: Sign-in.

    /// "Use a passkey" after the password: a challenge for the user's passkeys.
    public func passkeySignInStart(_ session: SessionRecord?) async throws(AuthError) -> PasskeyCeremonyStart {
        let (_, user) = try require(session, in: [.password])
        return try await assertionStart(["user": .string(user.id)], user: user.id)
    }

    /// The second factor by passkey: the vault decides; an accepted one ends the password stage
    /// with a new token, as an accepted code does.
    public func verifyPasskey(_ session: SessionRecord?, _ assertion: PasskeyAssertion, address: String?)
        async throws(AuthError) -> IssuedSession
    {
        let (session, user) = try require(session, in: [.password])
        var args = try Self.assertionArgs(assertion)
        args["user"] = .string(user.id)
        let result = try await assertionFinish(args, user: user.id, address: address)
        guard result.string("user") == user.id else {
            throw unexpected(.success(result), "webauthn.assert.finish", user: user.id)
        }
        audit.record("login.passkey", user: user.id, address: address, outcome: "accepted")
        return try await issue(user: user, stage: .full, replacing: session, address: address)
    }

    /// "Sign in with a passkey" on the login page: a challenge for any discoverable credential,
    /// with user verification (the passkey is then both factors).
    public func passwordlessStart() async throws(AuthError) -> PasskeyCeremonyStart {
        try await assertionStart([:], user: nil)
    }

    /// A passwordless sign-in: the vault names the user whose passkey (with user verification)
    /// signed; a disabled or unknown user gets the same refusal as a wrong passkey.
    public func passwordlessLogin(_ assertion: PasskeyAssertion, replacing old: SessionRecord?, address: String?)
        async throws(AuthError) -> IssuedSession
    {
        let result = try await assertionFinish(try Self.assertionArgs(assertion), user: nil, address: address)
        guard let id = result.string("user"), result.bool("user_verified") == true else {
            throw unexpected(.success(result), "webauthn.assert.finish", user: nil)
        }
        guard let user = directory.user(id: id), !user.disabled else {
            audit.record("login.passwordless", user: id, address: address, outcome: "unknown_or_disabled")
            throw Self.passkeyRefused
        }
        audit.record("login.passwordless", user: user.id, address: address, outcome: "accepted")
        // A half-finished sign-in of this browser (another user's password stage) is ended.
        let replaced = old?.userID == user.id ? old : nil
        if let old, replaced == nil { await logout(old, address: address) }
        return try await issue(user: user, stage: .full, replacing: replaced, address: address)
    }

    private func assertionStart(_ args: [String: JSONValue], user: String?) async throws(AuthError)
        -> PasskeyCeremonyStart
    {
        let reply = await vault.call("webauthn.assert.begin", args)
        switch reply {
        case .success(let result):
            guard let challengeID = result.string("challenge_id"), let challenge = result.string("challenge"),
                let rpID = result.string("rp_id")
            else { throw unexpected(reply, "webauthn.assert.begin", user: user) }
            var options: [String: JSONValue] = [
                "challenge": .string(challenge), "rpId": .string(rpID),
                "userVerification": .string(result.string("user_verification") ?? "preferred"),
                "timeout": .integer(result.int("timeout_ms") ?? 300_000),
            ]
            options["allowCredentials"] = .array(Self.descriptors(result["credentials"]))
            return PasskeyCeremonyStart(challengeID: challengeID, options: .object(options))
        case .failure(let payload) where payload.code == "webauthn.no_credentials":
            throw AuthError("passkey.none", .conflict, "You have no passkey yet. Enter your verification code.")
        case .failure(let payload) where payload.code == "webauthn.not_configured":
            throw Self.passkeysUnavailable
        default:
            throw unexpected(reply, "webauthn.assert.begin", user: user)
        }
    }

    /// The vault's verdict on an assertion: its `accepted` result, or the refusal as an error.
    private func assertionFinish(_ args: [String: JSONValue], user: String?, address: String?)
        async throws(AuthError) -> [String: JSONValue]
    {
        let reply = await vault.call("webauthn.assert.finish", args)
        let event = user == nil ? "login.passwordless" : "login.passkey"
        switch reply {
        case .success(let result):
            switch result.string("outcome") {
            case "accepted":
                return result
            case "locked":
                audit.record(event, user: user, address: address, outcome: "locked")
                throw AuthError.locked(retryAfterMs: result.int("retry_after_ms"))
            case "invalid":
                audit.record(
                    event, user: user, address: address, outcome: "invalid",
                    detail: String(decoding: (result.string("reason") ?? "-").utf8.prefix(64), as: UTF8.self))
                if let wait = AuthError.boundedWait(result.int("retry_after_ms")) {
                    let seconds = max(1, (wait + 999) / 1000)
                    throw AuthError(
                        "passkey.invalid", .unauthorized,
                        "That passkey was not accepted. Too many failed attempts: wait \(seconds) second"
                            + "\(seconds == 1 ? "" : "s") before you try again.", retryAfterMs: wait)
                }
                throw Self.passkeyRefused
            default:
                throw unexpected(reply, "webauthn.assert.finish", user: user)
            }
        case .failure(let payload) where payload.code == "webauthn.challenge_unknown":
            throw Self.passkeyExpired
        case .failure(let payload) where payload.code == "webauthn.not_configured":
            throw Self.passkeysUnavailable
        case .failure(let payload) where payload.code == "request.invalid":
            // Well-formed for the gateway, not for the vault (base64url that does not decode).
            audit.record(event, user: user, address: address, outcome: "invalid", detail: "request.invalid")
            throw Self.passkeyRefused
        default:
            throw unexpected(reply, "webauthn.assert.finish", user: user)
        }
    }

    // MARK: Managing passkeys.

    /// Starts adding a passkey: the password (checked here) and a current code (checked by the
    /// vault, which issues the challenge only then).
    public func passkeyRegistrationStart(
        _ session: SessionRecord?, password: String, code: String, name: String?, address: String?
    ) async throws(AuthError) -> PasskeyCeremonyStart {
        let (_, user) = try require(session, in: [.full])
        try await confirmPassword(user, password, address: address, event: "passkey.add")
        var args: [String: JSONValue] = ["user": .string(user.id)]
        if !code.isEmpty { args["code"] = .string(Self.digits(code)) }
        if let name = try Self.passkeyName(name) { args["name"] = .string(name) }
        let reply = await vault.call("webauthn.register.begin", args)
        guard case .success(let result) = reply else {
            throw registrationFailure(reply, user: user, address: address)
        }
        guard let challengeID = result.string("challenge_id"), let challenge = result.string("challenge"),
            let rpID = result.string("rp_id"), let handle = result.string("user_handle")
        else { throw unexpected(reply, "webauthn.register.begin", user: user.id) }
        let options: [String: JSONValue] = [
            "challenge": .string(challenge),
            "rp": .object(["id": .string(rpID), "name": .string(settings.issuer)]),
            "user": .object([
                "id": .string(handle), "name": .string(user.email), "displayName": .string(user.name ?? user.email),
            ]),
            "pubKeyCredParams": .array(
                [-7, -8, -257].map { .object(["type": .string("public-key"), "alg": .integer($0)]) }),
            "timeout": .integer(result.int("timeout_ms") ?? 300_000),
            "excludeCredentials": .array(Self.descriptors(result["credentials"])),
            "authenticatorSelection": .object([
                "residentKey": .string("preferred"), "requireResidentKey": .bool(false),
                "userVerification": .string("preferred"),
            ]),
            "attestation": .string("none"),
        ]
        return PasskeyCeremonyStart(challengeID: challengeID, options: .object(options))
    }

    /// Stores the passkey the browser made for the vault's challenge.
    public func passkeyRegistrationFinish(
        _ session: SessionRecord?, _ registration: PasskeyRegistration, address: String?
    ) async throws(AuthError) -> PasskeyInfo {
        let (_, user) = try require(session, in: [.full])
        var args: [String: JSONValue] = [
            "user": .string(user.id), "challenge_id": .string(try Self.passkeyField(registration.challengeID, 64)),
            "client_data_json": .string(try Self.passkeyField(registration.clientDataJSON)),
            "attestation_object": .string(
                try Self.passkeyField(registration.attestationObject, Self.maximumAttestationBytes)),
            "transports": .array(registration.transports.prefix(8).filter { $0.utf8.count <= 32 }.map { .string($0) }),
        ]
        if let name = try Self.passkeyName(registration.name) { args["name"] = .string(name) }
        let reply = await vault.call("webauthn.register.finish", args)
        guard case .success(let result) = reply else {
            throw registrationFailure(reply, user: user, address: address)
        }
        guard case .object(let credential)? = result["credential"], let info = Self.passkeyInfo(credential) else {
            throw unexpected(reply, "webauthn.register.finish", user: user.id)
        }
        audit.record("passkey.add", user: user.id, address: address, outcome: "ok")
        return info
    }

    /// The user's passkeys, oldest first.
    public func passkeys(_ session: SessionRecord?) async throws(AuthError) -> [PasskeyInfo] {
        let (_, user) = try require(session, in: [.full])
        let reply = await vault.call("webauthn.credentials.list", ["user": .string(user.id)])
        guard case .success(let result) = reply, case .array(let items)? = result["credentials"] else {
            throw unexpected(reply, "webauthn.credentials.list", user: user.id)
        }
        var infos: [PasskeyInfo] = []
        for case .object(let item) in items {
            guard let info = Self.passkeyInfo(item) else {
                throw unexpected(reply, "webauthn.credentials.list", user: user.id)
            }
            infos.append(info)
        }
        return infos
    }

    /// Removes one of the user's passkeys (never the last second factor: the vault refuses).
    public func removePasskey(_ session: SessionRecord?, id: String, address: String?) async throws(AuthError) {
        let (_, user) = try require(session, in: [.full])
        let reply = await vault.call(
            "webauthn.credentials.remove",
            ["user": .string(user.id), "credential_id": .string(try Self.passkeyField(id, 1400))])
        switch reply {
        case .success:
            audit.record("passkey.remove", user: user.id, address: address, outcome: "ok")
        case .failure(let payload) where payload.code == "webauthn.last_factor":
            throw AuthError(
                "passkey.last_factor", .conflict,
                "This passkey is your only second factor. Set up an authenticator app or add another passkey first.")
        case .failure(let payload)
        where payload.code == "webauthn.credential_unknown" || payload.code == "request.invalid":
            throw AuthError("passkey.unknown", .notFound, "That passkey is not registered (anymore).")
        default:
            throw unexpected(reply, "webauthn.credentials.remove", user: user.id)
        }
    }

    private func registrationFailure(_ reply: VaultReply, user: UserRecord, address: String?) -> AuthError {
        guard case .failure(let payload) = reply else { return unexpected(reply, "webauthn.register", user: user.id) }
        audit.record("passkey.add", user: user.id, address: address, outcome: payload.detail ?? payload.code)
        if let refused = AuthError.confirmingCodeRefused(payload) { return refused }
        switch payload.code {
        case "totp.not_enrolled":
            return AuthError(
                "passkey.needs_mfa", .conflict, "Set up your authenticator app before you add a passkey.")
        case "webauthn.too_many":
            return AuthError("passkey.too_many", .conflict, "You have 10 passkeys already. Remove one first.")
        case "webauthn.invalid_name": return Self.passkeyNameInvalid
        case "webauthn.credential_exists":
            return AuthError("passkey.exists", .conflict, "This passkey is registered already.")
        case "webauthn.registration_refused", "request.invalid":
            return AuthError(
                "passkey.refused", .unprocessableContent, "Your browser's passkey could not be verified. Try again.")
        case "webauthn.challenge_unknown": return Self.passkeyExpired
        case "webauthn.not_configured": return Self.passkeysUnavailable
        default: return unexpected(reply, "webauthn.register", user: user.id)
        }
    }

    // MARK: Helpers.

    static let passkeyRefused = AuthError(
        "passkey.invalid", .unauthorized, "That passkey was not accepted. Try again, or use another way to sign in.")
    static let passkeyExpired = AuthError(
        "passkey.expired", .conflict, "This passkey request expired or was already used. Start again.")
    static let passkeyMissing = AuthError(
        "passkey.missing", .badRequest,
        "Your browser did not send a passkey. Passkeys need JavaScript; use your verification code instead.")
    static let passkeysUnavailable = AuthError(
        "passkey.unavailable", .notFound, "Passkeys are not available on this site.")
    static let passkeyNameInvalid = AuthError(
        "passkey.name_invalid", .unprocessableContent,
        "A passkey's name is at most 64 bytes of text without control characters.")

    /// A posted base64url value: non-empty and bounded before it goes to the vault.
    static func passkeyField(_ value: String, _ limit: Int = maximumPasskeyFieldBytes) throws(AuthError) -> String {
        guard !value.isEmpty, value.utf8.count <= limit else { throw passkeyMissing }
        return value
    }

    /// A name as typed: blank means none; bounded before the vault validates it.
    static func passkeyName(_ raw: String?) throws(AuthError) -> String? {
        guard let raw else { return nil }
        guard raw.utf8.count <= 256 else { throw passkeyNameInvalid }
        let name = raw.trimmingWhitespace()
        return name.isEmpty ? nil : name
    }

    static func assertionArgs(_ assertion: PasskeyAssertion) throws(AuthError) -> [String: JSONValue] {
        var args: [String: JSONValue] = [
            "challenge_id": .string(try passkeyField(assertion.challengeID, 64)),
            "credential_id": .string(try passkeyField(assertion.credentialID, 1400)),
            "client_data_json": .string(try passkeyField(assertion.clientDataJSON)),
            "authenticator_data": .string(try passkeyField(assertion.authenticatorData)),
            "signature": .string(try passkeyField(assertion.signature, 1400)),
        ]
        if let handle = assertion.userHandle, !handle.isEmpty {
            args["user_handle"] = .string(try passkeyField(handle, 100))
        }
        return args
    }

    /// The vault's `credentials` as WebAuthn descriptors (`{type, id, transports}`).
    static func descriptors(_ value: JSONValue?) -> [JSONValue] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard case .object(let fields) = item, let id = fields.string("id") else { return nil }
            var descriptor: [String: JSONValue] = ["type": .string("public-key"), "id": .string(id)]
            if case .array(let transports)? = fields["transports"] { descriptor["transports"] = .array(transports) }
            return .object(descriptor)
        }
    }

    static func passkeyInfo(_ fields: [String: JSONValue]) -> PasskeyInfo? {
        guard let id = fields.string("id"), let name = fields.string("name"), let created = fields.int("created_at")
        else { return nil }
        return PasskeyInfo(id: id, name: name, createdAt: created, lastUsedAt: fields.int("last_used_at"))
    }
}
