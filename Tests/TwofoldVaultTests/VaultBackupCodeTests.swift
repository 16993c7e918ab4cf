import Testing

@testable import TwofoldVault

private func verifyBackup(_ harness: VaultHarness, _ code: String, user: UserID = .test()) throws
    -> BackupVerifyOutcome
{
    try harness.sync { harness.vault.verifyBackupCode(user: user, code: code, completion: $0) }.get()
}

private func generate(_ harness: VaultHarness, code: String?) -> Result<IssuedBackupCodes, VaultError> {
    harness.sync { harness.vault.generateBackupCodes(user: .test(), code: code, completion: $0) }
}

// MARK: - The code's form

@Test func backupCode_generated_isTwelveUnambiguousCharactersInGroupsOfFour() {
    var seen = Set<String>()
    for _ in 0..<500 {
        let code = BackupCode.generate()
        let text = code.formatted
        #expect(text.utf8.count == 14)
        #expect(text.split(separator: "-").map(\.count) == [4, 4, 4])
        #expect(text.utf8.allSatisfy { $0 == UInt8(ascii: "-") || BackupCode.alphabet.contains($0) })
        #expect(!text.contains { "01ilo".contains($0) })
        seen.insert(text)
    }
    #expect(seen.count == 500)
    #expect(BackupCode.alphabet.count == 31)
    #expect(!"\(BackupCode.generate())".contains("-"), "a description never shows the code")
}

@Test(arguments: [
    "abcd-efgh-jk23", "ABCD-EFGH-JK23", "abcdefghjk23", "AbCd EfGh Jk23", " abcd-efgh-jk23 ", "ab-cd-ef-gh-jk-23",
])
func backupCode_parsing_acceptsEitherCaseWithOrWithoutSeparators(input: String) throws {
    let code = try #require(BackupCode(parsing: input))
    #expect(code.formatted == "abcd-efgh-jk23")
}

@Test(arguments: [
    "", "abcd-efgh-jk2", "abcd-efgh-jk234", "abcd-efgh-jk20", "abcd-efgh-jk2o", "abcd-efgh-jk2l", "abcd-efgh-jk2i",
    "abcd-efgh-jk21", "abcd_efgh_jk23", "abcd-efgh-jk2\u{FF13}", "abcd-efgh-jk2\u{0301}3", "abcd\tefgh\tjk23",
    String(repeating: "-", count: 60) + "abcdefghjk23",
])
func backupCode_parsing_refusesLookAlikesForeignBytesAndWrongLengths(input: String) {
    #expect(BackupCode(parsing: input) == nil)
}

// MARK: - In the vault

@Test func setupCompletion_makesTenCodes_eachWorksOnce_andStatusCountsThem() throws {
    let harness = VaultHarness()
    let (_, codes) = try harness.enrollWithBackupCodes(.test())
    #expect(codes.count == 10)
    #expect(Set(codes.map(\.formatted)).count == 10)
    #expect(try harness.vault.status(user: .test()).backupCodesLeft == 10)
    #expect(try verifyBackup(harness, codes[3].formatted.uppercased()) == .accepted(codesLeft: 9))
    #expect(try verifyBackup(harness, codes[3].formatted) == .invalid(failures: 1, retryAfterMillis: nil))
    #expect(try harness.vault.status(user: .test()).backupCodesLeft == 9)
    // Another user's code is no code of this user.
    let (_, others) = try harness.enrollWithBackupCodes(.test("u-2"))
    #expect(try verifyBackup(harness, others[0].formatted) == .invalid(failures: 2, retryAfterMillis: nil))
}

@Test func usedCode_afterARestart_isStillSpent() throws {
    let harness = VaultHarness()
    let (_, codes) = try harness.enrollWithBackupCodes(.test())
    #expect(try verifyBackup(harness, codes[0].formatted) == .accepted(codesLeft: 9))
    let restarted = try harness.restarted()
    #expect(try verifyBackup(restarted, codes[0].formatted) == .invalid(failures: 1, retryAfterMillis: nil))
    #expect(try verifyBackup(restarted, codes[1].formatted) == .accepted(codesLeft: 8))
}

@Test func wrongBackupCodes_countInTheSameBackOffAsAuthenticatorCodes() throws {
    let harness = VaultHarness()
    let (_, codes) = try harness.enrollWithBackupCodes(.test())
    for attempt in 1...5 {
        #expect(try verifyBackup(harness, "not a code") == .invalid(failures: UInt32(attempt), retryAfterMillis: nil))
    }
    // The sixth failure, by an authenticator code, locks both kinds of code.
    let sixth = try harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) }.get()
    #expect(sixth == .invalid(failures: 6, retryAfterMillis: 30_000))
    #expect(try verifyBackup(harness, codes[0].formatted) == .locked(retryAfterMillis: 30_000))
    #expect(try harness.vault.status(user: .test()).backupCodesLeft == 10, "a locked-out attempt spends nothing")
    harness.clock.advance(seconds: 30)
    #expect(try verifyBackup(harness, codes[0].formatted) == .accepted(codesLeft: 9))
    // Accepted, like an SMS recovery code, it lifts the failure count.
    #expect(try harness.vault.status(user: .test()).locked == false)
    let next = try harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) }.get()
    #expect(next == .invalid(failures: 1, retryAfterMillis: nil))
    let audit = harness.audit
    #expect(audit.contains("\"op\":\"backup.verify\"") && audit.contains("\"outcome\":\"invalid\""))
}

@Test func generate_needsACurrentAuthenticatorCode_andReplacesTheOldCodes() throws {
    let harness = VaultHarness()
    let (secret, old) = try harness.enrollWithBackupCodes(.test())
    let confirmCode = totp(secret, at: harness.clock.nowMillis())
    #expect(generate(harness, code: nil).failureCode == .codeRequired)
    let wrong = generate(harness, code: "000000")
    #expect(wrong.failureCode == .codeRejected)
    #expect(wrong.failureDetail == "invalid")
    // The code that confirmed the setup is spent: replay-guarded like a login.
    #expect(generate(harness, code: confirmCode).failureDetail == "replayed")
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    guard case .shown(let fresh) = try generate(harness, code: code).get() else {
        Issue.record("expected new codes")
        return
    }
    #expect(fresh.count == 10)
    #expect(Set(fresh.map(\.formatted)).isDisjoint(with: old.map(\.formatted)))
    #expect(try verifyBackup(harness, old[0].formatted) == .invalid(failures: 1, retryAfterMillis: nil))
    #expect(try verifyBackup(harness, fresh[0].formatted) == .accepted(codesLeft: 9))
    // The authorising code was consumed: it cannot also log in.
    #expect(try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get() == .replayed)
}

@Test func generate_retriedWithTheSameKey_withholdsTheCodes_andMakesNoOtherSet() throws {
    let harness = VaultHarness()
    let (secret, _) = try harness.enrollWithBackupCodes(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("generate-key-000001", "backup.generate", code)
    let first = try harness.sync {
        harness.vault.generateBackupCodes(user: .test(), code: code, idempotency: claim, completion: $0)
    }.get()
    guard case .shown(let codes) = first else {
        Issue.record("expected codes")
        return
    }
    let again = try harness.sync {
        harness.vault.generateBackupCodes(user: .test(), code: code, idempotency: claim, completion: $0)
    }.get()
    #expect(again == .withheld)
    #expect(try verifyBackup(harness, codes[0].formatted) == .accepted(codesLeft: 9))
}

@Test func generate_forAUserWithoutAuthenticator_isNotEnrolled() {
    let harness = VaultHarness()
    #expect(generate(harness, code: "123456").failureCode == .notEnrolled)
}

@Test func reset_removesTheCodes() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+44 20 7946 0958", code: nil, completion: $0) }
        .get()
    let (_, codes) = try harness.enrollWithBackupCodes(.test())
    try harness.sync { harness.vault.reset(user: .test(), actor: "op", reason: "lost phone", completion: $0) }.get()
    #expect(try harness.vault.status(user: .test()).backupCodesLeft == 0)
    #expect(try verifyBackup(harness, codes[0].formatted) == .noCodes)
}

@Test func userWithoutCodes_isToldSo_withoutAFailureCountedOrAWrite() throws {
    let harness = VaultHarness()
    #expect(try verifyBackup(harness, "abcd-efgh-jk23") == .noCodes)
    #expect(harness.vault.userCount == 0)
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+44 20 7946 0958", code: nil, completion: $0) }
        .get()
    let records = harness.persistence.records.withLock { $0.count }
    for _ in 0..<10 { #expect(try verifyBackup(harness, "abcd-efgh-jk23") == .noCodes) }
    #expect(try harness.vault.status(user: .test()).locked == false)
    #expect(harness.persistence.records.withLock { $0.count } == records)
}

/// Any phone on file, also of a country without SMS recovery (Viet Nam): a notice is not a code.
@Test(arguments: [("+44 20 7946 0958", true), ("+84 91 234 56 78", true)])
func usingACode_notifiesThePhoneOnFile_whateverItsCountry(phone: String, notified: Bool) throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: phone, code: nil, completion: $0) }.get()
    let (_, codes) = try harness.enrollWithBackupCodes(.test())
    _ = try verifyBackup(harness, codes[0].formatted)
    let notice = harness.sms.messages.withLock { $0.first { $0.text.contains("backup code was used") } }
    #expect((notice != nil) == notified)
    #expect(notice?.text.contains("9 left") ?? true)
}

@Test func codes_neverAppearInTheStoredRecordsOrTheAuditLog() throws {
    let harness = VaultHarness()
    let (secret, codes) = try harness.enrollWithBackupCodes(.test())
    _ = try verifyBackup(harness, codes[0].formatted)
    harness.clock.advance(seconds: 30)
    guard case .shown(let fresh) = try generate(harness, code: totp(secret, at: harness.clock.nowMillis())).get() else {
        Issue.record("expected codes")
        return
    }
    let stored = harness.persistence.records.withLock { $0 }.flatMap { $0 }
    let audit = Array(harness.audit.utf8)
    for code in codes + fresh {
        for spelling in [code.formatted, code.formatted.uppercased(), String(decoding: code.characters, as: UTF8.self)]
        {
            #expect(!containsSubsequence(stored, Array(spelling.utf8)))
            #expect(!containsSubsequence(audit, Array(spelling.utf8)))
        }
    }
}

extension Result where Failure == VaultError {
    fileprivate var failureCode: VaultError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }

    fileprivate var failureDetail: String? {
        if case .failure(let error) = self { return error.detail }
        return nil
    }
}
