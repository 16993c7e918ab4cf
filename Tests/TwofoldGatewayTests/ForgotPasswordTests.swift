import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// "Forgot password?" keeping two factors, and the operator's password-reset link, against a real
/// directory and the fake vault.
@Suite struct ForgotPasswordTests {
    static let newPassword = "a brand new long password"

    /// A user with an authenticator and `phone` (`sms_recovery` as the vault would say).
    func userWith(
        _ harness: GatewayHarness, smsRecovery: String
    ) async throws -> UserRecord {
        let user = try await harness.addUser("ann@example.com")
        var status: [String: JSONValue] = [
            "enrolled": true, "pending": false, "locked": false, "sms_recovery": .string(smsRecovery),
        ]
        if smsRecovery != "no_phone" { status["phone_masked"] = "+1 ••••71" }
        harness.vault.on("status", reply: .success(status))
        harness.vault.on("notice.send", reply: .success(["queued": .bool(smsRecovery != "no_phone")]))
        return user
    }

    @Test func withAPhone_theAuthenticatorCode_thenTheSMSCode_thenTheNewPassword_endEverySession() async throws {
        let harness = try GatewayHarness()
        let user = try await userWith(harness, smsRecovery: "available")
        let earlier = try await harness.session(for: user, stage: .full)
        harness.vault.on("totp.verify", reply: VaultResults.outcome("accepted"))
        harness.vault.on("recovery.start", reply: .success(["phone_masked": "+1 ••••71", "expires_at": 1]))
        harness.vault.on("recovery.verify", reply: VaultResults.outcome("accepted"))

        let (token, started) = try await harness.auth.startForgotPassword(email: "ANN@example.com", address: "10.0.0.9")
        #expect(started.step == "code")
        // No step can be skipped.
        let early = await #expect(throws: AuthError.self) {
            try await harness.auth.finishForgotPassword(token: token, newPassword: Self.newPassword, address: nil)
        }
        #expect(early?.code == "password_reset.step")
        #expect(harness.auth.forgotPasswordEmail(token: token) == nil, "the email is not told before the codes")

        let atSMS = try await harness.auth.verifyForgotPasswordCode(token: token, code: "123 456", address: nil)
        #expect(atSMS.step == "sms")
        #expect(atSMS.phoneMasked == "+1 ••••71")
        #expect(harness.vault.calls.first { $0.operation == "totp.verify" }?.args["code"] == "123456")
        let atPassword = try await harness.auth.verifyForgotPasswordSMS(token: token, code: "654321", address: nil)
        #expect(atPassword.step == "password")
        #expect(harness.auth.forgotPasswordEmail(token: token) == "ann@example.com")

        try await harness.auth.finishForgotPassword(token: token, newPassword: Self.newPassword, address: nil)
        #expect(await harness.live(earlier) == nil, "every session of the user ended")
        let changed = try #require(harness.directory.user(id: user.id))
        if case .match = try await harness.auth.passwords.verify(Self.newPassword, against: changed.passwordHash) {
        } else {
            Issue.record("the new password is the user's password")
        }
        #expect(
            harness.vault.calls.last
                == .init(
                    operation: "notice.send", args: ["user": .string(user.id), "event": "password_changed"]))
        #expect(harness.audited("password.reset").map(\.outcome) == ["ok"])
        #expect(harness.audited("notice.password_changed").map(\.outcome) == ["queued"])
        // The attempt is over.
        let again = await #expect(throws: AuthError.self) {
            try await harness.auth.finishForgotPassword(token: token, newPassword: Self.newPassword, address: nil)
        }
        #expect(again?.code == "password_reset.required")
        await harness.close()
    }

    @Test(arguments: ["no_phone", "unsupported_country"])
    func withoutAPhoneSMSCanReach_theAuthenticatorCodeLeadsToTheNewPassword(smsRecovery: String) async throws {
        let harness = try GatewayHarness()
        _ = try await userWith(harness, smsRecovery: smsRecovery)
        harness.vault.on("totp.verify", reply: VaultResults.outcome("accepted"))
        let (token, _) = try await harness.auth.startForgotPassword(email: "ann@example.com", address: nil)
        let progress = try await harness.auth.verifyForgotPasswordCode(token: token, code: "123456", address: nil)
        #expect(progress.step == "password")
        #expect(!harness.vault.operations.contains("recovery.start"))
        await harness.close()
    }

    @Test func anEmailWithoutAUser_getsTheSameAnswers_andNeverPassesTheCode() async throws {
        let harness = try GatewayHarness()
        _ = try await userWith(harness, smsRecovery: "no_phone")
        harness.vault.on("totp.verify", reply: VaultResults.outcome("invalid", ["failures": 1]))
        let (known, knownStart) = try await harness.auth.startForgotPassword(email: "ann@example.com", address: nil)
        let (unknown, unknownStart) = try await harness.auth.startForgotPassword(email: "bob@example.com", address: nil)
        #expect(knownStart == unknownStart)
        let wrongForKnown = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyForgotPasswordCode(token: known, code: "000000", address: "10.0.0.1")
        }
        let wrongForUnknown = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyForgotPasswordCode(token: unknown, code: "000000", address: "10.0.0.2")
        }
        #expect(wrongForKnown == wrongForUnknown)
        #expect(wrongForKnown?.attemptsLeft == 4)
        #expect(harness.vault.calls.last?.args["user"] == .string(AuthService.decoyUserID), "one vault round trip too")
        await harness.close()
    }

    @Test func wrongCodes_arePausedAfterFive_perEmail_evenWithoutAUser() async throws {
        let harness = try GatewayHarness()
        harness.vault.on("status", reply: VaultResults.status(enrolled: false))
        for attempt in 1...5 {
            let (token, _) = try await harness.auth.startForgotPassword(
                email: "nobody@example.com", address: "10.0.0.1")
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.verifyForgotPasswordCode(token: token, code: "000000", address: "10.0.0.1")
            }
            #expect(error?.attemptsLeft == 5 - attempt)
        }
        let (token, _) = try await harness.auth.startForgotPassword(email: "nobody@example.com", address: "10.0.0.3")
        let paused = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyForgotPasswordCode(token: token, code: "000000", address: "10.0.0.3")
        }
        #expect(paused?.code == "code.locked")
        #expect(harness.audited("password.forgot_code").last?.outcome == "throttled")
        await harness.close()
    }

    @Test func anAttempt_endsAfter15Minutes() async throws {
        let harness = try GatewayHarness()
        _ = try await userWith(harness, smsRecovery: "no_phone")
        let (token, _) = try await harness.auth.startForgotPassword(email: "ann@example.com", address: nil)
        harness.time.advance(by: .seconds(15 * 60 + 1))
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyForgotPasswordCode(token: token, code: "123456", address: nil)
        }
        #expect(error?.code == "password_reset.required")
        #expect(!harness.vault.operations.contains("totp.verify"))
        await harness.close()
    }

    @Test func aVaultThatIsDown_orSilent_changesNothing_andSaysSo() async throws {
        for reply in [VaultReply.unavailable, .outcomeUnknown] {
            let harness = try GatewayHarness()
            let user = try await userWith(harness, smsRecovery: "no_phone")
            harness.vault.on("totp.verify", reply: reply)
            let (token, _) = try await harness.auth.startForgotPassword(email: "ann@example.com", address: nil)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.verifyForgotPasswordCode(token: token, code: "123456", address: nil)
            }
            #expect(error?.status.code == 503 || error?.status.code == 500)
            #expect(try harness.auth.forgotPasswordProgress(token: token).step == "code")
            #expect(harness.directory.user(id: user.id)?.passwordHash == user.passwordHash)
            await harness.close()
        }
    }

    @Test func theOperatorsLink_changesThePasswordOnce_andStillRequiresTheSecondFactor() async throws {
        let harness = try GatewayHarness()
        let user = try await userWith(harness, smsRecovery: "available")
        let earlier = try await harness.session(for: user, stage: .full)
        let token = DirectoryToken.make()
        var link = InviteRecord(
            id: "r-0011223344556677", tokenHash: DirectoryToken.hash(token), email: user.email, accounts: [],
            temporaryPasswordHash: "", createdAt: harness.time.now, expiresAt: harness.time.now + 3_600_000,
            createdBy: "operator:root")
        link.userID = user.id
        link.purpose = .passwordReset
        let stored = link
        try await harness.directory.update { $0.put(stored) }
        // A link is not a sign-up invite.
        #expect(harness.auth.passwordResetLink(token: token)?.user.id == user.id)

        let weak = await #expect(throws: AuthError.self) {
            _ = try await harness.auth.usePasswordResetLink(token: token, newPassword: "short", address: nil)
        }
        #expect(weak?.code.hasPrefix("password.") == true)
        let issued = try await harness.auth.usePasswordResetLink(
            token: token, newPassword: Self.newPassword, address: nil)
        #expect(issued.session.stage == .password, "the verification code comes next")
        #expect(await harness.live(earlier) == nil)
        #expect(harness.auth.passwordResetLink(token: token) == nil, "used once")
        let reused = await #expect(throws: AuthError.self) {
            _ = try await harness.auth.usePasswordResetLink(token: token, newPassword: Self.newPassword, address: nil)
        }
        #expect(reused?.code == "reset_link.invalid")
        #expect(harness.vault.operations.contains("notice.send"))
        await harness.close()
    }

    @Test func theOperatorsLink_withTheVaultDown_staysUsable() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let token = DirectoryToken.make()
        var link = InviteRecord(
            id: "r-0011223344556677", tokenHash: DirectoryToken.hash(token), email: user.email, accounts: [],
            temporaryPasswordHash: "", createdAt: harness.time.now, expiresAt: harness.time.now + 3_600_000,
            createdBy: "operator:root")
        link.userID = user.id
        link.purpose = .passwordReset
        let stored = link
        try await harness.directory.update { $0.put(stored) }
        let error = await #expect(throws: AuthError.self) {
            _ = try await harness.auth.usePasswordResetLink(token: token, newPassword: Self.newPassword, address: nil)
        }
        #expect(error?.code == "service.unavailable")
        #expect(harness.auth.passwordResetLink(token: token) != nil)
        #expect(harness.directory.user(id: user.id)?.passwordHash == user.passwordHash)
        await harness.close()
    }

    @Test func everyRefusalOfACode_isShownAtTheCodeField() {
        for code in ["code.invalid", "code.replayed", "code.locked", "recovery.code_invalid", "recovery.code_expired"] {
            let error = AuthError(code, .unauthorized, "m")
            #expect(WebRoutes.message(error, at: WebRoutes.codeFields()).field == "code", "\(code)")
        }
        #expect(
            WebRoutes.message(AuthError("recovery.cooldown", .tooManyRequests, "m"), at: WebRoutes.codeFields()).field
                == nil)
        #expect(
            WebRoutes.message(AuthError.passwordMismatch, at: WebRoutes.newPasswordFields).field
                == "new-password-confirm")
        #expect(
            WebRoutes.message(
                AuthError("password.too_short", .unprocessableContent, "m"), at: WebRoutes.newPasswordFields
            )
            .field == "new-password")
    }
}
