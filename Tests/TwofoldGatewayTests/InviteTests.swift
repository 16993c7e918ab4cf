import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// Invite sign-up: the link, the invited email and temporary password, the new password, the
/// optional phone (set in the vault first), and what happens when two sign-ups race.
@Suite struct InviteTests {
    static let temporary = "temp-pass-word-1234"
    static let chosen = "a brand new passphrase"

    /// A pending invite for `email` (to `accounts`), with `temporary` as its temporary password.
    func invite(
        _ harness: GatewayHarness, email: String = "bob@example.com", accounts: [AccountRecord] = [],
        lifetime: Int64 = 3_600_000
    ) async throws -> (token: String, invite: InviteRecord) {
        let token = DirectoryToken.make()
        let invite = InviteRecord(
            id: DirectoryToken.identifier("i", bytes: 8), tokenHash: DirectoryToken.hash(token), email: email,
            accounts: accounts.map(\.id), temporaryPasswordHash: try await harness.auth.passwords.hash(Self.temporary),
            createdAt: harness.time.now, expiresAt: harness.time.now + lifetime, createdBy: "operator:test")
        try await harness.directory.update { $0.put(invite) }
        return (token, invite)
    }

    func accept(
        _ harness: GatewayHarness, _ token: String, email: String = "bob@example.com", temporary: String = temporary,
        new: String = chosen, phone: String? = nil
    ) async throws(AuthError) -> IssuedSession {
        try await harness.auth.acceptInvite(
            token: token, email: email, temporaryPassword: temporary, newPassword: new, phone: phone,
            address: "10.0.0.1")
    }

    @Test func acceptInvite_createsTheUserOnTheInvitesAccounts_usesTheInvite_andStartsSetup() async throws {
        let harness = try GatewayHarness()
        let acme = try await harness.addAccount("Acme")
        let (token, invite) = try await invite(harness, accounts: [acme])
        harness.vault.on("phone.set", reply: .success(["phone_masked": "+1 ••••71"]))
        let issued = try await accept(harness, token, email: " BOB@example.com ", phone: " +1 415 555 2671 ")
        #expect(issued.session.stage == .setup)
        #expect(issued.session.purpose == "signup")
        let user = try #require(harness.directory.user(email: "bob@example.com"))
        #expect(user.accounts == [acme.id])
        #expect(issued.session.accountID == acme.id)
        #expect(harness.directory.invites().first?.status(at: harness.time.now) == .used)
        #expect(harness.directory.invites().first?.userID == user.id)
        #expect(
            harness.vault.calls == [
                .init(operation: "phone.set", args: ["user": .string(user.id), "phone": "+1 415 555 2671"])
            ])
        #expect(harness.audited("invite.accept").last?.detail == invite.id)
        // The new password works, the temporary one does not.
        harness.vault.on("status", reply: VaultResults.status(enrolled: false))
        _ = try await harness.auth.login(email: "bob@example.com", password: Self.chosen, address: nil)
        await #expect(throws: AuthError.loginFailed) {
            try await harness.auth.login(email: "bob@example.com", password: Self.temporary, address: nil)
        }
        let again = await #expect(throws: AuthError.self) { try await accept(harness, token) }
        #expect(again == AuthError.inviteInvalid, "an invite works once")
        await harness.close()
    }

    @Test func acceptInvite_refusesUnknownExpiredAndRevokedLinks() async throws {
        let harness = try GatewayHarness()
        let (expiring, _) = try await invite(harness, email: "a@example.com", lifetime: 60_000)
        let (revoked, revokedInvite) = try await invite(harness, email: "b@example.com")
        try await harness.directory.update { transaction in
            var invite = revokedInvite
            invite.revokedAt = transaction.now
            transaction.put(invite)
        }
        harness.time.advance(by: .seconds(60))
        for (token, email) in [
            (expiring, "a@example.com"), (revoked, "b@example.com"), (DirectoryToken.make(), "c@example.com"),
            ("x", "c@example.com"),
        ] {
            let error = await #expect(throws: AuthError.self) { try await accept(harness, token, email: email) }
            #expect(error == AuthError.inviteInvalid)
            #expect(harness.auth.pendingInvite(token: token) == nil)
        }
        await harness.close()
    }

    @Test func acceptInvite_withAnotherEmailOrAWrongTemporaryPassword_isRefused_thenThrottled() async throws {
        let harness = try GatewayHarness()
        let (token, _) = try await invite(harness)
        for (email, temporary) in [
            ("eve@example.com", Self.temporary), ("bob@example.com", "not-the-temporary-one"),
            ("bob@example.com", "still not it"), ("bob@", Self.temporary), ("bob@example.com", "nope nope nope"),
        ] {
            let error = await #expect(throws: AuthError.self) {
                try await accept(harness, token, email: email, temporary: temporary)
            }
            #expect(error == AuthError.inviteCredentials)
        }
        let throttled = await #expect(throws: AuthError.self) { try await accept(harness, token) }
        #expect(throttled?.code == "login.throttled")
        harness.time.advance(by: .seconds(1))
        _ = try await accept(harness, token)
        await harness.close()
    }

    @Test func acceptInvite_refusesAWeakOrReusedNewPassword_beforeAskingTheVault() async throws {
        let harness = try GatewayHarness()
        let (token, _) = try await invite(harness)
        for (new, code) in [
            ("short", "password.too_short"), ("1qaz2wsx3edc", "password.common"),
            ("bob@example.com1", "password.common"), (Self.temporary, "password.reused"),
            (String(repeating: "é", count: 600), "password.too_long"),
        ] {
            let error = await #expect(throws: AuthError.self) {
                try await accept(harness, token, new: new, phone: "+1 415 555 2671")
            }
            #expect(error?.code == code, "\(new.prefix(20))")
            #expect(error?.status.code == 422)
        }
        #expect(harness.vault.calls.isEmpty)
        #expect(harness.directory.userCount == 0)
        await harness.close()
    }

    @Test func acceptInvite_withAPhoneTheVaultRefuses_createsNoUser_andTheInviteStaysUsable() async throws {
        let harness = try GatewayHarness()
        let (token, _) = try await invite(harness)
        harness.vault.on("phone.set", reply: .error("phone.invalid", detail: "phone.missing_country_code"))
        let invalid = await #expect(throws: AuthError.self) { try await accept(harness, token, phone: "415 555 2671") }
        #expect(invalid?.code == "phone.invalid")
        #expect(invalid?.status.code == 422)
        let tooLong = await #expect(throws: AuthError.self) {
            try await accept(harness, token, phone: String(repeating: "9", count: 65_536))
        }
        #expect(tooLong?.code == "phone.invalid")
        harness.vault.on("phone.set", reply: .unavailable)
        let down = await #expect(throws: AuthError.self) { try await accept(harness, token, phone: "+1 415 555 2671") }
        #expect(down == AuthError.unavailable)
        #expect(harness.vault.operations == ["phone.set", "phone.set"], "an over-long number never reaches the vault")
        #expect(harness.directory.userCount == 0)
        #expect(harness.auth.pendingInvite(token: token) != nil)
        _ = try await accept(harness, token)
        await harness.close()
    }

    @Test func twoSignUpsRacingOnOneInvite_createOneUser_andTheLoserForgetsItsPhoneInTheVault() async throws {
        let harness = try GatewayHarness()
        let (token, _) = try await invite(harness)
        let held = harness.vault.hold("phone.set")
        let slow = Task { try await accept(harness, token, phone: "+1 415 555 2671") }
        let args = await held.arrived()
        harness.vault.on("user.delete", reply: .success([:]))
        _ = try await accept(harness, token)  // no phone: does not wait for the vault
        held.answer(.success([:]))
        let error = await #expect(throws: AuthError.self) { try await slow.value }
        #expect(error == AuthError.inviteInvalid)
        #expect(harness.directory.userCount == 1)
        #expect(
            harness.vault.calls.last
                == .init(operation: "user.delete", args: ["user": args["user"] ?? .null, "actor": "gateway:sign-up"]))
        #expect(
            harness.directory.user(id: args["user"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? "")
                == nil)
        await harness.close()
    }
}
