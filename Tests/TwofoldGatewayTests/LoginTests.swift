import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// Password, then code: every stage transition and refusal of the login, with the vault's every
/// answer, and the sessions' timeouts on the test clock.
@Suite struct LoginTests {
    @Test func login_withTheRightPassword_ofAnEnrolledUser_startsThePasswordStage() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))
        let issued = try await harness.auth.login(
            email: "  Ann@Example.COM ", password: GatewayHarness.password, address: "10.0.0.1")
        #expect(issued.session.stage == .password)
        #expect(issued.session.userID == user.id)
        #expect(await harness.live(issued)?.stage == .password)
        #expect(harness.vault.calls == [.init(operation: "status", args: ["user": .string(user.id)])])
        #expect(harness.audited("login.password").last?.outcome == "code_required")
        await harness.close()
    }

    @Test func login_ofAUserWithoutAuthenticator_startsTheSetupStage() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        harness.vault.on("status", reply: VaultResults.status(enrolled: false))
        let issued = try await harness.auth.login(
            email: "ann@example.com", password: GatewayHarness.password, address: nil)
        #expect(issued.session.stage == .setup)
        #expect(issued.session.purpose == "required")
        await harness.close()
    }

    @Test func login_whenTheVaultsStatusLacksEnrolled_neverFallsBackToSetup() async throws {
        // A malformed status must not let the password alone replace the authenticator.
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        for garbage: [String: JSONValue] in [[:], ["enrolled": "yes"], ["enrolled": .null]] {
            harness.vault.on("status", reply: .success(garbage))
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.login(email: "ann@example.com", password: GatewayHarness.password, address: nil)
            }
            #expect(error?.code == "internal")
            #expect(error?.status.code == 500)
        }
        #expect(harness.directory.sessionCount(ofUser: user.id) == 0)
        #expect(harness.audited("vault.unexpected").map(\.detail) == ["status", "status", "status"])
        await harness.close()
    }

    @Test func login_whenTheVaultIsDownOrRefuses_answers503Or500_andStartsNoSession() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        harness.vault.on("status", reply: .unavailable)
        let down = await #expect(throws: AuthError.self) {
            try await harness.auth.login(email: "ann@example.com", password: GatewayHarness.password, address: nil)
        }
        #expect(down == AuthError.unavailable)
        harness.vault.on("status", reply: .error("user.invalid"))
        let refused = await #expect(throws: AuthError.self) {
            try await harness.auth.login(email: "ann@example.com", password: GatewayHarness.password, address: nil)
        }
        #expect(refused?.code == "internal")
        #expect(harness.directory.sessionCount(ofUser: user.id) == 0)
        await harness.close()
    }

    @Test func login_wrongPassword_unknownEmail_disabledUser_andGarbageEmail_getTheSameRefusal() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        _ = try await harness.addUser("off@example.com", disabled: true)
        let attempts = [
            ("ann@example.com", "not the password at all"),
            ("nobody@example.com", GatewayHarness.password),
            ("off@example.com", GatewayHarness.password),
            (String(repeating: "\u{0301}", count: 20_000), GatewayHarness.password),
        ]
        for (email, password) in attempts {
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.login(email: email, password: password, address: "10.0.0.\(email.count % 200)")
            }
            #expect(error == AuthError.loginFailed)
        }
        #expect(harness.vault.calls.isEmpty, "the vault is asked nothing before the password is right")
        #expect(harness.audited("login.password").map(\.outcome) == ["failure", "failure", "failure", "failure"])
        await harness.close()
    }

    @Test func throttle_letsFiveWrongPasswordsThrough_thenDoublesTheWait_onTheTestClock() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))
        func attempt(_ password: String) async -> AuthError? {
            do {
                _ = try await harness.auth.login(email: "ann@example.com", password: password, address: "10.0.0.1")
                return nil
            } catch {
                return error
            }
        }
        for _ in 0..<5 { #expect(await attempt("wrong password here") == AuthError.loginFailed) }
        // Sixth attempt at once: throttled for 1 s, even with the right password, without hashing.
        let first = await attempt(GatewayHarness.password)
        #expect(first?.code == "login.throttled")
        #expect(first?.retryAfterMs == 1000)
        #expect(first?.status.code == 429)
        #expect(first?.message.contains("1 second.") == true)
        harness.time.advance(by: .seconds(1))
        #expect(await attempt("wrong password again") == AuthError.loginFailed)
        #expect(await attempt("wrong password again")?.retryAfterMs == 2000, "each failure past five doubles it")
        harness.time.advance(by: .seconds(2))
        #expect(await attempt("wrong password again") == AuthError.loginFailed)
        #expect(await attempt(GatewayHarness.password)?.retryAfterMs == 4000)
        harness.time.advance(by: .seconds(4))
        let success = try await harness.auth.login(
            email: "ann@example.com", password: GatewayHarness.password, address: "10.0.0.1")
        #expect(success.session.stage == .password, "never a permanent lockout")
        // The success cleared the email's count.
        #expect(await attempt("wrong password here") == AuthError.loginFailed)
        #expect(harness.audited("login.password").filter { $0.outcome == "throttled" }.count == 3)
        await harness.close()
    }

    @Test func throttle_capsTheWaitAtFiveMinutes_andForgetsAfterAQuietHalfHour() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))
        // Thirty failures, each from another address and after the previous wait ran out.
        for index in 0..<30 {
            let throttle = harness.auth.throttle
            let wait = throttle.retryAfter(email: "ann@example.com", address: "10.1.0.\(index)", now: harness.time.now)
            if let wait { harness.time.advance(by: .milliseconds(wait)) }
            _ = try? await harness.auth.login(
                email: "ann@example.com", password: "a wrong one here", address: "10.1.0.\(index)")
        }
        let wait = harness.auth.throttle.retryAfter(
            email: "ann@example.com", address: "10.2.0.1", now: harness.time.now)
        #expect(wait == Int64(5 * 60 * 1000))
        harness.time.advance(by: .seconds(30 * 60 + 1))
        #expect(
            harness.auth.throttle.retryAfter(email: "ann@example.com", address: "10.2.0.1", now: harness.time.now)
                == nil)
        await harness.close()
    }

    // MARK: The code step.

    /// The vault's answer to `totp.verify` and what the gateway makes of it.
    static let codeOutcomes: [(name: String, reply: VaultReply, code: String?, status: Int?, stage: SessionStage?)] = [
        ("accepted", VaultResults.outcome("accepted"), nil, nil, .full),
        ("not enrolled", VaultResults.outcome("not_enrolled"), nil, nil, .setup),
        ("invalid", VaultResults.outcome("invalid", ["failures": 1]), "code.invalid", 401, nil),
        ("invalid, slowed", VaultResults.outcome("invalid", ["retry_after_ms": 2000]), "code.invalid", 401, nil),
        ("replayed", VaultResults.outcome("replayed"), "code.replayed", 401, nil),
        ("locked for 30 s", VaultResults.outcome("locked", ["retry_after_ms": 30_000]), "code.locked", 429, nil),
        ("locked for good", VaultResults.outcome("locked"), "code.locked", 429, nil),
        (
            "locked, absurd wait", VaultResults.outcome("locked", ["retry_after_ms": .integer(.max)]), "code.locked",
            429, nil
        ),
        ("unknown outcome", VaultResults.outcome("maybe"), "internal", 500, nil),
        ("no outcome", .success([:]), "internal", 500, nil),
        ("outcome of the wrong type", .success(["outcome": 1]), "internal", 500, nil),
        ("vault error", .error("request.invalid"), "internal", 500, nil),
        ("vault down", .unavailable, "service.unavailable", 503, nil),
    ]

    @Test(arguments: codeOutcomes.indices)
    func verifyCode_mapsEachVaultAnswer(index: Int) async throws {
        let (name, reply, code, status, stage) = Self.codeOutcomes[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on("totp.verify", reply: reply)
        do {
            let issued = try await harness.auth.verifyCode(password.session, code: " 123 456 ", address: "10.0.0.1")
            #expect(issued.session.stage == stage, "\(name)")
            #expect(await harness.live(password) == nil, "\(name): the password-stage token is replaced")
            #expect(await harness.live(issued)?.stage == stage, "\(name)")
        } catch {
            #expect(error.code == code, "\(name)")
            #expect(error.status.code == status, "\(name)")
            #expect(await harness.live(password)?.stage == .password, "\(name): a refusal keeps the session")
            if let wait = error.retryAfterMs { #expect((0...86_400_000).contains(wait), "\(name): bounded") }
        }
        #expect(harness.vault.calls.first?.args == ["user": .string(user.id), "code": "123456"], "\(name)")
        await harness.close()
    }

    @Test func verifyCode_fromAnyOtherStage_orWithoutSession_isRefusedWithoutAskingTheVault() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        harness.vault.on("totp.verify", reply: VaultResults.outcome("accepted"))
        for stage in [SessionStage.setup, .recovery, .full] {
            let issued = try await harness.session(for: user, stage: stage)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.verifyCode(issued.session, code: "123456", address: nil)
            }
            #expect(error == AuthError.wrongStage)
        }
        let none = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyCode(nil, code: "123456", address: nil)
        }
        #expect(none == AuthError.authRequired)
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    @Test func verifyCode_whoseSessionEndsWhileTheVaultIsSlow_issuesNothing() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        let held = harness.vault.hold("totp.verify")
        let verifying = Task { try await harness.auth.verifyCode(password.session, code: "123456", address: nil) }
        await held.arrived()
        await harness.auth.logout(password.session, address: nil)
        held.answer(VaultResults.outcome("accepted"))
        let error = await #expect(throws: AuthError.self) { try await verifying.value }
        #expect(error == AuthError.authRequired)
        #expect(harness.directory.sessionCount(ofUser: user.id) == 0, "no full session after the logout")
        await harness.close()
    }

    @Test func verifyCode_ofAUserDisabledWhileTheVaultIsSlow_issuesNothing() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        let held = harness.vault.hold("totp.verify")
        let verifying = Task { try await harness.auth.verifyCode(password.session, code: "123456", address: nil) }
        await held.arrived()
        try await harness.directory.update { transaction in
            guard var current = transaction.user(id: user.id) else { return }
            current.disabled = true
            transaction.put(current)
        }
        held.answer(VaultResults.outcome("accepted"))
        let error = await #expect(throws: AuthError.self) { try await verifying.value }
        #expect(error == AuthError.authRequired)
        await harness.close()
    }

    // MARK: Sessions.

    @Test func sessions_endAfterTheirIdleAbsoluteAndPasswordStageTimes() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        harness.time.advance(by: .seconds(5 * 60 - 1))
        #expect(await harness.live(password) != nil)
        harness.time.advance(by: .seconds(2))
        #expect(await harness.live(password) == nil, "the code step has five minutes")

        let full = try await harness.session(for: user, stage: .full)
        harness.time.advance(by: .seconds(29 * 60))
        #expect(await harness.live(full) != nil)
        harness.time.advance(by: .seconds(29 * 60))
        #expect(await harness.live(full) != nil, "use 29 minutes ago kept it alive")
        harness.time.advance(by: .seconds(31 * 60))
        #expect(await harness.live(full) == nil, "idle for over 30 minutes")

        let long = try await harness.session(for: user, stage: .full)
        for _ in 0..<25 {
            harness.time.advance(by: .seconds(29 * 60))
            _ = await harness.live(long)
        }
        #expect(await harness.live(long) == nil, "12 hours at most, however active")
        #expect(harness.audited("session.expired").count == 3)
        await harness.close()
    }

    @Test func session_forMalformedOrUnknownTokens_isNil() async throws {
        let harness = try GatewayHarness()
        for token in [nil, "", "short", String(repeating: "A", count: 43), String(repeating: "é", count: 43)] {
            #expect(harness.auth.session(forToken: token) == nil)
        }
        await harness.close()
    }

    @Test func logout_endsOnlyThatSession() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let first = try await harness.session(for: user, stage: .full)
        let second = try await harness.session(for: user, stage: .full)
        await harness.auth.logout(first.session, address: nil)
        #expect(await harness.live(first) == nil)
        #expect(await harness.live(second) != nil)
        #expect(harness.audited("logout").count == 1)
        await harness.close()
    }
}
