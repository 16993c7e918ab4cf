import Testing
import TwofoldPhone

@testable import TwofoldVault

private func codeFromSMS(_ harness: VaultHarness) throws -> String {
    let text = try #require(harness.sms.last?.text)
    let digits = text.split(separator: " ").first { $0.count == 7 && $0.dropLast().allSatisfy(\.isNumber) }
    return String(try #require(digits).dropLast())
}

@Test func setPhone_firstTime_needsNoCodeAndReportsCountry() throws {
    let harness = VaultHarness()
    let status = try harness.sync {
        harness.vault.setPhone(user: .test(), phone: "+44 (0)20 7946 0958", code: nil, completion: $0)
    }.get()
    #expect(
        status
            == PhoneStatus(
                masked: "+44 ••••••••58", country: "GB", countryName: "United Kingdom", smsRecovery: "available"))
}

@Test func setPhone_fromAListedCountry_isKeptButMarkedUnavailable() throws {
    let harness = VaultHarness()
    let status = try harness.sync {
        harness.vault.setPhone(user: .test(), phone: "+84 91 234 56 78", code: nil, completion: $0)
    }.get()
    #expect(status.smsRecovery == "unsupported_country")
    #expect(try harness.vault.status(user: .test()).smsRecovery == "unsupported_country")
}

@Test func setPhone_withoutCountryCode_isRejectedWithReason() {
    let harness = VaultHarness()
    let result = harness.sync {
        harness.vault.setPhone(user: .test(), phone: "415 555 2671", code: nil, completion: $0)
    }
    guard case .failure(let error) = result else {
        Issue.record("expected failure")
        return
    }
    #expect(error.code == .invalidPhone)
    #expect(error.detail == "phone.missing_country_code")
}

@Test func changingPhone_ofEnrolledUser_needsAValidCodeAndCountsFailures() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let noCode = harness.sync {
        harness.vault.setPhone(user: .test(), phone: "+1 415 555 0000", code: nil, completion: $0)
    }
    if case .failure(let error) = noCode { #expect(error.code == .codeRequired) } else { Issue.record("needs code") }
    let wrong = harness.sync {
        harness.vault.setPhone(user: .test(), phone: "+1 415 555 0000", code: "000000", completion: $0)
    }
    if case .failure(let error) = wrong {
        #expect(error.code == .codeRejected)
        #expect(error.detail == "invalid")
    } else {
        Issue.record("wrong code must be refused")
    }
    let code = totp(secret, at: harness.clock.nowMillis())
    let changed = try harness.sync {
        harness.vault.setPhone(user: .test(), phone: "+1 415 555 0000", code: code, completion: $0)
    }.get()
    #expect(changed.masked.hasSuffix("00"))
    // The code was consumed: it cannot also log in.
    #expect(try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get() == .replayed)
}

@Test func recovery_withoutPhone_isRefusedAsNoPhone() {
    let harness = VaultHarness()
    let result = harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }
    if case .failure(let error) = result { #expect(error.code == .noPhone) } else { Issue.record("expected refusal") }
    #expect(harness.sms.messages.withLock { $0.isEmpty })
}

@Test(arguments: ["+213 551 234567", "+880 1712 345678", "+92 300 1234567", "+972 50 123 4567"])
func recovery_toAListedCountry_isRefusedAndNothingIsSent(phone: String) throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: phone, code: nil, completion: $0) }.get()
    let result = harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }
    if case .failure(let error) = result {
        #expect(error.code == .unsupportedCountry)
    } else {
        Issue.record("expected refusal")
    }
    #expect(harness.sms.messages.withLock { $0.isEmpty })
}

@Test func recovery_sendsSixDigitCodeThatWorksOnceAndLiftsLockout() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.enroll(.test())
    for _ in 0..<6 { _ = harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) } }
    #expect(try harness.vault.status(user: .test()).locked)

    let start = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    #expect(start.phoneMasked == "+1 ••••••••71")
    #expect(harness.sms.last?.to == "+14155552671")
    let code = try codeFromSMS(harness)
    #expect(code.count == 6)

    #expect(
        try harness.sync { harness.vault.verifyRecovery(user: .test(), code: code, completion: $0) }.get() == .accepted)
    #expect(try harness.vault.status(user: .test()).locked == false)
    #expect(
        try harness.sync { harness.vault.verifyRecovery(user: .test(), code: code, completion: $0) }.get() == .expired)
    // The phone on file is told about the recovery.
    #expect(harness.sms.last?.text.contains("recovered") == true)
}

@Test func recovery_codeStoredOnlyAsMAC() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    let code = Array(try codeFromSMS(harness).utf8)
    let all = harness.persistence.records.withLock { $0 }.flatMap { $0 }
    #expect(!containsSubsequence(all, code))
    #expect(!containsSubsequence(all, Array("4155552671".utf8)))
}

@Test func recovery_wrongCodes_burnTheCodeAfterFiveAttempts() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    let code = try codeFromSMS(harness)
    let wrong = code == "000000" ? "111111" : "000000"
    var lefts: [RecoveryOutcome] = []
    for _ in 0..<5 {
        lefts.append(
            try harness.sync { harness.vault.verifyRecovery(user: .test(), code: wrong, completion: $0) }.get())
    }
    #expect(lefts == [4, 3, 2, 1, 0].map { RecoveryOutcome.invalid(attemptsLeft: $0) })
    #expect(
        try harness.sync { harness.vault.verifyRecovery(user: .test(), code: code, completion: $0) }.get() == .expired)
}

@Test func recovery_codeExpiresAfterTenMinutes() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    let code = try codeFromSMS(harness)
    harness.clock.advance(seconds: 600)
    #expect(
        try harness.sync { harness.vault.verifyRecovery(user: .test(), code: code, completion: $0) }.get() == .expired)
}

@Test func recovery_cooldownThenPerUserQuota() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    let again = harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }
    guard case .failure(let cooldown) = again else {
        Issue.record("expected cool-down")
        return
    }
    #expect(cooldown.code == .cooldown)
    #expect(cooldown.retryAfterMillis == 60_000)
    for _ in 0..<4 {
        harness.clock.advance(seconds: 61)
        _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    }
    harness.clock.advance(seconds: 61)
    let quota = harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }
    if case .failure(let error) = quota { #expect(error.code == .quota) } else { Issue.record("expected quota") }
}

@Test func recovery_perNumberQuota_spansUsersSharingANumber() throws {
    let harness = VaultHarness()
    for index in 0..<6 {
        let user = UserID.test("u-\(index)")
        _ = try harness.sync { harness.vault.setPhone(user: user, phone: "+1 415 555 2671", code: nil, completion: $0) }
            .get()
        let result = harness.sync { harness.vault.startRecovery(user: user, completion: $0) }
        if index < 5 {
            #expect(throws: Never.self) { try result.get() }
        } else if case .failure(let error) = result {
            #expect(error.code == .quota)
        } else {
            Issue.record("sixth send to one number must hit the quota")
        }
    }
}

@Test func recovery_whenSMSWorkerIsDown_answersUnavailableAndGivesTheSendBack() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    harness.sms.down.withLock { $0 = true }
    let result = harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }
    if case .failure(let error) = result {
        #expect(error.code == .smsUnavailable)
    } else {
        Issue.record("expected unavailable")
    }
    harness.sms.down.withLock { $0 = false }
    // No cool-down was charged for the send that never happened.
    #expect(throws: Never.self) {
        try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    }
}

@Test func reset_requiresActorAndReason_andNotifiesThePhone() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.enroll(.test())
    let missing = harness.sync { harness.vault.reset(user: .test(), actor: "op", reason: "  ", completion: $0) }
    if case .failure(let error) = missing {
        #expect(error.code == .reasonRequired)
    } else {
        Issue.record("reason required")
    }
    _ = try harness.sync { harness.vault.reset(user: .test(), actor: "op", reason: "lost phone", completion: $0) }.get()
    #expect(try harness.vault.status(user: .test()).enrolled == false)
    #expect(harness.sms.last?.text.contains("reset") == true)
    let audit = harness.auditSink.lines.joined()
    #expect(audit.contains("\"op\":\"reset\"") && audit.contains("lost phone"))
}

@Test func auditLog_neverContainsCodesOrPhoneNumbers() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.enroll(.test())
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    let code = try codeFromSMS(harness)
    _ = harness.sync { harness.vault.verifyRecovery(user: .test(), code: code, completion: $0) }
    let audit = harness.auditSink.lines.joined()
    #expect(!audit.contains(code))
    #expect(!audit.contains("4155552671"))
}

@Test func deleteUser_forgetsEverything() throws {
    let harness = VaultHarness()
    _ = try harness.enroll(.test())
    _ = try harness.sync { harness.vault.deleteUser(user: .test(), actor: "op", completion: $0) }.get()
    #expect(harness.vault.userCount == 0)
    let restarted = try harness.restarted()
    #expect(restarted.vault.userCount == 0)
    #expect(try restarted.vault.status(user: .test()).enrolled == false)
}

@Suite struct VaultHealthTests {
    @Test func health_namesTheCountriesSMSRecoveryRefuses_sorted() {
        let standard = VaultHarness().vault.health()
        #expect(standard.smsBlockedCountries == SMSRecoveryPolicy.helpArticleBlockedCountries.sorted())
        #expect(standard.smsBlockedCountries.count == 13)
        var policy = VaultPolicy()
        policy.smsRecovery = SMSRecoveryPolicy(blockedCountryCodes: ["fr", "DE"])
        #expect(VaultHarness(policy: policy).vault.health().smsBlockedCountries == ["DE", "FR"])
    }
}
