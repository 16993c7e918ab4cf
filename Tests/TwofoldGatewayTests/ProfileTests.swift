import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// My Profile → Security, and the account picker: phone changes with the vault's every answer,
/// the password change, and account membership.
@Suite struct ProfileTests {
    @Test func setPhone_sendsTheTrimmedNumberAndTheCode_andReturnsTheVaultsView() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("phone.set", reply: .success(["phone_masked": "+1 ••••71", "sms_recovery": "available"]))
        let result = try await harness.auth.setPhone(
            full.session, phone: " +1 415 555 2671 ", code: "123 456", address: nil)
        #expect(result["sms_recovery"] == "available")
        #expect(
            harness.vault.calls == [
                .init(
                    operation: "phone.set",
                    args: ["user": .string(user.id), "phone": "+1 415 555 2671", "code": "123456"])
            ])
        _ = try await harness.auth.setPhone(full.session, phone: "+1 415 555 2671", code: "", address: nil)
        #expect(harness.vault.calls.last?.args["code"] == nil, "no code is no code argument")
        await harness.close()
    }

    static let phoneRefusals: [(reply: VaultReply, code: String, status: Int)] = [
        (.error("phone.invalid", detail: "phone.too_short"), "phone.invalid", 422),
        (.error("totp.code_required"), "code.required", 401),
        (.error("totp.code_rejected", detail: "invalid"), "code.invalid", 401),
        (.error("totp.code_rejected", detail: "replayed"), "code.replayed", 401),
        (.error("totp.code_rejected", detail: "locked", retryAfterMs: 9_000), "code.locked", 429),
        (.error("totp.code_rejected", detail: "locked", retryAfterMs: .min), "code.locked", 429),
        (.error("user.invalid"), "internal", 500),
        (.unavailable, "service.unavailable", 503),
    ]

    @Test(arguments: phoneRefusals.indices)
    func setAndClearPhone_mapEachVaultRefusal(index: Int) async throws {
        let (reply, code, status) = Self.phoneRefusals[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("phone.set", reply: reply)
        harness.vault.on("phone.clear", reply: reply)
        let set = await #expect(throws: AuthError.self) {
            try await harness.auth.setPhone(full.session, phone: "+1 415 555 2671", code: "1", address: nil)
        }
        #expect(set?.code == code)
        #expect(set?.status.code == status)
        if let wait = set?.retryAfterMs { #expect((0...86_400_000).contains(wait)) }
        if code != "phone.invalid" {
            let clear = await #expect(throws: AuthError.self) {
                try await harness.auth.clearPhone(full.session, code: "1", address: nil)
            }
            #expect(clear?.code == code)
        }
        await harness.close()
    }

    @Test func setPhone_withAnOverlongNumber_neverReachesTheVault() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        for phone in [String(repeating: "1", count: 65), String(repeating: "\u{0301}", count: 30_000)] {
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.setPhone(full.session, phone: phone, code: nil, address: nil)
            }
            #expect(error?.code == "phone.invalid")
        }
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    @Test func changePassword_needsTheCurrentOne_checksThePolicy_andEndsEveryOtherSession() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        let other = try await harness.session(for: user, stage: .full)
        let wrong = await #expect(throws: AuthError.self) {
            try await harness.auth.changePassword(
                full.session, current: "not it at all", new: "another good one!", address: nil)
        }
        #expect(wrong?.code == "login.failed")
        let weak = await #expect(throws: AuthError.self) {
            try await harness.auth.changePassword(
                full.session, current: GatewayHarness.password, new: "short", address: nil)
        }
        #expect(weak?.code == "password.too_short")
        harness.time.advance(by: .seconds(10))
        let issued = try await harness.auth.changePassword(
            full.session, current: GatewayHarness.password, new: "another good one!", address: nil)
        #expect(issued.session.stage == .full)
        #expect(await harness.live(other) == nil)
        #expect(await harness.live(full) == nil)
        #expect(harness.directory.user(id: user.id)?.passwordChangedAt == harness.time.now)
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))
        _ = try await harness.auth.login(email: "ann@example.com", password: "another good one!", address: nil)
        await harness.close()
    }

    @Test func selectAccount_onlyAmongTheUsersAccounts() async throws {
        let harness = try GatewayHarness()
        let acme = try await harness.addAccount("Acme")
        let beta = try await harness.addAccount("Beta")
        let foreign = try await harness.addAccount("Foreign")
        let user = try await harness.addUser("ann@example.com", accounts: [acme, beta])
        let full = try await harness.session(for: user, stage: .full)
        #expect(full.session.accountID == nil, "two accounts: the user picks")
        #expect(try await harness.auth.selectAccount(full.session, accountID: beta.id, address: nil) == beta)
        #expect(harness.directory.session(id: full.session.id)?.accountID == beta.id)
        for id in [foreign.id, "a-missing", String(repeating: "a", count: 10_000)] {
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.selectAccount(full.session, accountID: id, address: nil)
            }
            #expect(error == AuthError.notMember)
        }
        let signedIn = try harness.auth.signedIn(harness.directory.session(id: full.session.id))
        #expect(signedIn.account == beta)
        #expect(signedIn.accounts.map(\.name).sorted() == ["Acme", "Beta"])
        await harness.close()
    }

    @Test func securityStatus_needsAFullSession() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let setup = try await harness.session(for: user, stage: .setup)
        let error = await #expect(throws: AuthError.self) { try await harness.auth.securityStatus(setup.session) }
        #expect(error == AuthError.wrongStage)
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("status", reply: VaultResults.status(enrolled: true, smsRecovery: "available"))
        let status = try await harness.auth.securityStatus(full.session)
        #expect(status.enrolled && status.smsRecovery == "available")
        await harness.close()
    }
}
