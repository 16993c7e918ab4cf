import Testing
import TwofoldDirectory
import TwofoldSystem
import TwofoldWire

@testable import TwofoldGateway

/// The operator's side (`protocol/admin.md`) through `AdminService.handle`, as the admin socket
/// calls it: invites, accounts, users, memberships and MFA resets, with the text rules.
@Suite struct AdminServiceTests {
    static let root = PeerCredentials(processID: 1, userID: 0, groupID: 0)

    func admin(_ harness: GatewayHarness, _ operation: String, _ args: [String: JSONValue] = [:]) async
        -> WireResponse.Outcome
    {
        let service = AdminService(auth: harness.auth, audit: harness.auth.audit)
        let response = await withCheckedContinuation { (continuation: CheckedContinuation<WireResponse, Never>) in
            service.handle(WireRequest(id: .number(1), operation: operation, args: args), peer: Self.root) {
                continuation.resume(returning: $0)
            }
        }
        return response.outcome
    }

    func result(_ outcome: WireResponse.Outcome) -> [String: JSONValue]? {
        if case .success(let result) = outcome { return result }
        return nil
    }

    func errorCode(_ outcome: WireResponse.Outcome) -> String? {
        if case .failure(let payload) = outcome { return payload.code }
        return nil
    }

    @Test func inviteCreate_returnsALinkAndATemporaryPasswordThatWork_andListsTheInvite() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addAccount("Acme")
        let outcome = await admin(
            harness, "invite.create", ["email": " Bob@Example.com ", "accounts": .array(["acme"])])
        let created = try #require(result(outcome))
        guard case .string(let link)? = created["link"], case .string(let temporary)? = created["temporary_password"]
        else {
            Issue.record("no link or temporary password: \(created)")
            return
        }
        let token = String(link.split(separator: "/").last ?? "")
        #expect(link.hasPrefix("http://127.0.0.1:8080/invite/"))
        let invite = try #require(harness.auth.pendingInvite(token: token))
        #expect(invite.email == "bob@example.com")
        #expect(invite.createdBy == "operator:root")
        #expect(invite.expiresAt - invite.createdAt == 7 * 24 * 3600 * 1000)
        _ = try await harness.auth.acceptInvite(
            token: token, email: "bob@example.com", temporaryPassword: temporary, newPassword: "a fine new password",
            phone: nil, address: nil)
        let listed = try #require(result(await admin(harness, "invite.list")))
        guard case .array(let invites)? = listed["invites"], case .object(let first)? = invites.first else {
            Issue.record("no invites: \(listed)")
            return
        }
        #expect(first["status"] == "used")
        let expected: JSONValue = .array([.object(["id": .string(invite.accounts[0]), "name": "Acme"])])
        #expect(first["accounts"] == expected)
        await harness.close()
    }

    @Test(arguments: [
        "bob:smith@example.com",  // the vault's authenticator label cannot hold ':'
        "bob@exa\u{202E}moc.elpmaxe",  // a direction override
        "bob\u{0085}@example.com",  // NEL, a C1 control
        "bob\u{2066}@example.com",  // an isolate control
        "b o b@example.com", "bob\u{00A0}smith@example.com", "bob@example", "@example.com", "bob@@example.com",
        String(repeating: "b", count: 60) + "@" + String(repeating: "e", count: 140) + ".com",  // 205 bytes
        String(repeating: "b", count: 65) + "@example.com",
    ])
    func inviteCreate_refusesEmailsThatCouldStrandTheUser(email: String) async throws {
        let harness = try GatewayHarness()
        let outcome = await admin(harness, "invite.create", ["email": .string(email)])
        #expect(errorCode(outcome) == "admin.invalid")
        #expect(harness.directory.invites().isEmpty)
        await harness.close()
    }

    @Test func inviteCreate_acceptsInternationalAddressesWithinTheRules() async throws {
        let harness = try GatewayHarness()
        for email in [
            "ünïcødé@example.com", "\u{05D0}\u{05D1}@example.co.il", "x@" + String(repeating: "d", count: 190) + ".com",
        ] {
            #expect(result(await admin(harness, "invite.create", ["email": .string(email)])) != nil, "\(email)")
        }
        await harness.close()
    }

    @Test func inviteCreate_conflictsAndLimits() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        #expect(errorCode(await admin(harness, "invite.create", ["email": "ann@example.com"])) == "admin.conflict")
        #expect(result(await admin(harness, "invite.create", ["email": "bob@example.com"])) != nil)
        #expect(errorCode(await admin(harness, "invite.create", ["email": "BOB@example.com"])) == "admin.conflict")
        #expect(
            errorCode(await admin(harness, "invite.create", ["email": "c@example.com", "ttl_ms": 1000]))
                == "admin.invalid")
        #expect(
            errorCode(await admin(harness, "invite.create", ["email": "c@example.com", "ttl_ms": "soon"]))
                == "request.invalid")
        #expect(
            errorCode(await admin(harness, "invite.create", ["email": "c@example.com", "accounts": .array(["Nope"])]))
                == "admin.not_found")
        #expect(errorCode(await admin(harness, "invite.create", ["email": 7])) == "request.invalid")
        await harness.close()
    }

    @Test func inviteRevoke_onlyAPendingInvite() async throws {
        let harness = try GatewayHarness()
        let created = try #require(result(await admin(harness, "invite.create", ["email": "bob@example.com"])))
        guard case .object(let invite)? = created["invite"], let id = invite["id"] else {
            Issue.record("no invite")
            return
        }
        let revoked = try #require(result(await admin(harness, "invite.revoke", ["invite": id])))
        guard case .object(let after)? = revoked["invite"] else { return }
        #expect(after["status"] == "revoked")
        let again = await admin(harness, "invite.revoke", ["invite": id])
        #expect(errorCode(again) == "invite.not_pending")
        #expect(errorCode(await admin(harness, "invite.revoke", ["invite": "i-nope"])) == "admin.not_found")
        await harness.close()
    }

    @Test(arguments: [
        ("Acme\u{202E}gnp.exe", "direction override"), ("Acme\u{0085}Co", "C1 control"), ("Acme\nCo", "newline"),
        ("   ", "blank"), (String(repeating: "é", count: 101), "201 bytes"), ("A\u{2029}B", "paragraph separator"),
    ])
    func accountNames_breakingTheTextRule_areRefused(name: String, why: String) async throws {
        let harness = try GatewayHarness()
        #expect(errorCode(await admin(harness, "account.create", ["name": .string(name)])) == "admin.invalid", "\(why)")
        let account = try await harness.addAccount("Acme")
        let rename = await admin(harness, "account.rename", ["account": .string(account.id), "name": .string(name)])
        #expect(errorCode(rename) == "admin.invalid", "\(why)")
        #expect(harness.directory.account(id: account.id)?.name == "Acme")
        await harness.close()
    }

    @Test func accountNames_withinTheRule_areKept_trimmed_andUniqueIgnoringCase() async throws {
        let harness = try GatewayHarness()
        let long = String(repeating: "é", count: 100)  // 200 bytes
        for name in ["  Acme Inc ", "شركة", long, "Zoë & Co 🚀"] {
            #expect(result(await admin(harness, "account.create", ["name": .string(name)])) != nil, "\(name)")
        }
        #expect(harness.directory.accounts().map(\.name).contains("Acme Inc"))
        #expect(errorCode(await admin(harness, "account.create", ["name": "ACME INC"])) == "admin.conflict")
        await harness.close()
    }

    @Test func userDisable_endsTheSessionsAndBlocksLogin_andEnableRestoresIt() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))
        #expect(result(await admin(harness, "user.disable", ["user": "ANN@example.com"])) != nil)
        #expect(await harness.live(full) == nil)
        await #expect(throws: AuthError.loginFailed) {
            try await harness.auth.login(email: "ann@example.com", password: GatewayHarness.password, address: nil)
        }
        #expect(result(await admin(harness, "user.enable", ["user": .string(user.id)])) != nil)
        _ = try await harness.auth.login(email: "ann@example.com", password: GatewayHarness.password, address: nil)
        #expect(errorCode(await admin(harness, "user.disable", ["user": "nobody@example.com"])) == "admin.not_found")
        await harness.close()
    }

    @Test func userShow_carriesTheVaultsStatus_orNullWhenTheVaultIsDown() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))
        let shown = try #require(result(await admin(harness, "user.show", ["user": "ann@example.com"])))
        guard case .object(let mfa)? = shown["mfa"] else {
            Issue.record("no mfa")
            return
        }
        #expect(mfa["enrolled"] == true)
        harness.vault.on("status", reply: .unavailable)
        #expect(result(await admin(harness, "user.show", ["user": "ann@example.com"]))?["mfa"] == .null)
        await harness.close()
    }

    @Test func resetMFA_passesTheActorAndTrimmedReasonToTheVault_andEndsTheSessions() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("reset", reply: .success([:]))
        let outcome = await admin(
            harness, "user.reset_mfa", ["user": "ann@example.com", "reason": "  lost phone, checked by call "])
        #expect(result(outcome) != nil)
        #expect(
            harness.vault.calls == [
                .init(
                    operation: "reset",
                    args: ["user": .string(user.id), "actor": "operator:root", "reason": "lost phone, checked by call"])
            ])
        #expect(await harness.live(full) == nil)
        #expect(harness.audited("mfa.reset").last?.outcome == "ok")
        await harness.close()
    }

    @Test(arguments: ["   ", "lost\u{202E}enohp", "lost\u{0000}phone", String(repeating: "x", count: 1001)])
    func resetMFA_withAReasonBreakingTheTextRule_isRefusedWithoutAskingTheVault(reason: String) async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        let outcome = await admin(harness, "user.reset_mfa", ["user": "ann@example.com", "reason": .string(reason)])
        #expect(errorCode(outcome) == "admin.invalid")
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    @Test func resetMFA_whenTheVaultRefusesOrIsDown_saysSo() async throws {
        let harness = try GatewayHarness()
        _ = try await harness.addUser("ann@example.com")
        harness.vault.on("reset", reply: .error("reset.reason_required"))
        #expect(
            errorCode(await admin(harness, "user.reset_mfa", ["user": "ann@example.com", "reason": "r"]))
                == "admin.invalid")
        harness.vault.on("reset", reply: .unavailable)
        #expect(
            errorCode(await admin(harness, "user.reset_mfa", ["user": "ann@example.com", "reason": "r"]))
                == "vault.unavailable")
        await harness.close()
    }

    @Test func memberRemove_takesTheAccountAwayFromSessionsViewingIt() async throws {
        let harness = try GatewayHarness()
        let acme = try await harness.addAccount("Acme")
        let user = try await harness.addUser("ann@example.com", accounts: [acme])
        let full = try await harness.session(for: user, stage: .full)
        #expect(full.session.accountID == acme.id)
        #expect(
            errorCode(await admin(harness, "member.add", ["account": "Acme", "user": "ann@example.com"]))
                == "admin.conflict")
        #expect(result(await admin(harness, "member.remove", ["account": "acme", "user": .string(user.id)])) != nil)
        #expect(harness.directory.session(id: full.session.id)?.accountID == nil)
        #expect(harness.directory.user(id: user.id)?.accounts == [])
        let missing = await admin(harness, "member.remove", ["account": "Acme", "user": "ann@example.com"])
        #expect(errorCode(missing) == "admin.not_found")
        #expect(result(await admin(harness, "member.add", ["account": "Acme", "user": "ann@example.com"])) != nil)
        await harness.close()
    }

    @Test func unknownOperation_isRefused() async throws {
        let harness = try GatewayHarness()
        #expect(errorCode(await admin(harness, "user.delete_everything")) == "admin.invalid")
        await harness.close()
    }
}
