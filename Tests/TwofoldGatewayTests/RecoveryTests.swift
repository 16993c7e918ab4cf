import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// "Can't access your multi-factor authentication app?": what the page offers, the SMS, the code,
/// and each of the vault's answers.
@Suite struct RecoveryTests {
    @Test func recoveryStatus_readsTheVaultsStatus_onlyInThePasswordStage() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on(
            "status",
            reply: .success([
                "enrolled": true, "sms_recovery": "unsupported_country", "phone_masked": "+880 ••••78",
                "phone_country_name": "Bangladesh",
            ]))
        let status = try await harness.auth.recoveryStatus(password.session)
        #expect(
            status
                == RecoveryStatus(
                    availability: "unsupported_country", phoneMasked: "+880 ••••78", countryName: "Bangladesh"))
        let full = try await harness.session(for: user, stage: .full)
        let error = await #expect(throws: AuthError.self) { try await harness.auth.recoveryStatus(full.session) }
        #expect(error == AuthError.wrongStage)
        await harness.close()
    }

    static let sendOutcomes: [(reply: VaultReply, code: String?, status: Int?, retry: Int64?)] = [
        (.success(["phone_masked": "+1 ••••71", "expires_at": 1_767_226_200_000]), nil, nil, nil),
        (.error("recovery.no_phone"), "recovery.no_phone", 409, nil),
        (
            .error("recovery.unsupported_country", detail: "unsupported_country"), "recovery.unsupported_country", 409,
            nil
        ),
        (.error("recovery.cooldown", retryAfterMs: 45_000), "recovery.cooldown", 429, 45_000),
        (.error("recovery.quota", retryAfterMs: 3_600_000), "recovery.quota", 429, 3_600_000),
        (.error("recovery.quota", retryAfterMs: .max), "recovery.quota", 429, 86_400_000),
        (.error("sms.unavailable", retryAfterMs: 30_000), "sms.unavailable", 503, 30_000),
        (.error("sms.unavailable"), "sms.unavailable", 503, 30_000),
        // The sms-sender did not answer in time: the text may still arrive, and the user is told so.
        (
            .success(["phone_masked": "+1 ••••71", "expires_at": 1_767_226_200_000, "delivery": "unknown"]),
            "sms.unavailable", 503, 30_000
        ),
        (.error("user.invalid"), "internal", 500, nil),
        (.unavailable, "service.unavailable", 503, 1000),
    ]

    @Test(arguments: sendOutcomes.indices)
    func sendRecoveryCode_mapsEachVaultAnswer(index: Int) async throws {
        let (reply, code, status, retry) = Self.sendOutcomes[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on("recovery.start", reply: reply)
        do {
            let sent = try await harness.auth.sendRecoveryCode(password.session, address: nil)
            #expect(code == nil)
            #expect(sent.phoneMasked == "+1 ••••71")
            #expect(sent.expiresAt == 1_767_226_200_000)
        } catch {
            #expect(error.code == code)
            #expect(error.status.code == status)
            #expect(error.retryAfterMs == retry)
        }
        #expect(harness.vault.calls == [.init(operation: "recovery.start", args: ["user": .string(user.id)])])
        #expect(await harness.live(password)?.stage == .password, "sending never changes the session")
        await harness.close()
    }

    @Test func verifyRecoveryCode_accepted_givesARecoverySession_andEndsEveryOther() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let elsewhere = try await harness.session(for: user, stage: .full)
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on("recovery.verify", reply: VaultResults.outcome("accepted"))
        let issued = try await harness.auth.verifyRecoveryCode(password.session, code: "12 34 56", address: nil)
        #expect(issued.session.stage == .recovery)
        #expect(issued.session.purpose == "recovery")
        #expect(await harness.live(elsewhere) == nil)
        #expect(await harness.live(password) == nil)
        #expect(harness.vault.calls.last?.args == ["user": .string(user.id), "code": "123456"])
        // The recovery session can only set up a new authenticator.
        let error = #expect(throws: AuthError.self) { try harness.auth.signedIn(issued.session) }
        #expect(error == AuthError.wrongStage)
        await harness.close()
    }

    static let verifyOutcomes: [(reply: VaultReply, code: String, status: Int, left: Int?)] = [
        (VaultResults.outcome("expired"), "recovery.code_expired", 410, nil),
        (VaultResults.outcome("invalid", ["attempts_left": 2]), "recovery.code_invalid", 401, 2),
        (VaultResults.outcome("invalid", ["attempts_left": 0]), "recovery.code_invalid", 401, 0),
        (VaultResults.outcome("invalid", ["attempts_left": .integer(.min)]), "recovery.code_invalid", 401, 0),
        (VaultResults.outcome("invalid"), "recovery.code_invalid", 401, 0),
        (VaultResults.outcome("accepted?"), "internal", 500, nil),
        (.success([:]), "internal", 500, nil),
        (.error("request.invalid"), "internal", 500, nil),
        (.unavailable, "service.unavailable", 503, nil),
    ]

    @Test(arguments: verifyOutcomes.indices)
    func verifyRecoveryCode_mapsEachRefusal_andKeepsThePasswordSession(index: Int) async throws {
        let (reply, code, status, left) = Self.verifyOutcomes[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on("recovery.verify", reply: reply)
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyRecoveryCode(password.session, code: "000000", address: nil)
        }
        #expect(error?.code == code)
        #expect(error?.status.code == status)
        #expect(error?.attemptsLeft == left)
        if left == 2 { #expect(error?.message.contains("2 attempts left") == true) }
        if left == 0 { #expect(error?.message.contains("can no longer be used") == true) }
        #expect(await harness.live(password)?.stage == .password)
        await harness.close()
    }
}
