import Testing
import TwofoldDirectory
import TwofoldWire

@testable import TwofoldGateway

/// Backup codes at the gateway: the set a setup or "Generate new codes" brings (kept in memory for
/// its session until shown), signing in with a code, and each of the vault's answers.
@Suite struct BackupCodeTests {
    static let codes = [
        "k7qd-3mzt-9hvw", "xc4p-8nbf-r2ja", "5tge-wh6u-mk3y", "p9sa-d2xn-7fcq", "hr8m-4vkb-t6ez",
        "z3wj-q5pe-n9gu", "6cyt-a8rh-2mxk", "ub4f-j7sw-e3nd", "8npz-k2ya-w5ht", "f6ex-r9mc-4qjb",
    ]
    static var codeValues: JSONValue { .array(codes.map { .string($0) }) }

    static func confirmed(_ extra: [String: JSONValue]) -> VaultReply {
        VaultResults.outcome("confirmed", extra.merging(["step": 59_864_359]) { old, _ in old })
    }

    /// Confirms a setup of a session of `stage` and `purpose` with the fake vault answering `reply`.
    static func confirm(
        _ harness: GatewayHarness, stage: SessionStage = .setup, purpose: String? = "signup", reply: VaultReply
    ) async throws -> IssuedSession {
        let user = try await harness.addUser("ann-\(Int.random(in: 0..<1_000_000))@example.com")
        let setup = try await harness.session(for: user, stage: stage, purpose: purpose)
        harness.vault.on("enroll.confirm", reply: reply)
        return try await harness.auth.confirmSetup(
            setup.session, enrollmentID: "00112233445566778899aabbccddeeff", code: "123 456", address: nil)
    }

    // MARK: The set made with a setup.

    @Test func confirmSetup_keepsTheSetForTheNewSessionOnly_untilItIsTaken() async throws {
        let harness = try GatewayHarness()
        let issued = try await Self.confirm(harness, reply: Self.confirmed(["backup_codes": Self.codeValues]))
        let waiting = try harness.auth.waitingBackupCodes(issued.session)
        #expect(waiting?.codes == .shown(Self.codes))
        #expect(waiting?.next == .setupDone)
        #expect(try harness.auth.waitingBackupCodes(issued.session)?.codes == .shown(Self.codes), "a reload")
        let other = try await harness.session(
            for: try #require(harness.directory.user(id: issued.session.userID)), stage: .full)
        #expect(try harness.auth.waitingBackupCodes(other.session) == nil, "bound to the session that made it")
        #expect(try harness.auth.takeBackupCodes(issued.session)?.codes == .shown(Self.codes))
        #expect(try harness.auth.waitingBackupCodes(issued.session) == nil, "shown once")
        #expect(harness.audited("backup_codes.issued").map(\.outcome) == ["shown"])
        for line in harness.auditSink.lines {
            for code in Self.codes { #expect(!line.contains(code), "no code in the audit log") }
        }
        await harness.close()
    }

    @Test func confirmSetup_leadsOnWhereTheSetupStarted() async throws {
        let harness = try GatewayHarness()
        let cases: [(SessionStage, String?, BackupCodeShelf.Next)] = [
            (.setup, "signup", .setupDone), (.setup, "required", .setupDone), (.setup, "reset", .mfaReset),
            (.recovery, "recovery", .recovered), (.recovery, nil, .recovered),
        ]
        for (stage, purpose, next) in cases {
            let issued = try await Self.confirm(
                harness, stage: stage, purpose: purpose, reply: Self.confirmed(["backup_codes": Self.codeValues]))
            #expect(try harness.auth.waitingBackupCodes(issued.session)?.next == next, "\(stage) \(purpose ?? "-")")
        }
        await harness.close()
    }

    static let unusableSets: [(reply: [String: JSONValue], audited: Bool)] = [
        (["backup_codes_withheld": true], false),
        ([:], true),
        (["backup_codes_withheld": false], true),
        (["backup_codes": .array([])], true),
        (["backup_codes": .array(Array(repeating: "k7qd-3mzt-9hvw", count: 16))], true),
        (["backup_codes": .array(["K7QD-3MZT-9HVW"])], true),
        (["backup_codes": .array([.string(String(repeating: "a", count: 33))])], true),
        (["backup_codes": .array(["<script>"])], true),
        (["backup_codes": .array([7])], true),
        (["backup_codes": "k7qd-3mzt-9hvw"], true),
    ]

    @Test(arguments: unusableSets.indices)
    func confirmSetup_withAWithheldOrMalformedSet_stillSignsIn_andOffersANewSet(index: Int) async throws {
        let (extra, audited) = Self.unusableSets[index]
        let harness = try GatewayHarness()
        let issued = try await Self.confirm(harness, reply: Self.confirmed(extra))
        #expect(issued.session.stage == .full, "the authenticator is confirmed whatever came with it")
        #expect(try harness.auth.waitingBackupCodes(issued.session)?.codes == .withheld)
        #expect(harness.audited("vault.unexpected").count == (audited ? 1 : 0))
        await harness.close()
    }

    @Test func aWaitingSet_goesAtLogout_andAfterItsLifetime() async throws {
        let harness = try GatewayHarness()
        let issued = try await Self.confirm(harness, reply: Self.confirmed(["backup_codes": Self.codeValues]))
        await harness.auth.logout(issued.session, address: nil)
        #expect(harness.auth.backupCodes.count == 0)

        let later = try await Self.confirm(harness, reply: Self.confirmed(["backup_codes": Self.codeValues]))
        harness.time.advance(by: .seconds(15 * 60))
        #expect(try harness.auth.waitingBackupCodes(later.session) != nil)
        harness.time.advance(by: .seconds(1))
        let session = try #require(await harness.live(later))
        #expect(try harness.auth.waitingBackupCodes(session) == nil)
        #expect(harness.auth.backupCodes.count == 0)
        await harness.close()
    }

    @Test func theShelf_dropsTheOldestSetWhenFull() {
        let shelf = BackupCodeShelf(capacity: 2, lifetimeMs: 1000)
        shelf.put(.shown(["a"]), next: .security, session: "s1", now: 0)
        shelf.put(.shown(["b"]), next: .security, session: "s2", now: 1)
        shelf.put(.shown(["c"]), next: .security, session: "s3", now: 2)
        #expect(shelf.count == 2)
        #expect(shelf.entry(session: "s1", now: 2) == nil)
        #expect(shelf.entry(session: "s3", now: 2)?.codes == .shown(["c"]))
        shelf.put(.withheld, next: .security, session: "s3", now: 3)
        #expect(shelf.entry(session: "s2", now: 3) != nil, "replacing a session's set evicts nothing")
    }

    @Test func aSet_neverSpellsItsCodesWhenPrinted() {
        let set = BackupCodeSet.shown(Self.codes)
        #expect("\(set)" == "BackupCodeSet(10 codes)")
        #expect(String(reflecting: set).contains("k7qd") == false)
    }

    // MARK: "Generate new codes".

    @Test func generate_sendsTheCodeUnderTheSessionsKey_andKeepsTheSetWhenAsked() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("backup.generate", reply: .success(["backup_codes": Self.codeValues]))
        let set = try await harness.auth.generateBackupCodes(full.session, code: "307 114", address: nil)
        #expect(set == .shown(Self.codes))
        #expect(try harness.auth.waitingBackupCodes(full.session) == nil, "the JSON API keeps nothing")
        #expect(
            harness.vault.calls.last
                == .init(operation: "backup.generate", args: ["user": .string(user.id), "code": "307114"]))
        #expect(
            harness.vault.retryKeys.last
                == VaultConnection.retryKey(session: full.session.id, operation: "backup.generate", ["307114"]))
        _ = try await harness.auth.generateBackupCodes(full.session, code: "307114", keeping: .security, address: nil)
        #expect(try harness.auth.waitingBackupCodes(full.session)?.codes == .shown(Self.codes))
        #expect(try harness.auth.waitingBackupCodes(full.session)?.next == .security)
        harness.vault.on("backup.generate", reply: .success(["backup_codes_withheld": true]))
        #expect(try await harness.auth.generateBackupCodes(full.session, code: "307114", address: nil) == .withheld)
        _ = try? await harness.auth.generateBackupCodes(full.session, code: nil, address: nil)
        #expect(harness.vault.calls.last?.args == ["user": .string(user.id)], "no code: none sent")
        await harness.close()
    }

    static let generateRefusals: [(reply: VaultReply, code: String, status: Int)] = [
        (.error("totp.code_required"), "code.required", 401),
        (.error("totp.code_rejected", detail: "invalid"), "code.invalid", 401),
        (.error("totp.code_rejected", detail: "replayed"), "code.replayed", 401),
        (.error("totp.code_rejected", detail: "locked", retryAfterMs: 30_000), "code.locked", 429),
        (.error("totp.not_enrolled"), "backup.not_enrolled", 409),
        (.error("user.invalid"), "internal", 500),
        (.success([:]), "internal", 500),
        (.success(["backup_codes": .array(["K7QD"])]), "internal", 500),
        (.unavailable, "service.unavailable", 503),
        (.outcomeUnknown, "service.unavailable", 503),
    ]

    @Test(arguments: generateRefusals.indices)
    func generate_mapsEachRefusal_andKeepsNothing(index: Int) async throws {
        let (reply, code, status) = Self.generateRefusals[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on("backup.generate", reply: reply)
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.generateBackupCodes(full.session, code: "123456", keeping: .security, address: nil)
        }
        #expect(error?.code == code)
        #expect(error?.status.code == status)
        #expect(try harness.auth.waitingBackupCodes(full.session) == nil)
        await harness.close()
    }

    @Test func generate_outsideAFullSession_isRefused_withoutAskingTheVault() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        for stage in [SessionStage.password, .setup, .recovery] {
            let issued = try await harness.session(for: user, stage: stage)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.generateBackupCodes(issued.session, code: "123456", address: nil)
            }
            #expect(error == AuthError.wrongStage)
        }
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    // MARK: Signing in with a backup code.

    @Test func verify_accepted_givesARecoverySession_andEndsEveryOther() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let elsewhere = try await harness.session(for: user, stage: .full)
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on("backup.verify", reply: VaultResults.outcome("accepted", ["backup_codes_left": 9]))
        let issued = try await harness.auth.verifyBackupCode(password.session, code: "  K7QD 3MZT 9HVW\n", address: nil)
        #expect(issued.session.stage == .recovery)
        #expect(issued.session.purpose == "recovery")
        #expect(await harness.live(elsewhere) == nil)
        #expect(await harness.live(password) == nil)
        #expect(
            harness.vault.calls.last
                == .init(operation: "backup.verify", args: ["user": .string(user.id), "code": "K7QD 3MZT 9HVW"]))
        // The session's and the code's key: a lost `accepted` is answered again on a retry.
        #expect(
            harness.vault.retryKeys.last
                == VaultConnection.retryKey(
                    session: password.session.id, operation: "backup.verify", ["K7QD 3MZT 9HVW"]))
        #expect(harness.audited("recovery.backup_code").map(\.detail) == ["left=9"])
        let error = #expect(throws: AuthError.self) { try harness.auth.signedIn(issued.session) }
        #expect(error == AuthError.wrongStage)
        await harness.close()
    }

    static let verifyRefusals: [(reply: VaultReply, code: String, status: Int, left: Int?, retry: Int64?)] = [
        (VaultResults.outcome("invalid", ["failures": 2]), "backup.code_invalid", 401, 3, nil),
        (VaultResults.outcome("invalid", ["failures": 5]), "backup.code_invalid", 401, 0, nil),
        (VaultResults.outcome("invalid", ["failures": .integer(.min)]), "backup.code_invalid", 401, 5, nil),
        (
            VaultResults.outcome("invalid", ["failures": 6, "retry_after_ms": 30_000]), "backup.code_invalid", 401, 0,
            30_000
        ),
        (VaultResults.outcome("invalid"), "backup.code_invalid", 401, nil, nil),
        (VaultResults.outcome("locked", ["retry_after_ms": .integer(.max)]), "code.locked", 429, nil, 86_400_000),
        (VaultResults.outcome("locked"), "code.locked", 429, nil, nil),
        (VaultResults.outcome("no_codes"), "backup.no_codes", 409, nil, nil),
        (VaultResults.outcome("accepted?"), "internal", 500, nil, nil),
        (.success([:]), "internal", 500, nil, nil),
        (.error("request.invalid"), "internal", 500, nil, nil),
        (.unavailable, "service.unavailable", 503, nil, 1000),
        (.outcomeUnknown, "service.unavailable", 503, nil, 1000),
    ]

    @Test(arguments: verifyRefusals.indices)
    func verify_mapsEachRefusal_andKeepsThePasswordSession(index: Int) async throws {
        let (reply, code, status, left, retry) = Self.verifyRefusals[index]
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        harness.vault.on("backup.verify", reply: reply)
        let error = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyBackupCode(password.session, code: "k7qd-3mzt-9hvw", address: nil)
        }
        #expect(error?.code == code)
        #expect(error?.status.code == status)
        #expect(error?.attemptsLeft == left)
        #expect(error?.retryAfterMs == retry)
        #expect(error?.message.contains("k7qd") == false)
        if left == 3 { #expect(error?.message.contains("3 attempts left") == true) }
        #expect(await harness.live(password)?.stage == .password)
        await harness.close()
    }

    @Test func verify_blankOrTooLongInput_isRefused_withoutAskingTheVault() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        let inputs: [(String, String)] = [
            ("", "backup.code_missing"), (" \t\n", "backup.code_missing"),
            (String(repeating: "a", count: 65), "backup.code_invalid"),
            (String(repeating: "é", count: 40), "backup.code_invalid"),
            (String(repeating: "a", count: 64 * 1024), "backup.code_invalid"),
        ]
        for (input, code) in inputs {
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.verifyBackupCode(password.session, code: input, address: nil)
            }
            #expect(error?.code == code)
        }
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    @Test func verify_outsideThePasswordStage_isRefused() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        for stage in [SessionStage.full, .setup, .recovery] {
            let issued = try await harness.session(for: user, stage: stage)
            let error = await #expect(throws: AuthError.self) {
                try await harness.auth.verifyBackupCode(issued.session, code: "k7qd-3mzt-9hvw", address: nil)
            }
            #expect(error == AuthError.wrongStage)
        }
        let none = await #expect(throws: AuthError.self) {
            try await harness.auth.verifyBackupCode(nil, code: "k7qd-3mzt-9hvw", address: nil)
        }
        #expect(none == AuthError.authRequired)
        #expect(harness.vault.calls.isEmpty)
        await harness.close()
    }

    @Test func status_countsTheCodesLeft_forTheRecoveryPageAndTheSecurityTab() async throws {
        let harness = try GatewayHarness()
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        let full = try await harness.session(for: user, stage: .full)
        for (given, read) in [(JSONValue.integer(7), 7 as Int?), (.integer(-3), 0), (.integer(.max), 100), ("7", nil)] {
            harness.vault.on(
                "status",
                reply: .success([
                    "enrolled": true, "sms_recovery": "no_phone", "backup_codes_left": given,
                ]))
            #expect(try await harness.auth.recoveryStatus(password.session).backupCodesLeft == read)
            #expect(try await harness.auth.securityStatus(full.session).backupCodesLeft == read)
        }
        await harness.close()
    }
}
