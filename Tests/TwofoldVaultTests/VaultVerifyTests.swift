import Testing

@testable import TwofoldVault

@Test func verify_acceptsCurrentAndAdjacentStepsOnly() throws {
    for (offset, expectAccepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
        let harness = VaultHarness()
        let secret = try harness.enroll(.test())
        harness.clock.advance(seconds: 90)
        let code = totp(secret, at: harness.clock.nowMillis(), offsetSteps: Int64(offset))
        let outcome = try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
        if expectAccepted {
            guard case .accepted = outcome else {
                Issue.record("offset \(offset): \(outcome)")
                continue
            }
        } else {
            guard case .invalid = outcome else {
                Issue.record("offset \(offset): \(outcome)")
                continue
            }
        }
    }
}

@Test func verify_whenCodeWasAlreadyUsed_isRejectedAsReplay() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    let first = try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
    let second = try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
    guard case .accepted = first else {
        Issue.record("first: \(first)")
        return
    }
    #expect(second == .replayed)
    // An earlier step's code, still inside the window, is a replay too.
    let previous = totp(secret, at: harness.clock.nowMillis(), offsetSteps: -1)
    let older = try harness.sync { harness.vault.verify(user: .test(), code: previous, completion: $0) }.get()
    #expect(older == .replayed)
}

@Test func verify_withoutEnrollment_saysNotEnrolled() throws {
    let harness = VaultHarness()
    #expect(
        try harness.sync { harness.vault.verify(user: .test(), code: "123456", completion: $0) }.get() == .notEnrolled)
}

@Test(arguments: ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", " 123456"])
func verify_withMalformedCode_isInvalid(code: String) throws {
    let harness = VaultHarness()
    _ = try harness.enroll(.test())
    guard case .invalid = try harness.sync({ harness.vault.verify(user: .test(), code: code, completion: $0) }).get()
    else {
        Issue.record("expected invalid")
        return
    }
}

@Test func verify_afterFiveFreeFailures_locksWithDoublingBackoffUpToFifteenMinutes() throws {
    let harness = VaultHarness()
    _ = try harness.enroll(.test())
    var waits: [Int64?] = []
    for _ in 0..<12 {
        let outcome = try harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) }.get()
        guard case .invalid(_, let wait) = outcome else {
            Issue.record("expected invalid, got \(outcome)")
            return
        }
        waits.append(wait)
        // Wait out the lockout so the next attempt is counted.
        if let wait { harness.clock.set(harness.clock.nowMillis() + wait) }
    }
    #expect(waits == [nil, nil, nil, nil, nil, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000])
}

@Test func verify_whileLockedOut_isRefusedEvenWithTheRightCode() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    for _ in 0..<6 { _ = harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) } }
    harness.clock.advance(seconds: 30 - 1)
    let code = totp(secret, at: harness.clock.nowMillis())
    let outcome = try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
    guard case .locked(let retry) = outcome, let retry, retry > 0, retry <= 1000 else {
        Issue.record("expected a short lockout, got \(outcome)")
        return
    }
}

@Test func verify_atHundredFailures_stopsUntilReset() throws {
    var policy = VaultPolicy()
    policy.firstLockoutMillis = 1
    policy.maximumLockoutMillis = 1
    let harness = VaultHarness(policy: policy)
    let secret = try harness.enroll(.test())
    for _ in 0..<100 {
        harness.clock.advance(seconds: 1)
        _ = harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) }
    }
    harness.clock.advance(seconds: 3600)
    let code = totp(secret, at: harness.clock.nowMillis())
    #expect(
        try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
            == .locked(retryAfterMillis: nil))
    _ = try harness.sync { harness.vault.reset(user: .test(), actor: "op", reason: "locked out", completion: $0) }.get()
    #expect(try harness.vault.status(user: .test()).locked == false)
}

@Test func verify_stateSurvivesRestart() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    let code = totp(secret, at: harness.clock.nowMillis())
    _ = try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
    for _ in 0..<6 { _ = harness.sync { harness.vault.verify(user: .test(), code: "000000", completion: $0) } }
    let restarted = try harness.restarted()
    let status = try restarted.vault.status(user: .test())
    #expect(status.enrolled)
    #expect(status.locked)
    restarted.clock.advance(seconds: 31)
    #expect(try restarted.sync { restarted.vault.verify(user: .test(), code: code, completion: $0) }.get() == .replayed)
}

@Test func verify_whenStorageFails_answersUnavailableAndForgetsTheChangeOnRecovery() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    harness.clock.advance(seconds: 30)
    harness.persistence.failing.withLock { $0 = true }
    let code = totp(secret, at: harness.clock.nowMillis())
    let result = harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }
    guard case .failure(let error) = result else {
        Issue.record("expected failure, got \(result)")
        return
    }
    #expect(error.code == .unavailable)
    #expect(error.detail == "storage.failed")
    #expect(error.retryAfterMillis == Vault.storageRetryMillis)
    // While failed, nothing is answered from memory (it may be ahead of the disk).
    #expect(throws: VaultError.self) { try harness.vault.status(user: .test()) }
    let refused = harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }
    #expect((try? refused.get()) == nil)
    #expect(harness.vault.health().degradedReason == "storage failed: stub")
    #expect(harness.persistence.refusals.withLock { $0 } == 2)

    // Recovered: the accepted step was never durable, so it is forgotten and the code works.
    try harness.persistence.recover(harness.vault)
    #expect(harness.vault.health().degradedReason == nil)
    #expect(
        try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get().name == "accepted")
}

@Test func everyOperation_withAPersistenceThatCompletesSynchronouslyAndFails_neverTrapsOnTheLock() throws {
    // The reported crash loop: a failed store completed inside `append`, under the state lock,
    // and the completion's counter took the same lock ("Recursive call to lock Mutex").
    let harness = VaultHarness(persistence: MemoryPersistence(synchronous: true))
    let secret = try harness.enroll(.test())
    harness.persistence.failing.withLock { $0 = true }
    for _ in 0..<3 {
        let code = totp(secret, at: harness.clock.nowMillis())
        _ = harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }
        _ = harness.sync { harness.vault.setPhone(user: .test(), phone: "+14155552671", code: code, completion: $0) }
        _ = harness.sync { harness.vault.reset(user: .test(), actor: "op", reason: "r", completion: $0) }
        _ = harness.sync { harness.vault.deleteUser(user: .test(), actor: "op", completion: $0) }
        _ = harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0) }
        _ = harness.sync { (done: @escaping @Sendable (Result<Void, VaultError>) -> Void) in
            harness.vault.compact { error in done(error == nil ? .success(()) : .failure(Vault.storageFailure())) }
        }
    }
    #expect(harness.vault.stats().operations["totp.verify"] == 3)
}

@Test func sealedRecords_holdNoSeedInTheClear() throws {
    let harness = VaultHarness()
    let secret = try harness.enroll(.test())
    let all = harness.persistence.records.withLock { $0 }.flatMap { $0 }
    #expect(!all.isEmpty)
    #expect(!containsSubsequence(all, secret))
}

@Test func sealedRecord_movedToAnotherUser_doesNotOpen() throws {
    let harness = VaultHarness()
    _ = try harness.enroll(.test("alice"))
    let record = try #require(harness.persistence.records.withLock { $0.last })
    let entry = try VaultLogEntry(decoding: record)
    let moved = VaultLogEntry(kind: .user, key: "mallory", sealed: entry.sealed)
    try harness.vault.replay(try moved.encoded())
    #expect(throws: VaultError.self) { try harness.vault.status(user: .test("mallory")) }
}

func containsSubsequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
        return true
    }
    return false
}
