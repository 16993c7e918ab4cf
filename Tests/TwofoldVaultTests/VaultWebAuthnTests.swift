import Testing
import TwofoldWebAuthn

@testable import TwofoldVault

// Whole ceremonies against the vault, with a software authenticator signing real ES256 (OpenSSL)
// over the vault's own challenges: registration, sign-in after the password and passwordless,
// and every refusal the issue lists.

private let origin = "https://login.example.org"

private func beginRegistration(
    _ harness: VaultHarness, _ secret: [UInt8], user: UserID = .test(), name: String? = "Laptop"
) throws -> PasskeyCeremonyStart {
    let code = totp(secret, at: harness.clock.nowMillis())
    return try harness.sync {
        harness.vault.beginPasskeyRegistration(user: user, code: code, name: name, completion: $0)
    }.get()
}

private func finishRegistration(
    _ harness: VaultHarness, _ start: PasskeyCeremonyStart, _ response: RegistrationResponse, user: UserID = .test(),
    name: String? = nil
) -> Result<PasskeyInfo, VaultError> {
    harness.sync {
        harness.vault.finishPasskeyRegistration(
            user: user, challengeID: start.challengeID, response: response, transports: ["internal", "bogus"],
            name: name, completion: $0)
    }
}

/// Enrolls `user` with an authenticator app and registers `authenticator` as a passkey.
@discardableResult
private func register(_ harness: VaultHarness, _ authenticator: SoftwareAuthenticator, user: UserID = .test())
    throws -> [UInt8]
{
    let secret = try harness.enroll(user)
    harness.clock.advance(seconds: 30)
    let start = try beginRegistration(harness, secret, user: user)
    _ = try finishRegistration(harness, start, authenticator.register(start), user: user).get()
    return secret
}

private func finishAssertion(
    _ harness: VaultHarness, _ start: PasskeyCeremonyStart, _ response: AssertionResponse, user: UserID? = .test(),
    claim: IdempotencyClaim? = nil
) -> Result<PasskeyAssertionOutcome, VaultError> {
    harness.sync {
        harness.vault.finishPasskeyAssertion(
            user: user, challengeID: start.challengeID, response: response, idempotency: claim, completion: $0)
    }
}

private func reason(_ result: Result<PasskeyAssertionOutcome, VaultError>) -> String? {
    if case .success(.invalid(let reason, _, _)) = result { return reason }
    return nil
}

private func errorCode<T>(_ result: Result<T, VaultError>) -> String? {
    if case .failure(let error) = result { return error.code.rawValue }
    return nil
}

// MARK: - Registration

@Test func registration_withACurrentCode_storesThePasskey_andListsItWithoutItsKey() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let start = try beginRegistration(harness, secret)
    #expect(start.rpID == "login.example.org")
    #expect(start.userHandle == Base64URL.encode(Array("u-1".utf8)))
    #expect(Base64URL.decode(start.challenge)?.count == 32)
    #expect(start.credentials.isEmpty)
    let authenticator = SoftwareAuthenticator()
    let info = try finishRegistration(harness, start, authenticator.register(start, packed: true)).get()
    #expect(info.id == Base64URL.encode(authenticator.credentialID))
    #expect(info.name == "Laptop")
    #expect(info.transports == ["internal"])
    #expect(info.createdAtMillis == harness.clock.nowMillis())
    #expect(info.lastUsedAtMillis == nil)
    #expect(try harness.vault.passkeys(user: .test()) == [info])
    #expect(try harness.vault.status(user: .test()).passkeys == 1)
    #expect(harness.audit.contains(#""op":"webauthn.register""#))

    // The next registration excludes it, and the same credential cannot be added twice.
    harness.clock.advance(seconds: 30)
    let again = try beginRegistration(harness, secret, name: nil)
    #expect(again.credentials.map(\.id) == [info.id])
    #expect(again.credentials.first?.transports == ["internal"])
    #expect(
        errorCode(finishRegistration(harness, again, authenticator.register(again))) == "webauthn.credential_exists")
}

@Test func registrationBegin_needsACurrentCode_andAWrongOneCountsAsAFailure() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let missing = harness.sync {
        harness.vault.beginPasskeyRegistration(user: .test(), code: nil, name: nil, completion: $0)
    }
    #expect(errorCode(missing) == "totp.code_required")
    let wrong = harness.sync {
        harness.vault.beginPasskeyRegistration(user: .test(), code: "000000", name: nil, completion: $0)
    }
    #expect(errorCode(wrong) == "totp.code_rejected")
    #expect(try harness.vault.status(user: .test()).locked == false)
    // A used code does not start a second registration (replay guard).
    _ = try beginRegistration(harness, secret)
    #expect(throws: VaultError.self) { try beginRegistration(harness, secret) }
    // Without an authenticator app there is nothing to check the code against.
    let stranger = harness.sync {
        harness.vault.beginPasskeyRegistration(user: .test("u-2"), code: "123456", name: nil, completion: $0)
    }
    #expect(errorCode(stranger) == "totp.not_enrolled")
}

@Test func registration_isRefused_forAnotherOrigin_RPID_user_orASpentChallenge() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    let authenticator = SoftwareAuthenticator()
    func fresh() throws -> PasskeyCeremonyStart {
        harness.clock.advance(seconds: 30)
        return try beginRegistration(harness, secret)
    }
    var start = try fresh()
    var result = finishRegistration(harness, start, authenticator.register(start, origin: "https://evil.example"))
    #expect(errorCode(result) == "webauthn.registration_refused")
    if case .failure(let error) = result { #expect(error.detail == "webauthn.origin_mismatch") }
    // The challenge was spent by that attempt.
    #expect(
        errorCode(finishRegistration(harness, start, authenticator.register(start))) == "webauthn.challenge_unknown")

    start = try fresh()
    result = finishRegistration(harness, start, authenticator.register(start, rpID: "example.org"))
    if case .failure(let error) = result { #expect(error.detail == "webauthn.rp_id_mismatch") }
    #expect(errorCode(result) == "webauthn.registration_refused")

    start = try fresh()
    result = finishRegistration(harness, start, authenticator.register(start, flags: []))
    if case .failure(let error) = result { #expect(error.detail == "webauthn.user_not_present") }

    // Issued for u-1, answered as u-2: unknown (and spent).
    start = try fresh()
    #expect(
        errorCode(finishRegistration(harness, start, authenticator.register(start), user: .test("u-2")))
            == "webauthn.challenge_unknown")
    #expect(
        errorCode(finishRegistration(harness, start, authenticator.register(start))) == "webauthn.challenge_unknown")

    // Expired after five minutes.
    start = try fresh()
    harness.clock.advance(seconds: 300)
    #expect(
        errorCode(finishRegistration(harness, start, authenticator.register(start))) == "webauthn.challenge_unknown")

    #expect(try harness.vault.passkeys(user: .test()).isEmpty)
    // None of these counted as a failed sign-in.
    #expect(try harness.vault.status(user: .test()).locked == false)
}

@Test func registration_refusesABadName_andALongUserID() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    for name in ["", "   ", "a\u{0}b", "tab\there", String(repeating: "x", count: 65), "\u{202E}evil"] {
        let result = harness.sync {
            harness.vault.beginPasskeyRegistration(user: .test(), code: code, name: name, completion: $0)
        }
        #expect(errorCode(result) == "webauthn.invalid_name", "\(name.debugDescription)")
    }
    let long = UserID(String(repeating: "u", count: 65))!
    let result = harness.sync {
        harness.vault.beginPasskeyRegistration(user: long, code: code, name: nil, completion: $0)
    }
    #expect(errorCode(result) == "webauthn.user_unsupported")
}

@Test func aVaultWithoutAPublicURL_answersNotConfigured() {
    let harness = VaultHarness(relyingParty: nil)
    #expect(throws: VaultError.self) { try harness.vault.beginPasskeyAssertion(user: nil) }
    let result = harness.sync {
        harness.vault.beginPasskeyRegistration(user: .test(), code: "123456", name: nil, completion: $0)
    }
    #expect(errorCode(result) == "webauthn.not_configured")
}

// MARK: - Sign-in

@Test func assertion_afterThePassword_isAccepted_andAdvancesCounterAndLastUse() throws {
    let harness = VaultHarness()
    let authenticator = SoftwareAuthenticator()
    try register(harness, authenticator)
    harness.clock.advance(seconds: 60)
    let start = try harness.vault.beginPasskeyAssertion(user: .test())
    #expect(start.credentials.map(\.id) == [Base64URL.encode(authenticator.credentialID)])
    #expect(start.userVerification == "preferred")
    #expect(start.userHandle == nil)
    let outcome = try finishAssertion(
        harness, start, authenticator.assert(challenge: start.challenge, flags: .userPresent)
    )
    .get()
    #expect(
        outcome
            == .accepted(user: .test(), credentialID: Base64URL.encode(authenticator.credentialID), userVerified: false)
    )
    let listed = try #require(try harness.vault.passkeys(user: .test()).first)
    #expect(listed.lastUsedAtMillis == harness.clock.nowMillis())
    #expect(try harness.vault.read(.test()) { record, _ in record.passkeys.first?.signCount } == 1)
    // The challenge is single use.
    #expect(
        errorCode(finishAssertion(harness, start, authenticator.assert(challenge: start.challenge)))
            == "webauthn.challenge_unknown")
    #expect(throws: VaultError.self) { try harness.vault.beginPasskeyAssertion(user: .test("u-2")) }
}

@Test func passwordless_needsUserVerificationAndTheUserHandle_andNamesTheUser() throws {
    let harness = VaultHarness()
    let authenticator = SoftwareAuthenticator()
    try register(harness, authenticator)
    let handle = Array("u-1".utf8)

    var start = try harness.vault.beginPasskeyAssertion(user: nil)
    #expect(start.userVerification == "required")
    #expect(start.credentials.isEmpty)
    #expect(
        try finishAssertion(
            harness, start, authenticator.assert(challenge: start.challenge, userHandle: handle), user: nil
        )
        .get()
            == .accepted(user: .test(), credentialID: Base64URL.encode(authenticator.credentialID), userVerified: true))

    start = try harness.vault.beginPasskeyAssertion(user: nil)
    let unverified = finishAssertion(
        harness, start, authenticator.assert(challenge: start.challenge, flags: .userPresent, userHandle: handle),
        user: nil)
    #expect(reason(unverified) == "webauthn.user_not_verified")

    // Without a user handle there is no user to check against.
    start = try harness.vault.beginPasskeyAssertion(user: nil)
    #expect(
        reason(finishAssertion(harness, start, authenticator.assert(challenge: start.challenge), user: nil))
            == "webauthn.credential_unknown")

    // A passwordless challenge is no second-factor challenge, and the reverse.
    start = try harness.vault.beginPasskeyAssertion(user: nil)
    #expect(
        errorCode(finishAssertion(harness, start, authenticator.assert(challenge: start.challenge, userHandle: handle)))
            == "webauthn.challenge_unknown")
    start = try harness.vault.beginPasskeyAssertion(user: .test())
    #expect(
        errorCode(
            finishAssertion(
                harness, start, authenticator.assert(challenge: start.challenge, userHandle: handle), user: nil))
            == "webauthn.challenge_unknown")

    // A handle naming a user without passkeys: refused, and no record made for it.
    start = try harness.vault.beginPasskeyAssertion(user: nil)
    let ghost = finishAssertion(
        harness, start, authenticator.assert(challenge: start.challenge, userHandle: Array("u-9".utf8)), user: nil)
    #expect(try ghost.get() == (.invalid(reason: "webauthn.credential_unknown", failures: nil, retryAfterMillis: nil)))
    #expect(harness.vault.userCount == 1)
}

@Test(arguments: [
    ("origin", "webauthn.origin_mismatch"), ("rp id", "webauthn.rp_id_mismatch"),
    ("signature", "webauthn.signature_invalid"), ("counter", "webauthn.counter_regressed"),
    ("credential", "webauthn.credential_unknown"), ("challenge", "webauthn.challenge_mismatch"),
    ("presence", "webauthn.user_not_present"),
])
func assertion_isRefused_andCounted_whenAnyCheckFails(change: String, expected: String) throws {
    let harness = VaultHarness()
    let authenticator = SoftwareAuthenticator()
    try register(harness, authenticator)
    // One accepted sign-in first, so the stored counter is 5.
    var start = try harness.vault.beginPasskeyAssertion(user: .test())
    _ = try finishAssertion(harness, start, authenticator.assert(challenge: start.challenge, count: 5)).get()

    start = try harness.vault.beginPasskeyAssertion(user: .test())
    var response = authenticator.assert(challenge: start.challenge)
    switch change {
    case "origin": response = authenticator.assert(challenge: start.challenge, origin: "https://login.example.org.evil")
    case "rp id": response = authenticator.assert(challenge: start.challenge, rpID: "example.org")
    case "signature": response.signature[response.signature.count - 1] ^= 0x01
    case "counter": response = authenticator.assert(challenge: start.challenge, count: 5)
    case "credential": response = SoftwareAuthenticator().assert(challenge: start.challenge)
    case "challenge":
        let other = try harness.vault.beginPasskeyAssertion(user: .test())
        response = authenticator.assert(challenge: other.challenge)
    case "presence": response = authenticator.assert(challenge: start.challenge, flags: [])
    default: Issue.record("unknown change \(change)")
    }
    let result = finishAssertion(harness, start, response)
    #expect(try result.get() == .invalid(reason: expected, failures: 1, retryAfterMillis: nil))
    #expect(harness.audit.contains(expected))
    // The stored counter and last use are unchanged by a refusal.
    #expect(try harness.vault.read(.test()) { record, _ in record.passkeys.first?.signCount } == 5)
}

@Test func refusedAssertions_andWrongCodes_shareOneBackOff() throws {
    let harness = VaultHarness()
    let authenticator = SoftwareAuthenticator()
    let secret = try register(harness, authenticator)
    for attempt in 1...3 {
        let start = try harness.vault.beginPasskeyAssertion(user: .test())
        var response = authenticator.assert(challenge: start.challenge)
        response.signature[8] ^= 0x40
        #expect(reason(finishAssertion(harness, start, response)) == "webauthn.signature_invalid", "\(attempt)")
    }
    for _ in 4...5 {
        _ = harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) }
    }
    let start = try harness.vault.beginPasskeyAssertion(user: .test())
    var response = authenticator.assert(challenge: start.challenge)
    response.signature[8] ^= 0x40
    let sixth = finishAssertion(harness, start, response)
    #expect(try sixth.get() == .invalid(reason: "webauthn.signature_invalid", failures: 6, retryAfterMillis: 30_000))
    // Locked: even a good assertion is answered `locked` before any check.
    let next = try harness.vault.beginPasskeyAssertion(user: .test())
    #expect(
        try finishAssertion(harness, next, authenticator.assert(challenge: next.challenge)).get()
            == .locked(retryAfterMillis: 30_000))
    harness.clock.advance(seconds: 31)
    let later = try harness.vault.beginPasskeyAssertion(user: .test())
    guard case .success(.accepted) = finishAssertion(harness, later, authenticator.assert(challenge: later.challenge))
    else {
        Issue.record("a good assertion after the lockout is accepted")
        return
    }
    // …and lifts the failure count, as an accepted code does.
    #expect(try harness.vault.read(.test()) { record, _ in record.consecutiveFailures } == 0)
    _ = secret
}

@Test func acceptedAssertion_isDurableBeforeTheAnswer_soItsReplayAfterARestartMeetsTheCounter() throws {
    let harness = VaultHarness()
    let authenticator = SoftwareAuthenticator()
    try register(harness, authenticator)
    let start = try harness.vault.beginPasskeyAssertion(user: .test())
    guard
        case .success(.accepted) = finishAssertion(
            harness, start, authenticator.assert(challenge: start.challenge, count: 41))
    else {
        Issue.record("the first assertion is accepted")
        return
    }
    // Only what reached the persistence survives: a new vault replays those records.
    let restarted = try harness.restarted()
    #expect(try restarted.vault.passkeys(user: .test()).first?.lastUsedAtMillis == harness.clock.nowMillis())
    // The old challenge died with the process; a replay of the same counter on a new one is refused.
    #expect(
        errorCode(finishAssertion(restarted, start, authenticator.assert(challenge: start.challenge, count: 42)))
            == "webauthn.challenge_unknown")
    let fresh = try restarted.vault.beginPasskeyAssertion(user: .test())
    #expect(
        reason(finishAssertion(restarted, fresh, authenticator.assert(challenge: fresh.challenge, count: 41)))
            == "webauthn.counter_regressed")
    let next = try restarted.vault.beginPasskeyAssertion(user: .test())
    guard
        case .success(.accepted) = finishAssertion(
            restarted, next, authenticator.assert(challenge: next.challenge, count: 43))
    else {
        Issue.record("a higher counter is accepted after the restart")
        return
    }
}

@Test func assertionRetry_withTheSameKey_getsTheRecordedAcceptance() throws {
    let harness = VaultHarness()
    let authenticator = SoftwareAuthenticator()
    try register(harness, authenticator)
    let start = try harness.vault.beginPasskeyAssertion(user: .test())
    let response = authenticator.assert(challenge: start.challenge)
    let claim = harness.claim("passkey-login-0001", "webauthn.assert.finish", start.challengeID)
    let first = finishAssertion(harness, start, response, claim: claim)
    guard case .success(.accepted) = first else {
        Issue.record("accepted first")
        return
    }
    #expect(try finishAssertion(harness, start, response, claim: claim).get() == first.get())
    // Without the key, the spent challenge is refused.
    #expect(errorCode(finishAssertion(harness, start, response)) == "webauthn.challenge_unknown")
}

// MARK: - Managing

@Test func removal_isRefusedForTheLastSecondFactor_andResetRemovesEveryPasskey() throws {
    let harness = VaultHarness()
    let first = SoftwareAuthenticator()
    let secret = try register(harness, first)
    harness.clock.advance(seconds: 30)
    let start = try beginRegistration(harness, secret, name: "Phone")
    let second = SoftwareAuthenticator()
    _ = try finishRegistration(harness, start, second.register(start)).get()
    #expect(try harness.vault.passkeys(user: .test()).map(\.name) == ["Laptop", "Phone"])

    // Without an authenticator app (as after an upgrade path that left none), the last passkey stays.
    _ = harness.sync { completion in
        harness.vault.update(.test(), { record, _ throws(VaultError) in record.active = nil }, completion: completion)
    }
    func remove(_ id: [UInt8]) -> Result<Void, VaultError> {
        harness.sync { harness.vault.removePasskey(user: .test(), credentialID: id, completion: $0) }
    }
    #expect(errorCode(remove([1, 2, 3])) == "webauthn.credential_unknown")
    try remove(first.credentialID).get()
    #expect(errorCode(remove(second.credentialID)) == "webauthn.last_factor")
    #expect(try harness.vault.passkeys(user: .test()).map(\.name) == ["Phone"])

    // A registration begun before a reset cannot finish after it.
    let enrolled = try harness.enroll(.test("u-3"))
    harness.clock.advance(seconds: 30)
    let pending = try beginRegistration(harness, enrolled, user: .test("u-3"))
    for user in [UserID.test(), .test("u-3")] {
        try harness.sync { harness.vault.reset(user: user, actor: "op", reason: "lost phone", completion: $0) }.get()
    }
    #expect(try harness.vault.passkeys(user: .test()).isEmpty)
    #expect(try harness.vault.status(user: .test()).passkeys == 0)
    #expect(
        errorCode(finishRegistration(harness, pending, SoftwareAuthenticator().register(pending), user: .test("u-3")))
            == "webauthn.challenge_unknown")
}

// MARK: - Stored form

@Test func record_isWrittenAsFormat3OnlyWhileItHoldsAPasskey_andReadsBack() throws {
    var record = VaultUserRecord()
    record.phone = "+14155552671"
    #expect(try record.encoded().first == 2)
    record.passkeys = [
        Passkey(
            id: [1, 2, 3], publicKey: CBOREncoder.encode(SoftwareAuthenticator().coseKey), signCount: 9,
            backupEligible: true, transports: PasskeyTransports(names: ["usb", "hybrid"]), name: "Key ✓",
            createdAtMillis: 1_764_000_000_000, lastUsedAtMillis: nil)
    ]
    let bytes = try record.encoded()
    #expect(bytes.first == 3)
    #expect(try VaultUserRecord(decoding: bytes) == record)
    #expect(try VaultUserRecord(decoding: bytes).passkeys.first?.transports.names == ["usb", "hybrid"])
    // Truncated or with trailing bytes: refused, never trapped on.
    for cut in 1..<bytes.count {
        #expect(throws: BinaryReader.Truncated.self) { try VaultUserRecord(decoding: Array(bytes.prefix(cut))) }
    }
    #expect(throws: BinaryReader.Truncated.self) { try VaultUserRecord(decoding: bytes + [0]) }
    var future = bytes
    future[0] = 4
    #expect(throws: BinaryReader.Truncated.self) { try VaultUserRecord(decoding: future) }
}

@Test func registrationBegin_retriedWithTheSameKey_answersTheSameChallenge_whichStillFinishesOnce() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("passkey-add-0001", "webauthn.register.begin", code)
    func begin() throws -> PasskeyCeremonyStart {
        try harness.sync {
            harness.vault.beginPasskeyRegistration(
                user: .test(), code: code, name: "Key", idempotency: claim, completion: $0)
        }.get()
    }
    let first = try begin()
    // The code is spent, yet the retry (a lost answer) gets the same challenge, not `replayed`.
    let retry = try begin()
    #expect(retry == first)
    #expect(harness.audit.contains(#""answer":"recorded""#))
    let authenticator = SoftwareAuthenticator()
    #expect(try finishRegistration(harness, retry, authenticator.register(retry)).get().name == "Key")
    #expect(
        errorCode(finishRegistration(harness, first, authenticator.register(first))) == "webauthn.challenge_unknown")
}
