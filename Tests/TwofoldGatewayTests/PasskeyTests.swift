import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// The gateway's part of passkeys against a fake vault: it relays, checks the session's stage and
/// the password, reads the vault's verdict strictly, and turns only an `accepted` one into a
/// session (the ceremonies themselves are tested against the real vault: TwofoldVaultTests, e2e).
@Suite struct PasskeyTests {
    static let assertion = PasskeyAssertion(
        challengeID: "00112233445566778899aabbccddeeff", credentialID: "AQID", clientDataJSON: "e30",
        authenticatorData: "AA", signature: "AA", userHandle: nil)

    static func accepted(_ user: String, verified: Bool = true) -> VaultReply {
        .success([
            "outcome": "accepted", "user": .string(user), "credential_id": "AQID", "user_verified": .bool(verified),
        ])
    }

    @Test func secondFactor_isAcceptedOnlyOnTheVaultsVerdict_forThisUser_fromThePasswordStage() async throws {
        let harness = try GatewayHarness()
        let ann = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: ann, stage: .password)
        harness.vault.on("webauthn.assert.finish", reply: Self.accepted(ann.id))
        let issued = try await harness.auth.verifyPasskey(password.session, Self.assertion, address: nil)
        #expect(issued.session.stage == .full)
        #expect(harness.vault.calls.last?.args["user"] == .string(ann.id))
        #expect(harness.audited("login.passkey").last?.outcome == "accepted")

        // A full session cannot use the step again; a verdict naming another user is a bug, not a login.
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyPasskey(issued.session, Self.assertion, address: nil)
        }
        #expect(error?.code == "auth.stage")
        let again = try await harness.session(for: ann, stage: .password)
        harness.vault.on("webauthn.assert.finish", reply: Self.accepted("u-someone-else"))
        let other = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyPasskey(again.session, Self.assertion, address: nil)
        }
        #expect(other?.code == "internal")
        #expect(await harness.live(again)?.stage == .password)
        await harness.close()
    }

    @Test func refusals_mapToStableCodes_andStartNoSession() async throws {
        let harness = try GatewayHarness()
        let ann = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: ann, stage: .password)
        let cases: [(VaultReply, String)] = [
            (
                VaultResults.outcome("invalid", ["reason": "webauthn.signature_invalid", "failures": 1]),
                "passkey.invalid"
            ),
            (
                VaultResults.outcome("invalid", ["reason": "webauthn.signature_invalid", "retry_after_ms": 30_000]),
                "passkey.invalid"
            ),
            (VaultResults.outcome("locked", ["retry_after_ms": 30_000]), "code.locked"),
            (.error("webauthn.challenge_unknown"), "passkey.expired"),
            (.error("webauthn.not_configured"), "passkey.unavailable"),
            (VaultResults.outcome("maybe"), "internal"),
            (.success([:]), "internal"),
            (.unavailable, "service.unavailable"),
        ]
        for (reply, code) in cases {
            harness.vault.on("webauthn.assert.finish", reply: reply)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.verifyPasskey(password.session, Self.assertion, address: nil)
            }
            #expect(error?.code == code, "\(reply)")
        }
        #expect(await harness.live(password)?.stage == .password)
        #expect(harness.directory.sessionCount(ofUser: ann.id) == 1)
        await harness.close()
    }

    @Test func passwordless_signsInTheUserTheVaultNames_butNeverADisabledOne_orWithoutUserVerification() async throws {
        let harness = try GatewayHarness()
        let ann = try await harness.addUser("ann@example.com")
        let off = try await harness.addUser("off@example.com", disabled: true)
        harness.vault.on("webauthn.assert.finish", reply: Self.accepted(ann.id))
        let issued = try await harness.auth.passwordlessLogin(Self.assertion, replacing: nil, address: nil)
        #expect(issued.session.userID == ann.id)
        #expect(issued.session.stage == .full)
        #expect(harness.vault.calls.last?.args["user"] == nil, "a passwordless finish names no user")

        harness.vault.on("webauthn.assert.finish", reply: Self.accepted(off.id))
        let disabled = await #expect(throws: AuthError.self) {
            try await harness.auth.passwordlessLogin(Self.assertion, replacing: nil, address: nil)
        }
        #expect(disabled?.code == "passkey.invalid")
        harness.vault.on("webauthn.assert.finish", reply: Self.accepted(ann.id, verified: false))
        let unverified = await #expect(throws: AuthError.self) {
            try await harness.auth.passwordlessLogin(Self.assertion, replacing: nil, address: nil)
        }
        #expect(unverified?.code == "internal")
        #expect(harness.directory.sessionCount(ofUser: off.id) == 0)
        await harness.close()
    }

    @Test func adding_needsThePassword_beforeTheVaultIsAsked() async throws {
        let harness = try GatewayHarness()
        let ann = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: ann, stage: .full)
        let wrong = await #expect(throws: AuthError.self) {
            try await harness.auth.passkeyRegistrationStart(
                full.session, password: "not the password", code: "123456", name: nil, address: nil)
        }
        #expect(wrong?.code == "login.failed")
        #expect(!harness.vault.calls.contains { $0.operation.hasPrefix("webauthn.") })

        harness.vault.on(
            "webauthn.register.begin",
            reply: .success([
                "challenge_id": "00112233445566778899aabbccddeeff", "challenge": "Y2hhbGxlbmdl", "rp_id": "localhost",
                "user_handle": "dS0x", "credentials": .array([]), "user_verification": "preferred",
                "timeout_ms": 300_000, "expires_at": 1,
            ]))
        let start = try await harness.auth.passkeyRegistrationStart(
            full.session, password: GatewayHarness.password, code: "123 456", name: "  Laptop ", address: nil)
        #expect(start.challengeID == "00112233445566778899aabbccddeeff")
        #expect(
            harness.vault.calls.last?.args
                == ["user": .string(ann.id), "code": "123456", "name": "Laptop"])
        guard case .object(let options) = start.options, case .object(let user)? = options["user"] else {
            Issue.record("creation options with a user")
            await harness.close()
            return
        }
        #expect(user["name"] == "ann@example.com")
        #expect(user["id"] == "dS0x")
        #expect(options["attestation"] == "none")

        for (code, expected) in [
            ("totp.code_required", "code.required"), ("webauthn.too_many", "passkey.too_many"),
            ("webauthn.invalid_name", "passkey.name_invalid"), ("totp.not_enrolled", "passkey.needs_mfa"),
        ] {
            harness.vault.on("webauthn.register.begin", reply: .error(code))
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.passkeyRegistrationStart(
                    full.session, password: GatewayHarness.password, code: "", name: nil, address: nil)
            }
            #expect(error?.code == expected)
        }
        await harness.close()
    }

    @Test func removingTheLastSecondFactor_isExplained() async throws {
        let harness = try GatewayHarness()
        let ann = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: ann, stage: .full)
        harness.vault.on("webauthn.credentials.remove", reply: .error("webauthn.last_factor"))
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.removePasskey(full.session, id: "AQID", address: nil)
        }
        #expect(error?.code == "passkey.last_factor")
        #expect(error?.status.code == 409)
        await harness.close()
    }

    @Test func passkeysAreOffered_onlyWhereAnRPIDCanWork() async throws {
        for (url, offered) in [
            ("http://127.0.0.1:8080", false), ("http://localhost:8080", true), ("https://login.example.com", true),
            ("http://login.example.com", false), ("https://10.0.0.1", false), ("http://[::1]:8080", false),
        ] {
            var settings = AuthSettings()
            settings.publicURL = url
            let harness = try GatewayHarness(settings: settings)
            #expect(harness.auth.passkeysOffered == offered, "\(url)")
            await harness.close()
        }
    }
}
