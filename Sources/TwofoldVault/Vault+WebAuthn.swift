import TwofoldCrypto
import TwofoldWebAuthn

extension Vault {
    /// The user handle (`user.id`) of `user`'s credentials: the gateway's opaque user id itself, so
    /// a passwordless assertion names its user without an index (and never an email address).
    /// Ids longer than a user handle's 64 bytes cannot have passkeys.
    static func userHandle(_ user: UserID) -> UserHandle? {
        try? UserHandle(Array(user.rawValue.utf8))
    }

    private func configuredVerifier() throws(VaultError) -> WebAuthnVerifier {
        guard let webauthn else {
            throw VaultError(
                .webauthnNotConfigured,
                "Passkeys are not available: the vault has no public URL with a domain name (--public-url).")
        }
        return webauthn
    }

    private func newChallenge(
        _ ceremony: WebAuthnChallenge.Ceremony, user: UserID?, requiresUserVerification: Bool, now: Int64
    ) throws(VaultError) -> (id: String, challenge: WebAuthnChallenge, expiresAtMillis: Int64) {
        let expires = now + policy.passkeyChallengeLifetimeMillis
        do {
            let challenge = try WebAuthnChallenge(
                bytes: SecureRandom.bytes(count: WebAuthnChallenge.defaultLength), ceremony: ceremony,
                userHandle: user.flatMap(Self.userHandle), requiresUserVerification: requiresUserVerification,
                expiresAt: expires / 1000)
            return (Hex.encode(SecureRandom.bytes(count: 16)), challenge, expires)
        } catch {
            throw VaultError(.internalError, "The vault could not issue a challenge.")
        }
    }

    private func start(
        id: String, challenge: [UInt8], userVerification: Bool, expiresAtMillis: Int64, user: UserID?,
        credentials: [Passkey], verifier: WebAuthnVerifier
    ) -> PasskeyCeremonyStart {
        PasskeyCeremonyStart(
            challengeID: id, challenge: Base64URL.encode(challenge), rpID: verifier.relyingParty.id,
            userHandle: user.flatMap(Self.userHandle)?.base64URL,
            credentials: credentials.map {
                PasskeyDescriptor(id: Base64URL.encode($0.id), transports: $0.transports.names)
            },
            userVerification: userVerification ? "required" : "preferred",
            timeoutMillis: policy.passkeyChallengeLifetimeMillis, expiresAtMillis: expiresAtMillis)
    }

    // MARK: - Registration

    /// Starts adding a passkey for `user`. Needs a current authenticator code in the same request,
    /// checked like a login code (consumed, failures counted in the back-off), so a stolen session
    /// or a compromised gateway alone cannot add a credential of its own.
    public func beginPasskeyRegistration(
        user: UserID, code: String?, name: String?, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<PasskeyCeremonyStart, VaultError>) -> Void
    ) {
        let issued: (id: String, challenge: WebAuthnChallenge, expiresAtMillis: Int64)
        let verifier: WebAuthnVerifier
        let validName: String?
        do throws(VaultError) {
            verifier = try configuredVerifier()
            guard Self.userHandle(user) != nil else {
                throw VaultError(.userUnsupported, "This user's id is too long for a passkey's user handle.")
            }
            validName = try Self.passkeyName(name)
            issued = try newChallenge(
                .registration, user: user, requiresUserVerification: false, now: clock.nowMillis())
        } catch {
            completion(.failure(error))
            return
        }
        update(
            user, claim: idempotency,
            recording: { _ in
                RecordedCeremonyStart(
                    id: issued.id, challenge: issued.challenge.bytes, expiresAtMillis: issued.expiresAtMillis)
            },
            { record, context throws(VaultError) -> [Passkey] in
                guard record.active != nil else {
                    throw VaultError(.notEnrolled, "Passkeys need an authenticator app; set one up first.")
                }
                guard record.passkeys.count < policy.maximumPasskeys else { throw Self.tooManyPasskeys(policy) }
                try authorise(&record, code: code, now: context.now)
                return record.passkeys
            }
        ) { answer in
            switch answer {
            case .ran(let result):
                if case .success = result {
                    let pending = PendingCeremony(
                        challenge: issued.challenge, user: user, name: validName,
                        expiresAtMillis: issued.expiresAtMillis)
                    self.ceremonies.withLock {
                        $0.insert(
                            pending, id: issued.id, now: self.clock.nowMillis(),
                            maximum: self.policy.maximumPendingCeremonies)
                    }
                }
                self.audit.record("webauthn.register.begin", user: user, outcome: result.auditOutcome)
                completion(
                    result.map { passkeys in
                        self.start(
                            id: issued.id, challenge: issued.challenge.bytes, userVerification: false,
                            expiresAtMillis: issued.expiresAtMillis, user: user, credentials: passkeys,
                            verifier: verifier)
                    })
            case .recorded(let result, let record):
                self.audit.record("webauthn.register.begin", user: user, outcome: result.auditOutcome, recorded: true)
                completion(
                    result.map { recorded in
                        self.start(
                            id: recorded.id, challenge: recorded.challenge, userVerification: false,
                            expiresAtMillis: recorded.expiresAtMillis, user: user, credentials: record.passkeys,
                            verifier: verifier)
                    })
            }
        }
    }

    /// Verifies the browser's answer to a registration challenge and stores the new passkey. The
    /// challenge is spent whatever the outcome. A refusal does not count as a failed sign-in:
    /// the request that began it already proved a current code.
    public func finishPasskeyRegistration(
        user: UserID, challengeID: String, response: RegistrationResponse, transports: [String], name: String?,
        idempotency: IdempotencyClaim? = nil, completion: @escaping @Sendable (Result<PasskeyInfo, VaultError>) -> Void
    ) {
        let verifier: WebAuthnVerifier
        let validName: String?
        do throws(VaultError) {
            verifier = try configuredVerifier()
            validName = try Self.passkeyName(name)
        } catch {
            completion(.failure(error))
            return
        }
        let pending = ceremonies.withLock { $0.take(challengeID) }
        update(
            user, claim: idempotency, recording: { $0 },
            { record, context throws(VaultError) -> PasskeyInfo in
                let pending = try Self.live(pending, .registration, user: user, now: context.now)
                guard record.active != nil || !record.passkeys.isEmpty else {
                    throw VaultError(.notEnrolled, "Passkeys need an authenticator app; set one up first.")
                }
                let registered: RegisteredCredential
                do throws(WebAuthnError) {
                    registered = try verifier.verifyRegistration(
                        response, challenge: pending.challenge, now: context.now / 1000)
                } catch {
                    if error.code == "webauthn.challenge_expired" { throw Self.challengeUnknown() }
                    throw VaultError(
                        .registrationRefused, "The passkey could not be registered (\(error.message)).",
                        detail: error.code)
                }
                let id = registered.credential.id.bytes
                guard !record.passkeys.contains(where: { $0.id == id }) else {
                    throw VaultError(.credentialExists, "This passkey is already registered.")
                }
                guard record.passkeys.count < policy.maximumPasskeys else { throw Self.tooManyPasskeys(policy) }
                let passkey = Passkey(
                    id: id, publicKey: registered.credential.publicKey.coseKey,
                    signCount: registered.credential.signCount, backupEligible: registered.credential.backupEligible,
                    transports: PasskeyTransports(names: transports),
                    name: validName ?? pending.name ?? PasskeyName.fallback, createdAtMillis: context.now,
                    lastUsedAtMillis: nil)
                record.passkeys.append(passkey)
                return passkey.info
            }
        ) { answer in
            let (result, recorded) = answer.result
            self.count("webauthn.register", recorded ? "recorded" : result.auditOutcome)
            self.audit.record("webauthn.register", user: user, outcome: result.auditOutcome, recorded: recorded)
            completion(result)
        }
    }

    // MARK: - Assertion

    /// Issues an assertion challenge: for `user`'s passkeys (the second step after the password),
    /// or, without a user, for any discoverable credential, with user verification required (a
    /// passwordless sign-in, where the passkey is both factors). Changes nothing durable.
    public func beginPasskeyAssertion(user: UserID?) throws(VaultError) -> PasskeyCeremonyStart {
        let verifier = try configuredVerifier()
        var passkeys: [Passkey] = []
        if let user {
            guard Self.userHandle(user) != nil else {
                throw VaultError(.userUnsupported, "This user's id is too long for a passkey's user handle.")
            }
            passkeys = try read(user) { record, _ in record.passkeys }
            guard !passkeys.isEmpty else { throw VaultError(.noPasskeys, "This user has no passkey.") }
        }
        let now = clock.nowMillis()
        let userVerification = user == nil || policy.passkeySecondFactorRequiresUserVerification
        let issued = try newChallenge(.assertion, user: user, requiresUserVerification: userVerification, now: now)
        let pending = PendingCeremony(
            challenge: issued.challenge, user: user, name: nil, expiresAtMillis: issued.expiresAtMillis)
        ceremonies.withLock { $0.insert(pending, id: issued.id, now: now, maximum: policy.maximumPendingCeremonies) }
        count("webauthn.assert.begin", "ok")
        return start(
            id: issued.id, challenge: issued.challenge.bytes, userVerification: userVerification,
            expiresAtMillis: issued.expiresAtMillis, user: nil, credentials: passkeys, verifier: verifier)
    }

    /// Verifies an assertion against the challenge `challengeID` (spent whatever the outcome).
    ///
    /// With `user`, the challenge must have been issued for that user; without, it must be a
    /// passwordless one and the response's user handle names the user. A lockout is answered
    /// before any check; every refused check of a user's passkey (signature, origin, RP ID,
    /// flags, an unknown credential, a counter that did not grow) counts as a failure in the same
    /// back-off as wrong codes. The signature and counter are checked inside the update's critical
    /// section (like a code against the last accepted step), so two assertions of one credential
    /// cannot both pass the counter. An accepted assertion's new sign count and last-use time are
    /// durable before the answer, so a replay of it after a crash still meets the counter.
    public func finishPasskeyAssertion(
        user requested: UserID?, challengeID: String, response: AssertionResponse,
        idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<PasskeyAssertionOutcome, VaultError>) -> Void
    ) {
        let verifier: WebAuthnVerifier
        do throws(VaultError) {
            verifier = try configuredVerifier()
        } catch {
            completion(.failure(error))
            return
        }
        let pending = ceremonies.withLock { $0.take(challengeID) }
        let named = response.userHandle.flatMap { String(validating: $0, as: UTF8.self) }.flatMap(UserID.init)
        guard let user = requested ?? named else {
            audit.record("webauthn.assert", user: nil, outcome: "webauthn.credential_unknown")
            count("webauthn.assert", "invalid")
            completion(.success(.invalid(reason: "webauthn.credential_unknown", failures: nil, retryAfterMillis: nil)))
            return
        }
        update(
            user, claim: idempotency, recording: { $0 }, records: { (try? $0.get())?.name == "accepted" },
            { record, context throws(VaultError) -> PasskeyAssertionOutcome in
                let pending = try Self.live(pending, .assertion, user: requested, now: context.now)
                // A user without passkeys has nothing to fail: no record is made for a guessed id.
                guard !record.passkeys.isEmpty else {
                    return .invalid(reason: "webauthn.credential_unknown", failures: nil, retryAfterMillis: nil)
                }
                if let locked = lockout(record, now: context.now) {
                    return .locked(retryAfterMillis: locked.retryAfterMillis)
                }
                func refused(_ reason: String) -> PasskeyAssertionOutcome {
                    let retry = recordFailure(&record, now: context.now)
                    return .invalid(reason: reason, failures: record.consecutiveFailures, retryAfterMillis: retry)
                }
                guard let index = record.passkeys.firstIndex(where: { $0.id == response.credentialID }) else {
                    return refused("webauthn.credential_unknown")
                }
                let passkey = record.passkeys[index]
                let outcome: AssertionOutcome
                do throws(WebAuthnError) {
                    guard let handle = Self.userHandle(user) else { return refused("webauthn.user_handle_mismatch") }
                    let stored = StoredCredential(
                        id: try CredentialID(passkey.id),
                        publicKey: try CredentialPublicKey(coseKey: passkey.publicKey),
                        signCount: passkey.signCount, userHandle: handle, backupEligible: passkey.backupEligible)
                    outcome = try verifier.verifyAssertion(
                        response, challenge: pending.challenge, credential: stored, now: context.now / 1000)
                } catch {
                    if error.code == "webauthn.challenge_expired" { throw Self.challengeUnknown() }
                    return refused(error.code)
                }
                switch outcome {
                case .counterRegressed:
                    return refused("webauthn.counter_regressed")
                case .verified(let verified):
                    record.passkeys[index].signCount = verified.signCount
                    record.passkeys[index].lastUsedAtMillis = context.now
                    record.consecutiveFailures = 0
                    record.lockedUntilMillis = 0
                    return .accepted(
                        user: user, credentialID: Base64URL.encode(passkey.id), userVerified: verified.userVerified)
                }
            }
        ) { answer in
            let (result, recorded) = answer.result
            let outcome = result.auditOutcome { outcome in
                if case .invalid(let reason, _, _) = outcome { return reason }
                return outcome.name
            }
            self.count("webauthn.assert", recorded ? "recorded" : result.auditOutcome { $0.name })
            self.audit.record("webauthn.assert", user: user, outcome: outcome, recorded: recorded)
            completion(result)
        }
    }

    // MARK: - Managing passkeys

    /// The user's passkeys, oldest first.
    public func passkeys(user: UserID) throws(VaultError) -> [PasskeyInfo] {
        try read(user) { record, _ in record.passkeys.map(\.info) }
    }

    /// Removes one passkey; refused when it is the user's last second factor (no authenticator
    /// app and no other passkey).
    public func removePasskey(
        user: UserID, credentialID: [UInt8], idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<Void, VaultError>) -> Void
    ) {
        update(
            user, claim: idempotency, recording: { $0 },
            { record, _ throws(VaultError) -> NoAnswer in
                guard let index = record.passkeys.firstIndex(where: { $0.id == credentialID }) else {
                    throw VaultError(.credentialUnknown, "This user has no such passkey.")
                }
                guard record.active != nil || record.passkeys.count > 1 else {
                    throw VaultError(
                        .lastFactor, "This is your last second factor; add another before removing it.")
                }
                record.passkeys.remove(at: index)
                return NoAnswer()
            }
        ) { answer in
            let (result, recorded) = answer.result
            self.audit.record("webauthn.remove", user: user, outcome: result.auditOutcome, recorded: recorded)
            completion(result.map { _ in () })
        }
    }

    // MARK: - Helpers

    /// The pending ceremony if it is live, of `ceremony`, and issued for `user` (nil: a
    /// passwordless one); otherwise `webauthn.challenge_unknown` (never counted as a failure: an
    /// expired page is no guess).
    static func live(_ pending: PendingCeremony?, _ ceremony: WebAuthnChallenge.Ceremony, user: UserID?, now: Int64)
        throws(VaultError) -> PendingCeremony
    {
        guard let pending, pending.challenge.ceremony == ceremony, pending.user == user, now < pending.expiresAtMillis
        else { throw challengeUnknown() }
        return pending
    }

    static func challengeUnknown() -> VaultError {
        VaultError(
            .challengeUnknown, "This passkey request has expired or was already used; start again.")
    }

    /// `input` validated as a passkey name (nil stays nil).
    static func passkeyName(_ input: String?) throws(VaultError) -> String? {
        guard let input else { return nil }
        guard let valid = PasskeyName.validated(input) else { throw invalidName() }
        return valid
    }

    static func invalidName() -> VaultError {
        VaultError(
            .invalidName,
            "A passkey's name is 1 to \(PasskeyName.maximumBytes) bytes of text without control characters.")
    }

    static func tooManyPasskeys(_ policy: VaultPolicy) -> VaultError {
        VaultError(.tooManyPasskeys, "A user can have at most \(policy.maximumPasskeys) passkeys; remove one first.")
    }
}

extension Passkey {
    var info: PasskeyInfo {
        PasskeyInfo(
            id: Base64URL.encode(id), name: name, transports: transports.names, createdAtMillis: createdAtMillis,
            lastUsedAtMillis: lastUsedAtMillis)
    }
}
