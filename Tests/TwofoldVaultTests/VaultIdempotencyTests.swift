import Synchronization
import Testing
import TwofoldOTP

@testable import TwofoldVault

private func verify(_ harness: VaultHarness, _ code: String, claim: IdempotencyClaim?) throws -> VerifyOutcome {
    try harness.sync { harness.vault.verify(user: .test(), code: code, idempotency: claim, completion: $0) }.get()
}

private func failure<T>(_ result: Result<T, VaultError>) -> VaultError? {
    if case .failure(let error) = result { return error }
    return nil
}

@Test func verify_retriedWithTheSameKey_getsTheRecordedAcceptance_notReplayed_andWritesNothing() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("login-0000000000001", "totp.verify", code)
    let first = try verify(harness, code, claim: claim)
    guard case .accepted(let step) = first else {
        Issue.record("first: \(first)")
        return
    }
    let records = harness.persistence.records.withLock { $0.count }
    // The answer was lost; the retry carries the same key and arguments.
    #expect(try verify(harness, code, claim: claim) == .accepted(step: step))
    #expect(harness.persistence.records.withLock { $0.count } == records, "a recorded answer writes nothing")
    #expect(harness.audit.contains("\"answer\":\"recorded\""))
    // Without the key, or with another one, the same code is a replay as always.
    #expect(try verify(harness, code, claim: nil) == .replayed)
    #expect(try verify(harness, code, claim: harness.claim("login-0000000000002", "totp.verify", code)) == .replayed)
}

@Test func recordedAnswer_survivesARestart_withinTheRetention_thenExpires() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("login-restart-00001", "totp.verify", code)
    let first = try verify(harness, code, claim: claim)
    let restarted = try harness.restarted()
    restarted.clock.advance(seconds: 299)
    #expect(try verify(restarted, code, claim: restarted.claim("login-restart-00001", "totp.verify", code)) == first)
    // Past the 5-minute retention the key is forgotten: the request runs, and the code is spent.
    restarted.clock.advance(seconds: 2)
    #expect(try verify(restarted, code, claim: restarted.claim("login-restart-00001", "totp.verify", code)) != first)
}

@Test func sameKey_withOtherArgumentsOrOperation_isAMismatch_andChangesNothing() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    // A change whose answer is recorded (a refused code's answer is not: it runs again).
    _ = try harness.sync {
        harness.vault.setPhone(
            user: .test(), phone: "+14155550100", code: nil,
            idempotency: harness.claim("reused-key-00000001", "phone.set", "+14155550100"), completion: $0)
    }.get()
    let records = harness.persistence.records.withLock { $0.count }
    let mismatch = harness.sync {
        harness.vault.verify(
            user: .test(), code: code, idempotency: harness.claim("reused-key-00000001", "totp.verify", code),
            completion: $0)
    }
    #expect(failure(mismatch)?.code == .idempotencyMismatch)
    let otherOperation = harness.sync {
        harness.vault.verifyRecovery(
            user: .test(), code: "000000",
            idempotency: harness.claim("reused-key-00000001", "recovery.verify", "000000"),
            completion: $0)
    }
    #expect(failure(otherOperation)?.code == .idempotencyMismatch)
    #expect(harness.persistence.records.withLock { $0.count } == records)
    // The right code was not consumed by the refused request.
    guard case .accepted = try verify(harness, code, claim: nil) else {
        Issue.record("the mismatched request must not have run")
        return
    }
}

@Test func sameKey_fromAnotherPeerOrForAnotherUser_isAnotherKey() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("shared-key-00000001", "totp.verify", code)
    guard case .accepted(let step) = try verify(harness, code, claim: claim) else {
        Issue.record("the first verify must accept")
        return
    }
    #expect(try verify(harness, code, claim: claim) == .accepted(step: step))
    // The same key from another peer is another key: the code is a replay for it.
    let otherPeer = harness.claim("shared-key-00000001", "totp.verify", code, peer: 1001)
    #expect(try verify(harness, code, claim: otherPeer) == .replayed)
    let otherUser = harness.claim("shared-key-00000001", "totp.verify", code, user: .test("u-2"))
    #expect(otherUser != claim)
}

@Test func aRefusedCode_retriedWithTheSameKey_runsAgain_andMeetsTheLockout() throws {
    let harness = VaultHarness()
    _ = try harness.enroll(.test())
    let claim = harness.claim("same-wrong-code-0001", "totp.verify", "000000")
    // A user typing the same wrong code again and again (the gateway derives the same key each
    // time) is counted each time, so the policy's free failures run out as without keys.
    var outcomes: [VerifyOutcome] = []
    for _ in 0..<(VaultPolicy().freeFailures + 1) {
        outcomes.append(try verify(harness, "000000", claim: claim))
    }
    #expect(outcomes.first == .invalid(failures: 1, retryAfterMillis: nil))
    guard case .invalid(let failures, let retryAfter) = outcomes.last else {
        Issue.record("last: \(String(describing: outcomes.last))")
        return
    }
    #expect(Int(failures) == VaultPolicy().freeFailures + 1)
    #expect(retryAfter != nil, "the failure after the free ones starts the back-off")
}

@Test func retry_whileTheFirstRequestsWriteIsInFlight_isInProgress_thenGetsTheAnswer() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("in-flight-000000001", "totp.verify", code)
    harness.persistence.holding.withLock { $0 = true }
    let first = Mutex<Result<VerifyOutcome, VaultError>?>(nil)
    harness.vault.verify(user: .test(), code: code, idempotency: claim) { result in first.withLock { $0 = result } }
    #expect(first.withLock { $0 } == nil, "the first answer waits for its write")
    let retry = harness.sync { harness.vault.verify(user: .test(), code: code, idempotency: claim, completion: $0) }
    #expect(failure(retry)?.code == .idempotencyInProgress)
    #expect(failure(retry)?.retryAfterMillis != nil)
    harness.persistence.releaseHeld()
    let answered = try #require(first.withLock { $0 }).get()
    guard case .accepted = answered else {
        Issue.record("first: \(answered)")
        return
    }
    #expect(try verify(harness, code, claim: claim) == answered)
}

@Test func failedWrite_recordsNothing_andReleasesTheKey() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("failed-write-000001", "totp.verify", code)
    harness.persistence.failing.withLock { $0 = true }
    let failed = harness.sync { harness.vault.verify(user: .test(), code: code, idempotency: claim, completion: $0) }
    #expect(failure(failed)?.code == .unavailable)
    try harness.persistence.recover(harness.vault)
    // The disk never held the change or its answer: the retry runs, and the code works.
    guard case .accepted = try verify(harness, code, claim: claim) else {
        Issue.record("the retry after a failed write must run")
        return
    }
}

@Test func requestThatChangesNothing_isNotRecorded() throws {
    let harness = VaultHarness()
    #expect(
        try verify(harness, "123456", claim: harness.claim("nothing-changes-001", "totp.verify", "123456"))
            == .notEnrolled)
    #expect(harness.persistence.records.withLock { $0.isEmpty })
    #expect(harness.vault.userCount == 0)
}

@Test func retention_keepsAtMostSixteenAnswersPerUser_theOldestGoingFirst() throws {
    let harness = VaultHarness()
    // A user without an authenticator yet (sign-up): phone.set needs no code and records every change.
    func setPhone(_ key: String, _ phone: String) throws {
        _ = try harness.sync {
            harness.vault.setPhone(
                user: .test(), phone: phone, code: nil, idempotency: harness.claim(key, "phone.set", phone),
                completion: $0)
        }.get()
    }
    func phoneOnFile() throws -> String { try harness.vault.status(user: .test()).phoneMasked ?? "" }
    try setPhone("cap-key-00000000000", "+14155550100")
    for index in 1...15 {
        try setPhone("cap-key-\(index + 1000000000000)", "+1415555\(index + 1000)")
    }
    #expect(try phoneOnFile().hasSuffix("15"))
    // Within the sixteen kept answers, the first key's retry is answered from the record: the
    // phone is not changed back.
    try setPhone("cap-key-00000000000", "+14155550100")
    #expect(try phoneOnFile().hasSuffix("15"))
    try setPhone("cap-key-the-17th-one", "+14155550199")
    // Sixteen newer answers pushed the first one out: its retry runs again and changes the phone.
    try setPhone("cap-key-00000000000", "+14155550100")
    #expect(try phoneOnFile().hasSuffix("00"))
}

@Test func enrollBegin_retried_answersTheSameSetup_untilItIsConfirmed() throws {
    let harness = VaultHarness()
    let claim = harness.claim("begin-key-000000001", "enroll.begin", "alice")
    let first = try harness.sync {
        harness.vault.beginEnrollment(user: .test(), accountName: "alice", idempotency: claim, completion: $0)
    }.get()
    let again = try harness.sync {
        harness.vault.beginEnrollment(user: .test(), accountName: "alice", idempotency: claim, completion: $0)
    }.get()
    #expect(again.enrollmentID == first.enrollmentID)
    #expect(again.secretBase32 == first.secretBase32)
    #expect(again.uri == first.uri)
    #expect(try !harness.vault.status(user: .test()).enrolled)
    let secret = try Base32.decode(first.secretBase32)
    let confirmed = try harness.sync {
        harness.vault.confirmEnrollment(
            user: .test(), enrollmentID: first.enrollmentID, code: totp(secret, at: harness.clock.nowMillis()),
            completion: $0)
    }.get()
    guard case .confirmed = confirmed else {
        Issue.record("confirm: \(confirmed)")
        return
    }
    let afterConfirm = harness.sync {
        harness.vault.beginEnrollment(user: .test(), accountName: "alice", idempotency: claim, completion: $0)
    }
    #expect(failure(afterConfirm)?.code == .notPending)
}

@Test func enrollConfirm_retried_isConfirmedAgain_withTheBackupCodesWithheld() throws {
    let harness = VaultHarness()
    let start = try harness.sync {
        harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0)
    }.get()
    let secret = try Base32.decode(start.secretBase32)
    let code = totp(secret, at: harness.clock.nowMillis())
    let claim = harness.claim("confirm-key-0000001", "enroll.confirm", code)
    let first = try harness.sync {
        harness.vault.confirmEnrollment(
            user: .test(), enrollmentID: start.enrollmentID, code: code, idempotency: claim, completion: $0)
    }.get()
    guard case .confirmed(let step, .shown(let codes)) = first else {
        Issue.record("first: \(first)")
        return
    }
    #expect(codes.count == 10)
    let again = try harness.sync {
        harness.vault.confirmEnrollment(
            user: .test(), enrollmentID: start.enrollmentID, code: code, idempotency: claim, completion: $0)
    }.get()
    #expect(again == .confirmed(step: step, backupCodes: .withheld))
    #expect(try harness.vault.status(user: .test()).backupCodesLeft == 10)
}

@Test func reset_retried_isDoneOnce_andNotifiesOnce() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+44 20 7946 0958", code: nil, completion: $0) }
        .get()
    _ = try harness.enroll(.test())
    let claim = harness.claim("reset-key-000000001", "reset", "ops")
    for _ in 0..<2 {
        try harness.sync {
            harness.vault.reset(user: .test(), actor: "op", reason: "lost phone", idempotency: claim, completion: $0)
        }.get()
    }
    #expect(harness.sms.messages.withLock { $0.filter { $0.text.contains("was reset") }.count } == 1)
    #expect(harness.audit.components(separatedBy: "\"op\":\"reset\"").count - 1 == 2)
    #expect(!(try harness.vault.status(user: .test()).enrolled))
}

@Test func userRecord_ofFormat1_isRead_andRewrittenAsFormat2_withTheSameFields() throws {
    // Version 1's layout, written by hand: the bytes builds before this one stored.
    var writer = BinaryWriter()
    writer.u8(1)
    writer.bool(true)  // active seed
    try writer.shortBytes([UInt8](repeating: 9, count: 20))
    writer.u8(1)
    writer.u8(6)
    writer.u16(30)
    writer.i64(1_700_000_000_000)
    writer.bool(false)  // pending
    writer.u8(0)  // superseded
    writer.bool(true)
    writer.u64(56_666_666)
    writer.u32(3)
    writer.i64(0)
    writer.bool(true)
    try writer.shortString("+442079460958")
    writer.bool(false)  // recovery code
    writer.u8(1)
    writer.i64(1_700_000_100_000)
    let record = try VaultUserRecord(decoding: writer.bytes)
    #expect(record.active?.secret == [UInt8](repeating: 9, count: 20))
    #expect(record.lastAcceptedStep == 56_666_666)
    #expect(record.consecutiveFailures == 3)
    #expect(record.phone == "+442079460958")
    #expect(record.recoverySends == [1_700_000_100_000])
    #expect(record.backupCodesLeft == 0)
    #expect(record.outcomes.isEmpty)
    let rewritten = try record.encoded()
    #expect(rewritten.first == 2)
    #expect(try VaultUserRecord(decoding: rewritten) == record)
    // A version this build does not know is refused, not guessed at.
    var future = rewritten
    future[0] = 3
    #expect(throws: BinaryReader.Truncated.self) { try VaultUserRecord(decoding: future) }
}
