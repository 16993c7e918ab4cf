import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// Authenticator setup (sign-up, required, after recovery, self-service reset): the QR code shown,
/// the confirmation, and every vault answer on the way.
@Suite struct SetupTests {
    @Test func beginSetup_showsTheSameSetupUntilNearItsExpiry_andANewOneWhenAskedFresh() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let setup = try await harness.session(for: user, stage: .setup, purpose: "signup")
        let expiry = harness.time.now + 600_000
        harness.vault.on("enroll.begin", reply: VaultResults.enrollment(id: "aa", expiresAt: expiry))
        let first = try await harness.auth.beginSetup(setup.session, address: nil)
        #expect(first.enrollmentID == "aa")
        #expect(harness.vault.calls.last?.args == ["user": .string(user.id), "account_name": "ann@example.com"])
        harness.vault.on("enroll.begin", reply: VaultResults.enrollment(id: "bb", expiresAt: expiry + 600_000))
        #expect(try await harness.auth.beginSetup(setup.session, address: nil).enrollmentID == "aa", "a reload")
        harness.time.advance(by: .seconds(571))
        #expect(try await harness.auth.beginSetup(setup.session, address: nil).enrollmentID == "bb", "near expiry")
        harness.vault.on(
            "enroll.begin", reply: VaultResults.enrollment(id: "cc", expiresAt: harness.time.now + 600_000))
        #expect(try await harness.auth.beginSetup(setup.session, address: nil, fresh: true).enrollmentID == "cc")
        #expect(harness.auth.shownSetup(setup.session)?.enrollmentID == "cc")
        #expect(harness.vault.operations == ["enroll.begin", "enroll.begin", "enroll.begin"])
        await harness.close()
    }

    @Test func beginSetup_withAMalformedOrRefusedEnrollment_isA500_andShowsNothing() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let setup = try await harness.session(for: user, stage: .setup)
        let answers: [VaultReply] = [
            .success(["enrollment_id": "aa", "secret": "X", "uri": "otpauth://totp/x"]),  // no expires_at
            .success(["enrollment_id": 7, "secret": "X", "uri": "otpauth://totp/x", "expires_at": 1]),
            // A URI that is not an otpauth URI, or longer than any the vault writes: no QR code drawn.
            .success(["enrollment_id": "aa", "secret": "X", "uri": "u", "expires_at": 1]),
            .success([
                "enrollment_id": "aa", "secret": "X",
                "uri": .string("otpauth://" + String(repeating: "a", count: 2_100)),
                "expires_at": 1,
            ]),
            .error("request.invalid"),
        ]
        for answer in answers {
            harness.vault.on("enroll.begin", reply: answer)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.beginSetup(setup.session, address: nil)
            }
            #expect(error?.code == "internal")
        }
        harness.vault.on("enroll.begin", reply: .unavailable)
        let down = await #expect(throws: AuthError.self) {
            try await harness.auth.beginSetup(setup.session, address: nil)
        }
        #expect(down == AuthError.unavailable)
        #expect(harness.auth.shownSetup(setup.session) == nil)
        await harness.close()
    }

    @Test func beginSetup_fromThePasswordOrFullStage_isRefused() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        for stage in [SessionStage.password, .full] {
            let issued = try await harness.session(for: user, stage: stage)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.beginSetup(issued.session, address: nil)
            }
            #expect(error == AuthError.wrongStage)
        }
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    @Test func confirmSetup_confirmed_endsEveryOtherSession_andStartsAFullOne() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let other = try await harness.session(for: user, stage: .full)
        let recovery = try await harness.session(for: user, stage: .recovery, purpose: "recovery")
        harness.vault.on("enroll.confirm", reply: VaultResults.outcome("confirmed"))
        let issued = try await harness.auth.confirmSetup(
            recovery.session, enrollmentID: "00112233445566778899aabbccddeeff", code: "123 456", address: nil)
        #expect(issued.session.stage == .full)
        #expect(await harness.live(other) == nil)
        #expect(await harness.live(recovery) == nil)
        #expect(await harness.live(issued)?.stage == .full)
        #expect(
            harness.vault.calls.last?.args == [
                "user": .string(user.id), "code": "123456", "enrollment_id": "00112233445566778899aabbccddeeff",
            ])
        #expect(harness.audited("session.revoked").last?.detail == "count=1")
        await harness.close()
    }

    @Test func confirmSetup_withAnOverlongEnrollmentID_sendsNone() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let setup = try await harness.session(for: user, stage: .setup)
        harness.vault.on("enroll.confirm", reply: VaultResults.outcome("invalid"))
        _ = try? await harness.auth.confirmSetup(
            setup.session, enrollmentID: String(repeating: "f", count: 65_000), code: "1", address: nil)
        #expect(harness.vault.calls.last?.args["enrollment_id"] == nil)
        await harness.close()
    }

    static let confirmOutcomes: [(name: String, reply: VaultReply, code: String, status: Int)] = [
        ("stale", VaultResults.outcome("stale_setup"), "setup.stale", 409),
        ("locked", VaultResults.outcome("locked", ["retry_after_ms": 60_000]), "code.locked", 429),
        ("invalid", VaultResults.outcome("invalid", ["retry_after_ms": 1000]), "code.invalid", 401),
        ("expired", .error("enroll.expired"), "setup.expired", 410),
        ("replaced", .error("enroll.not_pending"), "setup.not_pending", 409),
        ("garbage outcome", VaultResults.outcome("confirmed-ish"), "internal", 500),
        ("no outcome", .success(["confirmed": true]), "internal", 500),
        ("unexpected error", .error("user.invalid"), "internal", 500),
        ("down", .unavailable, "service.unavailable", 503),
    ]

    @Test(arguments: confirmOutcomes.indices)
    func confirmSetup_mapsEachVaultRefusal_andKeepsTheSession(index: Int) async throws {
        let (name, reply, code, status) = Self.confirmOutcomes[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let setup = try await harness.session(for: user, stage: .setup)
        harness.vault.on("enroll.confirm", reply: reply)
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.confirmSetup(setup.session, enrollmentID: nil, code: "123456", address: nil)
        }
        #expect(error?.code == code, "\(name)")
        #expect(error?.status.code == status, "\(name)")
        #expect(await harness.live(setup)?.stage == .setup, "\(name)")
        await harness.close()
    }

    @Test func requestMFAReset_needsThePassword_isThrottled_andStartsASetupForAReset() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        for _ in 0..<5 {
            let wrong = await #expect(throws: AuthError.self) {
                try await harness.auth.requestMFAReset(full.session, password: "wrong wrong wrong", address: "10.0.0.1")
            }
            #expect(wrong?.code == "login.failed")
        }
        let throttled = await #expect(throws: AuthError.self) {
            try await harness.auth.requestMFAReset(full.session, password: GatewayHarness.password, address: "10.0.0.1")
        }
        #expect(throttled?.code == "login.throttled")
        harness.time.advance(by: .seconds(1))
        let issued = try await harness.auth.requestMFAReset(
            full.session, password: GatewayHarness.password, address: "10.0.0.1")
        #expect(issued.session.stage == .setup)
        #expect(issued.session.purpose == "reset")
        #expect(await harness.live(full) == nil)
        #expect(harness.vault.calls.isEmpty, "the vault replaces the authenticator only at confirm")
        #expect(
            harness.audited("mfa.reset").map(\.outcome) == Array(repeating: "wrong_password", count: 5) + [
                "setup_required"
            ])
        await harness.close()
    }
}
